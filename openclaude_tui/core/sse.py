"""Server-sent events read straight from the bytes of a streamed answer.

The provider reads a chat-completion stream itself rather than through the SDK's stream
object: the SDK builds a typed model of every chunk, which costs more CPU than drawing the
answer does. Only ``data`` fields matter here; lines end in ``\\n`` or ``\\r\\n``, and
other line separators (U+2028 and friends) may sit inside the JSON unescaped.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator


class EventDecoder:
    """Turns the bytes of an event stream, as they arrive, into the data of each event."""

    def __init__(self) -> None:
        self._pending = b""
        self._data: list[str] = []

    def feed(self, chunk: bytes) -> list[str]:
        """The data of the events ``chunk`` completes (one string per event)."""
        lines = (self._pending + chunk).split(b"\n")
        self._pending = lines.pop()
        events: list[str] = []
        for raw in lines:
            self._line(raw, events)
        return events

    def close(self) -> list[str]:
        """The data of an event the stream left unterminated at its end."""
        events: list[str] = []
        if self._pending:
            self._line(self._pending, events)
            self._pending = b""
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
            return
        if not line.startswith(b"data:"):
            return  # comments (": keep-alive"), event names, ids and retry hints
        value = line[5:]
        if value.startswith(b" "):
            value = value[1:]
        self._data.append(value.decode("utf-8", errors="replace"))


async def event_data(chunks: AsyncIterable[bytes]) -> AsyncIterator[str]:
    """The data of each event in a stream of bytes."""
    decoder = EventDecoder()
    async for chunk in chunks:
        for data in decoder.feed(chunk):
            yield data
    for data in decoder.close():
        yield data
