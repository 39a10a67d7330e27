"""Text files as the file tools and the review keep them: read with their encoding, BOM and
line endings noted, and replaced in one step so nothing ever sees one half-written."""

from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from openclaude_tui.core import tempfiles


@dataclass(frozen=True)
class TextFormat:
    """How a file's text is stored on disk, so a rewrite keeps it."""

    encoding: str  # "utf-8", "utf-8-sig" (with BOM) or "latin-1"
    newline: str  # "\n" or "\r\n"


def decode_text(data: bytes) -> tuple[str, TextFormat]:
    """A file's bytes as text, and how the text is stored (so a rewrite keeps it)."""
    # latin-1 maps every byte to a character, so text that is not UTF-8 still
    # round-trips byte for byte through an edit.
    encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        encoding = "latin-1"
        text = data.decode(encoding)
    crlf = text.count("\r\n")
    newline = "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"
    return text, TextFormat(encoding, newline)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step, keeping its permissions.

    ``path`` is already resolved (the gate checked that path), so a link to the file stays
    a link to the changed file; it is not resolved again, which could lead elsewhere.
    """
    target = path
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    # Named and noted so that the next start removes it if this process is killed midway.
    temp = tempfiles.temp_path(target)
    with tempfiles.noted(temp):
        # A new file gets 0o666 minus the umask, as any editor would give it.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(temp, mode)
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
