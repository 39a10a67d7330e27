"""``/think``: how much the model reasons, from the next request on (``core.thinking``)."""

from __future__ import annotations

from openclaude_tui.core.thinking import USAGE, describe_thinking, set_thinking
from openclaude_tui.ui.screens.main_base import MainScreenBase
from openclaude_tui.ui.widgets.chat_items import NoticeItem


class Thinking(MainScreenBase):
    """``/think [on | off | low | medium | high | default]``."""

    def command_think(self, argument: str = "") -> None:
        """Say what the requests ask of the model's reasoning, or change it."""
        choice = argument.strip().lower()
        if not choice:
            now = describe_thinking(self.config.extra_body)
            self.chat.add_item(NoticeItem(f"Reasoning: {now} · {USAGE}", "muted", "·"))
            return
        if self.session is None:
            self.chat.add_item(NoticeItem("the session has not started yet", "warning", "!"))
            return
        try:
            now = set_thinking(self.session, choice)
        except ValueError as error:
            self.chat.add_item(NoticeItem(str(error), "warning", "!"))
            return
        self.chat.add_item(NoticeItem(f"Reasoning: {now}, from the next request on", "info", "·"))
