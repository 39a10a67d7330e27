"""The deadlines of one model request, and reading what a server says without trusting it.

A request has three deadlines: the first token must come within ``first_token_timeout``;
after it, the server may pause at most ``stall_timeout`` between bytes; and the whole
answer must be over within ``request_timeout``. One ``asyncio.Timeout`` carries whichever
comes first, so an endless or stalled body ends on time and Ctrl+C (cancellation) cuts
through at any point.

Servers' answers are read defensively as well: JSON nested deeper than Python's parser
can follow is a malformed answer (not a ``RecursionError``), and ``Retry-After`` is taken
only when it is a finite number of seconds or an HTTP date.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import math
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

Phase = Literal["first_token", "stall", "total"]


class RequestClock:
    """Keeps one request's ``asyncio.Timeout`` on its nearest deadline.

    Args:
        first_token: Seconds the first token may take.
        stall: Seconds the server may fall silent once the answer has begun.
        total: Seconds the whole request may take.
        now: The clock (``time.monotonic``).
    """

    def __init__(
        self,
        first_token: float,
        stall: float,
        total: float,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.first_token = first_token
        self.stall = stall
        self.total = total
        self._now = now
        self._started = now()
        self._answering = False
        self._timeout: asyncio.Timeout | None = None
        self.phase: Phase = "first_token" if first_token < total else "total"

    def timeout(self) -> asyncio.Timeout:
        """The timeout to enter around the request (on the first-token deadline)."""
        self._timeout = asyncio.timeout_at(self._loop_time(self._deadline()))
        return self._timeout

    def answer_began(self) -> None:
        """The first token came: from now on silence is what is limited."""
        self._answering = True
        self._move()

    def bytes_arrived(self) -> None:
        """The server sent something: once the answer has begun, the stall clock restarts."""
        if self._answering:
            self._move()

    def _deadline(self) -> float:
        limit = self.stall if self._answering else self.first_token
        mine = self._now() + limit if self._answering else self._started + limit
        whole = self._started + self.total
        if mine < whole:
            self.phase = "stall" if self._answering else "first_token"
            return mine
        self.phase = "total"
        return whole

    def _move(self) -> None:
        if self._timeout is not None:
            self._timeout.reschedule(self._loop_time(self._deadline()))

    def _loop_time(self, moment: float) -> float:
        # The loop's clock and ours may differ: convert through "seconds from now".
        return asyncio.get_running_loop().time() + (moment - self._now())

    def message(self, host: str) -> str:
        """What the user is told when the deadline in force passed."""
        if self.phase == "stall":
            return (
                f"the server at {host} stopped sending for {self.stall:g} s in the middle of "
                "the answer (the stall timeout; raise it with --stall-timeout)"
            )
        if self.phase == "total" and self._answering:
            return (
                f"the server at {host} was still sending after {self.total:g} s (the request "
                "timeout; raise it with --request-timeout)"
            )
        if self.phase == "total":
            return (
                f"the server at {host} did not answer within {self.total:g} s (the request "
                "timeout; raise it with --request-timeout)"
            )
        return (
            f"the server at {host} sent nothing within {self.first_token:g} s (the first-token "
            "timeout; a model may still be loading: raise it with --first-token-timeout)"
        )


async def timed_bytes(chunks: AsyncIterator[bytes], clock: RequestClock) -> AsyncIterator[bytes]:
    """``chunks``, telling ``clock`` each time bytes arrive."""
    async for chunk in chunks:
        clock.bytes_arrived()
        yield chunk


class BodyTooLarge(Exception):
    """A body, or one line of a stream, is larger than the program will hold."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit // (1024 * 1024)} MB")
        self.limit = limit


async def read_capped(chunks: AsyncIterator[bytes], limit: int) -> bytes:
    """The whole body, or ``BodyTooLarge`` as soon as it passes ``limit`` bytes."""
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge(limit)
    return bytes(body)


def parse_json(data: str | bytes) -> Any:
    """Decoded JSON; ``ValueError`` for anything that is not JSON we can hold.

    Python's parser recurses once per nesting level, so a deep enough document raises
    ``RecursionError``: that is a malformed answer too, not a crash.
    """
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def retry_after_seconds(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait; None when it says nothing usable.

    Numbers (``120``, ``1.5``) and HTTP dates are understood; a negative number or a past
    date means now; ``nan``, infinity and garbage are ignored.
    """
    if not value or not value.strip():
        return None
    seconds: float | None
    try:
        seconds = float(value)
    except ValueError:
        seconds = _date_seconds(value, now)
    if seconds is None or not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)


def _date_seconds(value: str, now: Callable[[], float]) -> float | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    try:
        return parsed.timestamp() - now()
    except (OverflowError, OSError, ValueError):
        return None
