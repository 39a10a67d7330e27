"""SIGTERM and SIGHUP end openclaude cleanly; a killed write leaves nothing on the next start.

Real processes throughout: the model starts a background job and a foreground command
(each with a unique command line), the test signals openclaude, and then reads the
process list: nothing the Bash tool started may be left running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.tmux import Tmux
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, ToolCallSpec, Turn
from tests.security import processes
from tests.security.harness import Attempt, Sandbox, run_attempt


def _sleepers(tag: int) -> tuple[str, list[str]]:
    """A command leaving a background job, a grandchild and a foreground sleep; their needles."""
    base = 4000 + os.getpid() % 1000 + tag / 10
    needles = [f"sleep {base + 0.01:.2f}", f"sleep {base + 0.02:.2f}", f"sleep {base + 0.03:.2f}"]
    command = f"{needles[0]} & bash -c '{needles[1]}' & {needles[2]}"
    return command, needles


@pytest.fixture
def reap() -> Iterator[list[str]]:
    """Needles of processes to kill after the test, should a failing test leave them."""
    needles: list[str] = []
    yield needles
    for needle in needles:
        for pid in processes.pids_running(needle):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _all_started(needles: list[str]) -> bool:
    return all(processes.pids_running(needle) for needle in needles)


def _none_left(needles: list[str]) -> bool:
    return not any(processes.pids_running(needle) for needle in needles)


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)], ids=["TERM", "HUP"]
)
def test_print_mode_ends_on_a_signal_and_leaves_no_process(
    tmp_path: Path, signum: int, code: int, reap: list[str]
) -> None:
    command, needles = _sleepers(signum)
    reap.extend(needles)
    root = tmp_path / "project"
    root.mkdir()
    call = ToolCallSpec("Bash", {"command": command})
    with ScriptedServer([Turn(tool_calls=[call]), Turn(text="done")]) as server:
        args = ["-p", "go", "--base-url", server.base_url, "-m", DEFAULT_MODEL,
                "--dangerously-skip-permissions"]  # fmt: skip
        process = processes.start(args, root, processes.clean_env(tmp_path / "home"))
        try:
            processes.wait_until(lambda: _all_started(needles), "the commands starting")
            process.send_signal(signum)
            _out, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == code, err
    assert "Traceback" not in err
    processes.wait_until(lambda: _none_left(needles), "every child ending")


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)], ids=["TERM", "HUP"]
)
def test_the_app_ends_on_a_signal_restores_the_terminal_and_leaves_no_process(
    tmp_path: Path,
    tmux: Tmux,
    signum: int,
    code: int,
    reap: list[str],
) -> None:
    command, needles = _sleepers(10 + signum)
    reap.extend(needles)
    root = tmp_path / "project"
    root.mkdir()
    env = {"OPENCLAUDE_HOME": str(tmp_path / "home"), "TERM": "xterm-256color"}
    call = ToolCallSpec("Bash", {"command": command})
    with ScriptedServer([Turn(tool_calls=[call]), Turn(text="done")]) as server:
        status = tmp_path / "exit-status"
        tmux.start(
            [sys.executable, "-m", "openclaude_tui", "--base-url", server.base_url,
             "-m", DEFAULT_MODEL, "--dangerously-skip-permissions", "go"],
            root, env, status,
        )  # fmt: skip
        processes.wait_until(lambda: _all_started(needles), "the commands starting")
        # The app's own process: its title was rewritten to start with "openclaude".
        app = [
            pid
            for pid in processes.pids_running(server.base_url)
            if processes.read_proc(pid, "cmdline").startswith(b"openclaude ")
        ]
        assert len(app) == 1
        os.kill(app[0], signum)
        processes.wait_until(lambda: status.is_file() and status.read_text(), "the app ending")
        alternate = tmux.run("display-message", "-p", "-t", "main", "#{alternate_on}")
    assert status.read_text().strip() == str(code)
    assert alternate.strip() == "0", "the terminal was left in the app's screen"
    processes.wait_until(lambda: _none_left(needles), "every child ending")


_WRITER = """
import sys, time
from collections.abc import Iterator
from pathlib import Path
from openclaude_tui.core import tempfiles
temp = tempfiles.temp_path(Path(sys.argv[1]))
with tempfiles.noted(temp):
    temp.write_text("half of the new content")
    print(temp, flush=True)
    time.sleep(600)
"""


def _writer(target: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], Path]:
    """A process caught in the middle of an atomic write of ``target``; and its temp file."""
    process = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(target)], env=env, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    return process, Path(process.stdout.readline().strip())


def test_a_write_killed_midway_leaves_no_temp_file_after_the_next_start(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    target = root / "main.py"
    target.write_text("old\n")
    env = processes.clean_env(tmp_path / "home")
    killed, stale = _writer(target, env)
    living, in_progress = _writer(root / "other.py", env)
    unrelated = root / ".main.py.1a2b3c4d.tmp"
    unrelated.write_text("not ours\n")
    try:
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=60)
        assert stale.exists()
        with ScriptedServer([Turn(text="hello")]) as server:
            done = processes.run(
                ["-p", "hi", "--base-url", server.base_url, "-m", DEFAULT_MODEL], root, env
            )
        assert done.returncode == 0, done.stderr
        assert not stale.exists(), "the killed write's temp file is still there"
        assert in_progress.exists(), "a live process's write was disturbed"
        assert unrelated.exists(), "a file this program did not create was removed"
        assert target.read_text() == "old\n"
    finally:
        living.kill()
        living.wait(timeout=60)


async def test_a_finished_write_leaves_no_temp_file_or_note(
    tmp_path: Path, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path / "home"))
    sandbox = Sandbox(tmp_path / "box")
    attempt = Attempt(
        "write", "Write", {"file_path": "{root}/new.py", "content": "x = 1\n"}, mode="acceptEdits"
    )
    await run_attempt(scripted_server, sandbox, attempt)
    assert (sandbox.root / "new.py").read_text() == "x = 1\n"
    assert list(sandbox.root.glob(".*.tmp")) == []
    notes = tmp_path / "home" / "state" / "writes"
    assert not notes.exists() or list(notes.iterdir()) == []
