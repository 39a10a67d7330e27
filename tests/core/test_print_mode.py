"""Print mode as a user runs it: a real process, a real git repo, the scripted server."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.print_mode import openclaude, openclaude_env
from tests.helpers.repos import EDIT_AUTH, PYTEST, WALKTHROUGH, make_auth_repo
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn


def test_the_walkthrough_fixes_the_failing_test(tmp_path: Path) -> None:
    repo = make_auth_repo(tmp_path / "repo")
    with ScriptedServer(WALKTHROUGH) as server:
        done = openclaude(
            repo,
            tmp_path / "home",
            "-p",
            "Fix the failing test in src/auth.py",
            "--base-url",
            server.base_url,
            "--model",
            "scripted-model",
            "--permission-mode",
            "acceptEdits",
            "--allow",
            "Bash(python -m pytest:*)",
        )
        assert done.returncode == 0, done.stderr
        assert not server.exhausted
        results = server.tool_results()
    assert done.stdout.strip() == (
        "Fixed: `src/auth.py` now reads `user.active`, and the tests pass."
    )
    assert (repo / "src" / "auth.py").read_text().endswith("return user.active\n")
    assert len(results) == 5
    first_run, read, grep, edit, second_run = results
    assert "AttributeError" in first_run and "2 failed" in first_run
    assert "return user.is_active" in read
    assert "self.active = active" in grep
    assert "+    return user.active" in edit
    assert "2 passed" in second_run and "failed" not in second_run
    # One line per tool call on stderr.
    log = [line for line in done.stderr.strip().splitlines() if "(" in line]
    assert [line.split("(")[0][2:] for line in log] == ["Bash", "Read", "Grep", "Edit", "Bash"]


def test_without_the_rules_the_edit_is_denied_and_the_file_kept(tmp_path: Path) -> None:
    repo = make_auth_repo(tmp_path / "repo")
    turns = [
        Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "src/auth.py"})]),
        Turn(tool_calls=[EDIT_AUTH]),
        Turn(text="I could not edit the file."),
    ]
    with ScriptedServer(turns) as server:
        done = openclaude(repo, tmp_path / "home", "-p", "fix it", "--base-url", server.base_url)
        results = server.tool_results()
    assert done.returncode == 0, done.stderr
    assert (repo / "src" / "auth.py").read_text().endswith("return user.is_active\n")
    # The model hears that nobody could be asked; the user reads how to allow it.
    assert results[1].startswith("This call was not run: it needs the user's approval")
    assert "default mode asks before each change to a file" in results[1]
    assert "denied" not in results[1]
    assert "print mode cannot ask; allow edits with --permission-mode acceptEdits" in done.stderr


def test_a_command_that_would_ask_names_the_rule_that_allows_it(tmp_path: Path) -> None:
    repo = make_auth_repo(tmp_path / "repo")
    turns = [
        Turn(tool_calls=[ToolCallSpec("Bash", {"command": PYTEST})]),
        Turn(tool_calls=[ToolCallSpec("Bash", {"command": "rm -rf /tmp/elsewhere"})]),
        Turn(text="Neither ran."),
    ]
    with ScriptedServer(turns) as server:
        done = openclaude(repo, tmp_path / "home", "-p", "test", "--base-url", server.base_url)
    assert done.returncode == 0, done.stderr
    assert "allow it with --allow 'Bash(python -m pytest:*)'" in done.stderr
    assert "such calls always ask; only --permission-mode bypassPermissions" in done.stderr


def _json_run(tmp_path: Path, turns: list[Turn], *args: str) -> tuple[int, Any]:
    with ScriptedServer(turns) as server:
        done = openclaude(
            tmp_path, tmp_path / "home", "-p", "hi", "--base-url", server.base_url, *args
        )
    return done.returncode, done.stdout


def test_json_output(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("alpha\n")
    code, out = _json_run(
        tmp_path,
        [Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "a.txt"})]), Turn(text="alpha!")],
        "--output-format",
        "json",
    )
    assert code == 0
    result = json.loads(out)
    assert result["result"] == "alpha!"
    assert result["is_error"] is False
    assert result["num_turns"] == 2
    assert result["stop_reason"] == "end_turn"
    assert result["usage"]["prompt_tokens"] > 0
    assert [(c["name"], c["status"]) for c in result["tool_calls"]] == [("Read", "done")]
    assert isinstance(result["duration_ms"], int)


def test_stream_json_output(tmp_path: Path) -> None:
    code, out = _json_run(
        tmp_path, [Turn(text="one two three four five")], "--output-format", "stream-json"
    )
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    types = [event["type"] for event in events]
    assert types[-1] == "turn_finished"
    assert "text_delta" in types and "usage" in types
    text = "".join(e["text"] for e in events if e["type"] == "text_delta")
    assert text == "one two three four five"


def test_exit_code_3_at_max_turns(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a\n")
    loop = [Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "a.txt"})])] * 2
    with ScriptedServer(loop) as server:
        done = openclaude(
            tmp_path, tmp_path / "home", "-p", "x", "--base-url", server.base_url,
            "--max-turns", "2",
        )  # fmt: skip
    assert done.returncode == 3
    assert "stopped after 2 model requests" in done.stderr


def test_exit_code_1_with_one_line_for_a_provider_error(tmp_path: Path) -> None:
    with ScriptedServer(api_key="secret") as server:
        done = openclaude(
            tmp_path, tmp_path / "home", "-p", "x", "--base-url", server.base_url,
            "--model", "scripted-model", "--api-key", "wrong",
        )  # fmt: skip
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("openclaude:")]
    assert len(errors) == 1 and "refused the API key" in errors[0]
    assert "Traceback" not in done.stderr


def test_model_defaults_to_the_only_one_the_server_has(tmp_path: Path) -> None:
    with ScriptedServer([Turn(text="hi")], models=["only-model"]) as server:
        done = openclaude(tmp_path, tmp_path / "home", "-p", "x", "--base-url", server.base_url)
        assert server.last_request.body["model"] == "only-model"
    assert done.returncode == 0 and done.stdout == "hi\n"
    with ScriptedServer([], models=["a", "b"]) as server:
        done = openclaude(tmp_path, tmp_path / "home", "-p", "x", "--base-url", server.base_url)
    assert done.returncode == 1
    assert "several models (a, b)" in done.stderr and "--model" in done.stderr


def test_unknown_model_lists_the_offered_ones(tmp_path: Path) -> None:
    with ScriptedServer([], models=["qwen2.5-coder:14b"]) as server:
        done = openclaude(
            tmp_path, tmp_path / "home", "-p", "x", "--base-url", server.base_url, "-m", "nope"
        )
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("openclaude:")]
    assert errors == [
        f'openclaude: model "nope" not found at {server.base_url}; '
        "the server offers: qwen2.5-coder:14b"
    ]


def test_prompt_from_stdin_and_usage_errors(tmp_path: Path) -> None:
    with ScriptedServer([Turn(text="from stdin")]) as server:
        done = openclaude(
            tmp_path, tmp_path / "home", "-p", "--base-url", server.base_url, stdin="hello"
        )
        assert server.chat_requests[0].messages[-1]["content"] == "hello"
    assert done.stdout == "from stdin\n"
    done = openclaude(tmp_path, tmp_path / "home", "-p", "x", "--permission-mode", "yolo")
    assert done.returncode == 2
    done = openclaude(tmp_path, tmp_path / "home", "-p", "x", "--allow", "Bash(oops")
    assert done.returncode == 2 and "Tool(specifier)" in done.stderr


def test_ctrl_c_interrupts_with_exit_130(tmp_path: Path) -> None:
    slow = [Turn(tool_calls=[ToolCallSpec("Bash", {"command": "sleep 60"})]), Turn(text="x")]
    with ScriptedServer(slow) as server:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "openclaude_tui", "-p", "wait",
                "--base-url", server.base_url, "--dangerously-skip-permissions",
            ],
            cwd=tmp_path,
            env=openclaude_env(tmp_path / "home"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not server.chat_requests and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)
        process.send_signal(signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail("print mode did not stop on Ctrl+C")
    assert process.returncode == 130
    assert "Traceback" not in stderr
    assert "interrupted" in stderr


def test_stream_json_carries_the_diff_of_each_file_change(tmp_path: Path) -> None:
    write = ToolCallSpec("Write", {"file_path": "notes/todo.txt", "content": "ship it\n"})
    code, out = _json_run(
        tmp_path,
        [Turn(tool_calls=[write]), Turn(text="Written.")],
        "--output-format",
        "stream-json",
        "--permission-mode",
        "acceptEdits",
    )
    assert code == 0
    finished = [json.loads(line) for line in out.splitlines()]
    finished = [event for event in finished if event["type"] == "tool_call_finished"]
    assert len(finished) == 1
    assert finished[0]["diff"].splitlines()[:3] == [
        "--- /dev/null",
        "+++ b/notes/todo.txt",
        "@@ -0,0 +1 @@",
    ]
    assert "+ship it" in finished[0]["diff"]
