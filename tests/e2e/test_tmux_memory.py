"""Memory in a real terminal (tmux): a ``# note`` goes to the file the user picks with a
number key, and with ``learn_at_exit`` Ctrl+Q first offers the model's proposals, of which
only the ticked one is written. The files on disk decide."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.helpers.tmux import Tmux, app_environment
from tests.scripted_server import ScriptedServer, Turn

pytestmark = pytest.mark.e2e

PROPOSED = "- Run the tests with `make check`.\n- The user likes short answers.\n"


def test_a_note_and_the_learnings_at_quitting_land_where_the_user_chose(
    tmp_path: Path, tmux: Tmux
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    env = app_environment(tmp_path)
    config = Path(env["OPENCLAUDE_HOME"]) / "config"
    config.mkdir(parents=True)
    (config / "config.toml").write_text("learn_at_exit = true\n")
    status = tmp_path / "exit-status"
    with ScriptedServer([Turn(text="Hello there."), Turn(text=PROPOSED)]) as server:
        command = [sys.executable, "-m", "openclaude_tui", "--base-url", server.base_url,
                   "--model", "scripted-model"]  # fmt: skip
        tmux.start(command, project, env, status)
        tmux.wait_for(lambda s: "Ask anything" in s, "the prompt")
        tmux.type("# answer in English")
        tmux.keys("Enter")
        tmux.wait_for_modal("Remember this note where?")
        tmux.keys("2")
        tmux.wait_for(lambda s: "Remembered in" in s, "where the note went")
        tmux.type("hello")
        tmux.keys("Enter")
        tmux.wait_for(lambda s: "Hello there." in s, "the answer")
        tmux.keys("C-q")
        tmux.wait_for_modal("Remember for next time?")
        tmux.keys("Down", "Space", "s")
        tmux.wait_for_modal("Remember the 1 learning where?")
        tmux.keys("1")
        tmux.wait_for(lambda s: status.exists(), "the app's exit")
    assert status.read_text().strip() == "0"
    assert (config / "AGENTS.md").read_text() == "- answer in English\n"
    assert (project / "AGENTS.md").read_text() == "- The user likes short answers.\n"
    assert len(server.chat_requests) == 2
