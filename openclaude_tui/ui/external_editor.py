"""Editing the prompt in the user's own editor (Ctrl+G): ``$VISUAL``, else ``$EDITOR``.

The text goes to a private temporary file, the app gives the terminal to the editor while
it runs, and the file's text comes back to the prompt. Nothing is sent by itself.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from textual.app import App, SuspendNotSupported

from openclaude_tui import paths


class EditorError(Exception):
    """The editor could not be used; the message says why and what to do."""


def editor_command(environ: Mapping[str, str]) -> list[str]:
    """The editor to run, as an argument list.

    Raises:
        EditorError: neither ``VISUAL`` nor ``EDITOR`` names one.
    """
    text = environ.get("VISUAL") or environ.get("EDITOR") or ""
    try:
        words = shlex.split(text)
    except ValueError as error:
        raise EditorError(f"the editor {text!r} cannot be read: {error}") from None
    if not words:
        raise EditorError("set VISUAL or EDITOR to the editor to write the prompt in")
    return words


def edit_text(
    text: str,
    *,
    environ: Mapping[str, str] | None = None,
    suspended: Callable[[], contextlib.AbstractContextManager[None]] = contextlib.nullcontext,
) -> str:
    """``text`` as the user left it in their editor.

    Args:
        text: What the prompt holds now.
        environ: Where ``VISUAL`` and ``EDITOR`` are read (this process's environment).
        suspended: Gives the terminal to the editor while it runs (the app's ``suspend``).

    Raises:
        EditorError: the editor is not set, cannot start, or exits with an error.
    """
    with _scratch_file(text) as path:
        edit_file(path, environ=environ, suspended=suspended, kept="prompt kept")
        edited = path.read_text(encoding="utf-8", errors="replace")
    # Editors end the file with a newline the prompt did not have.
    return edited.removesuffix("\n") if not text.endswith("\n") else edited


def edit_file(
    path: Path,
    *,
    environ: Mapping[str, str] | None = None,
    suspended: Callable[[], contextlib.AbstractContextManager[None]] = contextlib.nullcontext,
    kept: str = "file unchanged",
) -> None:
    """Let the user edit ``path`` in their editor (``/memory``, and the prompt's scratch file).

    Raises:
        EditorError: the editor is not set, cannot start, or exits with an error (the
            message ends with ``kept``).
    """
    command = editor_command(os.environ if environ is None else environ)
    try:
        with suspended():
            done = subprocess.run([*command, str(path)], check=False)
    except OSError as error:
        raise EditorError(f"the editor {command[0]!r} could not start: {error}") from None
    if done.returncode != 0:
        raise EditorError(f"the editor exited with status {done.returncode}; {kept}")


@contextlib.contextmanager
def terminal_handed_over(app: App[object]) -> Iterator[None]:
    """The terminal given to the editor while it runs; as it is where the app cannot let
    it go (a headless app in tests)."""
    try:
        with app.suspend():
            yield
    except SuspendNotSupported:
        yield


@contextlib.contextmanager
def _scratch_file(text: str) -> Iterator[Path]:
    directory = paths.state_dir()
    directory.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix="prompt-", suffix=".md", dir=directory)
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        yield path
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
