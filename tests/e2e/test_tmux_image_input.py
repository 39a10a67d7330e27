"""Images into the prompt in a real terminal: Ctrl+V reads the clipboard's image with the
first clipboard tool on PATH (a real ``xclip`` stand-in), and a file dragged onto the
terminal (a bracketed paste of its quoted path) is attached; both go as data URLs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.helpers.images import clipboard_tool, image_urls, png, png_url
from tests.helpers.tmux import Tmux, app_environment
from tests.scripted_server import ScriptedServer, Turn

pytestmark = pytest.mark.e2e


def test_ctrl_v_and_a_dragged_file_attach_their_images(tmp_path: Path, tmux: Tmux) -> None:
    project = tmp_path / "project"
    project.mkdir()
    env = app_environment(tmp_path)
    config = Path(env["OPENCLAUDE_HOME"]) / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("vision = true\n")
    tools = clipboard_tool(tmp_path / "bin", "xclip", png(4, 3))
    env["PATH"] = f"{tools}{os.pathsep}{env['PATH']}"
    dragged = tmp_path / "My Pictures" / "Screen Shot.png"
    dragged.parent.mkdir()
    dragged.write_bytes(png(5, 2))
    with ScriptedServer([Turn(text="Two grey pictures.")]) as server:
        command = [sys.executable, "-m", "openclaude_tui", "--base-url", server.base_url,
                   "--model", "scripted-model"]  # fmt: skip
        tmux.start(command, project, env, tmp_path / "exit-status")
        tmux.wait_for(lambda s: "Ask anything" in s, "the prompt")
        tmux.type("compare ")
        tmux.keys("C-v")
        tmux.wait_for(lambda s: "[image: clipboard-1.png 4×3]" in s, "the image chip")
        # A terminal pastes a dragged file as its quoted path, in a bracketed paste.
        tmux.run("set-buffer", f" with '{dragged}'")
        tmux.run("paste-buffer", "-p", "-t", "main")
        tmux.wait_for(lambda s: "Screen Shot.png'" in s, "the pasted path")
        tmux.keys("Enter")
        shown = tmux.wait_for(lambda s: "Two grey pictures." in s, "the answer")
        sent = server.last_request.messages if server.last_request else []
        tmux.keys("C-q")
    assert image_urls(sent) == [png_url(png(4, 3)), png_url(png(5, 2))]
    assert "attached [image: clipboard-1.png 4×3]" in shown
    assert "attached [image: Screen Shot.png 5×2]" in shown
