"""Applying some hunks of a file's diff to a text, as ``patch`` does.

Hunks are placed by their old line numbers, and looked for nearby when the text moved on;
line endings that differ only by a carriage return keep the text's own.
"""

from __future__ import annotations

from collections.abc import Iterable

from openclaude_tui.core.changes.diff import LINE_PATTERN, FileDiff, HunkMismatchError


def apply_hunks(
    text: str,
    diff: FileDiff,
    selected: Iterable[int] | None = None,
    *,
    reverse: bool = False,
) -> str:
    """Apply the ``selected`` hunks of ``diff`` to ``text`` (all of them when None).

    Hunks are placed by their old line numbers, which do not depend on the other hunks,
    so any subset applies. When a hunk's lines are not where it says (the text moved on),
    the nearest place where they are is used, as ``patch`` does; when they differ only in
    line endings, the text's own endings are kept.

    Args:
        text: The text the diff's old side describes (its new side when ``reverse``).
        diff: The file's diff.
        selected: Indices into ``diff.hunks``.
        reverse: Undo the hunks instead of applying them.

    Raises:
        HunkMismatchError: A selected hunk's old lines are nowhere in the text.
    """
    chosen = set(range(len(diff.hunks))) if selected is None else set(selected)
    lines = LINE_PATTERN.findall(text)
    out: list[str] = []
    position = 0
    for index, hunk in enumerate(diff.hunks):
        if index not in chosen:
            continue
        if reverse:
            hunk = hunk.reversed()
        old = [line.content for line in hunk.lines if line.kind != "added"]
        new = [line.content for line in hunk.lines if line.kind != "removed"]
        start = hunk.old_start if hunk.old_count == 0 else hunk.old_start - 1
        found = _locate(lines, old, start, position)
        if found is None:
            raise HunkMismatchError(
                index,
                f"hunk {index + 1} ({hunk.header}) does not match the text: "
                "its old lines are not there",
            )
        at, crlf = found
        if crlf:
            new = [_with_cr(line) for line in new]
        out.extend(lines[position:at])
        out.extend(new)
        position = at + len(old)
    out.extend(lines[position:])
    return "".join(out)


def _locate(lines: list[str], old: list[str], start: int, floor: int) -> tuple[int, bool] | None:
    """Where ``old`` sits in ``lines`` nearest ``start`` (not before ``floor``).

    Returns the index and whether it matched only once carriage returns were ignored.
    """
    last = len(lines) - len(old)
    for loose in (False, True):
        wanted = [_loose(line) for line in old] if loose else old
        for distance in range(max(start - floor, last - start, 0) + 1):
            for at in (start - distance, start + distance) if distance else (start,):
                if floor <= at <= last and _matches(lines, wanted, at, loose):
                    crlf = any(lines[at + i].endswith("\r\n") for i in range(len(old)))
                    return at, loose and crlf
    return None


def _with_cr(line: str) -> str:
    return line[:-1] + "\r\n" if line.endswith("\n") and not line.endswith("\r\n") else line


def _loose(line: str) -> str:
    return line[:-2] + "\n" if line.endswith("\r\n") else line


def _matches(lines: list[str], wanted: list[str], at: int, loose: bool) -> bool:
    for offset, expected in enumerate(wanted):
        actual = lines[at + offset]
        if (_loose(actual) if loose else actual) != expected:
            return False
    return True
