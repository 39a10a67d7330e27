"""Where OpenClaude keeps its files: XDG base directories, with one override for all of them.

* ``config_dir()``: settings, themes and the user-level ``AGENT.md``
  (``$XDG_CONFIG_HOME/openclaude``, default ``~/.config/openclaude``).
* ``state_dir()``: prompt history, logs
  (``$XDG_STATE_HOME/openclaude``, default ``~/.local/state/openclaude``).
* ``data_dir()``: data the program keeps for itself, the saved sessions among it
  (``$XDG_DATA_HOME/openclaude``, default ``~/.local/share/openclaude``).
* ``cache_dir()``: files that may go at any time, images pasted from the clipboard
  (``$XDG_CACHE_HOME/openclaude``, default ``~/.cache/openclaude``).

``OPENCLAUDE_HOME`` puts all four under one directory (``config/``, ``state/``, ``data/``,
``cache/``), which keeps tests hermetic and allows a portable install. The functions only
compute paths; whoever writes a file creates its directory.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

APP_NAME = "openclaude"
HOME_ENV = "OPENCLAUDE_HOME"


def config_dir() -> Path:
    """The directory for the user's settings and user-level project memory."""
    return _base_dir("config", "XDG_CONFIG_HOME", Path(".config"))


def state_dir() -> Path:
    """The directory for prompt history and logs."""
    return _base_dir("state", "XDG_STATE_HOME", Path(".local", "state"))


def data_dir() -> Path:
    """The directory for data the program keeps for itself."""
    return _base_dir("data", "XDG_DATA_HOME", Path(".local", "share"))


def cache_dir() -> Path:
    """The directory for files the program may lose without harm."""
    return _base_dir("cache", "XDG_CACHE_HOME", Path(".cache"))


def sessions_dir() -> Path:
    """The directory of the saved sessions (one folder per project inside)."""
    return data_dir() / "sessions"


def project_key(project_root: Path) -> str:
    """A file name for a project: its folder's name made safe, and a digest of its path."""
    resolved = project_root.resolve()
    digest = hashlib.sha256(str(resolved).encode("utf-8")).hexdigest()[:12]
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in resolved.name) or "root"
    return f"{name}-{digest}"


def _base_dir(kind: str, xdg_variable: str, home_default: Path) -> Path:
    override = os.environ.get(HOME_ENV, "")
    if override:
        return Path(override).expanduser().absolute() / kind
    xdg = os.environ.get(xdg_variable, "")
    # The XDG spec says relative values are invalid and must be ignored.
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / APP_NAME
    return Path.home() / home_default / APP_NAME


def shown_home(path: Path) -> str:
    """``path`` as the user reads it: ``~/…`` when it is inside the home directory."""
    home = Path.home()
    return f"~/{path.relative_to(home).as_posix()}" if path.is_relative_to(home) else str(path)
