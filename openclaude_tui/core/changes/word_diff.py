"""What changed inside a hunk, for showing it: side-by-side rows and changed words."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from itertools import zip_longest

from openclaude_tui.core.changes.diff import Hunk

Span = tuple[int, int]

_WORD = re.compile(r"\w+|\s+|[^\w\s]")
# Past this many token comparisons a word diff costs more than it shows.
_WORD_DIFF_LIMIT = 250_000
# Longer lines are not even split into words (a minified file's one line can be megabytes).
_WORD_DIFF_MAX_CHARS = 20_000
# Below this similarity two lines are different lines, not one line edited.
_WORD_DIFF_MIN_RATIO = 0.3


def pair_lines(hunk: Hunk) -> list[tuple[int | None, int | None]]:
    """Rows of a side-by-side view: indices into ``hunk.lines`` for the left and right.

    A context line is on both sides; a run of removed lines is set beside the run of
    added lines that follows it, line for line.
    """
    rows: list[tuple[int | None, int | None]] = []
    removed: list[int] = []
    added: list[int] = []

    def flush() -> None:
        rows.extend(zip_longest(removed, added))
        removed.clear()
        added.clear()

    for index, line in enumerate(hunk.lines):
        if line.kind == "context":
            flush()
            rows.append((index, index))
        elif line.kind == "removed":
            if added:
                flush()
            removed.append(index)
        else:
            added.append(index)
    flush()
    return rows


def word_spans(old: str, new: str) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """The character ranges that differ between a removed line and the line replacing it.

    Words, runs of spaces and single punctuation marks are compared, so a renamed
    variable is marked whole. Two lines with little in common get no marks: the whole
    line is the change.

    Returns:
        ``(old_spans, new_spans)``, each a tuple of ``(start, end)`` offsets.
    """
    if len(old) + len(new) > _WORD_DIFF_MAX_CHARS:
        return (), ()
    old_words = _WORD.findall(old)
    new_words = _WORD.findall(new)
    if not old_words or not new_words or len(old_words) * len(new_words) > _WORD_DIFF_LIMIT:
        return (), ()
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    if matcher.ratio() < _WORD_DIFF_MIN_RATIO:
        return (), ()
    old_offsets = _offsets(old_words)
    new_offsets = _offsets(new_words)
    old_spans: list[Span] = []
    new_spans: list[Span] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            _add_span(old_spans, old_offsets[i1], old_offsets[i2])
        if j2 > j1:
            _add_span(new_spans, new_offsets[j1], new_offsets[j2])
    return tuple(old_spans), tuple(new_spans)


def _offsets(words: Sequence[str]) -> list[int]:
    offsets = [0]
    for word in words:
        offsets.append(offsets[-1] + len(word))
    return offsets


def _add_span(spans: list[Span], start: int, end: int) -> None:
    if spans and spans[-1][1] == start:
        spans[-1] = (spans[-1][0], end)
    else:
        spans.append((start, end))
