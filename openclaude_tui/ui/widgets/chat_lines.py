"""Line operations of the chat pane: comparing, highlighting and overlaying drawn lines.

Pure functions on ``Strip``s, so the pane (``widgets.chat``) keeps to layout and scrolling.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from openclaude_tui.ui.widgets.chat_item import GUTTER

# Drawn over the last line of the pane while output arrives below the view.
NEW_OUTPUT_LABEL = " ↓ new output · End "


def first_difference(
    old: Sequence[tuple[object, int, list[Strip]]],
    position: int,
    item: object,
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


def highlighted(line: Strip, query: str, match: Style) -> Strip:
    """The line with each match of ``query`` (ignoring case) in the ``match`` style."""
    text = line.text.casefold()
    needle = query.casefold()
    cuts: list[int] = []
    start = text.find(needle)
    while start >= 0 and needle:
        cuts += [cell_len(line.text[:start]), cell_len(line.text[: start + len(needle)])]
        start = text.find(needle, start + len(needle))
    if not cuts:
        return line
    # ``divide`` keeps only what lies before the last cut: the end of the line is a cut too.
    if cuts[-1] < line.cell_length:
        cuts.append(line.cell_length)
    parts = line.divide(cuts)
    return Strip.join(
        Strip(Segment.apply_style(part, post_style=match), part.cell_length) if number % 2 else part
        for number, part in enumerate(parts)
    )


def marked(line: Strip, mark: Style, base: Style) -> Strip:
    """A line of the selected entry: a bar in the gutter."""
    gutter = Strip([Segment("▌", mark), Segment(" " * (GUTTER - 1), base)])
    return Strip.join([gutter, line.crop(GUTTER, line.cell_length)])


def with_new_output_label(line: Strip, width: int, style: Style) -> Strip:
    """``line`` with the "new output" label over its right end."""
    label = NEW_OUTPUT_LABEL
    room = max(0, width - cell_len(label))
    left = line.crop(0, room).extend_cell_length(room)
    return Strip.join([left, Strip([Segment(label, style)])])


def new_output_label_start(width: int) -> int:
    """The first column of the label on a pane ``width`` cells wide."""
    return max(0, width - cell_len(NEW_OUTPUT_LABEL))
