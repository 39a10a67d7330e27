"""Temporary files of atomic writes, and cleaning up those a killed process left behind.

An atomic write puts the new content in ``.<name>.openclaude-<pid>-<hex>.tmp`` beside the
target, then renames it over the target. Killed between the two (``kill -9``, a power
cut), the temporary file stays. So each write first leaves a note in the state
directory naming its temporary file; the note goes once the write is over. At start,
``clean_stale`` removes the temporary files of notes whose process is gone: only files
this program created, with its naming pattern, never anything else.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

from openclaude_tui import paths

TEMP_NAME = re.compile(r"^\..+\.openclaude-(?P<pid>\d+)-[0-9a-f]{8}\.tmp$")


def notes_dir() -> Path:
    """Where the notes of writes in progress are kept."""
    return paths.state_dir() / "writes"


def temp_path(target: Path) -> Path:
    """A fresh temporary file name beside ``target``, owned by this process."""
    return target.with_name(f".{target.name}.openclaude-{os.getpid()}-{secrets.token_hex(4)}.tmp")


@contextlib.contextmanager
def noted(temp: Path) -> Iterator[None]:
    """Keep a note naming ``temp`` while the block runs (best effort: never fails a write)."""
    note = notes_dir() / f"{os.getpid()}-{secrets.token_hex(8)}"
    written = False
    with contextlib.suppress(OSError):
        note.parent.mkdir(parents=True, exist_ok=True)
        note.write_text(str(temp), encoding="utf-8")
        written = True
    try:
        yield
    finally:
        if written:
            with contextlib.suppress(OSError):
                note.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale() -> list[Path]:
    """Remove temporary files that writes of dead processes left; returns those removed."""
    removed: list[Path] = []
    try:
        notes = list(notes_dir().iterdir())
    except OSError:
        return removed
    for note in notes:
        pid_text, _, _ = note.name.partition("-")
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError, UnicodeDecodeError):
            temp = Path(note.read_text(encoding="utf-8").strip())
            match = TEMP_NAME.match(temp.name)
            # Only a file of our pattern, made by the dead process the note belongs to.
            if temp.is_absolute() and match and match["pid"] == pid_text and temp.is_file():
                temp.unlink()
                removed.append(temp)
        with contextlib.suppress(OSError):
            note.unlink()
    return removed
