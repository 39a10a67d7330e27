"""``openclaude replay`` as a user runs it: a session saved by a real print-mode run is
played in a real terminal (tmux), and the server that answered it gets no request more."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.helpers.print_mode import openclaude
from tests.helpers.sessions import notes_project
from tests.helpers.tmux import Tmux, app_environment
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, ToolCallSpec, Turn

pytestmark = pytest.mark.e2e

READ = ToolCallSpec("Read", {"file_path": "notes.txt"})


def test_replay_plays_the_newest_session_and_sends_nothing(tmp_path: Path, tmux: Tmux) -> None:
    project = notes_project(tmp_path)
    env = app_environment(tmp_path)
    home = Path(env["OPENCLAUDE_HOME"])
    status = tmp_path / "exit-status"
    turns = [Turn(tool_calls=[READ]), Turn(text="The notes say alpha and beta.")]
    with ScriptedServer(turns) as server:
        flags = ["--base-url", server.base_url, "-m", DEFAULT_MODEL]
        done = openclaude(project, home, "-p", "what do the notes say?", *flags)
        assert done.returncode == 0, done.stderr
        made = len(server.requests)
        tmux.start([sys.executable, "-m", "openclaude_tui", "replay"], project, env, status)
        shown = tmux.wait_for(lambda s: "End of the replay" in s, "the end of the replay")
        assert "what do the notes say?" in shown and "alpha and beta" in shown
        assert "Read" in shown and "replay over" in shown
        tmux.type("send this")
        tmux.keys("Enter")
        tmux.wait_for(lambda s: "nothing is sent" in s, "that a replay sends nothing")
        tmux.keys("C-q")
        tmux.wait_for(lambda s: status.exists(), "the app's exit")
        assert status.read_text().strip() == "0"
        assert len(server.requests) == made
