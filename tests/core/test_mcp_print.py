"""MCP servers in print mode: the real test server (tests/mcp_server), over stdio and HTTP,
the real `openclaude -p` process and the scripted model server's request log."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.mcp import http_server, stdio_entry, write_servers
from tests.helpers.print_mode import openclaude
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, ToolCallSpec, Turn
from tests.security import processes


def _run(
    tmp_path: Path, turns: list[Turn], *args: str
) -> tuple[Any, list[str], list[dict[str, Any]]]:
    """Run `openclaude -p` in `tmp_path/project`; the run, the tool results the model got
    last, and the tools its first request offered."""
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    with ScriptedServer(turns) as server:
        done = openclaude(
            project, tmp_path / "home", "-p", "go", "--base-url", server.base_url, *args
        )
        results = server.tool_results()
        requests = server.chat_requests
        offered = requests[0].tools if requests else []
    assert "Traceback" not in done.stderr
    return done, results, offered


def _offered(tools: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    return next((t["function"] for t in tools if t["function"]["name"] == name), None)


def _write_marker(tmp_path: Path, *args: str) -> tuple[Any, list[str], Path]:
    """A run whose model calls `mcp__srv__write_marker` once: the run, the results, the file
    the call writes if it runs."""
    marker = tmp_path / "marker.txt"
    config = write_servers(tmp_path / "servers.json", {"srv": stdio_entry()})
    call = ToolCallSpec("mcp__srv__write_marker", {"path": str(marker)})
    turns = [Turn(tool_calls=[call]), Turn(text="over")]
    done, results, _ = _run(tmp_path, turns, "--mcp-config", str(config), *args)
    return done, results, marker


ADD = [Turn(tool_calls=[ToolCallSpec("mcp__srv__add", {"a": 2, "b": 40})]), Turn(text="42")]


def test_a_call_reaches_the_stdio_server_and_its_result_the_model(tmp_path: Path) -> None:
    config = write_servers(tmp_path / "servers.json", {"srv": stdio_entry()})
    done, results, offered = _run(
        tmp_path, ADD, "--mcp-config", str(config), "--allow", "mcp__srv__add"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "42"
    assert results == ["2 + 40 = 42"]
    # The server's own schema is what the model sees.
    add = _offered(offered, "mcp__srv__add")
    assert add is not None and set(add["parameters"]["properties"]) == {"a", "b"}
    assert "(from the MCP server srv)" in add["description"]
    assert _offered(offered, "mcp__srv__echo") is not None


def test_a_call_reaches_the_http_server_and_its_result_the_model(tmp_path: Path) -> None:
    with http_server() as url:
        entry = {"type": "http", "url": url, "headers": {"X-Test": "yes"}}
        config = write_servers(tmp_path / "servers.json", {"srv": entry})
        done, results, _ = _run(tmp_path, ADD, "--mcp-config", str(config), "--allow", "mcp__srv")
    assert done.returncode == 0, done.stderr
    assert results == ["2 + 40 = 42"]


def test_a_server_from_the_user_config_needs_no_trust(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    entry = stdio_entry()
    env = ", ".join(f'{k} = "{v}"' for k, v in entry["env"].items())
    args = ", ".join(f'"{a}"' for a in entry["args"])
    (home / "config" / "config.toml").write_text(
        f'[mcp_servers.srv]\ncommand = "{entry["command"]}"\nargs = [{args}]\nenv = {{ {env} }}\n'
    )
    done, results, _ = _run(tmp_path, ADD, "--allow", "mcp__srv__add")
    assert done.returncode == 0, done.stderr
    assert results == ["2 + 40 = 42"]


@pytest.mark.parametrize(
    ("rules", "runs"),
    [
        ([], False),
        (["mcp__srv__add"], False),
        (["mcp__other"], False),
        (["mcp__srv__write_marker"], True),
        (["mcp__srv"], True),
    ],
    ids=["no-rule", "another-tool", "another-server", "the-tool", "the-server"],
)
def test_a_rule_allows_an_mcp_tool_and_without_one_print_mode_refuses_it(
    tmp_path: Path, rules: list[str], runs: bool
) -> None:
    allow = [arg for rule in rules for arg in ("--allow", rule)]
    done, results, marker = _write_marker(tmp_path, *allow)
    assert done.returncode == 0, done.stderr
    assert marker.exists() is runs
    if runs:
        assert results == [f"wrote {marker}"]
    else:
        assert results[0].startswith("This call was not run: it needs the user's approval")
        # The rule that would allow it is named.
        assert "allow it with --allow mcp__srv__write_marker" in done.stderr


def test_read_only_hints_of_a_server_do_not_allow_its_tools(tmp_path: Path) -> None:
    """The test server's tools carry no annotation a client could trust: even so, in
    `acceptEdits` mode (which allows edits) an MCP call still needs a rule."""
    done, _, marker = _write_marker(tmp_path, "--permission-mode", "acceptEdits")
    assert done.returncode == 0, done.stderr
    assert not marker.exists()


def test_an_untrusted_project_server_is_not_started(tmp_path: Path) -> None:
    started = tmp_path / "started.txt"
    project = tmp_path / "project"
    project.mkdir()
    write_servers(project / ".mcp.json", {"proj": stdio_entry("--marker-at-start", str(started))})
    done, _, offered = _run(tmp_path, [Turn(text="hello")])
    assert done.returncode == 0, done.stderr
    assert not started.exists()
    assert not [t for t in offered if t["function"]["name"].startswith("mcp__")]
    assert "ignored settings of this untrusted project: .mcp.json: mcpServers" in done.stderr
    assert "--trust-project" in done.stderr


def test_a_trusted_project_server_runs(tmp_path: Path) -> None:
    started = tmp_path / "started.txt"
    project = tmp_path / "project"
    project.mkdir()
    write_servers(project / ".mcp.json", {"proj": stdio_entry("--marker-at-start", str(started))})
    done, _, offered = _run(tmp_path, [Turn(text="hello")], "--trust-project")
    assert done.returncode == 0, done.stderr
    assert started.exists()
    assert _offered(offered, "mcp__proj__add") is not None
    # Its process is gone when the run is.
    processes.wait_until(lambda: not processes.pids_running(str(started)), "the server ending")


def test_a_server_that_fails_to_start_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    config = write_servers(
        tmp_path / "servers.json",
        {"bad": stdio_entry("--crash-at-start"), "srv": stdio_entry()},
    )
    done, results, offered = _run(tmp_path, ADD, "--mcp-config", str(config), "--allow", "mcp__srv")
    assert done.returncode == 0, done.stderr
    assert results == ["2 + 40 = 42"]
    assert "MCP server bad failed" in done.stderr
    assert "refusing to start" in done.stderr
    assert not [t for t in offered if t["function"]["name"].startswith("mcp__bad__")]


def test_a_server_that_dies_mid_session_becomes_an_error_result(tmp_path: Path) -> None:
    config = write_servers(tmp_path / "servers.json", {"srv": stdio_entry()})
    turns = [
        Turn(tool_calls=[ToolCallSpec("mcp__srv__crash", {})]),
        Turn(tool_calls=[ToolCallSpec("mcp__srv__add", {"a": 1, "b": 1})]),
        Turn(text="the server is gone"),
    ]
    done, results, _ = _run(tmp_path, turns, "--mcp-config", str(config), "--allow", "mcp__srv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "the server is gone"
    crashed, after = results
    assert "The MCP server srv could not run crash" in crashed
    assert "crashing on purpose" in crashed
    # The server's tools are withdrawn: the model's next call names an unknown tool.
    assert "There is no tool named 'mcp__srv__add'" in after
    assert "MCP server srv failed" in done.stderr


def test_a_server_error_is_an_error_result(tmp_path: Path) -> None:
    config = write_servers(tmp_path / "servers.json", {"srv": stdio_entry()})
    turns = [
        Turn(tool_calls=[ToolCallSpec("mcp__srv__fail", {"reason": "no such thing"})]),
        Turn(tool_calls=[ToolCallSpec("mcp__srv__picture", {})]),
        Turn(text="ok"),
    ]
    done, results, _ = _run(tmp_path, turns, "--mcp-config", str(config), "--allow", "mcp__srv")
    assert done.returncode == 0, done.stderr
    failed, picture = results
    assert "no such thing" in failed
    assert picture == "[image: image/png, 70 bytes]"
    assert "✗ mcp__srv__fail" in done.stderr


def test_a_missing_mcp_config_file_is_a_config_error(tmp_path: Path) -> None:
    done, _, _ = _run(tmp_path, [], "--mcp-config", str(tmp_path / "nope.json"))
    assert done.returncode == 2
    assert "--mcp-config" in done.stderr and "no such file" in done.stderr


def test_sigterm_ends_the_run_and_its_servers(tmp_path: Path) -> None:
    started = tmp_path / "started.txt"
    config = write_servers(
        tmp_path / "servers.json", {"srv": stdio_entry("--marker-at-start", str(started))}
    )
    project = tmp_path / "project"
    project.mkdir()
    # The model never answers, so the run is still going when the signal comes.
    with ScriptedServer([Turn(text="late", delay=600)]) as server:
        args = ["-p", "go", "--base-url", server.base_url, "-m", DEFAULT_MODEL,
                "--mcp-config", str(config)]  # fmt: skip
        process = processes.start(args, project, processes.clean_env(tmp_path / "home"))
        try:
            processes.wait_until(lambda: server.chat_requests, "the first request")
            assert processes.pids_running(str(started))
            process.send_signal(signal.SIGTERM)
            _out, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 143, err
    assert "Traceback" not in err
    processes.wait_until(lambda: not processes.pids_running(str(started)), "the server ending")


def test_a_deny_rule_on_a_server_holds_even_in_bypass_mode(tmp_path: Path) -> None:
    done, results, marker = _write_marker(
        tmp_path, "--dangerously-skip-permissions", "--deny", "mcp__srv"
    )
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert "a deny rule forbids it: mcp__srv" in results[0]
