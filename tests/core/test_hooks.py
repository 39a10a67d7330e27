"""Hooks as a user meets them in print mode: real hook scripts, a real process, the scripted
server's request log, files on disk and the process list."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.helpers.print_mode import openclaude
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn
from tests.security.processes import is_running, process_listing

TOUCH = ToolCallSpec("Bash", {"command": "touch marker"})


def _script(path: Path, body: str) -> str:
    """Write a hook script and return the command that runs it."""
    path.write_text("#!/bin/sh\n" + body)
    return f"sh {shlex.quote(str(path))}"


def _recorder(tmp_path: Path, name: str, then: str) -> tuple[str, Path]:
    """A hook that saves its stdin in ``NAME.json`` and then runs ``then``; its command and
    where it saves."""
    seen = tmp_path / f"{name}.json"
    return _script(tmp_path / f"{name}.sh", f"cat > {shlex.quote(str(seen))}\n{then}"), seen


def _settings(place: Path, hooks: dict[str, list[dict[str, object]]]) -> None:
    """Write ``[[hooks.EVENT]]`` tables into the settings file ``place``."""
    lines = []
    for event, entries in hooks.items():
        for entry in entries:
            lines.append(f"[[hooks.{event}]]")
            lines += [f"{key} = {json.dumps(value)}" for key, value in entry.items()]
    place.parent.mkdir(parents=True, exist_ok=True)
    place.write_text("\n".join(lines) + "\n")


def _project_hooks(project: Path, hooks: dict[str, list[dict[str, object]]]) -> None:
    _settings(project / ".openclaude" / "settings.toml", hooks)


def _user_hooks(tmp_path: Path, hooks: dict[str, list[dict[str, object]]]) -> None:
    """Hooks in the user's own config (home ``tmp_path/home``): no trust needed."""
    _settings(tmp_path / "home" / "config" / "config.toml", hooks)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project directory."""
    root = tmp_path / "project"
    root.mkdir()
    return root


def _touch(project: Path, tmp_path: Path, *args: str) -> tuple[int, str, list[str]]:
    """The model runs `touch marker` (allowed by a rule); exit code, stderr, tool results."""
    with ScriptedServer([Turn(tool_calls=[TOUCH]), Turn(text="Ok.")]) as server:
        done = _run(project, tmp_path / "home", server, "--allow", "Bash(touch:*)", *args)
        return done.returncode, done.stderr, server.tool_results()


def _run(
    project: Path, home: Path, server: ScriptedServer, *args: str, prompt: str = "go"
) -> subprocess.CompletedProcess[str]:
    return openclaude(
        project, home, "-p", prompt, "--base-url", server.base_url, "--model", "scripted-model",
        *args,
    )  # fmt: skip


def test_a_pre_tool_use_hook_blocks_a_bash_call_and_the_model_reads_why(
    tmp_path: Path, project: Path
) -> None:
    block, seen = _recorder(
        tmp_path, "pre", "echo 'touching files is not allowed here' >&2\nexit 2\n"
    )
    _project_hooks(project, {"PreToolUse": [{"matcher": "Bash", "command": block}]})
    code, stderr, results = _touch(project, tmp_path, "--trust-project")
    assert code == 0, stderr
    # The rule allowed it; the hook kept it from running.
    assert not (project / "marker").exists()
    assert results == ["touching files is not allowed here"]
    assert "blocked by a PreToolUse hook: touching files is not allowed here" in stderr
    event = json.loads(seen.read_text())
    assert event["hook_event_name"] == "PreToolUse"
    assert event["tool_name"] == "Bash"
    assert event["tool_input"]["command"] == "touch marker"
    assert event["cwd"] == str(project)
    assert event["session_id"]


def test_an_untrusted_projects_hook_does_not_run(tmp_path: Path, project: Path) -> None:
    ran = tmp_path / "ran"
    hook = _script(tmp_path / "hook.sh", f"touch {shlex.quote(str(ran))}\nexit 2\n")
    _project_hooks(project, {"PreToolUse": [{"command": hook}]})
    code, stderr, _ = _touch(project, tmp_path)
    assert code == 0, stderr
    assert not ran.exists()
    assert (project / "marker").exists()
    assert ".openclaude/settings.toml: hooks" in stderr
    assert "pass --trust-project to apply them" in stderr


def test_a_post_tool_use_hook_sees_the_result_and_what_it_prints_is_shown(
    tmp_path: Path, project: Path
) -> None:
    hook, seen = _recorder(tmp_path, "post", "echo checked it\n")
    _user_hooks(
        tmp_path,
        {"PostToolUse": [{"matcher": "Bash|Write", "command": hook}]},
    )
    call = ToolCallSpec("Bash", {"command": "echo hello-from-the-tool"})
    read = ToolCallSpec("Read", {"file_path": "notes.txt"})
    (project / "notes.txt").write_text("notes\n")
    turns = [Turn(tool_calls=[call]), Turn(tool_calls=[read]), Turn(text="Done.")]
    with ScriptedServer(turns) as server:
        done = _run(project, tmp_path / "home", server, "--allow", "Bash(echo:*)")
    assert done.returncode == 0, done.stderr
    event = json.loads(seen.read_text())
    assert event["hook_event_name"] == "PostToolUse"
    assert event["tool_name"] == "Bash"
    assert event["tool_input"]["command"] == "echo hello-from-the-tool"
    assert "hello-from-the-tool" in event["tool_response"]["output"]
    # Its matcher leaves the Read out: one run, one line.
    assert done.stderr.count("PostToolUse hook: checked it") == 1


def test_a_user_prompt_submit_hook_keeps_the_prompt_from_the_server(
    tmp_path: Path, project: Path
) -> None:
    hook, seen = _recorder(tmp_path, "prompt", "echo 'no prompts about the vault' >&2\nexit 2\n")
    _settings(
        tmp_path / "home" / "config" / "config.toml", {"UserPromptSubmit": [{"command": hook}]}
    )
    with ScriptedServer([Turn(text="never")]) as server:
        done = _run(project, tmp_path / "home", server, prompt="open the vault")
        requests = server.chat_requests
    assert requests == []
    assert done.returncode == 1
    assert "no prompts about the vault" in done.stderr
    assert json.loads(seen.read_text())["prompt"] == "open the vault"


def test_a_hung_hook_is_killed_with_its_children_at_its_timeout(
    tmp_path: Path, project: Path
) -> None:
    pids = tmp_path / "pids"
    hook = _script(
        tmp_path / "hang.sh",
        f"sleep 3000 &\necho $$ $! > {shlex.quote(str(pids))}\nwait\n",
    )
    _user_hooks(
        tmp_path,
        {"PreToolUse": [{"command": hook, "timeout": 1}]},
    )
    turns = [Turn(tool_calls=[ToolCallSpec("Bash", {"command": "echo ran"})]), Turn(text="Ok.")]
    with ScriptedServer(turns) as server:
        done = _run(project, tmp_path / "home", server, "--allow", "Bash(echo:*)")
        results = server.tool_results()
    assert done.returncode == 0, done.stderr
    assert "did not finish within 1 s and was killed" in done.stderr
    # A hook that fails is no verdict: the call ran.
    assert results == ["ran"]
    shell, child = map(int, pids.read_text().split())
    assert not is_running(shell) and not is_running(child), process_listing()


def test_a_hook_approval_spares_the_question_but_not_a_deny_rule(
    tmp_path: Path, project: Path
) -> None:
    approve = _script(tmp_path / "approve.sh", 'echo \'{"decision": "approve"}\'\n')
    _user_hooks(tmp_path, {"PreToolUse": [{"command": approve}]})
    other = ToolCallSpec("Bash", {"command": "touch other"})
    turns = [Turn(tool_calls=[TOUCH]), Turn(tool_calls=[other]), Turn(text="Done.")]
    with ScriptedServer(turns) as server:
        # Print mode would refuse the first (nobody to ask); the second is denied by a rule.
        done = _run(project, tmp_path / "home", server, "--deny", "Bash(touch other)")
        results = server.tool_results()
    assert done.returncode == 0, done.stderr
    assert (project / "marker").exists()
    assert not (project / "other").exists()
    assert results[1].startswith("Permission denied")


def test_a_json_block_decision_gives_its_reason_to_the_model(tmp_path: Path, project: Path) -> None:
    block = _script(
        tmp_path / "block.sh", 'echo \'{"decision": "block", "reason": "use make instead"}\'\n'
    )
    _user_hooks(tmp_path, {"PreToolUse": [{"command": block}]})
    code, stderr, results = _touch(project, tmp_path)
    assert code == 0, stderr
    assert not (project / "marker").exists()
    assert results == ["use make instead"]


def test_a_failing_hook_is_reported_and_blocks_nothing(tmp_path: Path, project: Path) -> None:
    fail = _script(tmp_path / "fail.sh", "echo 'linter crashed' >&2\nexit 1\n")
    _user_hooks(tmp_path, {"PreToolUse": [{"command": fail}]})
    code, stderr, _ = _touch(project, tmp_path)
    assert code == 0, stderr
    assert (project / "marker").exists()
    assert "failed (exit 1): linter crashed" in stderr


def test_a_hook_gets_no_api_key_and_knows_the_project(tmp_path: Path, project: Path) -> None:
    dump = tmp_path / "env.txt"
    hook = _script(tmp_path / "env.sh", f"env > {shlex.quote(str(dump))}\n")
    _user_hooks(tmp_path, {"SessionStart": [{"command": hook}]})
    key = tmp_path / "key"
    key.write_text("sk-hook-test-secret-0123456789\n")
    with ScriptedServer([Turn(text="Hi.")]) as server:
        done = _run(project, tmp_path / "home", server, "--api-key-file", str(key))
    assert done.returncode == 0, done.stderr
    env = dump.read_text()
    assert "sk-hook-test-secret-0123456789" not in env
    assert f"CLAUDE_PROJECT_DIR={project}" in env.splitlines()


def test_a_hook_table_that_cannot_work_is_a_config_error(tmp_path: Path, project: Path) -> None:
    _user_hooks(
        tmp_path,
        {"PreToolUse": [{"matcher": "Bash(", "command": "true"}]},
    )
    done = openclaude(project, tmp_path / "home", "-p", "hi", "--base-url", "http://127.0.0.1:9/v1")
    assert done.returncode == 2
    assert "hooks.PreToolUse[0].matcher: not a valid regular expression" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_stop_hook_runs_when_the_turn_ends_and_cannot_block_it(
    tmp_path: Path, project: Path
) -> None:
    hook, seen = _recorder(tmp_path, "stop", "echo 'remember the changelog' >&2\nexit 2\n")
    _user_hooks(tmp_path, {"Stop": [{"command": hook}]})
    with ScriptedServer([Turn(text="All done.")]) as server:
        done = _run(project, tmp_path / "home", server)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "All done."
    assert json.loads(seen.read_text())["hook_event_name"] == "Stop"
    assert "note: Stop hook: remember the changelog" in done.stderr


def test_openclaude_config_lists_the_hooks_with_their_file(tmp_path: Path, project: Path) -> None:
    _user_hooks(tmp_path, {"PreToolUse": [{"matcher": "Bash", "command": "./guard.sh"}]})
    done = openclaude(project, tmp_path / "home", "config")
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if line.startswith("hooks "))
    assert '["PreToolUse (Bash): ./guard.sh"]' in row
    assert "config.toml: hooks" in row
