"""Vim keys for the prompt (``/vim``, or ``editor_mode = "vim"``).

Normal, insert and visual modes with the motions and edits people type without thinking:
``h j k l w b e 0 $``, ``i a I A o O``, ``x dd dw cw yy p u``, ``v`` and counts (``3w``,
``2dd``). Enter sends in every mode, as it does without vim keys. Esc leaves insert and
visual mode; in normal mode it does what it does everywhere else (interrupt the agent).
"""

from __future__ import annotations

import re
from typing import Literal, Protocol

from textual.widgets.text_area import Location

VimMode = Literal["insert", "normal", "visual"]
_WORD = re.compile(r"\w+|[^\w\s]+")


class Editable(Protocol):
    """What vim keys need of the text area."""

    text: str
    cursor_location: Location

    def move_cursor(self, location: Location, select: bool = False) -> None: ...
    def insert(self, text: str) -> object: ...
    def delete(self, start: Location, end: Location) -> object: ...
    def undo(self) -> None: ...
    def get_text_range(self, start: Location, end: Location) -> str: ...


class VimKeys:
    """The mode, the count and the pending operator of one prompt."""

    def __init__(self) -> None:
        self.mode: VimMode = "insert"
        self.register = ""
        self._count = ""
        self._operator = ""
        # A count typed before the operator (2dw): it multiplies the one after it (d3w).
        self._operator_count = 1
        self._anchor: Location | None = None

    @property
    def label(self) -> str:
        """What the prompt's border shows."""
        return f"-- {self.mode.upper()} --"

    def handle(self, area: Editable, key: str, character: str | None) -> bool:
        """Act on one key; True when vim used it (the text area must not)."""
        if key == "enter":
            return False
        if self.mode == "insert":
            if key == "escape":
                self.mode = "normal"
                self._move(area, 0, -1)
                return True
            return False
        if key == "escape":
            if self.mode == "visual" or self._operator or self._count:
                self._reset(area)
                return True
            return False
        if character is None or not character.isprintable():
            return False
        self._command(area, character)
        return True

    # Normal and visual mode

    def _command(self, area: Editable, char: str) -> None:
        if char.isdigit() and (self._count or char != "0"):
            self._count += char
            return
        count = int(self._count or "1")
        self._count = ""
        if self._operator:
            self._operate(area, self._operator, char, count * self._operator_count)
            return
        if self._motion(area, char, count):
            return
        if self.mode == "visual" and char in "dxyc":
            self._on_selection(area, char)
            return
        self._edit(area, char, count)

    def _edit(self, area: Editable, char: str, count: int) -> None:
        row, column = area.cursor_location
        line = _line(area, row)
        if char in "dcy":
            self._operator = char
            self._operator_count = count
        elif char == "i":
            self.mode = "insert"
        elif char == "a":
            self.mode = "insert"
            area.move_cursor((row, min(column + 1, len(line))))
        elif char == "I":
            self.mode = "insert"
            area.move_cursor((row, len(line) - len(line.lstrip())))
        elif char == "A":
            self.mode = "insert"
            area.move_cursor((row, len(line)))
        elif char in "oO":
            self.mode = "insert"
            if char == "o":
                area.move_cursor((row, len(line)))
                area.insert("\n")
            else:
                area.move_cursor((row, 0))
                area.insert("\n")
                area.move_cursor((row, 0))
        elif char == "x":
            end = (row, min(column + count, len(line)))
            self.register = area.get_text_range((row, column), end)
            area.delete((row, column), end)
        elif char == "p":
            self._put(area, count)
        elif char == "u":
            for _ in range(count):
                area.undo()
        elif char == "v":
            self.mode = "visual"
            self._anchor = area.cursor_location

    def _motion(self, area: Editable, char: str, count: int) -> bool:
        """Move the cursor (extending the selection in visual mode); False if not a motion."""
        target = _target(area, char, count)
        if target is None:
            return False
        if self.mode == "visual" and self._anchor is not None:
            area.move_cursor(self._anchor)
            area.move_cursor(target, select=True)
        else:
            area.move_cursor(target)
        return True

    def _operate(self, area: Editable, operator: str, char: str, count: int) -> None:
        """``dd``/``yy``/``cc`` on lines, ``dw``/``cw``/``d$``… on a motion."""
        self._operator = ""
        row, column = area.cursor_location
        if char == operator:
            last = min(row + count - 1, _line_count(area) - 1)
            start, end = (row, 0), (last, len(_line(area, last)))
            self.register = area.get_text_range(start, end) + "\n"
            if operator == "y":
                return
            if operator == "d":
                start, end = _whole_lines(area, row, last)
            area.delete(start, end)
            if operator == "c":
                self.mode = "insert"
            return
        motion = "e" if operator == "c" and char == "w" else char
        target = _target(area, motion, count)
        if target is None:
            return
        if motion == "e":
            target = (target[0], target[1] + 1)
        start, end = sorted([(row, column), target])
        self.register = area.get_text_range(start, end)
        if operator != "y":
            area.delete(start, end)
            area.move_cursor(start)
        if operator == "c":
            self.mode = "insert"

    def _on_selection(self, area: Editable, char: str) -> None:
        anchor = self._anchor or area.cursor_location
        cursor = area.cursor_location
        start, end = sorted([anchor, cursor])
        end = (end[0], end[1] + 1)
        self.register = area.get_text_range(start, end)
        if char != "y":
            area.delete(start, end)
        area.move_cursor(start)
        self.mode = "insert" if char == "c" else "normal"
        self._anchor = None

    def _put(self, area: Editable, count: int) -> None:
        if not self.register:
            return
        row, column = area.cursor_location
        if self.register.endswith("\n"):
            lines = self.register[:-1]
            area.move_cursor((row, len(_line(area, row))))
            area.insert("".join("\n" + lines for _ in range(count)))
            area.move_cursor((row + 1, 0))
            return
        area.move_cursor((row, min(column + 1, len(_line(area, row)))))
        area.insert(self.register * count)

    def _move(self, area: Editable, rows: int, columns: int) -> None:
        row, column = area.cursor_location
        area.move_cursor((row + rows, max(0, column + columns)))

    def _reset(self, area: Editable) -> None:
        self.mode = "normal"
        self._operator = self._count = ""
        self._anchor = None
        area.move_cursor(area.cursor_location)


def _line(area: Editable, row: int) -> str:
    lines = area.text.split("\n")
    return lines[row] if 0 <= row < len(lines) else ""


def _line_count(area: Editable) -> int:
    return area.text.count("\n") + 1


def _whole_lines(area: Editable, first: int, last: int) -> tuple[Location, Location]:
    """The span that removes lines ``first``..``last`` with their line break."""
    if last + 1 < _line_count(area):
        return (first, 0), (last + 1, 0)
    if first > 0:
        return (first - 1, len(_line(area, first - 1))), (last, len(_line(area, last)))
    return (first, 0), (last, len(_line(area, last)))


def _target(area: Editable, char: str, count: int) -> Location | None:
    """Where a motion key leads, or None when ``char`` is not a motion."""
    row, column = area.cursor_location
    line = _line(area, row)
    if char == "h":
        return (row, max(0, column - count))
    if char == "l":
        return (row, min(max(0, len(line) - 1), column + count))
    if char in "jk":
        new_row = min(_line_count(area) - 1, row + count) if char == "j" else max(0, row - count)
        return (new_row, min(column, max(0, len(_line(area, new_row)) - 1)))
    if char == "0":
        return (row, 0)
    if char == "$":
        return (row, max(0, len(line) - 1))
    if char in "wbe":
        for _ in range(count):
            column = _word_step(line, column, char)
        return (row, column)
    return None


def _word_step(line: str, column: int, char: str) -> int:
    starts = [match.start() for match in _WORD.finditer(line)]
    ends = [match.end() - 1 for match in _WORD.finditer(line)]
    if char == "w":
        return next((start for start in starts if start > column), len(line))
    if char == "b":
        return next((start for start in reversed(starts) if start < column), 0)
    return next((end for end in ends if end > column), max(0, len(line) - 1))
