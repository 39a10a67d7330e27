"""Keys of the prompt in a real terminal: a terminal sends Alt+V as Esc then ``v``, which
Textual reports as ``alt+v`` carrying the character ``v``; it starts voice input (here, says
what it is missing) instead of typing the letter."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.tmux import Tmux, app_command, app_environment
from tests.scripted_server import ScriptedServer

pytestmark = pytest.mark.e2e


def test_alt_v_asks_for_voice_input_and_types_nothing(tmp_path: Path, tmux: Tmux) -> None:
    project = tmp_path / "project"
    project.mkdir()
    env = app_environment(tmp_path)
    with ScriptedServer([]) as server:
        tmux.start(app_command(server.base_url), project, env, tmp_path / "exit-status")
        tmux.wait_for(lambda s: "Ask anything" in s, "the prompt")
        tmux.type("hi")
        tmux.keys("M-v")
        tmux.wait_for(lambda s: "speech-to-text endpoint" in s, "the notice of what is missing")
        tmux.type("there")
        shown = tmux.wait_for(lambda s: "there" in s, "the typing after Alt+V")
        tmux.keys("C-q")
    assert "hithere" in shown
    assert server.chat_requests == []
