"""The diff view's cursor: which hunk and file it is on, moving it, and scrolling to it.

``DiffView`` keeps the rows and draws them; this base class holds what moving needs of
them and the rules of moving (``n`` from a cursor scrolled off screen starts at the top).
"""

from __future__ import annotations

from textual.cache import LRUCache
from textual.scroll_view import ScrollView
from textual.strip import Strip

from openclaude_tui.core.changes.diff import FileDiff
from openclaude_tui.ui.widgets.diff_rows import Row

# Rows kept above a hunk or match the view moves to.
MARGIN = 2


class DiffCursor(ScrollView):
    """Cursor movement of the diff view (its rows are laid out by ``DiffView``)."""

    file_diffs: list[FileDiff]
    _rows: list[Row]
    _hunk_rows: list[int]
    _file_rows: list[int]
    _hunk_base: list[int]
    _refs: list[tuple[int, int]]
    _folded: set[int]
    _current: int | None
    _current_file: int
    _cache: LRUCache[tuple[int, bool, bool], Strip]

    @property
    def hunk_count(self) -> int:
        """Hunks in all files."""
        return len(self._refs)

    def _rebuild(self, anchor: bool = True) -> None:
        """Lay the rows out again."""
        raise NotImplementedError

    def _post_cursor(self) -> None:
        """Tell the listeners where the cursor is."""
        raise NotImplementedError

    # Moving

    def go_to_hunk(self, index: int) -> None:
        """Put the cursor on hunk ``index`` and scroll to it."""
        if not 0 <= index < self.hunk_count:
            return
        file, _ = self._refs[index]
        if file in self._folded:
            self._folded.discard(file)
            self._rebuild()
        self._current = index
        self._current_file = file
        self._cache.clear()
        self._reveal_hunk(index)
        self.refresh()
        self._post_cursor()

    def go_to_file(self, index: int) -> None:
        """Put the cursor on the file's first hunk (or its header) and scroll to it."""
        if not 0 <= index < len(self.file_diffs):
            return
        if self.file_diffs[index].hunks and index not in self._folded:
            self.go_to_hunk(self._hunk_base[index])
            self.scroll_to(y=self._file_rows[index], animate=False)
            return
        self._current_file = index
        self._current = None
        self._cache.clear()
        self.scroll_to(y=self._file_rows[index], animate=False)
        self.refresh()
        self._post_cursor()

    def next_hunk(self) -> None:
        """Move to the next hunk (the first one below the top when the cursor is off screen)."""
        rows = self._visible_hunks()
        if not rows:
            return
        top = self.scroll_offset.y
        if self._cursor_on_screen():
            after = [h for h in rows if h > (self._current or 0)]
        else:
            after = [h for h in rows if self._hunk_rows[h] >= top]
        if after:
            self.go_to_hunk(after[0])

    def previous_hunk(self) -> None:
        """Move to the previous hunk (the last one above the top when off screen)."""
        rows = self._visible_hunks()
        if not rows:
            return
        top = self.scroll_offset.y
        if self._cursor_on_screen():
            before = [h for h in rows if h < (self._current or 0)]
        else:
            before = [h for h in rows if self._hunk_rows[h] < top]
        if before:
            self.go_to_hunk(before[-1])

    def next_file(self) -> None:
        """Move to the next file."""
        self.go_to_file(min(self._screen_file() + 1, len(self.file_diffs) - 1))

    def previous_file(self) -> None:
        """Move to the previous file."""
        self.go_to_file(max(self._screen_file() - 1, 0))

    # Helpers

    def _visible_hunks(self) -> list[int]:
        return [hunk for hunk, row in enumerate(self._hunk_rows) if row >= 0]

    def _cursor_on_screen(self) -> bool:
        if self._current is None or self._hunk_rows[self._current] < 0:
            return False
        height = self.scrollable_content_region.height
        if not height:
            # Not laid out yet (a key pressed as a modal opens): nothing has scrolled
            # the cursor away, so moving is relative to it.
            return True
        top = self.scroll_offset.y
        row = self._hunk_rows[self._current]
        return top <= row < top + height

    def _screen_file(self) -> int:
        """The cursor's file when any of it is on screen, else the file at the top.

        The cursor's file counts even without a hunk under the cursor (a binary file, a
        folded one): one near the end cannot be scrolled to the top, so the file at the
        top is another, and ``[`` would skip it.
        """
        if self._cursor_on_screen() or not self._rows or self._file_on_screen(self._current_file):
            return self._current_file
        top = min(self.scroll_offset.y, len(self._rows) - 1)
        return self._rows[top][1]

    def _file_on_screen(self, file: int) -> bool:
        if not 0 <= file < len(self._file_rows):
            return False
        height = self.scrollable_content_region.height
        if not height:
            return True  # not laid out yet: nothing has scrolled it away
        first = self._file_rows[file]
        end = self._file_rows[file + 1] if file + 1 < len(self._file_rows) else len(self._rows)
        top = self.scroll_offset.y
        return first < top + height and end > top

    def _reveal(self, first: int, last: int, margin: int = MARGIN) -> None:
        """Scroll so rows ``first`` to ``last`` show, or else ``first`` near the top."""
        top = self.scroll_offset.y
        if top <= first and last < top + self.scrollable_content_region.height:
            return
        self.scroll_to(y=max(0, first - margin), animate=False, immediate=True)

    def _reveal_hunk(self, index: int) -> None:
        first = self._hunk_rows[index]
        if first < 0:
            return
        file, hunk = self._refs[index]
        last = first
        while last + 1 < len(self._rows) and self._rows[last + 1][1:3] == (file, hunk):
            last += 1
        self._reveal(first, last)
