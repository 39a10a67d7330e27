"""Language servers as the settings name them: ``[lsp.LANGUAGE]`` tables.

::

    [lsp.python]
    command = ["pylsp"]          # the server's command line (stdio)
    extensions = [".py", ".pyi"] # the files it serves (python has these by default)
    timeout = 5                  # seconds an edit waits for its diagnostics
    enabled = true               # false: no server for this language

Python needs no table: ``pylsp`` serves ``.py`` files when python-lsp-server is installed
(the ``[lsp]`` extra). A project's table runs a command, so it is held back until the
project is trusted (``core.permissions.trust``).
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Mapping
from typing import Any

from openclaude_tui.core.lsp.servers import DEFAULT_TIMEOUT, LspServerSpec
from openclaude_tui.core.settings.values import fail, flag, seconds

# The languages a server needs no ``extensions`` for, and the files they cover.
KNOWN_EXTENSIONS: dict[str, tuple[str, ...]] = {"python": (".py", ".pyi")}
_KEYS = ("command", "extensions", "timeout", "enabled")


def lsp_table(value: Any, where: str) -> dict[str, LspServerSpec]:
    """The ``[lsp]`` table of a settings file (the check of its setting).

    Raises:
        ConfigError: ``FILE: lsp.LANGUAGE.key: what is expected, got VALUE``.
    """
    if not isinstance(value, dict):
        raise fail(where, "expected tables like [lsp.python] with a command", value)
    return {name: _spec(name, entry, f"{where}.{name}") for name, entry in value.items()}


def _spec(language: str, entry: Any, where: str) -> LspServerSpec:
    if not isinstance(entry, dict):
        raise fail(where, 'expected a table like {command = ["pylsp"]}', entry)
    unknown = [key for key in entry if key not in _KEYS]
    if unknown:
        raise fail(f"{where}.{unknown[0]}", f"unknown key; a server sets {', '.join(_KEYS)}")
    enabled = flag(entry.get("enabled", True), f"{where}.enabled")
    command = entry.get("command", [])
    if not isinstance(command, list) or not all(isinstance(word, str) for word in command):
        raise fail(f"{where}.command", 'expected a command line as a list, like ["pylsp"]', command)
    if enabled and not command and language not in KNOWN_EXTENSIONS:
        raise fail(f"{where}.command", 'expected a command line, like ["pylsp"]', command)
    extensions = entry.get("extensions", list(KNOWN_EXTENSIONS.get(language, ())))
    if not isinstance(extensions, list) or not all(
        isinstance(ending, str) and ending.startswith(".") for ending in extensions
    ):
        raise fail(f"{where}.extensions", 'expected file endings, like [".rs"]', extensions)
    if enabled and not extensions:
        raise fail(f"{where}.extensions", 'expected the files it serves, like [".rs"]')
    timeout = seconds(entry.get("timeout", DEFAULT_TIMEOUT), f"{where}.timeout")
    return LspServerSpec(
        language,
        tuple(command),
        tuple(ending.lower() for ending in extensions),
        timeout,
        enabled,
    )


def default_python_command() -> tuple[str, ...] | None:
    """How to start pylsp here: on the PATH, or this Python's own module; None: absent."""
    found = shutil.which("pylsp")
    if found:
        return (found,)
    if importlib.util.find_spec("pylsp") is not None:
        return (sys.executable, "-m", "pylsp")
    return None


def effective_servers(configured: Mapping[str, LspServerSpec]) -> dict[str, LspServerSpec]:
    """The servers in use: the configured ones, and pylsp for Python unless configured."""
    servers = dict(configured)
    python = servers.get("python")
    if python is None or (python.enabled and not python.command):
        command = default_python_command()
        if command is not None:
            timeout = python.timeout if python is not None else DEFAULT_TIMEOUT
            extensions = python.extensions if python is not None else KNOWN_EXTENSIONS["python"]
            servers["python"] = LspServerSpec("python", command, extensions, timeout)
        else:
            servers.pop("python", None)
    return {name: spec for name, spec in servers.items() if spec.enabled and spec.command}
