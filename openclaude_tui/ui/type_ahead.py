"""Type-ahead never answers a question: keys typed in a burst that began before a choice
screen opened go to the prompt instead.

A choice screen (the permission modal, a confirmation) can open while the user is typing a
follow-up. A letter meant for the prompt must not become ``y``, ``a`` or ``n``. The rule:

- a key that reached the terminal before the screen opened never answers it (keys that
  wait in the app's queue while the screen is being shown carry the time they arrived);
- a key less than ``PAUSE`` seconds after the previous one is part of a burst and never
  answers either, however long the screen has been open: the first key after a pause of
  ``PAUSE`` answers. (A screen that opens after the typing paused is answered by the next
  key, which comes after that pause.)

The app owns one ``TypingTracker`` (``TypeAheadApp`` records every key in ``on_event``,
before any binding sees it); a choice screen mixes in ``GuardedChoice``, which opens a
``KeyGuard`` when mounted and shows, while it holds, that keys went elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

from textual import _time, events
from textual.app import App
from textual.screen import Screen
from textual.timer import Timer

# Seconds without a key that end a burst of typing.
PAUSE = 0.4
# Keys that never answer a choice but act on the app (quit, copy or interrupt): they pass.
PASSING_KEYS = frozenset({"ctrl+q", "ctrl+c"})
WAITING_NOTE = "keys typed just now went to the prompt; press a key to answer"


class TypingTracker:
    """When the user last pressed a key.

    Args:
        pause: Seconds without a key that end a burst.
        clock: Seconds (monotonic) used for every key instead of the time the key arrived,
            and for the time a screen opened (tests drive it by hand); by default the
            time the terminal's key reached the app, and Textual's clock.
    """

    def __init__(self, pause: float = PAUSE, clock: Callable[[], float] | None = None) -> None:
        self.pause = pause
        self.clock = clock
        self.last_key = -math.inf

    def now(self) -> float:
        """The current time on the keys' clock."""
        return self.clock() if self.clock is not None else _time.get_time()

    def stamp(self, event: events.Key) -> float:
        """When ``event`` was typed: the time it arrived (or the injected clock's time)."""
        return self.clock() if self.clock is not None else event.time

    def record(self, stamp: float) -> None:
        """A key was typed at ``stamp``."""
        self.last_key = max(self.last_key, stamp)

    def open_guard(self) -> KeyGuard:
        """A guard for a choice that opens now."""
        return KeyGuard(self, self.now())


class KeyGuard:
    """Tells type-ahead from a deliberate answer, for one choice opened at ``opened``."""

    def __init__(self, tracker: TypingTracker, opened: float) -> None:
        self.tracker = tracker
        self.opened = opened
        # Not decided when the choice opens: keys typed just before may still wait in the
        # app's queue, unrecorded, while the app was busy, so the typing could look paused
        # when it was not. Keys are recorded in the order they arrived, so a key's own gap
        # to the one before it is known when it is judged.
        self.released = False

    def admits(self, stamp: float) -> bool:
        """Whether a key typed at ``stamp`` may answer; ask before recording the key."""
        if stamp < self.opened:
            return False
        if not self.released and stamp - self.tracker.last_key >= self.tracker.pause:
            self.released = True
        return self.released

    def holding(self) -> bool:
        """Whether the choice still waits for the typing to pause (for showing so)."""
        if self.released:
            return False
        return self.tracker.now() - self.tracker.last_key < self.tracker.pause


class GuardedChoice(Screen[Any]):
    """A screen that answers with keys, which type-ahead must not answer.

    While its guard holds, the screen has the class ``-waiting`` (its CSS greys the
    choices) and the widget ``#type-ahead-note`` (if it has one) shows ``WAITING_NOTE``.
    Keys held back go to the prompt when ``TYPE_AHEAD_TO_PROMPT``, else they are dropped.
    """

    TYPE_AHEAD_TO_PROMPT: ClassVar[bool] = True

    key_guard: KeyGuard | None = None
    _guard_timer: Timer | None = None

    def open_key_guard(self) -> None:
        """Start guarding (when the screen is mounted: keys before that are type-ahead)."""
        app = self.app
        tracker = app.typing if isinstance(app, TypeAheadApp) else TypingTracker()
        self.key_guard = tracker.open_guard()
        self.show_key_guard()

    def show_key_guard(self) -> None:
        """Show whether the screen waits for the typing to pause; follow it while it does."""
        self._show_guard()
        if self.has_class("-waiting") and self._guard_timer is None:
            self._guard_timer = self.set_interval(0.1, self._show_guard)

    def _show_guard(self) -> None:
        holding = self.key_guard is not None and self.key_guard.holding()
        self.set_class(holding, "-waiting")
        for note in self.query("#type-ahead-note"):
            note.display = holding
        if not holding and self._guard_timer is not None:
            self._guard_timer.stop()
            self._guard_timer = None

    def admits(self, stamp: float) -> bool:
        """Whether a key typed at ``stamp`` may answer this screen."""
        # Not mounted yet: whatever is typed now was typed before the screen showed.
        return self.key_guard is not None and self.key_guard.admits(stamp)


class TypeAheadApp(App[Any]):
    """An app whose choice screens are never answered by type-ahead.

    Args:
        typing: The key tracker (tests give one with their own clock).
    """

    def __init__(self, typing: TypingTracker | None = None) -> None:
        super().__init__()
        self.typing = typing or TypingTracker()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            stamp = self.typing.stamp(event)
            screen = self.screen
            held = (
                isinstance(screen, GuardedChoice)
                and event.key not in PASSING_KEYS
                and not screen.admits(stamp)
            )
            self.typing.record(stamp)
            if held:
                assert isinstance(screen, GuardedChoice)
                screen.show_key_guard()
                if screen.TYPE_AHEAD_TO_PROMPT:
                    await self.type_ahead(event)
                return
        await super().on_event(event)

    async def type_ahead(self, event: events.Key) -> None:
        """Where a key typed for something else goes (nowhere here; the prompt in the app)."""
