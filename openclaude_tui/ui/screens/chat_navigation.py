"""Moving about the chat: searching it (Ctrl+F), jumping to its end (End), leaving it (Esc)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.events import Key
from textual.widgets import Input

from openclaude_tui.ui.screens.main_base import MainScreenBase

if TYPE_CHECKING:
    from openclaude_tui.ui.widgets.chat import ChatView
    from openclaude_tui.ui.widgets.chat_item import ChatItem


class ChatNavigation(MainScreenBase):
    """The main screen's search (typing finds the first match, Enter the next, Esc closes),
    End and the chat's "new output" label, Esc from the chat."""

    def action_chat_end(self) -> None:
        """End: the prompt's cursor to the end of its line, else the chat to its end."""
        prompt = self.prompt_input
        if prompt.has_focus and prompt.cursor_location != prompt.get_cursor_line_end_location():
            prompt.action_cursor_line_end()
            return
        self.chat.follow_end()

    def on_transcript_view_follow_changed(self, event: ChatView.FollowChanged) -> None:
        # The footer offers End only while the chat does not follow.
        self.refresh_bindings()

    def on_chat_view_leave(self, event: ChatView.Leave) -> None:
        self._close_search()

    async def action_search(self) -> None:
        """Open the search field above the chat."""
        search = self._search
        if not search.is_mounted:
            await self.query_one("#main").mount(search, before="#chat")
        search.display = True
        search.focus()
        self.chat.mark_always = True

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self._search:
            self._find(event.value, after=None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is self._search:
            self._find(event.value, after=self.chat.selected)

    def _find(self, query: str, after: ChatItem | None) -> None:
        chat = self.chat
        found = chat.find(query, after=after)
        self._search.set_class(bool(query) and found is None, "-missing")
        if found is not None:
            chat.search = query
            chat.select(found)

    def on_key(self, event: Key) -> None:
        if event.key == "escape" and self._search.has_focus:
            event.stop()
            self._close_search()

    def _close_search(self) -> None:
        """Hide the search field and its highlights; the prompt has the focus again."""
        self._search.display = False
        self.chat.mark_always = False
        self.chat.search = ""
        self.prompt_input.focus()
