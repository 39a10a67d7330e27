"""Levels and findings shared by the shell-command classifier's modules.

A finding says what one part of a command does. Its ``effect`` flag separates what a
program is (``npm`` is not known to be read-only, ``rm`` deletes files: an allow rule for
that program covers it) from what the words around it add (a redirection that writes, an
option that writes or runs a program, a read outside the project, an expansion that cannot
be evaluated): no prefix rule covers those, so such a command asks even when allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["read_only", "mutating", "destructive"]
RANK: dict[Level, int] = {"read_only": 0, "mutating": 1, "destructive": 2}


@dataclass(frozen=True)
class Finding:
    """One reason a command is not read-only.

    Attributes:
        level: How severe it is.
        reason: A short sentence for the user.
        effect: True when an allow rule for the program must not cover it.
    """

    level: Level
    reason: str
    effect: bool = False


@dataclass(frozen=True)
class Verdict:
    """The classifier's answer: a level and short sentences saying why."""

    level: Level
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Read:
    """A file or folder whose content a command reads (inside the project).

    Attributes:
        path: The resolved path.
        recursive: Everything below a folder is read.
        hidden: Files and folders whose names start with a dot are read too.
    """

    path: str
    recursive: bool = False
    hidden: bool = True


def verdict_of(findings: list[Finding]) -> Verdict:
    """The most severe level among ``findings``, with the reasons at that level."""
    if not findings:
        return Verdict("read_only")
    level = max((f.level for f in findings), key=RANK.__getitem__)
    reasons = dict.fromkeys(f.reason for f in findings if f.level == level)
    return Verdict(level, tuple(reasons))
