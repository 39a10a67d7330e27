"""Finding what an Edit replaces, as models write it, and saying what is close when it is not.

``old_string`` is looked for as given, in the file's newline style, and without the line
numbers Read shows (which models copy); when it is nowhere, the closest text is named.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# The prefix Read puts before each line ("    12\t"), which models sometimes copy.
_LINE_NUMBER = re.compile(r"^ *\d+(?:\t|→)")


def with_newlines(text: str, newline: str) -> str:
    """``text`` with every line ending made ``newline``."""
    lf = text.replace("\r\n", "\n")
    return lf if newline == "\n" else lf.replace("\n", "\r\n")


def numbered(lines: list[str], first: int) -> str:
    """Lines in Read's ``cat -n`` form, the first numbered ``first``."""
    return "\n".join(f"{first + i:>6}\t{line}" for i, line in enumerate(lines))


def find_replacement(content: str, old: str, new: str, newline: str) -> tuple[str, str] | None:
    """The (old, new) pair to use: as given, in the file's newline style, or unnumbered."""
    candidates = [(old, new)]
    if _numbered_throughout(old):
        candidates.append((_strip_line_numbers(old), _strip_line_numbers(new)))
    for candidate_old, candidate_new in candidates:
        styled = with_newlines(candidate_old, newline)
        if styled in content:
            return styled, with_newlines(candidate_new, newline)
        # A file with mixed line endings may hold the text exactly as given.
        if candidate_old in content:
            return candidate_old, candidate_new
    return None


def _numbered_throughout(text: str) -> bool:
    """Whether every line of ``text`` starts with a Read line-number prefix."""
    lines = text.removesuffix("\n").split("\n")
    return all(_LINE_NUMBER.match(line) for line in lines)


def _strip_line_numbers(text: str) -> str:
    return "\n".join(_LINE_NUMBER.sub("", line, count=1) for line in text.split("\n"))


def keep_final_newline(before: str, after: str, newline: str) -> str:
    """``after`` ending in a newline exactly when ``before`` did."""
    if not before or not after:
        return after
    had = before.endswith("\n")
    if had and not after.endswith("\n"):
        return after + newline
    if not had and after.endswith("\n"):
        return after.removesuffix("\n").removesuffix("\r")
    return after


def near_match(content: str, old: str) -> str:
    """A hint naming the text in ``content`` closest to ``old``, when one is close."""
    lines = content.replace("\r\n", "\n").split("\n")
    wanted = old.replace("\r\n", "\n").strip("\n").split("\n")
    size = len(wanted)
    if size > len(lines):
        return "It is longer than the whole file; Read the file to see its current content."
    squeezed = [" ".join(line.split()) for line in wanted]
    for start in range(len(lines) - size + 1):
        if [" ".join(line.split()) for line in lines[start : start + size]] == squeezed:
            return (
                f"It matches line {start + 1} only if whitespace is ignored (indentation, tabs "
                "or spaces differ). The file has exactly:\n"
                + numbered(lines[start : start + size][:20], start + 1)
            )
    best_ratio, best_start = 0.0, -1
    # Comparing every window costs lines × size; past this the hint is not worth the wait.
    if len(lines) * size <= 2_000_000:
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2("\n".join(wanted))
        for start in range(len(lines) - size + 1):
            matcher.set_seq1("\n".join(lines[start : start + size]))
            floor = max(best_ratio, 0.6)
            if matcher.real_quick_ratio() > floor and matcher.quick_ratio() > floor:
                ratio = matcher.ratio()
                if ratio > floor:
                    best_ratio, best_start = ratio, start
    if best_start < 0:
        return "Nothing in the file is close to it; Read the file to see its current content."
    shown = [line[:200] for line in lines[best_start : best_start + size][:20]]
    return (
        f"The closest text ({best_ratio:.0%} similar) is at line {best_start + 1}:\n"
        + numbered(shown, best_start + 1)
        + "\nold_string must match the file exactly, including whitespace."
    )


@dataclass(frozen=True)
class Replaced:
    """A file's text after one replacement, and how many occurrences it replaced."""

    text: str
    count: int


def edit_problem(old: str, new: str) -> str | None:
    """Why replacing ``old`` by ``new`` is no edit at all, whatever the file holds."""
    if not old:
        return (
            "old_string is empty. To insert text, put a nearby line in old_string and "
            "that line plus the new text in new_string; to create or replace a whole file, "
            "use Write."
        )
    if old == new:
        return "old_string and new_string are identical, so the edit would change nothing."
    return None


def replace_text(
    content: str, old: str, new: str, newline: str, *, replace_all: bool, where: str
) -> Replaced | str:
    """``content`` with ``old`` replaced by ``new`` as Edit does, or why it cannot be.

    ``old`` must occur exactly once unless ``replace_all``; ``where`` names the file in
    the messages (``in /p/f.py``).
    """
    problem = edit_problem(old, new)
    if problem is not None:
        return problem
    found = find_replacement(content, old, new, newline)
    if found is None:
        return f"old_string was not found {where}. {near_match(content, old)}"
    old, new = found
    count = content.count(old)
    if count > 1 and not replace_all:
        starts = [m.start() for m in re.finditer(re.escape(old), content)][:10]
        lines = ", ".join(str(content.count("\n", 0, i) + 1) for i in starts)
        return (
            f"old_string occurs {count} times {where} (at lines {lines}). Include more "
            "surrounding lines to make it unique, or set replace_all to true to change "
            f"all {count}."
        )
    return Replaced(content.replace(old, new, -1 if replace_all else 1), count)
