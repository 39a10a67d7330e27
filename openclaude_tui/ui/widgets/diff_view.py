"""A diff viewer that stays fast on any size of diff: unified or side by side, highlighted.

The view is one scrolling widget on Textual's line API: it keeps a flat list of rows (file
headers, notes, hunk headers, diff lines) and draws only the rows on screen, each once
until something about it changes. Side by side is used automatically when the view is at
least ``SPLIT_WIDTH`` cells wide; ``s`` switches. Colours come from the theme.

Using it (the review screen does, and so can the permission modal)::

    view = DiffView([diff_change(request.change, root)], selectable=True)

- ``DiffView(file_diffs, *, selectable=False, captions=None, split=None)``: ``captions``
  is a text per file shown in its header; ``split`` forces a layout (None: by width).
- Hunks are numbered across all files in order (``hunk_count``, ``hunk_ref(index)`` →
  ``(file, hunk in file)``). With one file these are the file's own hunk indices.
- ``current_hunk`` / ``current_file``: the cursor (a bar in the left margin).
  ``next_hunk()``, ``previous_hunk()``, ``next_file()``, ``previous_file()``,
  ``go_to_hunk(index)``, ``go_to_file(index)`` move it and scroll to it.
- ``selectable``: each hunk header has a check box; all hunks start selected.
  ``selected_hunks`` (a set, settable), ``toggle_current_hunk()`` and
  ``approved_hunks(file)`` (the file's selected hunk indices, None when all are: what
  ``Decision.hunks`` takes). ``DiffView.SelectionChanged`` is posted on every change.
- ``DiffView.CursorMoved`` is posted when the cursor moves to another hunk or file.
- ``search(text)`` moves to the next line holding ``text`` and marks every match;
  ``clear_search()`` removes the marks.
- ``toggle_split()``, ``fold_file(index)``, ``set_diffs(file_diffs, captions)``.

Keys (its own bindings, which a host screen can override): ``n``/``p`` hunk, ``]``/``[``
file, ``s`` split, ``z`` fold the file, ``g``/``G`` top and bottom, space toggles the
current hunk when ``selectable``, arrows and PgUp/PgDn scroll.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from openclaude_tui.core.changes.diff import FileDiff
from openclaude_tui.ui.widgets.diff_cursor import DiffCursor
from openclaude_tui.ui.widgets.diff_lines import DiffStyles
from openclaude_tui.ui.widgets.diff_rows import (
    FILE,
    HUNK,
    STYLE_NAMES,
    Row,
    RowPainter,
    file_notes,
    layout_rows,
    make_styles,
    row_text,
)

SPLIT_WIDTH = 160


class DiffView(DiffCursor, can_focus=True):
    """Shows file diffs; see the module's docstring for its API."""

    DEFAULT_CSS = """
    DiffView {
        background: $surface;
        overflow-x: hidden;
        scrollbar-gutter: stable;
        & > .diff-view--added { background: $success 18%; }
        & > .diff-view--removed { background: $error 18%; }
        & > .diff-view--added-word { background: $success 45%; text-style: bold; }
        & > .diff-view--removed-word { background: $error 45%; text-style: bold; }
        & > .diff-view--number { color: $foreground 45%; }
        & > .diff-view--hunk { background: $primary 12%; color: $text-primary; }
        & > .diff-view--hunk-section { color: $foreground; text-style: bold; }
        & > .diff-view--file { background: $panel; color: $foreground; text-style: bold; }
        & > .diff-view--note { color: $foreground 60%; text-style: italic; }
        & > .diff-view--cursor { color: $accent; }
        & > .diff-view--match { background: $warning 55%; color: $foreground; }
        & > .diff-view--deselected { color: $foreground 40%; }
        & > .diff-view--filler { background: $foreground 4%; }
        & > .diff-view--cut { color: $accent; text-style: bold; }
        & > .diff-view--status-added { color: $text-success; }
        & > .diff-view--status-removed { color: $text-error; }
        & > .diff-view--status-modified { color: $text-warning; }
        & > .diff-view--status-moved { color: $text-primary; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"diff-view--{name}" for name in STYLE_NAMES}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_hunk", "Next hunk", id="diff.next_hunk"),
        Binding("p", "previous_hunk", "Prev hunk", id="diff.previous_hunk"),
        Binding(
            "right_square_bracket", "next_file", "Next file", key_display="]", id="diff.next_file"
        ),
        Binding(
            "left_square_bracket",
            "previous_file",
            "Prev file",
            key_display="[",
            id="diff.previous_file",
        ),
        Binding("s", "toggle_split", "Split", id="diff.toggle_split"),
        Binding("z", "fold", "Fold", id="diff.fold"),
        Binding("g", "top", "Top", show=False, id="diff.top"),
        Binding("G", "bottom", "Bottom", show=False, id="diff.bottom"),
        Binding("space", "toggle_hunk", "Toggle hunk", id="diff.toggle_hunk"),
    ]

    class CursorMoved(Message):
        """The cursor moved to another hunk or file."""

        def __init__(self, view: DiffView, file: int, hunk: int | None) -> None:
            super().__init__()
            self.view = view
            self.file = file
            self.hunk = hunk

        @property
        def control(self) -> DiffView:
            """The view that posted it."""
            return self.view

    class SelectionChanged(Message):
        """Hunks were selected or deselected (``selectable`` views only)."""

        def __init__(self, view: DiffView, selected: frozenset[int], total: int) -> None:
            super().__init__()
            self.view = view
            self.selected = selected
            self.total = total

        @property
        def control(self) -> DiffView:
            """The view that posted it."""
            return self.view

    def __init__(
        self,
        file_diffs: Sequence[FileDiff],
        *,
        selectable: bool = False,
        captions: Sequence[str] | None = None,
        split: bool | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.selectable = selectable
        self._split_choice = split
        self._split = bool(split)
        self._folded: set[int] = set()
        self._rows: list[Row] = []
        self._hunk_rows: list[int] = []
        self._file_rows: list[int] = []
        self._cache: LRUCache[tuple[int, bool, bool], Strip] = LRUCache(2048)
        self._width = 0
        self._match_row: int | None = None
        self._load(file_diffs, captions)
        self._selected: set[int] = set(range(self.hunk_count)) if selectable else set()
        self._current: int | None = 0 if self.hunk_count else None
        self._current_file = 0
        self._rebuild(anchor=False)

    # The diffs

    def _load(self, file_diffs: Sequence[FileDiff], captions: Sequence[str] | None) -> None:
        self.file_diffs: list[FileDiff] = list(file_diffs)
        self.captions: list[str] = list(captions or [""] * len(self.file_diffs))
        self._notes = [file_notes(diff) for diff in self.file_diffs]
        self._painter = RowPainter(self.file_diffs, self._notes, self.captions, self.selectable)
        self._hunk_base: list[int] = []
        self._refs: list[tuple[int, int]] = []
        for file, diff in enumerate(self.file_diffs):
            self._hunk_base.append(len(self._refs))
            self._refs.extend((file, hunk) for hunk in range(len(diff.hunks)))

    def set_diffs(
        self, file_diffs: Sequence[FileDiff], captions: Sequence[str] | None = None
    ) -> None:
        """Show other diffs (e.g. after a revert), keeping the cursor near where it was."""
        old_current, old_top = self._current, self.scroll_offset.y
        self._load(file_diffs, captions)
        self._folded.clear()
        self._selected = set(range(self.hunk_count)) if self.selectable else set()
        self._current = None if not self.hunk_count else min(old_current or 0, self.hunk_count - 1)
        self._current_file = self._refs[self._current][0] if self._current is not None else 0
        self._match_row = None
        self._rebuild(anchor=False)
        if self._painter.styles is None and self.is_mounted:
            self._painter.set_styles(self._make_styles())
        self.scroll_to(y=min(old_top, max(0, len(self._rows) - 1)), animate=False)
        if self._current is not None:
            self._reveal_hunk(self._current)
        self._post_cursor()

    def hunk_ref(self, index: int) -> tuple[int, int]:
        """The file and the hunk within it of hunk ``index``."""
        return self._refs[index]

    @property
    def current_hunk(self) -> int | None:
        """The hunk under the cursor (None when there are no hunks)."""
        return self._current

    @property
    def current_file(self) -> int:
        """The file under the cursor."""
        return self._current_file

    @property
    def split(self) -> bool:
        """Whether the view is side by side now."""
        return self._split

    # Selection

    @property
    def selected_hunks(self) -> set[int]:
        """The selected hunks (indices across all files)."""
        return set(self._selected)

    @selected_hunks.setter
    def selected_hunks(self, hunks: set[int]) -> None:
        self._selected = {hunk for hunk in hunks if 0 <= hunk < self.hunk_count}
        self._cache.clear()
        self.refresh()
        self.post_message(self.SelectionChanged(self, frozenset(self._selected), self.hunk_count))

    def toggle_current_hunk(self) -> None:
        """Select or deselect the hunk under the cursor."""
        if not self.selectable or self._current is None:
            return
        self.selected_hunks = self._selected ^ {self._current}

    def approved_hunks(self, file: int = 0) -> tuple[int, ...] | None:
        """The file's selected hunk indices, or None when all of them are selected."""
        base = self._hunk_base[file]
        count = len(self.file_diffs[file].hunks)
        chosen = tuple(h - base for h in sorted(self._selected) if base <= h < base + count)
        return None if len(chosen) == count else chosen

    def toggle_split(self) -> None:
        """Switch between unified and side-by-side views."""
        self._split_choice = not self._split
        self._rebuild()

    def fold_file(self, index: int | None = None) -> None:
        """Fold the file (show only its header) or unfold it."""
        file = self._screen_file() if index is None else index
        if not 0 <= file < len(self.file_diffs):
            return
        self._folded ^= {file}
        self._rebuild(anchor=False)
        self._current_file = file
        self.scroll_to(y=self._file_rows[file], animate=False)

    # Search

    def search(self, text: str, *, backwards: bool = False) -> bool:
        """Move to the next (or previous) row holding ``text``, ignoring case; mark all matches.

        Returns:
            Whether ``text`` was found.
        """
        if not text:
            self.clear_search()
            return False
        self._painter.search = re.compile(re.escape(text), re.IGNORECASE)
        self._cache.clear()
        self.refresh()
        count = len(self._rows)
        start = self._match_row if self._match_row is not None else self.scroll_offset.y - 1
        needle = text.lower()
        for step in range(1, count + 1):
            row = (start - step if backwards else start + step) % count
            if needle in row_text(self.file_diffs, self._notes, self._rows[row]).lower():
                self._match_row = row
                kind, file, hunk, _, _ = self._rows[row]
                if hunk >= 0 and kind != FILE:
                    self._current = self._hunk_base[file] + hunk
                self._current_file = file
                self._reveal(row, row, margin=self.scrollable_content_region.height // 3)
                self._post_cursor()
                return True
        return False

    def clear_search(self) -> None:
        """Stop marking matches."""
        self._painter.search = None
        self._match_row = None
        self._cache.clear()
        self.refresh()

    # Actions

    def action_next_hunk(self) -> None:
        """Next hunk."""
        self.next_hunk()

    def action_previous_hunk(self) -> None:
        """Previous hunk."""
        self.previous_hunk()

    def action_next_file(self) -> None:
        """Next file."""
        self.next_file()

    def action_previous_file(self) -> None:
        """Previous file."""
        self.previous_file()

    def action_toggle_split(self) -> None:
        """Unified or side by side."""
        self.toggle_split()

    def action_fold(self) -> None:
        """Fold or unfold the file."""
        self.fold_file()

    def action_top(self) -> None:
        """First hunk, top of the diff."""
        if self.hunk_count:
            self.go_to_hunk(0)
        self.scroll_home(animate=False)

    def action_bottom(self) -> None:
        """Last hunk, end of the diff."""
        if self.hunk_count:
            self.go_to_hunk(self.hunk_count - 1)
        self.scroll_end(animate=False)

    def action_toggle_hunk(self) -> None:
        """Select or deselect the current hunk."""
        self.toggle_current_hunk()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the hunk toggle only when hunks can be selected."""
        if action == "toggle_hunk":
            return self.selectable
        return True

    # Layout and drawing

    def on_mount(self) -> None:
        """Styles come from the theme, which is known once mounted."""
        self._painter.set_styles(self._make_styles())

    def notify_style_update(self) -> None:
        """The theme or CSS changed: take the new colours."""
        super().notify_style_update()
        if self.is_mounted:
            self._painter.set_styles(self._make_styles())
            self._cache.clear()
            self.refresh()

    def on_resize(self) -> None:
        """Choose the layout for the new width."""
        self._rebuild()

    def _rebuild(self, anchor: bool = True) -> None:
        """Lay the rows out again (layout, folds or width changed)."""
        width = self.scrollable_content_region.width
        split = self._split_choice if self._split_choice is not None else width >= SPLIT_WIDTH
        kept = self._rows[self.scroll_offset.y] if anchor and self._rows else None
        self._split = split
        self._rows, self._hunk_rows, self._file_rows = layout_rows(
            self.file_diffs, self._notes, self._hunk_base, self._folded, split
        )
        self._cache.clear()
        self._match_row = None
        self.virtual_size = Size(width, len(self._rows))
        if kept is not None:
            self.scroll_to(y=self._find_row(kept), animate=False, immediate=True)
        self.refresh()

    def _find_row(self, kept: Row) -> int:
        """Where a row of the previous layout is in this one."""
        kind, file, hunk, left, right = kept
        if hunk < 0 or file in self._folded:
            return self._file_rows[file] if file < len(self._file_rows) else 0
        start = self._hunk_rows[self._hunk_base[file] + hunk]
        if kind == HUNK:
            return start
        wanted = {left, right} - {-1}
        for row in range(start + 1, len(self._rows)):
            other = self._rows[row]
            if other[2] != hunk or other[1] != file:
                break
            if wanted & {other[3], other[4]}:
                return row
        return start

    def render_line(self, y: int) -> Strip:
        """Draw one row of the view."""
        width = self.scrollable_content_region.width
        styles = self._painter.styles
        if styles is None:
            return Strip.blank(width)
        if width != self._width:
            self._width = width
            self._cache.clear()
        index = self.scroll_offset.y + y
        if index >= len(self._rows):
            return Strip.blank(width, styles.base)
        row = self._rows[index]
        hunk = self._hunk_base[row[1]] + row[2] if row[2] >= 0 else -1
        current = hunk >= 0 and hunk == self._current
        selected = hunk < 0 or not self.selectable or hunk in self._selected
        key = (index, current, selected)
        strip = self._cache.get(key)
        if strip is None:
            folded = row[0] == FILE and row[1] in self._folded
            strip = self._painter.row(row, width, current, selected, folded)
            self._cache[key] = strip
        return strip

    def _make_styles(self) -> DiffStyles:
        def get(name: str) -> Style:
            return self.get_component_rich_style(f"diff-view--{name}")

        return make_styles(get, self.rich_style, self.app.theme_variables)

    def _post_cursor(self) -> None:
        self.post_message(self.CursorMoved(self, self._current_file, self._current))
