"""Keys that reach the app in one burst (a slow SSH link, a scripted terminal) are applied in
the order they were typed: one ``tmux send-keys`` call writes letters, Backspace, Ctrl+U and
Ctrl+J together, and the model receives exactly what that typing means."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.helpers.tmux import Tmux
from tests.scripted_server import ScriptedServer, Turn

pytestmark = pytest.mark.e2e


def test_a_burst_of_mixed_keys_is_applied_in_order(tmp_path: Path, tmux: Tmux) -> None:
    project = tmp_path / "project"
    project.mkdir()
    env = {
        "OPENCLAUDE_HOME": str(tmp_path / "home"),
        "PATH": os.environ.get("PATH", ""),
        "TERM": "xterm-256color",
    }
    with ScriptedServer([Turn(text="Received.")]) as server:
        command = [sys.executable, "-m", "openclaude_tui", "--base-url", server.base_url,
                   "--model", "scripted-model"]  # fmt: skip
        tmux.start(command, project, env, tmp_path / "exit-status")
        tmux.wait_for(lambda s: "Ask anything" in s, "the prompt")
        tmux.type("fix tpyo")
        tmux.wait_for(lambda s: "fix tpyo" in s, "the first words")
        # One call: tmux writes all of it to the terminal at once.
        tmux.keys(
            "BSpace", "BSpace", "BSpace", "BSpace", "typo", "C-j", "scratch", "C-u", "in the",
            "C-j", "readme", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace",
            "README", "Enter",
        )  # fmt: skip
        tmux.wait_for(lambda s: "Received." in s, "the answer")
        sent = server.last_request.messages[-1]["content"]
        tmux.keys("C-q")
    assert sent == "fix typo\nin the\nREADME"
