"""``/coordinate``: the agent plans and delegates to sub-agents, or works on its own again."""

from __future__ import annotations

from openclaude_tui.ui.screens.main_base import MainScreenBase
from openclaude_tui.ui.widgets.chat_items import NoticeItem

USAGE = "/coordinate [on | off]"


class Coordinating(MainScreenBase):
    """``/coordinate [on | off]`` (without an argument: switch)."""

    def command_coordinate(self, argument: str = "") -> None:
        """Make the agent coordinate its sub-agents, or stop it coordinating."""
        # The agent's modules load after the first frame; so does this one.
        from openclaude_tui.core.agent.coordinator import (
            CannotCoordinate,
            coordinate,
            coordinating,
        )

        agent = self.session.agent if self.session is not None else None
        if agent is None:
            self.chat.add_item(NoticeItem("the session has not started yet", "warning", "!"))
            return
        choice = argument.strip().lower()
        if choice not in ("", "on", "off"):
            self.chat.add_item(NoticeItem(f"usage: {USAGE}", "warning", "!"))
            return
        on = not coordinating(agent) if not choice else choice == "on"
        try:
            coordinate(agent, on)
        except CannotCoordinate as error:
            self.chat.add_item(NoticeItem(str(error), "warning", "!"))
            return
        text = (
            "Coordinating: from the next request the agent plans, delegates each piece to a "
            "sub-agent (Task) and reviews their work; it edits nothing itself"
            if on
            else "Not coordinating: the agent works with every tool again"
        )
        self.chat.add_item(NoticeItem(text, "info", "·"))
