"""The main screen's tool sidebar and, while the sidebar is hidden, the plan above the prompt."""

from __future__ import annotations

from textual.events import Resize

from openclaude_tui.ui import messages
from openclaude_tui.ui.screens.main_base import MainScreenBase
from openclaude_tui.ui.widgets.tool_sidebar import ToolSidebar

# Below this width the sidebar hides itself (Ctrl+B still shows it).
SIDEBAR_MIN_WIDTH = 100


class SidePanels(MainScreenBase):
    """Where the sidebar shows, what its rows do, and the plan when it is hidden."""

    def on_resize(self, event: Resize) -> None:
        self._place_sidebar()

    @property
    def sidebar_shown(self) -> bool:
        """Whether the tool sidebar is on screen."""
        return not self.has_class("-sidebar-hidden")

    def _place_sidebar(self) -> None:
        wide = self.size.width >= SIDEBAR_MIN_WIDTH
        shown = self.sidebar_choice if self.sidebar_choice is not None else wide
        self.set_class(not shown, "-sidebar-hidden")
        self._show_plan()

    def _show_plan(self) -> None:
        """The plan above the prompt while the sidebar, which shows it, is hidden."""
        todos = self.sidebar.todos
        if todos != self._plan_list.todos:
            self._plan_list.set_todos(todos)
        self.set_class(bool(todos), "-has-plan")

    def action_toggle_sidebar(self) -> None:
        """Show or hide the tool sidebar."""
        self.sidebar_choice = not self.sidebar_shown
        self._place_sidebar()

    def on_tool_sidebar_leave(self, event: ToolSidebar.Leave) -> None:
        self.prompt_input.focus()
        if event.text:
            self.prompt_input.insert(event.text)

    def on_tool_sidebar_call_selected(self, event: ToolSidebar.CallSelected) -> None:
        card = self.cards.get(event.call_id)
        if card is None or self.chat.index_of(card) < 0:
            self.notify("That call is no longer in the chat pane", severity="warning")
            return
        self.chat.select(card)
        self.chat.scroll_to_item(card, top=True)

    def on_todos_changed(self, message: messages.TodosChanged) -> None:
        self.sidebar.set_todos([(row.content, row.status) for row in message.rows])
        self._show_plan()

    def on_subagent_call_changed(self, message: messages.SubagentCallChanged) -> None:
        # A sub-agent's call is a row under its Task call's row.
        if message.state == "pending":
            self.sidebar.add_child(message.call_id, message.key, message.name, message.summary)
        else:
            self.sidebar.set_state(message.key, message.state, message.duration)

    def on_subagent_progressed(self, message: messages.SubagentProgressed) -> None:
        # The Task row shows how far its sub-agent is while it runs.
        plural = "s" if message.calls != 1 else ""
        self.sidebar.set_activity(
            message.call_id, f"{message.calls} call{plural} · {message.action}"
        )
