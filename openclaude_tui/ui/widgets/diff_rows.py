"""The rows of a diff view: laying files out as rows, and drawing each kind of row.

A row is a small tuple ``(kind, file, hunk, left, right)``: a file header, a note about
the file (rename, mode, binary), a hunk header, a diff line (unified), or a pair of lines
(side by side, ``-1`` for an empty side). Laying out a 10,000-line diff makes 10,000
tuples and nothing else; drawing happens only for the rows on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

from openclaude_tui.core.changes.diff import FileDiff
from openclaude_tui.core.changes.word_diff import pair_lines
from openclaude_tui.ui.widgets.diff_lines import (
    DiffPainter,
    DiffStyles,
    display_text,
    foreground,
    hunk_label,
    theme_syntax,
)

FILE, NOTE, HUNK, LINE, PAIR, BLANK = range(6)
Row = tuple[int, int, int, int, int]  # kind, file, hunk in file, left line, right line
STYLE_NAMES = (
    "added",
    "removed",
    "added-word",
    "removed-word",
    "number",
    "hunk",
    "hunk-section",
    "file",
    "note",
    "cursor",
    "match",
    "deselected",
    "filler",
    "cut",
    "status-added",
    "status-removed",
    "status-modified",
    "status-moved",
)
_SIGN = {"context": " ", "added": "+", "removed": "-"}
_STATUS_STYLE = {"new": "added", "deleted": "removed", "modified": "modified"}


def file_notes(diff: FileDiff) -> list[str]:
    """What a file's header cannot say in its path and counts."""
    notes: list[str] = []
    similar = f" ({diff.similarity}% similar)" if diff.similarity is not None else ""
    if diff.status == "renamed":
        notes.append(f"renamed from {diff.old_path}{similar}")
    elif diff.status == "copied":
        notes.append(f"copied from {diff.old_path}{similar}")
    if diff.mode_changed:
        notes.append(f"mode changed {diff.old_mode} → {diff.new_mode}")
    elif diff.status == "new" and diff.new_mode not in (None, "100644"):
        notes.append(f"new file with mode {diff.new_mode}")
    if diff.binary:
        notes.append("binary file: contents not shown")
    elif diff.note:
        notes.append(diff.note)
    elif not diff.hunks and diff.status == "new":
        notes.append("empty file")
    elif not diff.hunks and diff.status == "deleted":
        notes.append("empty file deleted")
    return notes


def layout_rows(
    diffs: Sequence[FileDiff],
    notes: Sequence[Sequence[str]],
    hunk_base: Sequence[int],
    folded: set[int],
    split: bool,
) -> tuple[list[Row], list[int], list[int]]:
    """Rows for the files, and the row of each hunk header (-1 when folded) and file header."""
    rows: list[Row] = []
    hunk_rows = [-1] * sum(len(diff.hunks) for diff in diffs)
    file_rows: list[int] = []
    for file, diff in enumerate(diffs):
        if file:
            rows.append((BLANK, file, -1, 0, 0))
        file_rows.append(len(rows))
        rows.append((FILE, file, -1, 0, 0))
        if file in folded:
            continue
        rows.extend((NOTE, file, -1, note, 0) for note in range(len(notes[file])))
        for number, hunk in enumerate(diff.hunks):
            hunk_rows[hunk_base[file] + number] = len(rows)
            rows.append((HUNK, file, number, 0, 0))
            if split:
                rows.extend(
                    (PAIR, file, number, -1 if old is None else old, -1 if new is None else new)
                    for old, new in pair_lines(hunk)
                )
            else:
                rows.extend((LINE, file, number, line, 0) for line in range(len(hunk.lines)))
    return rows, hunk_rows, file_rows


def row_text(diffs: Sequence[FileDiff], notes: Sequence[Sequence[str]], row: Row) -> str:
    """The text a row shows, for searching."""
    kind, file, hunk, left, right = row
    diff = diffs[file]
    if kind == FILE:
        return diff.path
    if kind == HUNK:
        return diff.hunks[hunk].header
    if kind == NOTE:
        return notes[file][left]
    if kind == BLANK:
        return ""
    lines = diff.hunks[hunk].lines
    return "\n".join(lines[index].text for index in {left, right} if index >= 0)


def make_styles(get: Callable[[str], Style], base: Style, variables: dict[str, str]) -> DiffStyles:
    """The styles to draw with, from the view's component styles and the theme's variables.

    Args:
        get: The full style of a component class, by its name after ``diff-view--``.
        base: The view's own style.
        variables: The app theme's variables.
    """
    background = Color.from_rich_color(base.bgcolor) if base.bgcolor else Color(0, 0, 0)
    match = get("match")
    return DiffStyles(
        base=base,
        added=get("added"),
        removed=get("removed"),
        added_word=_emphasis(get("added-word")),
        removed_word=_emphasis(get("removed-word")),
        number=get("number"),
        hunk=get("hunk"),
        hunk_section=foreground(get("hunk-section")),
        file=get("file"),
        note=foreground(get("note")),
        cursor=get("cursor"),
        match=Style(bgcolor=match.bgcolor, color=match.color),
        deselected=foreground(get("deselected")),
        filler=get("filler"),
        cut=foreground(get("cut")),
        status={
            kind: foreground(get(f"status-{kind}"))
            for kind in ("added", "removed", "modified", "moved")
        },
        syntax=theme_syntax(variables, background),
    )


def _emphasis(style: Style) -> Style:
    """Only the background and weight, so syntax colours stay under changed words."""
    return Style(bgcolor=style.bgcolor, bold=style.bold)


class RowPainter(DiffPainter):
    """Draws whole rows: headers, notes, and lines with their gutters.

    Args:
        diffs: The files.
        notes: Each file's notes (``file_notes``).
        captions: A text per file for its header.
        selectable: Hunk headers get check boxes.
    """

    def __init__(
        self,
        diffs: Sequence[FileDiff],
        notes: Sequence[Sequence[str]],
        captions: Sequence[str],
        selectable: bool,
    ) -> None:
        super().__init__(diffs)
        self.notes = notes
        self.captions = captions
        self.selectable = selectable

    def row(self, row: Row, width: int, current: bool, selected: bool, folded: bool) -> Strip:
        """One row, exactly ``width`` cells wide.

        Args:
            row: The row.
            width: Cells to fill.
            current: The row belongs to the hunk under the cursor.
            selected: Its hunk is selected (always True when nothing is selectable).
            folded: Its file is folded (for file headers).
        """
        styles = self.styles
        assert styles is not None
        kind, file, hunk, left, right = row
        if kind == BLANK:
            return Strip.blank(width, styles.base)
        if kind == FILE:
            return self._file_header(file, width, folded)
        if kind == NOTE:
            text = f"  {self.notes[file][left]}"
            return self.fit([Segment(text, styles.base + styles.note)], width, styles.base)
        marker = Segment("▌" if current else " ", styles.cursor if current else styles.base)
        if kind == HUNK:
            diff_hunk = self.diffs[file].hunks[hunk]
            box = ("[✓] " if selected else "[ ] ") if self.selectable else ""
            segments = [marker, Segment(f"{box}{hunk_label(diff_hunk)}", styles.hunk)]
            if diff_hunk.section:
                section = display_text(diff_hunk.section)[0]
                segments.append(Segment(f" {section}", styles.hunk + styles.hunk_section))
            return self.fit(segments, width, styles.hunk)
        if kind == LINE:
            cell = self._line_cell(file, hunk, left, width - 1, selected, "both")
            return Strip.join([Strip([marker]), cell])
        half = (width - 2) // 2
        old = self._line_cell(file, hunk, left, half, selected, "old")
        new = self._line_cell(file, hunk, right, width - 2 - half, selected, "new")
        return Strip.join([Strip([marker]), old, Strip([Segment("│", styles.hunk)]), new])

    def _line_cell(
        self, file: int, hunk: int, index: int, width: int, selected: bool, numbers: str
    ) -> Strip:
        """Line numbers (``old``, ``new`` or ``both``), sign and text of one line."""
        styles = self.styles
        assert styles is not None
        if index < 0:
            return Strip.blank(width, styles.filler)
        line = self.diffs[file].hunks[hunk].lines[index]
        if not selected:
            base = styles.base + styles.deselected
        else:
            base = {"added": styles.added, "removed": styles.removed}.get(line.kind, styles.base)
        digits = self.number_width
        old = f"{line.old_no:>{digits}}" if line.old_no is not None else " " * digits
        new = f"{line.new_no:>{digits}}" if line.new_no is not None else " " * digits
        gutter = {"both": f"{old} {new} ", "old": f"{old} ", "new": f"{new} "}[numbers]
        prefix = [
            Segment(gutter, base + foreground(styles.number)),
            Segment(f"{_SIGN[line.kind]} ", base),
        ]
        room = width - len(gutter) - 2
        if room <= 0:
            return Strip(prefix).crop(0, max(width, 0)).extend_cell_length(width, base)
        code = self.code(file, hunk, index, room, base, plain=not selected)
        return Strip.join([Strip(prefix), code])

    def _file_header(self, file: int, width: int, folded: bool) -> Strip:
        styles = self.styles
        assert styles is not None
        diff = self.diffs[file]
        moved = diff.status in ("renamed", "copied")
        status = "moved" if moved else _STATUS_STYLE[diff.status]
        name = f"{diff.old_path} → {diff.new_path}" if moved else diff.path
        segments = [
            Segment("▸ " if folded else "▾ ", styles.file),
            Segment(diff.status_letter, styles.file + styles.status[status]),
            Segment(f" {display_text(name)[0]}  ", styles.file),
        ]
        if diff.hunks:
            segments.append(Segment(f"+{diff.added}", styles.file + styles.status["added"]))
            segments.append(Segment(f" −{diff.removed}", styles.file + styles.status["removed"]))
        if self.captions[file]:
            caption = f"  {self.captions[file]}"
            segments.append(Segment(caption, styles.file + styles.note))
        return self.fit(segments, width, styles.file)
