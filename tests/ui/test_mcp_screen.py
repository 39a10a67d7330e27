"""MCP servers in the app: the status bar's count, the /mcp screen (states, tools, last error,
restart), a call through the permission modal, and the servers' end with the app.

The servers are the real test server (tests/mcp_server) over stdio; the model is the
scripted server."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from openclaude_tui.core.events import McpServerStatus
from openclaude_tui.core.permissions import trust
from openclaude_tui.ui import messages
from openclaude_tui.ui.screens.mcp import McpScreen
from openclaude_tui.ui.screens.trust import TrustScreen
from tests.helpers.app import (
    CLOSED_URL,
    ask_for_approval,
    idle,
    main_screen,
    make_app,
    make_config,
    screen_text,
    send,
    wait_for,
    wait_to_show,
)
from tests.helpers.mcp import stdio_entry, write_servers
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn
from tests.security import processes

# Starting a Python process that imports the mcp package takes seconds on a loaded machine.
START_LIMIT = 90.0


async def test_the_mcp_screen_shows_each_server_and_restarts_a_failed_one(
    project: Path, tmp_path: Path
) -> None:
    needed = tmp_path / "needed.txt"
    config_file = write_servers(
        tmp_path / "servers.json",
        {"main": stdio_entry(), "late": stdio_entry("--require", str(needed))},
    )
    with ScriptedServer([]) as server:
        config = make_config(project, server.base_url, mcp_config=[str(config_file)])
        app = make_app(config)
        async with app.run_test(size=(120, 36)) as pilot:
            screen = main_screen(app)
            await wait_for(pilot, lambda: screen.status.status.mcp == (1, 2), START_LIMIT)
            await wait_to_show(pilot, "MCP 1/2", "the MCP server late failed")
            await send(pilot, "/mcp")
            await wait_for(pilot, lambda: isinstance(app.screen, McpScreen))
            text = await wait_to_show(pilot, "MCP servers", "running", "failed")
            assert "main" in text and "6 tools" in text and "late" in text
            assert "Tools: add, echo, write_marker, picture, crash, fail" in text
            await pilot.press("down")
            await wait_to_show(pilot, "Last error:", "test server:")
            mcp_screen = app.screen
            assert isinstance(mcp_screen, McpScreen)
            # The error ends with the server's stderr (its long path wraps on the screen).
            assert mcp_screen.servers[1].error.endswith(f"test server: {needed} is missing")
            needed.write_text("here")
            await pilot.press("r")
            await wait_for(pilot, lambda: screen.status.status.mcp == (2, 2), START_LIMIT)
            await wait_for(pilot, lambda: {s.state for s in mcp_screen.servers} == {"running"})
            text = await wait_to_show(pilot, "Tools: add, echo")
            assert "Last error" not in text
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, McpScreen))


async def test_an_mcp_call_asks_in_default_mode_and_its_result_reaches_the_model(
    project: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "marker.txt"
    started = tmp_path / "started.txt"
    config_file = write_servers(
        tmp_path / "servers.json", {"srv": stdio_entry("--marker-at-start", str(started))}
    )
    call = ToolCallSpec("mcp__srv__write_marker", {"path": str(marker)})
    with ScriptedServer([Turn(tool_calls=[call]), Turn(text="Written.")]) as server:
        config = make_config(project, server.base_url, mcp_config=[str(config_file)])
        app = make_app(config)
        async with app.run_test(size=(120, 36)) as pilot:
            screen = main_screen(app)
            await wait_for(pilot, lambda: screen.status.status.mcp == (1, 1), START_LIMIT)
            modal = await ask_for_approval(pilot, "write the marker")
            assert "mcp__srv__write_marker" in screen_text(app)
            assert not marker.exists()
            assert modal.is_active
            await pilot.press("1")
            await idle(pilot)
            assert marker.read_text() == "ran"
            assert server.tool_results() == [f"wrote {marker}"]
            assert processes.pids_running(str(started))
    # Leaving the app ends the server's process.
    processes.wait_until(lambda: not processes.pids_running(str(started)), "the server ending")


async def test_always_allowing_an_mcp_tool_keeps_its_rule_for_the_next_call(
    project: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    config_file = write_servers(tmp_path / "servers.json", {"srv": stdio_entry()})
    turns = [
        Turn(tool_calls=[ToolCallSpec("mcp__srv__write_marker", {"path": str(first)})]),
        Turn(tool_calls=[ToolCallSpec("mcp__srv__write_marker", {"path": str(second)})]),
        Turn(text="Both written."),
    ]
    with ScriptedServer(turns) as server:
        config = make_config(project, server.base_url, mcp_config=[str(config_file)])
        app = make_app(config)
        async with app.run_test(size=(120, 36)) as pilot:
            screen = main_screen(app)
            await wait_for(pilot, lambda: screen.status.status.mcp == (1, 1), START_LIMIT)
            await ask_for_approval(pilot, "write both")
            assert "Always allow mcp__srv__write_marker in this project" in screen_text(app)
            await pilot.press("2")
            await idle(pilot)
            # The second call ran without a question.
            assert second.read_text() == "ran" and first.read_text() == "ran"
            assert server.tool_results() == [f"wrote {first}", f"wrote {second}"]
    local = (project / ".openclaude" / "settings.local.toml").read_text()
    assert "mcp__srv__write_marker" in local


async def test_without_servers_the_status_bar_shows_no_count(project: Path) -> None:
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(120, 36)) as pilot:
        await idle(pilot)
        await send(pilot, "/mcp")
        await wait_for(pilot, lambda: isinstance(app.screen, McpScreen))
        text = await wait_to_show(pilot, "No MCP servers are configured")
        assert "MCP 0/0" not in text
        await pilot.press("r")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, McpScreen))
        assert "MCP " not in screen_text(app)


STATUSES = (
    McpServerStatus(
        "github",
        "running",
        "http",
        "config.toml",
        ("mcp__github__search_issues", "mcp__github__create_issue"),
    ),
    McpServerStatus(
        "docs",
        "failed",
        "stdio",
        ".mcp.json",
        (),
        "the server closed the connection; its stderr: docs-server: cannot open index.db",
    ),
    McpServerStatus("notes", "starting", "stdio", "command line: --mcp-config notes.json"),
)


@pytest.mark.usefixtures("fixed_home")
def test_mcp_screen_snapshot(snap_compare: object, project: Path) -> None:
    """The /mcp screen over the dimmed app: three rows, `running github` (green, 2 tools ·
    http · config.toml) highlighted, `failed docs` (red, 0 tools · stdio · .mcp.json),
    `starting notes` (amber); under them the highlighted server's tools (search_issues,
    create_issue) and no error; the hint `r restart the highlighted server · esc close`. The
    status bar below ends with `MCP 1/3` in amber."""

    async def run_before(pilot: Pilot[object]) -> None:
        await idle(pilot)
        screen = main_screen(pilot.app)
        # The prompt's cursor blinks.
        screen.prompt_input.cursor_blink = False
        screen.post_message(messages.McpChanged(1, 3, ()))
        await pilot.pause()

        async def restart(name: str) -> None:
            return None

        pilot.app.push_screen(McpScreen(STATUSES, restart))
        await pilot.pause()

    app = make_app(make_config(project, CLOSED_URL))
    assert snap_compare(app, terminal_size=(110, 30), run_before=run_before)  # type: ignore[operator]


@pytest.mark.usefixtures("home")
@pytest.mark.parametrize("trusted", [False, True], ids=["ignored", "trusted"])
async def test_the_trust_question_names_the_project_servers_and_only_trust_starts_them(
    project: Path, tmp_path: Path, trusted: bool
) -> None:
    started = tmp_path / "started.txt"
    write_servers(project / ".mcp.json", {"proj": stdio_entry("--marker-at-start", str(started))})
    with ScriptedServer([]) as server:
        app = make_app(make_config(project, server.base_url))
        async with app.run_test(size=(110, 32)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrustScreen))
            assert "mcpServers = proj (MCP servers it would start or reach)" in screen_text(app)
            await pilot.press(*(["tab", "enter"] if trusted else ["enter"]))
            await idle(pilot)
            screen = main_screen(app)
            if trusted:
                await wait_for(pilot, lambda: screen.status.status.mcp == (1, 1), START_LIMIT)
                assert started.exists()
            else:
                assert screen.session is not None and screen.session.mcp is None
                assert not started.exists()
                assert screen.status.status.mcp is None
    assert trust.is_trusted(project) is trusted
    processes.wait_until(lambda: not processes.pids_running(str(started)), "the server ending")
