"""Server-sent events read straight from the bytes of a streamed answer.

The provider reads a chat-completion stream itself rather than through the SDK's stream
object: the SDK builds a typed model of every chunk, which costs more CPU than drawing the
answer does. Only ``data`` fields matter here; lines end in ``\\n`` or ``\\r\\n``, and
other line separators (U+2028 and friends) may sit inside the JSON unescaped.

A line, and an event, may hold at most ``max_bytes``: a server that sends a line without
end must not fill the memory. The body is read at a bounded pace (``gathered``), and what
follows the end of a stream is read briefly so the connection can be reused (``drain``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterable, AsyncIterator

from openclaude_tui.core.llm.deadlines import BodyTooLarge

DEFAULT_MAX_BYTES = 8 * 1024 * 1024
# How long the rest of a finished stream is waited for (see ``drain``).
DRAIN_SECONDS = 0.1
# A streamed body is read at most this often; the events that arrive in between are read
# together. Every socket read costs the HTTP stack far more CPU than decoding a few more
# events, and a token stream sends one event per token or word.
READ_INTERVAL = 1 / 30
FULL_READ = 16 * 1024


class EventDecoder:
    """Turns the bytes of an event stream, as they arrive, into the data of each event.

    Raises ``BodyTooLarge`` (from ``feed``) when a line or an event passes ``max_bytes``.
    """

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        # The unfinished last line, as a growing buffer: joining a long line's pieces
        # one by one would copy it over and over.
        self._pending = bytearray()
        self._data: list[str] = []
        self._data_size = 0
        self._max = max_bytes

    def feed(self, chunk: bytes) -> list[str]:
        """The data of the events ``chunk`` completes (one string per event)."""
        events: list[str] = []
        start = 0
        while (end := chunk.find(b"\n", start)) != -1:
            if self._pending:
                self._pending += chunk[start:end]
                line = bytes(self._pending)
                self._pending.clear()
            else:
                line = chunk[start:end]
            self._line(line, events)
            start = end + 1
        self._pending += chunk[start:]
        if len(self._pending) > self._max:
            raise BodyTooLarge(self._max)
        return events

    def close(self) -> list[str]:
        """The data of an event the stream left unterminated at its end."""
        events: list[str] = []
        if self._pending:
            self._line(bytes(self._pending), events)
            self._pending.clear()
        if self._data:
            events.append("\n".join(self._data))
            self._data = []
        return events

    def _line(self, raw: bytes, events: list[str]) -> None:
        line = raw.removesuffix(b"\r")
        if not line:
            if self._data:
                events.append("\n".join(self._data))
                self._data = []
                self._data_size = 0
            return
        if not line.startswith(b"data:"):
            return  # comments (": keep-alive"), event names, ids and retry hints
        value = line[5:]
        if value.startswith(b" "):
            value = value[1:]
        self._data_size += len(value)
        if self._data_size > self._max:
            raise BodyTooLarge(self._max)
        self._data.append(value.decode("utf-8", errors="replace"))


async def event_data(
    chunks: AsyncIterable[bytes], max_bytes: int = DEFAULT_MAX_BYTES
) -> AsyncIterator[str]:
    """The data of each event in a stream of bytes (``BodyTooLarge`` past ``max_bytes``)."""
    decoder = EventDecoder(max_bytes)
    async for chunk in chunks:
        for data in decoder.feed(chunk):
            yield data
    for data in decoder.close():
        yield data


async def gathered(chunks: AsyncIterator[bytes], interval: float) -> AsyncIterator[bytes]:
    """``chunks``, read no more often than once per ``interval`` seconds.

    A full read (the body arriving faster than it is read) is followed at once: waiting
    would only slow a large body down, not save reads.
    """
    read_at = 0.0
    async for chunk in chunks:
        yield chunk
        if len(chunk) >= FULL_READ:
            read_at = time.monotonic()
            continue
        wait = read_at + interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        read_at = time.monotonic()


async def drain(events: AsyncIterator[str]) -> None:
    """Read what follows ``[DONE]`` (normally just the body's end), briefly.

    A connection whose body was read to its end goes back to the pool; one closed early
    would cost the next request a new connection (and a TLS handshake for hosted APIs).
    """
    with contextlib.suppress(Exception):
        async with asyncio.timeout(DRAIN_SECONDS):
            async for _ in events:
                pass
