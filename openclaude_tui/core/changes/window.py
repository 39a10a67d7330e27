"""The part of a file that a change touches, so that a diff never works on the whole file.

Two texts share a prefix and a suffix; only what lies between (widened to whole lines and a
few lines of context) needs diffing. Finding them compares large slices at C speed and
copies nothing but the region, so an edit of one line in a huge file diffs a few lines.
When the region itself is huge (a one-line file of a gigabyte), there is nothing useful to
show line by line: the caller says "too large to diff" instead.
"""

from __future__ import annotations

from dataclasses import dataclass

# The most text (both sides together) a diff is worked out for.
MAX_DIFF_CHARS = 2_000_000
_STEP = 1 << 16


@dataclass(frozen=True)
class Region:
    """Where two texts differ, in whole lines.

    Attributes:
        line: The number of lines before the region (the same on both sides).
        before: The region's text on the old side.
        after: The region's text on the new side.
    """

    line: int
    before: str
    after: str

    @property
    def size(self) -> int:
        """Characters on both sides."""
        return len(self.before) + len(self.after)


def changed_region(before: str, after: str, context: int) -> Region:
    """The lines that differ between the texts, with ``context`` more lines around them."""
    prefix = _common_prefix(before, after)
    suffix = _common_suffix(before, after, min(len(before), len(after)) - prefix)
    start = before.rfind("\n", 0, prefix) + 1
    for _ in range(context):
        if start == 0:
            break
        start = before.rfind("\n", 0, start - 1) + 1
    end = len(before) - suffix
    for _ in range(context + 1):
        newline = before.find("\n", end)
        if newline == -1:
            end = len(before)
            break
        end = newline + 1
    tail = len(before) - end  # common to both sides: it lies within the suffix
    return Region(before.count("\n", 0, start), before[start:end], after[start : len(after) - tail])


class DiffTooLarge(ValueError):
    """The change is too large to diff line by line; ``str(error)`` says how large."""


def check_size(before: str | None, after: str) -> None:
    """Raise ``DiffTooLarge`` when the change between the texts is too large to show."""
    note = too_large_note(before, after)
    if note is not None:
        raise DiffTooLarge(note)


def too_large_note(before: str | None, after: str) -> str | None:
    """ "too large to diff: N characters changed" for a change too big to show; else None."""
    if before is None:
        too_large = len(after) > MAX_DIFF_CHARS
        return f"too large to diff: {len(after):,} characters" if too_large else None
    if len(before) + len(after) <= MAX_DIFF_CHARS:
        return None
    region = changed_region(before, after, 0)
    if region.size <= MAX_DIFF_CHARS:
        return None
    changed = max(len(region.before), len(region.after))
    return f"too large to diff: {changed:,} characters changed"


def _common_prefix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    i = 0
    while i < limit and a[i : i + _STEP] == b[i : i + _STEP]:
        i += _STEP
    i = min(i, limit)
    while i < limit and a[i] == b[i]:
        i += 1
    return i


def _common_suffix(a: str, b: str, limit: int) -> int:
    """The length of the common end of ``a`` and ``b``, at most ``limit``."""
    j = 0
    while j < limit:
        k = min(_STEP, limit - j)
        if a[len(a) - j - k : len(a) - j] != b[len(b) - j - k : len(b) - j]:
            break
        j += k
    while j < limit and a[len(a) - j - 1] == b[len(b) - j - 1]:
        j += 1
    return j
