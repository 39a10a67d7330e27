"""The text of a snapshot SVG, so a failed snapshot can say which characters changed."""

from __future__ import annotations

import difflib
import html
import re

# A piece of one terminal line; the window title outside the terminal has no line clip.
TEXT_ELEMENT = re.compile(
    r'<text[^>]*\bx="([\d.]+)"[^>]*clip-path="url\(#terminal-(?:\d+-)?line-(\d+)\)"[^>]*>([^<]*)</text>'
)
CELL_WIDTH = 12.2  # Rich's SVG export puts one terminal cell every 12.2 units.
# Rich defines a clip path for every terminal line but the last.
LINE_CLIP = re.compile(r'<clipPath id="terminal-(?:\d+-)?line-(\d+)"')


def svg_screen_lines(svg: str) -> list[str]:
    """The terminal lines drawn in a Rich/Textual SVG screenshot, top to bottom."""
    rows: dict[int, dict[int, str]] = {}
    for x, line, text in TEXT_ELEMENT.findall(svg):
        row = rows.setdefault(int(line), {})
        column = round(float(x) / CELL_WIDTH)
        for offset, char in enumerate(html.unescape(text).replace("\xa0", " ")):
            row[column + offset] = char
    # Blank lines have no text (a modal's plain backdrop, for one).
    count = max([int(line) + 2 for line in LINE_CLIP.findall(svg)] + [len(rows) and max(rows) + 1])
    lines = []
    for line in range(count):
        cells = rows.get(line, {0: ""})
        lines.append("".join(cells.get(c, " ") for c in range(max(cells) + 1)).rstrip())
    return lines


def screen_difference(expected_svg: str, actual_svg: str) -> str:
    """A unified diff of two screenshots' text, or a sentence when only styles differ."""
    difference = "\n".join(
        difflib.unified_diff(
            svg_screen_lines(expected_svg),
            svg_screen_lines(actual_svg),
            "expected",
            "actual",
            lineterm="",
        )
    )
    return difference or "The text is the same; colours or styles differ."
