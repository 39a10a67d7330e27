"""A session survives ``kill -9``, and the API key never reaches the saved files.

Real processes: print mode runs against the strict scripted server, is killed with SIGKILL
while the server holds its answer (or while a tool runs), and ``--continue`` then sends the
conversation as it was written before the kill; the server refuses any history a strict
server would refuse.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers.sessions import has_record, notes_project, records, transcripts
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, ToolCallSpec, Turn
from tests.security import processes

KEY = "sk-test-7f3a9c1e5b2d4680aa11bb22cc33dd44"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return notes_project(tmp_path)


@pytest.fixture
def sleeper() -> Iterator[str]:
    """A command line no other test runs, killed after the test if still running."""
    needle = f"sleep {5000 + os.getpid() % 1000}.25"
    yield needle
    for pid in processes.pids_running(needle):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _args(server: ScriptedServer, *more: str) -> list[str]:
    return ["--base-url", server.base_url, "-m", DEFAULT_MODEL, "--api-key", KEY, *more]


def _signalled(
    args: list[str], cwd: Path, env: dict[str, str], ready: Callable[[], object], signum: int
) -> tuple[int, str]:
    """Start ``openclaude ARGS``, send ``signum`` once ``ready()`` holds; its code and stderr."""
    process = processes.start(args, cwd, env)
    try:
        processes.wait_until(ready, "the moment to send the signal")
        process.send_signal(signum)
        _out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    return process.returncode, err


def test_killed_mid_stream_then_continued_the_server_gets_all_that_was_written(
    project: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = processes.clean_env(home)
    read = ToolCallSpec("Read", {"file_path": "notes.txt"})
    turns = [
        Turn(text="Reading it.", tool_calls=[read]),
        # Two chunks, then the server holds the stream open as a hung model does.
        Turn(text="It says alpha and beta, and then", stall_after=2),
        Turn(text="Carrying on."),
    ]
    with ScriptedServer(turns, api_key=KEY) as server:
        code, _err = _signalled(
            _args(server, "-p", "what is in notes.txt?"),
            project,
            env,
            # The second request is held; the result it carries was saved before it.
            lambda: len(server.chat_requests) == 2 and has_record(home, "tool_done"),
            signal.SIGKILL,
        )
        assert code == -signal.SIGKILL
        done = processes.run(_args(server, "-p", "--continue", "go on"), project, env)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "Carrying on."
        sent = server.chat_requests[-1].messages
    roles = [m["role"] for m in sent]
    assert roles == ["system", "user", "assistant", "tool", "user"]
    assert sent[1]["content"] == "what is in notes.txt?"
    assert sent[2]["tool_calls"][0]["function"]["name"] == "Read"
    assert (
        "alpha" in sent[3]["content"] and sent[3]["tool_call_id"] == sent[2]["tool_calls"][0]["id"]
    )
    assert sent[4]["content"] == "go on"
    # Continued in the same file, not a new one.
    assert len(transcripts(home)) == 1


def test_a_call_left_running_by_the_kill_is_answered_interrupted_on_resume(
    project: Path, tmp_path: Path, sleeper: str
) -> None:
    home = tmp_path / "home"
    env = processes.clean_env(home)
    bash = ToolCallSpec("Bash", {"command": sleeper})
    turns = [Turn(tool_calls=[bash]), Turn(text="Understood.")]
    with ScriptedServer(turns, api_key=KEY) as server:
        args = _args(server, "-p", "wait a bit", "--dangerously-skip-permissions")
        code, _err = _signalled(
            args, project, env, lambda: processes.pids_running(sleeper), signal.SIGKILL
        )
        assert code == -signal.SIGKILL
        session_id = transcripts(home)[0].name.removesuffix(".jsonl")
        done = processes.run(
            _args(server, "--resume", session_id, "-p", "what happened?"), project, env
        )
        assert done.returncode == 0, done.stderr
        sent = server.chat_requests[-1].messages
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "tool", "user"]
    assert sent[3]["tool_call_id"] == sent[2]["tool_calls"][0]["id"]
    assert "interrupted" in sent[3]["content"].lower()


def test_the_api_key_given_on_the_command_line_reaches_no_saved_file(
    project: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = processes.clean_env(home)
    # The model even repeats the key back, and a tool reads a file that holds it.
    (project / "creds.txt").write_text(f"token={KEY}\n")
    read = ToolCallSpec("Read", {"file_path": "creds.txt"})
    turns = [Turn(tool_calls=[read]), Turn(text=f"The token is {KEY}.")]
    with ScriptedServer(turns, api_key=KEY) as server:
        done = processes.run(_args(server, "-p", "read creds.txt"), project, env)
    assert done.returncode == 0, done.stderr
    saved = transcripts(home)
    assert saved and any(r["type"] == "tool_done" for r in records(saved[0]))
    data_dir = home / "data"
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path
    for path in [data_dir, *data_dir.rglob("*")]:
        expected = 0o700 if path.is_dir() else 0o600
        if path.is_relative_to(data_dir / "sessions"):
            assert path.stat().st_mode & 0o777 == expected, path


def test_sigterm_in_print_mode_saves_the_session_and_says_where(
    project: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = processes.clean_env(home)
    turns = [Turn(text="one two three four five", stall_after=2), Turn(text="Back again.")]
    with ScriptedServer(turns, api_key=KEY) as server:
        args = _args(server, "-p", "count to five")
        code, err = _signalled(
            args, project, env, lambda: len(server.chat_requests) == 1, signal.SIGTERM
        )
        (path,) = transcripts(home)
        assert code == 143, err
        assert f"session saved: {path.stem}" in err and "Traceback" not in err
        saved = records(path)  # every line whole
        assert (saved[-1]["type"], saved[-1]["reason"]) == ("turn_end", "interrupted")
        done = processes.run(_args(server, "-p", "--continue", "again"), project, env)
        assert done.returncode == 0, done.stderr
        sent = server.chat_requests[-1].messages
    # The interrupted answer was closed as an interrupt closes it; the server accepted it.
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert "interrupted" in sent[2]["content"]


def test_sigterm_in_the_app_saves_the_session_and_says_where(project: Path, tmp_path: Path) -> None:
    # The app draws on stderr too; the line comes after it has given the terminal back. (A
    # tmux pane is blanked when its program ends, so the output is read from a pipe.)
    home = tmp_path / "home"
    env = processes.clean_env(home, TERM="xterm-256color")
    with ScriptedServer([Turn(text="one two three four", stall_after=2)]) as server:
        args = ["--base-url", server.base_url, "-m", DEFAULT_MODEL, "count to four"]
        code, err = _signalled(
            args, project, env, lambda: len(server.chat_requests) == 1, signal.SIGTERM
        )
    (path,) = transcripts(home)
    assert code == 143
    assert err.endswith(f"openclaude: session saved: {path.stem}\n")
    assert records(path)[2]["type"] == "prompt" and records(path)[2]["text"] == "count to four"
