"""Copying text: the system clipboard when a tool for it is present, else OSC 52."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from textual.app import App


def _system_command() -> list[str] | None:
    """The command that writes standard input to the system clipboard here, if any."""
    if sys.platform == "darwin" and shutil.which("pbcopy"):
        return ["pbcopy"]
    if os.environ.get("WAYLAND_DISPLAY") and shutil.which("wl-copy"):
        return ["wl-copy"]
    if os.environ.get("DISPLAY"):
        if shutil.which("xclip"):
            return ["xclip", "-selection", "clipboard"]
        if shutil.which("xsel"):
            return ["xsel", "--clipboard", "--input"]
    return None


def copy_text(app: App[object], text: str) -> str:
    """Copy ``text``; returns how ("system clipboard" or "terminal clipboard")."""
    command = _system_command()
    if command is not None:
        try:
            subprocess.run(command, input=text.encode("utf-8"), timeout=2, check=True)
            return "system clipboard"
        except (OSError, subprocess.SubprocessError):
            pass
    # OSC 52: the terminal puts it on the clipboard (works over ssh in most terminals).
    app.copy_to_clipboard(text)
    return "terminal clipboard"
