"""Real ``openclaude`` processes for the security tests: starting them, and the process list."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Generous: the machine is shared; tests wait for conditions, never for a fixed time.
WAIT_LIMIT = 60.0
CONSOLE_SCRIPT = [str(Path(sys.executable).parent / "openclaude")]
MODULE = [sys.executable, "-m", "openclaude_tui"]


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a run: a private OPENCLAUDE_HOME, no endpoint or key inherited."""
    dropped = ("MODEL", "OPENAI_BASE_URL", "OPENAI_API_KEY", "CONTEXT_WINDOW")
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env["OPENCLAUDE_HOME"] = str(home)
    env.update(extra)
    return env


def start(
    args: list[str], cwd: Path, env: dict[str, str], launcher: list[str] = CONSOLE_SCRIPT
) -> subprocess.Popen[str]:
    """Start ``openclaude ARGS`` in ``cwd`` (stdin closed, output captured)."""
    return subprocess.Popen(
        [*launcher, *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(
    args: list[str], cwd: Path, env: dict[str, str], launcher: list[str] = CONSOLE_SCRIPT
) -> subprocess.CompletedProcess[str]:
    """Run ``openclaude ARGS`` to its end."""
    return subprocess.run(
        [*launcher, *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def wait_until(condition: Callable[[], object], what: str) -> None:
    """Poll ``condition`` until it holds (fails after ``WAIT_LIMIT`` seconds)."""
    deadline = time.monotonic() + WAIT_LIMIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


def read_proc(pid: int, name: str) -> bytes:
    """``/proc/PID/NAME`` (cmdline, environ), or b"" when the process is gone."""
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes()
    except OSError:
        return b""


def pids_running(needle: str) -> list[int]:
    """The live processes whose command line holds ``needle`` (zombies are not running)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if needle in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def process_listing() -> str:
    """What ``ps -eo args`` shows for every process."""
    return subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout


def is_running(pid: int) -> bool:
    """Whether process ``pid`` is alive (a zombie, which only waits to be reaped, is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
