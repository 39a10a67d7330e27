"""The Bash tool's output, read from the command's pipe.

It is captured up to the wrapper's marker, streamed live in batches, cleaned of terminal
escape sequences, and cut in the middle when it is long (only both ends are kept in memory).
"""

from __future__ import annotations

import asyncio
import codecs
import re
import time
from collections.abc import Callable

from openclaude_tui.core.events import Event, ToolOutput

MAX_OUTPUT_CHARS = 30_000
# Seconds between two live-output events, and live characters sent before pausing.
LIVE_INTERVAL = 0.1
LIVE_LIMIT = 200_000
# Bytes kept from each end of the output; the middle is only counted.
_KEEP_BYTES = 256 * 1024
# UTF-8 continuation bytes: counting the other bytes counts characters.
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))

# Terminal escape sequences: CSI (colours, cursor), OSC (titles, links), DCS and the rest.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[PX^_][^\x1b]*\x1b\\"
    r"|\x1b[@-Z\\-_]"
)


def clean_output(text: str) -> str:
    """Drop terminal escape sequences and keep what a terminal would show of `\\r` lines."""
    text = _ANSI.sub("", text).replace("\r\n", "\n")
    if "\r" not in text:
        return text
    lines = []
    for line in text.split("\n"):
        parts = [part for part in line.split("\r") if part]
        lines.append(parts[-1] if parts else "")
    return "\n".join(lines)


def cut_middle(text: str, total: int | None = None, limit: int = MAX_OUTPUT_CHARS) -> str:
    """Keep the head and tail of a long text, with a note of what was cut.

    ``total`` is the full size when ``text`` already lacks part of the middle.
    """
    total = len(text) if total is None else total
    if total <= limit:
        return text
    half = limit // 2
    head = text[:half]
    newline = head.rfind("\n")
    if newline > half * 0.8:
        head = head[: newline + 1]
    tail = text[-half:]
    newline = tail.find("\n")
    if 0 <= newline < half * 0.2:
        tail = tail[newline + 1 :]
    cut = total - len(head) - len(tail)
    note = f"[… {cut:,} characters cut from the middle; {total:,} in all …]"
    return f"{head.rstrip(chr(10))}\n\n{note}\n\n{tail}"


class CommandOutput:
    """Reads a command's pipe: captures it up to the marker, streams it live, then drains."""

    def __init__(self, call_id: str, emit: Callable[[Event], None], mark: bytes) -> None:
        self.call_id = call_id
        self.emit = emit
        self.mark = mark
        self.marked = False
        self.done = asyncio.Event()
        self.capturing = True
        self.head = bytearray()
        self.tail = bytearray()
        self.total_bytes = 0
        # Characters of the part of the output that is only counted.
        self.middle_chars = 0
        self.held = b""
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.live: list[str] = []
        self.live_sent = 0
        self.last_emit = 0.0
        self.flush_handle: asyncio.TimerHandle | None = None

    async def pump(self, stream: asyncio.StreamReader) -> None:
        """Read until the pipe closes; everything after the marker is discarded."""
        try:
            while chunk := await stream.read(65536):
                if self.capturing:
                    self._take(chunk)
        finally:
            self.settle()

    def _take(self, chunk: bytes) -> None:
        data = self.held + chunk
        index = data.find(self.mark)
        if index >= 0:
            self.marked = True
            self.held = b""
            self._accept(data[:index])
            self.settle()
            return
        # A marker may be split between reads: hold back an ending that could start it.
        longest = min(len(self.mark) - 1, len(data))
        keep = next((k for k in range(longest, 0, -1) if data.endswith(self.mark[:k])), 0)
        self.held = data[len(data) - keep :]
        self._accept(data[: len(data) - keep])

    def settle(self) -> None:
        """Stop capturing: the command is over (or stopped)."""
        if self.capturing:
            self._accept(self.held)
            self.held = b""
            self.capturing = False
            self.flush_live()
        self.done.set()

    def _accept(self, data: bytes) -> None:
        if not data:
            return
        self.total_bytes += len(data)
        if self.live_sent < LIVE_LIMIT:
            self._live(self.decoder.decode(data))
        room = _KEEP_BYTES - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        self.tail += data
        if len(self.tail) > 2 * _KEEP_BYTES:
            dropped = bytes(self.tail[: len(self.tail) - _KEEP_BYTES])
            self.middle_chars += len(dropped.translate(None, _CONTINUATION_BYTES))
            del self.tail[: len(dropped)]

    def _live(self, text: str) -> None:
        if text:
            self.live.append(text)
        if not self.live or self.flush_handle is not None:
            return
        wait = self.last_emit + LIVE_INTERVAL - time.monotonic()
        if wait <= 0:
            self.flush_live()
        else:
            self.flush_handle = asyncio.get_running_loop().call_later(wait, self.flush_live)

    def flush_live(self) -> None:
        """Emit the batched live output as one ToolOutput event."""
        if self.flush_handle is not None:
            self.flush_handle.cancel()
            self.flush_handle = None
        text = clean_output("".join(self.live))
        self.live.clear()
        self.last_emit = time.monotonic()
        if not text or self.live_sent >= LIVE_LIMIT:
            return
        self.live_sent += len(text)
        if self.live_sent >= LIVE_LIMIT:
            text += f"\n[live output stops after {LIVE_LIMIT:,} characters]\n"
        self.emit(ToolOutput(self.call_id, text))

    def text(self) -> str:
        """The captured output, cleaned and cut to size."""
        if self.total_bytes <= len(self.head) + len(self.tail) and not self.middle_chars:
            return cut_middle(clean_output(bytes(self.head + self.tail).decode(errors="replace")))
        head = clean_output(bytes(self.head).decode(errors="replace"))
        # The kept tail may start inside a character: skip its continuation bytes.
        tail_bytes = bytes(self.tail)
        start = len(tail_bytes) - len(tail_bytes.lstrip(_CONTINUATION_BYTES))
        tail = clean_output(tail_bytes[start:].decode(errors="replace"))
        return cut_middle(head + tail, total=len(head) + self.middle_chars + len(tail))
