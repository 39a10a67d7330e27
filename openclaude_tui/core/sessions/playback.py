"""A saved session played back at its recorded pace (``openclaude replay``).

``steps`` turns a transcript's timeline (``core.sessions.replay``) into what to show and
how long after the step before, as recorded: an answer streams over the time the model
took, a tool card runs as long as the call ran. A pause longer than ``LONGEST_PAUSE`` (the
user away) is cut short. ``Player`` hands the steps to the app at that pace times its
speed; it can be paused and sped up or slowed down while it plays.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from openclaude_tui.core.events import TextDelta, ToolCallRunning, ToolCallStarted, Usage
from openclaude_tui.core.sessions.replay import Moment, Replayed

# Recorded seconds: no step waits longer than this at 1×.
LONGEST_PAUSE = 5.0
# Between the steps of a transcript written without times.
UNTIMED_PAUSE = 0.4
# An answer streams in at most this many pieces.
TEXT_PIECES = 20
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)


@dataclass(frozen=True)
class Step:
    """Something to show, ``delay`` recorded seconds after the step before."""

    delay: float
    item: Replayed


def steps(moments: list[Moment]) -> list[Step]:
    """The steps of a timeline, paced as recorded."""
    ordered = list(_answers_first(moments))
    paced: list[Step] = []
    previous: float | None = None
    for index, moment in enumerate(ordered):
        if index == 0:
            delay = 0.0
        elif moment.at is None or previous is None:
            delay = UNTIMED_PAUSE
        else:
            delay = min(max(moment.at - previous, 0.0), LONGEST_PAUSE)
        previous = moment.at if moment.at is not None else previous
        item = moment.item
        if isinstance(item, TextDelta):
            paced.extend(_streamed(item.text, delay))
            continue
        paced.append(Step(delay, item))
        if isinstance(item, ToolCallStarted):
            # Live, a card runs once the gate let it; the transcript keeps no such step.
            paced.append(Step(0.0, ToolCallRunning(item.call_id)))
    return paced


def _answers_first(moments: list[Moment]) -> Iterator[Moment]:
    """A request's usage is recorded once its answer came, but just before the answer's
    text: the text goes first, so that it streams over the time the request took."""
    pending: Moment | None = None
    for moment in moments:
        if pending is not None:
            if isinstance(moment.item, TextDelta):
                yield Moment(pending.at, moment.item)
                yield Moment(moment.at, pending.item)
                pending = None
                continue
            yield pending
            pending = None
        if isinstance(moment.item, Usage):
            pending = moment
        else:
            yield moment
    if pending is not None:
        yield pending


def _streamed(text: str, delay: float) -> list[Step]:
    """``text`` in pieces spread over ``delay`` (whole words, at most ``TEXT_PIECES``)."""
    words = text.split(" ")
    count = max(1, min(TEXT_PIECES, len(words)))
    size = -(-len(words) // count)
    pieces = [" ".join(words[i : i + size]) for i in range(0, len(words), size)]
    joined = [piece + " " for piece in pieces[:-1]] + pieces[-1:]
    return [Step(delay / len(joined), TextDelta(piece)) for piece in joined]


class Player:
    """Hands ``steps`` to ``show`` at their pace divided by the speed.

    Args:
        steps: What to show, paced.
        show: Called with each step's item, in order.
        speed: How many times faster than recorded.
        changed: Called after each pause, resumption or change of speed.
    """

    def __init__(
        self,
        steps: list[Step],
        show: Callable[[Replayed], None],
        *,
        speed: float = 1.0,
        changed: Callable[[], None] = lambda: None,
    ) -> None:
        self.steps = steps
        self.shown = 0
        self.speed = speed
        self._show = show
        self._changed = changed
        self._playing = asyncio.Event()
        self._playing.set()
        # Set to wake a wait when the pace changes (a pause, a new speed).
        self._nudge = asyncio.Event()

    @property
    def paused(self) -> bool:
        """Whether it is paused."""
        return not self._playing.is_set()

    @property
    def finished(self) -> bool:
        """Whether every step was shown."""
        return self.shown == len(self.steps)

    def toggle_pause(self) -> bool:
        """Pause, or go on; whether it is paused now."""
        if self.paused:
            self._playing.set()
        else:
            self._playing.clear()
        self._nudge.set()
        self._changed()
        return self.paused

    def faster(self) -> float:
        """The next speed up (the fastest stays); the speed now."""
        return self._set_speed(next((s for s in SPEEDS if s > self.speed), self.speed))

    def slower(self) -> float:
        """The next speed down (the slowest stays); the speed now."""
        return self._set_speed(next((s for s in reversed(SPEEDS) if s < self.speed), self.speed))

    def _set_speed(self, speed: float) -> float:
        self.speed = speed
        self._nudge.set()
        self._changed()
        return speed

    async def play(self) -> None:
        """Show every step at its pace (returns when the last is shown)."""
        for step in self.steps[self.shown :]:
            await self._wait(step.delay)
            self._show(step.item)
            self.shown += 1

    async def _wait(self, recorded: float) -> None:
        """Wait ``recorded`` seconds at the speed of each moment, not while paused."""
        loop = asyncio.get_running_loop()
        left = recorded
        while True:
            await self._playing.wait()
            if left <= 0:
                return
            self._nudge.clear()
            speed = self.speed
            started = loop.time()
            try:
                await asyncio.wait_for(self._nudge.wait(), left / speed)
            except TimeoutError:
                return
            left -= (loop.time() - started) * speed
