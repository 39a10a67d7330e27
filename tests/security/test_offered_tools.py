"""``--tools`` and the ``tools`` setting: the model is offered only the tools named.

A real print-mode process against the scripted server: the request's tool list and system
prompt name only those tools, a call to another one runs nothing, and a name that is no
tool stops the run with one line saying where it was set.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers.print_mode import openclaude
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn


def _names(server: ScriptedServer) -> list[str]:
    return [tool["function"]["name"] for tool in server.chat_requests[0].tools]


def test_only_the_named_tools_are_offered_and_others_run_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    turns = [
        Turn(tool_calls=[ToolCallSpec("Bash", {"command": f"touch {marker}"})]),
        Turn(text="done"),
    ]
    with ScriptedServer(turns) as server:
        done = openclaude(
            tmp_path, tmp_path / "home", "-p", "x", "--base-url", server.base_url,
            "--tools", "Read, grep", "--dangerously-skip-permissions",
        )  # fmt: skip
        assert _names(server) == ["Read", "Grep"]
        system = server.chat_requests[0].messages[0]["content"]
        results = server.tool_results()
    assert done.returncode == 0, done.stderr
    assert "Available tools: Read, Grep." in system
    assert not marker.exists()
    assert len(results) == 1 and "Bash" in results[0]


def test_the_setting_in_the_user_config_and_the_flag_over_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text('tools = ["Read", "Glob"]\n')
    with ScriptedServer([Turn(text="one"), Turn(text="two")]) as server:
        first = openclaude(tmp_path, home, "-p", "x", "--base-url", server.base_url)
        second = openclaude(
            tmp_path, home, "-p", "x", "--base-url", server.base_url, "--tools", "Edit"
        )
        offered = [
            [tool["function"]["name"] for tool in request.tools] for request in server.chat_requests
        ]
    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    assert offered == [["Read", "Glob"], ["Edit"]]


def test_a_name_that_is_no_tool_is_one_clear_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text('tools = ["Read", "Raed"]\n')
    done = openclaude(tmp_path, home, "-p", "x", "--base-url", "http://127.0.0.1:9/v1")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "config.toml: tools" in lines[0], done.stderr
    assert "no built-in tool is called 'Raed'" in lines[0] and "Grep" in lines[0]
    done = openclaude(tmp_path, home, "-p", "x", "--tools", ",")
    assert done.returncode == 2 and "--tools" in done.stderr
