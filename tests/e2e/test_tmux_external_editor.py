"""Ctrl+G in a real terminal: the app gives the terminal to the user's editor, takes the
text back into the prompt, and sends nothing until Enter."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.helpers.tmux import Tmux
from tests.scripted_server import ScriptedServer, Turn

pytestmark = pytest.mark.e2e


def test_ctrl_g_edits_the_prompt_in_the_editor_with_the_terminal(
    tmp_path: Path, tmux: Tmux
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    seen = tmp_path / "editor-saw"
    editor = tmp_path / "editor.sh"
    # The editor notes what it was given and whether it had the terminal, then writes.
    editor.write_text(
        "#!/bin/sh\n"
        f'cat "$1" > {seen}\n'
        f"if [ -t 0 ] && [ -t 1 ]; then echo terminal >> {seen}; fi\n"
        "printf 'fix the bug\\nin parser.py\\n' > \"$1\"\n"
    )
    editor.chmod(0o755)
    env = {
        "OPENCLAUDE_HOME": str(tmp_path / "home"),
        "PATH": os.environ.get("PATH", ""),
        "TERM": "xterm-256color",
        "EDITOR": str(editor),
    }
    with ScriptedServer([Turn(text="On it.")]) as server:
        command = [sys.executable, "-m", "openclaude_tui", "--base-url", server.base_url,
                   "--model", "scripted-model"]  # fmt: skip
        tmux.start(command, project, env, tmp_path / "exit-status")
        tmux.wait_for(lambda s: "Ask anything" in s, "the prompt")
        tmux.type("draft")
        tmux.wait_for(lambda s: "draft" in s, "the draft")
        tmux.keys("C-g")
        tmux.wait_for(lambda s: "in parser.py" in s, "the edited text in the prompt")
        assert server.chat_requests == []
        tmux.keys("Enter")
        tmux.wait_for(lambda s: "On it." in s, "the answer")
        sent = server.last_request.messages[-1]["content"]
        tmux.keys("C-q")
    assert seen.read_text() == "draftterminal\n"
    assert sent == "fix the bug\nin parser.py"
