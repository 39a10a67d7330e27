"""The chat pane: a virtual transcript that renders each entry once and draws only what shows.

Every entry (a user message, a piece of an answer, a tool card, a notice) is a ``ChatItem``
that renders itself to lines of text, cached until it changes or the width does. The pane
is one scrolling widget that draws the visible lines from those caches, so the cost of a
frame does not grow with the length of the conversation, and changes are gathered into at
most ``FRAMES_PER_SECOND`` frames a second however fast events arrive.

Keys when the pane has the focus: Up/Down move between entries, Enter expands or collapses
the selected one, ``c`` copies it, Esc goes back to the prompt.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Iterator
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.theme import Theme
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from openclaude_tui.ui.widgets.chat_item import (
    DARK_CODE_THEME,
    GUTTER,
    LIGHT_CODE_THEME,
    STYLE_NAMES,
    ChatItem,
    RenderContext,
    markdown_theme,
)

# Ten frames a second keep streamed text fluid; each frame repaints every widget beside
# the pane too (Textual renders all widgets whose container overlaps a change).
FRAMES_PER_SECOND = 10
SPINNER_INTERVAL = 0.1
# Past this many lines the oldest entries are dropped (a fifth at a time).
MAX_LINES = 20_000


class ChatView(ScrollView, can_focus=True):
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
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"chat--{name}" for name in STYLE_NAMES}

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("up,k", "move(-1)", "Previous", show=False),
        Binding("down,j", "move(1)", "Next", show=False),
        Binding("enter", "activate", "Expand"),
        Binding("c", "copy", "Copy"),
        Binding("escape", "leave", "Prompt"),
    ]

    class Leave(Message):
        """The user asked to go back to the prompt."""

    class Copy(Message):
        """The user asked to copy an entry's text."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_lines: int = MAX_LINES,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.max_lines = max_lines
        self.items: list[ChatItem] = []
        self.selected: ChatItem | None = None
        self._starts: list[int] = []
        self._heights: list[int] = []
        # What was measured at the last frame (items may change before the next one).
        self._laid_items: list[ChatItem] = []
        self._laid_out: list[list[Strip]] = []
        self._total = 0
        self._drawn_total = 0
        self._dirty: int | None = None
        self._callbacks: list[Callable[[], None]] = []
        self._frame_timer: Timer | None = None
        self._last_frame = 0.0
        self._generation = 0
        self._styles: dict[str, Style] = {}
        self._theme: Theme | None = None
        self._context_cache: RenderContext | None = None
        self._animated: set[ChatItem] = set()
        self._spinner: Timer | None = None
        self._width = 0
        self.pruned = 0
        # Set while a turn runs: the end is then followed with room to grow (see _place).
        self._live = False
        # Show the selection even without the focus (while searching).
        self.mark_always = False
        self._search = ""

    @property
    def search(self) -> str:
        """Text highlighted in the selected entry (the search's query)."""
        return self._search

    @search.setter
    def search(self, query: str) -> None:
        self._search = query
        self.refresh()

    @property
    def live(self) -> bool:
        """Whether output is streaming in (set by the screen while a turn runs)."""
        return self._live

    @live.setter
    def live(self, value: bool) -> None:
        if value != self._live:
            self._live = value
            self._mark(len(self.items))

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self._spinner = self.set_interval(SPINNER_INTERVAL, self._spin, pause=True)

    # Changing the transcript

    def add_item(self, item: ChatItem, *, before: ChatItem | None = None) -> ChatItem:
        """Append an entry, or insert it before another; it shows at the next frame."""
        index = len(self.items) if before is None else self.index_of(before)
        self.items.insert(index, item)
        self._mark(index)
        if item.animated:
            self._animated.add(item)
        return item

    def update_item(self, item: ChatItem) -> None:
        """Show an entry's new state at the next frame."""
        index = self.index_of(item)
        if index < 0:
            return
        item.touch()
        if item.animated:
            self._animated.add(item)
        else:
            self._animated.discard(item)
        self._mark(index)

    def remove_item(self, item: ChatItem) -> None:
        """Take an entry out of the transcript."""
        index = self.index_of(item)
        if index < 0:
            return
        del self.items[index]
        self._animated.discard(item)
        if self.selected is item:
            self.selected = None
        self._mark(index)

    def clear_items(self) -> None:
        """Empty the transcript."""
        self.items.clear()
        self._animated.clear()
        self.selected = None
        self.pruned = 0
        self._mark(0)

    def schedule(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` at the start of the next frame (to batch streamed updates)."""
        self._callbacks.append(callback)
        self._request_frame()

    def index_of(self, item: ChatItem) -> int:
        """The entry's position, or -1; searched from the end, where changes happen."""
        for index in range(len(self.items) - 1, -1, -1):
            if self.items[index] is item:
                return index
        return -1

    def flush(self) -> None:
        """Draw pending changes now instead of at the next frame."""
        if self._frame_timer is not None:
            self._frame_timer.stop()
        self._frame()

    # Frames

    def _mark(self, index: int) -> None:
        self._dirty = index if self._dirty is None else min(self._dirty, index)
        self._request_frame()

    def _request_frame(self) -> None:
        if self._frame_timer is not None or not self.is_mounted:
            return
        # A timer needs a positive delay.
        delay = max(0.001, self._last_frame + 1 / FRAMES_PER_SECOND - time.monotonic())
        self._frame_timer = self.set_timer(delay, self._frame, name="chat-frame")

    def _frame(self) -> None:
        self._frame_timer = None
        self._last_frame = time.monotonic()
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()
        self._update()
        if self._spinner is not None:
            if self._animated:
                self._spinner.resume()
            else:
                self._spinner.pause()

    def _update(self) -> None:
        """Measure what changed, then scroll and redraw as needed."""
        if self._dirty is None:
            return
        # Following: the end of the transcript is in view (the user has not scrolled up).
        following = self.scroll_offset.y + self.size.height >= self._total
        first = self._relayout()
        if first is None:
            return
        if self._drop_oldest(following):
            first = 0
        self._place(first, following)

    def _place(self, first_changed: int, following: bool) -> None:
        """Size the scroll area, follow the end if the user is there, redraw what changed.

        While an answer streams (``live``), the end is followed by jumps that leave half a
        screen of blank lines below the text: new lines then fill the blank instead of
        scrolling the whole pane, which would redraw every line of it for each new line of
        the answer. The
        scroll area grows by several screens at a time then, since each change of its size
        lays out the whole screen again.
        """
        height = self.size.height
        scroll_y = self.scroll_offset.y
        drawn_total, self._drawn_total = self._drawn_total, self._total
        target = scroll_y
        virtual = self._total
        if following:
            if not self.live:
                target = max(0, self._total - height)
            elif self._total > scroll_y + height or self._total < scroll_y:
                target = max(0, self._total - height + max(2, height // 2))
        if self.live:
            current = self.virtual_size.height
            needed = max(self._total, target + height)
            virtual = current if needed <= current else needed + 3 * height
        self.virtual_size = Size(self.scrollable_content_region.width, virtual)
        if target != scroll_y:
            # Forced: the scrollbar that allows scrolling only appears at the next layout.
            self.scroll_to(y=target, animate=False, force=True)
            return
        # Only the changed lines are drawn again (down to where the old end was).
        top = max(0, first_changed - scroll_y)
        bottom = min(height, max(self._total, drawn_total) - scroll_y)
        if top < bottom:
            self.refresh(Region(0, top, self.size.width, bottom - top))

    def lines_of(self, item: ChatItem) -> list[Strip]:
        """The lines ``item`` is drawn with now (none until it is laid out)."""
        for laid, lines in zip(self._laid_items, self._laid_out, strict=True):
            if laid is item:
                return lines
        return []

    def _render_context(self) -> RenderContext | None:
        """What entries render with; kept until the width or the theme changes."""
        width = self.scrollable_content_region.width - GUTTER
        if width <= 0:
            return None
        context = self._context_cache
        if context is None or context.width != width or not self._styles:
            if not self._styles:
                self._load_styles()
            assert self._theme is not None
            code = self._styles["code"]
            triplet = code.bgcolor.triplet if code.bgcolor else None
            dark = self.app.current_theme.dark
            context = RenderContext(
                console=self.app.console,
                options=self.app.console_options.update(width=width, highlight=False),
                width=width,
                base_style=self.rich_style,
                styles=self._styles,
                markdown_theme=self._theme,
                code_theme=DARK_CODE_THEME if dark else LIGHT_CODE_THEME,
                code_background=triplet.hex if triplet else None,
                now=0.0,
            )
            self._context_cache = context
        context.now = self.clock()
        return context

    def _relayout(self) -> int | None:
        """Measure entries from the first changed one; returns the first line that differs.

        A streamed paragraph that grows changes only its last lines, so comparing the new
        lines with the old ones keeps the redrawn region to those lines.
        """
        context = self._render_context()
        if context is None or self._dirty is None:
            return None
        if context.width != self._width:
            self._width = context.width
            self._dirty = 0
        start = min(self._dirty, len(self._starts))
        self._dirty = None
        line = self._starts[start - 1] + self._heights[start - 1] if start else 0
        old = list(
            zip(self._laid_items[start:], self._starts[start:], self._laid_out[start:], strict=True)
        )
        first: int | None = None
        del self._starts[start:], self._heights[start:]
        del self._laid_items[start:], self._laid_out[start:]
        for position, item in enumerate(self.items[start:]):
            lines = item.lines(context, self._generation)
            if first is None:
                first = _first_difference(old, position, item, line, lines)
            height = len(lines) + item.gap
            self._starts.append(line)
            self._heights.append(height)
            self._laid_items.append(item)
            self._laid_out.append(lines)
            line += height
        self._total = line
        return min(line, self._drawn_total) if first is None else first

    def _drop_oldest(self, following: bool) -> bool:
        """Drop the oldest entries of a very long transcript; True when some were dropped."""
        if self._total <= self.max_lines or len(self.items) < 2:
            return False
        drop = 0
        removed_lines = 0
        while drop < len(self.items) - 1 and self._total - removed_lines > self.max_lines * 0.8:
            removed_lines += self._heights[drop]
            drop += 1
        for item in self.items[:drop]:
            self._animated.discard(item)
            if self.selected is item:
                self.selected = None
        del self.items[:drop]
        self.pruned += drop
        self._dirty = 0
        y = self.scroll_offset.y
        self._relayout()
        if not following:
            # Keep the same entries in view.
            self.scroll_to(y=max(0, y - removed_lines), animate=False, force=True)
        return True

    def _spin(self) -> None:
        for item in list(self._animated):
            self.update_item(item)

    def _theme_changed(self, _theme: object) -> None:
        self._styles = {}
        self._generation += 1
        self._mark(0)

    def _load_styles(self) -> None:
        self._styles = {
            name: self.get_component_rich_style(f"chat--{name}") for name in STYLE_NAMES
        }
        self._theme = markdown_theme(self._styles)

    def on_resize(self, event: events.Resize) -> None:
        self._mark(0)

    # Drawing

    def render_line(self, y: int) -> Strip:
        """Draw one visible line from the entries' cached lines."""
        line_number = self.scroll_offset.y + y
        if line_number < self._total and self._starts:
            index = bisect.bisect_right(self._starts, line_number) - 1
            lines = self._laid_out[index]
            offset = line_number - self._starts[index]
            if offset < len(lines):
                line = lines[offset]
                if self._laid_items[index] is self.selected:
                    if self._search:
                        line = self._highlighted(line)
                    if self.has_focus or self.mark_always:
                        line = self._marked(line)
                return line
        return Strip.blank(self.scrollable_content_region.width, self.rich_style)

    def _highlighted(self, line: Strip) -> Strip:
        """The line with each match of the search in the match style."""
        text = line.text.casefold()
        needle = self._search.casefold()
        cuts: list[int] = []
        start = text.find(needle)
        while start >= 0 and needle:
            cuts += [cell_len(line.text[:start]), cell_len(line.text[: start + len(needle)])]
            start = text.find(needle, start + len(needle))
        if not cuts:
            return line
        match = self._styles.get("match", Style())
        parts = line.divide(cuts)
        return Strip.join(
            Strip(Segment.apply_style(part, post_style=match), part.cell_length)
            if number % 2
            else part
            for number, part in enumerate(parts)
        )

    def _marked(self, line: Strip) -> Strip:
        """A line of the selected entry: a bar in the gutter."""
        mark = self._styles.get("selected", Style()) + self.rich_style
        gutter = Strip([Segment("▌", mark), Segment(" " * (GUTTER - 1), self.rich_style)])
        return Strip.join([gutter, line.crop(GUTTER, line.cell_length)])

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

    def item_at(self, line_number: int) -> ChatItem | None:
        """The entry drawn at a transcript line."""
        if not self._starts or line_number < 0 or line_number >= self._total:
            return None
        return self._laid_items[bisect.bisect_right(self._starts, line_number) - 1]

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
        item = self.item_at(self.scroll_offset.y + offset.y)
        if item is None or not item.selectable:
            return
        self.focus()
        already = item is self.selected
        self.select(item, scroll=False)
        if already and item.activate():
            self.update_item(item)


def _first_difference(
    old: list[tuple[ChatItem, int, list[Strip]]],
    position: int,
    item: ChatItem,
    start: int,
    lines: list[Strip],
) -> int | None:
    """The first line of ``item`` that differs from what was drawn there (None: none does)."""
    if position >= len(old):
        return start
    old_item, old_start, old_lines = old[position]
    if old_item is not item or old_start != start:
        return start
    for number, (new, previous) in enumerate(zip(lines, old_lines, strict=False)):
        if new is not previous and new != previous:
            return start + number
    if len(lines) != len(old_lines):
        return start + min(len(lines), len(old_lines))
    return None
