"""Entries of the chat pane as the user sees them: search matches, code fences, links, failed
commands and cut output."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from openclaude_tui.ui.widgets.assistant_message import CodeItem
from openclaude_tui.ui.widgets.tool_card import ToolCardItem
from tests.helpers.app import (
    chat_lines,
    converse,
    idle,
    main_screen,
    make_app,
    make_config,
    screen_text,
    send,
    wait_for,
)
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

pytestmark = pytest.mark.usefixtures("home")


async def one_call(
    pilot: Pilot[object], server: ScriptedServer, tool: str, **arguments: object
) -> ToolCardItem:
    """A turn in which the model makes one call, then answers; the call's card."""
    server.script(Turn(tool_calls=[ToolCallSpec(tool, arguments)]), Turn(text="Done."))
    await converse(pilot, f"use {tool}")
    items = main_screen(pilot.app).chat.items
    return next(item for item in items if isinstance(item, ToolCardItem))


async def test_a_search_match_keeps_the_rest_of_its_line(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text="Look: the needle sits in the middle of this line."))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 30)) as pilot:
        await converse(pilot, "hide it")
        await pilot.press("ctrl+f", *"needle")
        await pilot.pause()
        assert "needle sits" in main_screen(app).chat.selected.copy_text()
        assert any(
            line.endswith("Look: the needle sits in the middle of this line.")
            for line in chat_lines(app)
        ), chat_lines(app)


async def test_an_answer_ending_in_a_code_block_shows_and_copies_no_closing_fence(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text="Run this:\n\n```bash\nls -la\n```", chunk_size=4))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 30)) as pilot:
        await converse(pilot, "what do I run?")
        chat = main_screen(app).chat
        code = [item for item in chat.items if isinstance(item, CodeItem)]
        assert [item.copy_text() for item in code] == ["ls -la"]
        assert "```" not in screen_text(app)


async def test_an_answer_interrupted_inside_its_closing_fence_shows_no_part_of_it(
    project: Path, scripted_server: ScriptedServer
) -> None:
    # The text up to "``" of the closing fence comes in one chunk, the rest 3 s later:
    # Esc is pressed in between (had the rest come first, the fence would be whole).
    text = "Run this:\n\n```bash\nls -la\n``"
    scripted_server.script(
        Turn(text=text + "`\n\nDone.", chunk_size=len(text), token_delay=3),
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 30)) as pilot:
        await idle(pilot)
        await send(pilot, "what do I run?")
        await wait_for(pilot, lambda: "ls -la" in screen_text(app))
        assert not any(line.strip() == "``" for line in chat_lines(app))
        await pilot.press("escape")
        await idle(pilot)
        chat = main_screen(app).chat
        code = [item for item in chat.items if isinstance(item, CodeItem)]
        assert [item.copy_text() for item in code] == ["ls -la"]
        assert "Interrupted" in screen_text(app)
        assert not any(line.strip() == "``" for line in chat_lines(app))


async def test_a_link_shows_its_url(project: Path, scripted_server: ScriptedServer) -> None:
    scripted_server.script(
        Turn(text="See [the docs](https://example.com/guide) or <https://example.org>.")
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 30)) as pilot:
        await converse(pilot, "where is the guide?")
        shown = "\n".join(chat_lines(app))
        assert "See the docs (https://example.com/guide) or https://example.org." in shown


async def test_a_command_that_fails_is_shown_failed_with_its_exit_code(
    project: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 30)) as pilot:
        card = await one_call(pilot, scripted_server, "Bash", command="ls no-such-file")
        assert card.state == "failed"
        head = next(line for line in chat_lines(app) if "ls no-such-file" in line)
        assert head.lstrip().startswith("✗ Bash"), head
        assert "exit code 2" in head, head
        assert "✗ Bash" in screen_text(app)  # the sidebar's row too
    # The model still gets the output and the exit code as before.
    result = scripted_server.last_request.messages[-1]["content"]
    assert "No such file or directory" in result and result.endswith("Exit code: 2")


async def test_enter_expands_a_one_line_result_cut_at_the_edge_of_the_pane(
    project: Path, scripted_server: ScriptedServer
) -> None:
    words = " ".join(f"word{n}" for n in range(60)) + " THE-END"
    (project / "long.txt").write_text(words + "\n")
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(100, 30)) as pilot:
        card = await one_call(pilot, scripted_server, "Read", file_path="long.txt")
        screen = main_screen(app)
        assert "THE-END" not in screen_text(app)
        screen.chat.focus()
        screen.chat.select(card)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "THE-END" in "\n".join(chat_lines(app)))
        shown = "".join(line.replace("▌", "").strip() for line in chat_lines(app))
        assert words.replace(" ", "") in shown.replace(" ", "")
