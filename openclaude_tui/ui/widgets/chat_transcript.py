"""The chat pane's transcript: entries laid out once, drawn from their caches, the end followed.

Every entry (a user message, a piece of an answer, a tool card, a notice) is a ``ChatItem``
that renders itself to lines of text, cached until it changes or the width does. The view
is one scrolling widget that draws the visible lines from those caches, so the cost of a
frame does not grow with the length of the conversation, and changes are gathered into at
most ``FRAMES_PER_SECOND`` frames a second however fast events arrive.

The view follows the end of the transcript until the user scrolls away from it (a search, a
sidebar row, the mouse); output that arrives meanwhile shows a "↓ new output" label on the
last line, which ``follow_end`` (End, a click on the label) turns back into following.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable

from rich.style import Style
from rich.theme import Theme
from textual import events
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
from openclaude_tui.ui.widgets.chat_lines import (
    first_difference,
    highlighted,
    marked,
    with_new_output_label,
)

# Ten frames a second keep streamed text fluid; each frame repaints every widget beside
# the pane too (Textual renders all widgets whose container overlaps a change).
FRAMES_PER_SECOND = 10
SPINNER_INTERVAL = 0.1
# Past this many lines the oldest entries are dropped (a fifth at a time).
MAX_LINES = 20_000


class TranscriptView(ScrollView):
    """The entries of the conversation, laid out and drawn; the selected one marked."""

    class FollowChanged(Message):
        """The pane started or stopped following the end of the transcript."""

        def __init__(self, following: bool) -> None:
            super().__init__()
            self.following = following

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
        # Whether the end is followed: true until the user scrolls away from it.
        self._follow = True
        # Where the pane scrolls to follow the end (it lands there after the next refresh).
        self._follow_target: int | None = None
        # Output arrived below the view while not following: the label shows.
        self._unseen = False

    @property
    def search(self) -> str:
        """Text highlighted in the selected entry (the search's query)."""
        return self._search

    @search.setter
    def search(self, query: str) -> None:
        self._search = query
        self.refresh()

    @property
    def following(self) -> bool:
        """Whether new output scrolls into view (the user has not scrolled away from the end)."""
        return self._follow

    @property
    def unseen(self) -> bool:
        """Whether output arrived below the view since the user scrolled away from the end."""
        return self._unseen

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
        following = self._follow
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
            self._follow_target = target
            # Forced: the scrollbar that allows scrolling only appears at the next layout.
            self.scroll_to(y=target, animate=False, force=True)
            return
        below = first_changed >= scroll_y + height or self._total > drawn_total
        if not following and self._total > scroll_y + height and below:
            self._set_unseen(True)
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
                first = first_difference(old, position, item, line, lines)
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

    def item_at(self, line_number: int) -> ChatItem | None:
        """The entry drawn at a transcript line."""
        if not self._starts or line_number < 0 or line_number >= self._total:
            return None
        return self._laid_items[bisect.bisect_right(self._starts, line_number) - 1]

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
                        line = highlighted(line, self._search, self._styles.get("match", Style()))
                    if self.has_focus or self.mark_always:
                        mark = self._styles.get("selected", Style()) + self.rich_style
                        line = marked(line, mark, self.rich_style)
                return self._labelled(y, line)
        blank = Strip.blank(self.scrollable_content_region.width, self.rich_style)
        return self._labelled(y, blank)

    # Following the end

    def _labelled(self, y: int, line: Strip) -> Strip:
        """The line, with the "new output" label over it on the last row while it shows."""
        if not self._unseen or y != self.size.height - 1:
            return line
        style = self.get_component_rich_style("chat--new-output")
        return with_new_output_label(line, self.scrollable_content_region.width, style)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Any scroll (the mouse, a search, a key) decides whether the end is followed."""
        super().watch_scroll_y(old_value, new_value)
        y = round(new_value)
        at_end = y == self._follow_target or y + self.size.height >= self._total
        self._follow_target = None
        self._set_follow(at_end)

    def _set_follow(self, follow: bool) -> None:
        if follow:
            self._set_unseen(False)
        if follow != self._follow:
            self._follow = follow
            self.post_message(self.FollowChanged(follow))

    def _set_unseen(self, unseen: bool) -> None:
        if unseen != self._unseen:
            self._unseen = unseen
            height = self.size.height
            self.refresh(Region(0, height - 1, self.size.width, 1))

    def follow_end(self) -> None:
        """Show the end of the transcript now and follow it from then on."""
        self._set_follow(True)
        self._mark(len(self.items))
        self.flush()

    def action_follow_end(self) -> None:
        """Jump to the end of the transcript and follow it (End)."""
        self.follow_end()
