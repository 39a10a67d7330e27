"""Rewinding from the main screen: ``/rewind`` and Esc Esc on an empty prompt open the rewind
dialog (``screens/rewind.py``); the choice is carried out by the core
(``core.sessions.rewind``), the chat shown again as the rewind left it, and the rewound
prompt put back in the prompt box."""

from __future__ import annotations

import time

from textual import work

from openclaude_tui.ui.screens.rewind import RewindChoice, RewindScreen
from openclaude_tui.ui.screens.slash import SlashCommands
from openclaude_tui.ui.widgets.chat_items import Level, NoticeItem

# Seconds within which a second Esc on the empty prompt opens the dialog.
DOUBLE_ESCAPE = 1.5


class Rewinding(SlashCommands):
    """``/rewind`` and Esc Esc (after the slash commands, whose chat clearing it uses)."""

    _escaped_at: float | None = None

    def key_escape(self) -> None:
        """Esc on the empty prompt between turns: the second one in a row opens the dialog.

        (While a turn runs, Esc interrupts it; in the chat pane and the sidebar it goes
        back to the prompt: those keys never get here with the prompt focused and empty.)
        """
        if self.running or self.focused is not self.prompt_input or self.prompt_input.text:
            self._escaped_at = None
            return
        now = time.monotonic()
        if self._escaped_at is not None and now - self._escaped_at <= DOUBLE_ESCAPE:
            self._escaped_at = None
            self.command_rewind()
            return
        self._escaped_at = now
        self.notify("Esc again to rewind", timeout=DOUBLE_ESCAPE)

    def command_rewind(self, argument: str = "") -> None:
        """Go back to before one of the prompts: the code, the conversation, or both."""
        if self.running or self.session is None:
            self.chat.add_item(NoticeItem("/rewind works between turns", "warning"))
            return
        self._rewind()

    @work(group="rewind", exit_on_error=False)
    async def _rewind(self) -> None:
        session = self.session
        rewinder = session.rewinder() if session is not None else None
        try:
            points = rewinder.points() if rewinder is not None else []
        except OSError as error:
            self.chat.add_item(NoticeItem(f"cannot read the session: {error}", "error", "✗"))
            return
        if rewinder is None or not points:
            self.chat.add_item(NoticeItem("nothing to rewind yet", "muted", "·"))
            return
        screen = RewindScreen(points, rewinder.plan, self.config.project_root)
        choice: RewindChoice | None = await self.app.push_screen_wait(screen)
        if choice is None or self.running or session is None:
            return
        result = rewinder.apply(
            choice.plan,
            code=choice.code,
            conversation=choice.conversation,
            overwrite_changed=choice.overwrite_changed,
        )
        point = choice.plan.point
        if choice.conversation:
            saved = session.saved()
            self._empty_chat()
            if saved is not None:
                session.show_again(saved)
            self.prompt_input.put_back(point.text)
            self.prompt_input.focus()
        what = {
            (True, True): "code and conversation",
            (True, False): "code",
            (False, True): "conversation",
        }[(choice.code, choice.conversation)]
        text = f"Rewound the {what} to before prompt {point.turn + 1}"
        if choice.code:
            text += f" · {result.summary()}; shell command effects are not undone"
        level: Level = "warning" if result.failed or result.kept else "muted"
        self.chat.add_item(NoticeItem(text, level, "↶"))
