"""The app in a real terminal (tmux), used as a new user would: the auth.py walkthrough.

The scripted model runs the tests (they fail: that call is shown failed), reads, greps,
edits and runs them again (they pass). The user approves the first test run with "always"
(so the second one is not asked about), approves the edit once, and quits with Ctrl+Q.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.core.test_print_mode import WALKTHROUGH, make_auth_repo
from tests.scripted_server import ScriptedServer

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 120, 40
# Generous: the machine is shared; the test waits for what the screen shows, never for time.
WAIT_LIMIT = 60.0


class Tmux:
    """One tmux server of its own (``-L``) with one session running a command."""

    def __init__(self, name: str) -> None:
        self.name = name

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.name, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def start(self, command: list[str], cwd: Path, env: dict[str, str], status: Path) -> None:
        """Run ``command`` in the pane; its exit status is written to ``status`` when it ends.

        The status is kept by a shell around the command rather than read from tmux: tmux
        3.3 can leave an exited program unreaped for a long while, its status unknown.
        """
        environment = [f"{key}={value}" for key, value in env.items()]
        record = f'"$@"; echo $? > {shlex.quote(str(status))}'
        # A tmux server started without a terminal exports COLUMNS=80 and LINES=24, which
        # would win over the pane's real size.
        self.run(
            "new-session", "-d", "-s", "main", "-x", str(WIDTH), "-y", str(HEIGHT),
            "-c", str(cwd), "env", "-u", "COLUMNS", "-u", "LINES", *environment,
            "sh", "-c", record, "sh", *command,
        )  # fmt: skip
        # Keep the pane after the program exits, to read how it ended.
        self.run("set-option", "-t", "main", "remain-on-exit", "on")

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "main")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "main", *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", "main", "-l", text)

    def wait_for(self, condition: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + WAIT_LIMIT
        while True:
            shown = self.screen()
            if condition(shown):
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"the screen never showed {what}:\n{shown}")
            time.sleep(0.2)

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the end-to-end tests (.ci/run installs it)")
    session = Tmux(f"openclaude-e2e-{os.getpid()}-{tmp_path.name}")
    yield session
    session.kill()


def test_the_auth_walkthrough_in_a_real_terminal(tmp_path: Path, tmux: Tmux) -> None:
    repo = make_auth_repo(tmp_path / "repo")
    env = {
        "OPENCLAUDE_HOME": str(tmp_path / "home"),
        # The agent's `python -m pytest` must find pytest.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
    }
    with ScriptedServer(WALKTHROUGH) as server:
        command = [sys.executable, "-m", "openclaude_tui", "--base-url", server.base_url,
                   "--model", "scripted-model"]  # fmt: skip
        status = tmp_path / "exit-status"
        tmux.start(command, repo, env, status)
        tmux.wait_for(lambda s: "Ask anything" in s, "the prompt")
        tmux.type("Fix the failing test in src/auth.py")
        tmux.keys("Enter")

        shown = tmux.wait_for(lambda s: "Allow Bash?" in s, "the approval of the test run")
        assert "python -m pytest -q tests" in shown
        assert "Always allow `Bash(python -m pytest:*)` in this project" in shown
        tmux.keys("2")

        shown = tmux.wait_for(lambda s: "Allow Edit?" in s, "the approval of the edit")
        assert "-    return user.is_active" in shown or "is_active" in shown
        tmux.keys("1")

        shown = tmux.wait_for(lambda s: "the tests pass" in s, "the final answer")
        assert "Allow Bash?" not in shown, "the second test run was asked about again"
        assert "Traceback" not in shown
        # Only the first test run failed (exit code 1); every other call went through.
        failed = [line for line in shown.splitlines() if "✗" in line]
        assert failed and all("Bash" in line for line in failed), failed
        assert "5 calls" in shown and "4 done, 1 failed" in shown

        tmux.keys("C-q")
        # The shell creates the file, then writes the status into it.
        shown = tmux.wait_for(
            lambda s: status.is_file() and status.read_text() != "", "the app quitting"
        )
        ended = status.read_text().strip()
        assert ended == "0", f"the app ended with exit status {ended!r}:\n{shown}"
        results = server.tool_results()

    assert (repo / "src" / "auth.py").read_text().endswith("return user.active\n")
    first_run, _read, _grep, edit, second_run = results
    assert "AttributeError" in first_run and "2 failed" in first_run
    assert "+    return user.active" in edit
    assert "2 passed" in second_run
    local_rules = (repo / ".openclaude" / "settings.local.toml").read_text()
    assert "Bash(python -m pytest:*)" in local_rules
