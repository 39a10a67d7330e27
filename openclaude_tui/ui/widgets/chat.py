"""The chat pane: the transcript (``chat_transcript``) with a selection, keys and the mouse.

Keys when the pane has the focus: Up/Down move between entries, Enter expands or collapses
the selected one, ``c`` copies it, End jumps to the end and follows it, Esc goes back to
the prompt.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message

from openclaude_tui.ui.widgets.chat_item import STYLE_NAMES, ChatItem
from openclaude_tui.ui.widgets.chat_lines import new_output_label_start
from openclaude_tui.ui.widgets.chat_transcript import TranscriptView


class ChatView(TranscriptView, can_focus=True):
    """The scrolling transcript of the conversation."""

    DEFAULT_CSS = """
    ChatView {
        scrollbar-gutter: stable;
        overflow-x: hidden;
        background: $background;
        & > .chat--user { background: $panel; color: $foreground; }
        & > .chat--muted { color: $text-muted; }
        & > .chat--accent { color: $accent; }
        & > .chat--success { color: $success; }
        & > .chat--error { color: $error; }
        & > .chat--warning { color: $warning; }
        & > .chat--heading { color: $primary-lighten-2; text-style: bold; }
        & > .chat--inline-code { color: $accent-lighten-1; background: $panel; }
        & > .chat--quote { color: $text-muted; text-style: italic; }
        & > .chat--bullet { color: $accent; }
        & > .chat--link { color: $primary-lighten-2; text-style: underline; }
        & > .chat--code { background: $panel-darken-1; }
        & > .chat--tool { color: $foreground; text-style: bold; }
        & > .chat--selected { color: $accent; }
        & > .chat--match { background: $warning-muted; }
        & > .chat--diff-added { background: $success 18%; }
        & > .chat--diff-removed { background: $error 18%; }
        & > .chat--diff-hunk { color: $text-primary; }
        & > .chat--diff-context { color: $foreground 80%; }
        & > .chat--new-output { background: $accent; color: $background; text-style: bold; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"chat--{name}" for name in STYLE_NAMES),
        "chat--new-output",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Previous", show=False, id="chat.previous"),
        Binding("down,j", "move(1)", "Next", show=False, id="chat.next"),
        Binding("enter", "activate", "Expand", id="chat.activate"),
        Binding("c", "copy", "Copy", id="chat.copy"),
        Binding("end", "follow_end", "Bottom", id="chat.follow_end"),
        Binding("escape", "leave", "Prompt", id="chat.leave"),
    ]

    class Leave(Message):
        """The user asked to go back to the prompt."""

    class Copy(Message):
        """The user asked to copy an entry's text."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    # Selection, keys and mouse

    def selectable_items(self) -> Iterator[ChatItem]:
        """Entries that can be selected, in order."""
        return (item for item in self.items if item.selectable)

    def select(self, item: ChatItem | None, *, scroll: bool = True) -> None:
        """Select an entry (shown with a bar in the gutter while the pane has the focus)."""
        self.selected = item
        if item is not None and scroll:
            self.scroll_to_item(item)
        self.refresh()

    def scroll_to_item(self, item: ChatItem, *, top: bool = False) -> None:
        """Scroll so that the entry shows (its top at the top of the pane if ``top``)."""
        self._update()
        if item not in self._laid_items:
            return
        index = self._laid_items.index(item)
        start, height = self._starts[index], self._heights[index]
        view_top, view_height = self.scroll_offset.y, self.size.height
        if top or start < view_top or height > view_height:
            target = start
        elif start + height > view_top + view_height:
            target = start + height - view_height
        else:
            return
        self.scroll_to(y=target, animate=False, immediate=True)

    def find(
        self, query: str, *, after: ChatItem | None = None, backwards: bool = False
    ) -> ChatItem | None:
        """The next entry (wrapping around) whose text contains ``query``, ignoring case."""
        needle = query.casefold()
        if not needle or not self.items:
            return None
        order = list(reversed(self.items)) if backwards else list(self.items)
        start = order.index(after) + 1 if after in order else 0
        for item in order[start:] + order[:start]:
            if item.selectable and needle in item.search_text().casefold():
                return item
        return None

    def on_focus(self) -> None:
        if self.selected is None or self.index_of(self.selected) < 0:
            last = None
            for last in self.selectable_items():  # noqa: B007 - the last one is wanted
                pass
            self.select(last)
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, step: int) -> None:
        """Select the previous (-1) or next (+1) entry."""
        choices = list(self.selectable_items())
        if not choices:
            return
        if self.selected not in choices:
            self.select(choices[-1])
            return
        position = choices.index(self.selected) + step
        self.select(choices[max(0, min(position, len(choices) - 1))])

    def action_activate(self) -> None:
        """Expand or collapse the selected entry."""
        item = self.selected
        if item is not None and item.activate():
            self.update_item(item)
            self.schedule(lambda: self.scroll_to_item(item))

    def action_copy(self) -> None:
        """Copy the selected entry's text."""
        if self.selected is not None and self.selected.copy_text():
            self.post_message(self.Copy(self.selected.copy_text()))

    def action_leave(self) -> None:
        """Go back to the prompt."""
        self.post_message(self.Leave())

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        width = self.scrollable_content_region.width
        if (
            self._unseen
            and offset.y == self.size.height - 1
            and offset.x >= new_output_label_start(width)
        ):
            self.follow_end()
            return
        item = self.item_at(self.scroll_offset.y + offset.y)
        if item is None or not item.selectable:
            return
        self.focus()
        already = item is self.selected
        self.select(item, scroll=False)
        if already and item.activate():
            self.update_item(item)
