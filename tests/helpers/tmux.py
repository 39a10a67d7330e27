"""Driving the real app in a terminal of its own: a tmux server per test."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

WIDTH, HEIGHT = 120, 40
# Shown by a modal while keys typed just before it opened are held back from answering it.
HELD_BACK = "went to the prompt"
# Generous: the machine is shared; the test waits for what the screen shows, never for time.
WAIT_LIMIT = 60.0


def app_environment(tmp_path: Path) -> dict[str, str]:
    """The app's environment: its own home, a colour terminal, this Python's tools first."""
    return {
        "OPENCLAUDE_HOME": str(tmp_path / "home"),
        # The agent's `python -m pytest` must find pytest.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
    }


def app_command(base_url: str, model: str = "scripted-model") -> list[str]:
    """The command that opens the app on the server at ``base_url``."""
    return [sys.executable, "-m", "openclaude_tui", "--base-url", base_url, "--model", model]


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

    def wait_for_modal(self, title: str) -> str:
        """Wait until the modal titled ``title`` shows and takes an answer (the keys typed
        just before it opened have stopped being held back)."""
        return self.wait_for(lambda s: title in s and HELD_BACK not in s, f"the modal {title}")

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True)
