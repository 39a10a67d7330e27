"""The lines Read shows, read from disk within fixed bounds, whatever the file's size.

One pass over the file in blocks counts its lines and checks that it is UTF-8; of the
requested lines, only the first ``MAX_LINE_BYTES`` of each are kept, and only until
``MAX_SHOWN_BYTES`` are kept in all. A 1 GB file of one line costs a few blocks of
memory, not the gigabyte (or several, once decoded).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from typing import BinaryIO

BLOCK_BYTES = 1 << 20
# A shown line is cut at 2,000 characters, which UTF-8 holds in at most 8,000 bytes.
MAX_LINE_BYTES = 8000
# All shown lines together; what does not fit is left for the next Read.
MAX_SHOWN_BYTES = 256 * 1024


@dataclass
class Window:
    """What one pass over a file found.

    Attributes:
        lines: The kept bytes of each shown line (newline removed), from ``offset`` on.
        sizes: The full size in bytes of each shown line (to say how much was cut).
        total: The file's number of lines.
        utf8: Whether the whole file is valid UTF-8.
        full: Whether the shown lines stopped at ``MAX_SHOWN_BYTES`` before ``limit``.
    """

    lines: list[bytes] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    total: int = 0
    utf8: bool = True
    full: bool = False


def read_window(handle: BinaryIO, offset: int, limit: int) -> Window:
    """Lines ``offset`` (1-based) to ``offset + limit - 1`` of the open file, bounded."""
    window = Window()
    checker = codecs.getincrementaldecoder("utf-8")()
    line = 1  # the number of the line the next byte belongs to
    kept = bytearray()  # the current line's kept bytes, while it is being shown
    size = 0  # the current line's full size
    shown_bytes = 0
    last = b""
    while block := handle.read(BLOCK_BYTES):
        if window.utf8:
            try:
                checker.decode(block)
            except UnicodeDecodeError:
                window.utf8 = False
        last = block[-1:]
        start = 0
        while start < len(block):
            end = block.find(b"\n", start)
            piece_end = len(block) if end == -1 else end
            if _showing(window, line, offset, limit):
                room = MAX_LINE_BYTES - len(kept)
                if room > 0:
                    kept += block[start : min(piece_end, start + room)]
                size += piece_end - start
            if end == -1:
                break
            if _showing(window, line, offset, limit):
                shown_bytes += len(kept)
                _keep(window, kept, size)
                window.full = shown_bytes >= MAX_SHOWN_BYTES
            kept, size = bytearray(), 0
            line += 1
            start = end + 1
    if window.utf8:
        try:
            checker.decode(b"", final=True)
        except UnicodeDecodeError:
            window.utf8 = False
    ended_in_newline = last == b"\n"
    window.total = line - 1 if ended_in_newline or not last else line
    if not ended_in_newline and last and _showing(window, line, offset, limit):
        _keep(window, kept, size)
    return window


def _showing(window: Window, line: int, offset: int, limit: int) -> bool:
    return offset <= line < offset + limit and not window.full


def _keep(window: Window, kept: bytearray, size: int) -> None:
    line = bytes(kept)
    if line.endswith(b"\r") and size == len(kept):
        line, size = line[:-1], size - 1
    window.lines.append(line)
    window.sizes.append(size)
