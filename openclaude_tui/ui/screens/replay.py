"""``openclaude replay``: a saved session played in the real app, with no model and no server.

The main screen as a live session draws it, but no session is ever made: the transcript's
steps (``core.sessions.playback``) become the same messages the bridge posts for a live
turn, at the recorded pace. Space pauses and goes on, ``+`` and ``-`` change the speed, and
the badge beside the footer says which; the prompt takes nothing. ``ui.replay_app`` is the
app around it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from openclaude_tui.core.sessions.playback import Player, steps
from openclaude_tui.core.sessions.replay import Replayed, ReplayedPrompt, timeline
from openclaude_tui.core.sessions.transcript import Transcript
from openclaude_tui.core.settings.config import Config
from openclaude_tui.ui import messages
from openclaude_tui.ui.bridge import event_message
from openclaude_tui.ui.screens.main import MainScreen
from openclaude_tui.ui.widgets.chat_items import NoticeItem
from openclaude_tui.ui.widgets.status_bar import Status

READ_ONLY = "this is a replay: nothing is sent (Ctrl+Q quits)"


class ReplayScreen(MainScreen):
    """The main screen showing a saved session as it happened.

    Args:
        config: The settings (the theme, the keys, the project shown).
        transcript: The saved session.
        name: What the closing notice calls it (its id or file).
        speed: How many times faster than recorded it starts.
        clock: Monotonic seconds (the turn timer, running cards).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_pause", "Pause", priority=True, id="replay.pause"),
        Binding(
            "plus,equals_sign",
            "faster",
            "Faster",
            key_display="+",
            priority=True,
            id="replay.faster",
        ),
        Binding("minus", "slower", "Slower", key_display="-", priority=True, id="replay.slower"),
    ]
    FOOTER_KEYS: ClassVar[tuple[str, ...]] = (
        "toggle_pause",
        "faster",
        "slower",
        "quit",
        "chat_end",
        "search",
        "toggle_sidebar",
    )
    DEFAULT_CSS = """
    ReplayScreen #footer-row > #mode-badge {
        color: $accent;
        &.-paused { color: $warning; text-style: bold; }
        &.-over { color: $text-muted; }
    }
    """

    def __init__(
        self,
        config: Config,
        transcript: Transcript,
        name: str,
        *,
        speed: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(config, clock=clock)
        self.transcript = transcript
        self.replay_name = name
        self.player = Player(
            steps(timeline(transcript)), self._show, speed=speed, changed=self._show_replay
        )

    def _initial_status(self) -> Status:
        return replace(super()._initial_status(), model=self.transcript.model, host="replay")

    def on_mount(self) -> None:
        # MainScreen's on_mount runs after this one (Textual calls both).
        self.prompt_input.read_only = True
        self.prompt_input.placeholder = READ_ONLY
        for notice in self.transcript.notices:
            self.chat.add_item(NoticeItem(notice, "warning", "!"))

    @work(exclusive=True, group="replay", exit_on_error=False)
    async def _start_session(self) -> None:
        """Play the saved session (no session is made: nothing can reach a server)."""
        await self.player.play()
        self.post_message(messages.NoticePosted(f"End of the replay of {self.replay_name}"))
        self._show_replay()

    def _show(self, item: Replayed) -> None:
        if isinstance(item, ReplayedPrompt):
            self.post_message(messages.PromptReplayed(item.text))
        else:
            self.post_message(event_message(item))

    # A turn of the replay runs from its prompt to its end, as a live one does.

    def on_prompt_replayed(self, message: messages.PromptReplayed) -> None:
        self._set_running(True)

    def on_turn_ended(self, message: messages.TurnEnded) -> None:
        self._turn_over(message.reason)

    # Nothing the user types is sent.

    def submit(self, text: str) -> None:
        self.notify(READ_ONLY, timeout=3)

    def send_prompt(self, text: str) -> None:
        self.notify(READ_ONLY, timeout=3)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("interrupt", "cycle_mode", "review", "plan"):
            return False
        if action in ("toggle_pause", "faster", "slower"):
            # The search field (Ctrl+F) keeps its spaces, pluses and minuses.
            return not isinstance(self.focused, Input)
        return super().check_action(action, parameters)

    # The player's keys

    def action_toggle_pause(self) -> None:
        """Space: pause the replay, or go on."""
        self.player.toggle_pause()

    def action_faster(self) -> None:
        """+: play faster."""
        self.player.faster()

    def action_slower(self) -> None:
        """-: play slower."""
        self.player.slower()

    def _show_mode(self, mode: str) -> None:
        self.status.set(mode=mode)
        self._show_replay()

    def _show_replay(self) -> None:
        """The badge beside the footer: playing or paused, and the speed."""
        player = self.player
        if player.finished:
            text, state = "■ replay over", "-over"
        elif player.paused:
            text, state = f"⏸ paused · {player.speed:g}×", "-paused"
        else:
            text, state = f"▶ replay · {player.speed:g}×", ""
        badge = self.query_one("#mode-badge", Static)
        badge.update(f" {text} ")
        badge.set_classes(state)
