"""The shell parser's results: words, redirections, simple commands and whole scripts.

Kept apart from the parser itself (``core.shell.syntax``) so that readers of its results
need not load it, and so each module stays one concept.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field


def names(text: str) -> frozenset[str]:
    """The set of space-separated names in ``text`` (for tables of programs and options)."""
    return frozenset(text.split())


_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")


@dataclass
class Word:
    """One shell word.

    Attributes:
        raw: The source text of the word.
        value: The word after quote removal; expansions are left as their source text.
        quoted: Some part of it was quoted or escaped.
        expands: It holds a parameter expansion or a command substitution, so its value
            is only known at run time.
        glob: It holds an unquoted ``*``, ``?`` or ``[``.
        start: Offset of the word in the source it was parsed from.
        opaque: Why the word's value cannot be known without running code, or None.
    """

    raw: str
    value: str
    quoted: bool = False
    expands: bool = False
    glob: bool = False
    start: int = 0
    opaque: str | None = None

    @property
    def is_assignment(self) -> bool:
        """Whether the word is a ``NAME=value`` assignment."""
        return _ASSIGNMENT.match(self.raw) is not None


@dataclass
class Redirect:
    """A redirection: ``op`` such as ``>``, ``>>``, ``&>``, ``<``, ``<<``, ``>&``."""

    op: str
    target: Word | None

    @property
    def writes(self) -> bool:
        """Whether it opens a file for writing (fd duplications excluded)."""
        if self.op in (">&", "<&"):
            return self.target is not None and not re.fullmatch(r"\d*-?", self.target.value)
        return self.op in (">", ">>", ">|", "&>", "&>>", "<>")


@dataclass
class SimpleCommand:
    """A simple command: its words, its redirections and what ran inside its words.

    ``nested`` holds the commands of its command and process substitutions, which the
    shell runs before or alongside it.
    """

    words: list[Word]
    redirects: list[Redirect]
    text: str
    nested: list[SimpleCommand] = field(default_factory=list)


@dataclass
class Script:
    """Everything found in a command line.

    Attributes:
        commands: Every simple command, each before the ones nested inside it.
        pipelines: Each pipeline as a list of its stages, each stage being the simple
            commands inside it (a stage is a subshell or group when it holds several).
        errors: Problems met while parsing, as short sentences.
        opaque: Constructs outside any word (in here-document bodies) that only running
            code could evaluate, as short sentences.
        variables: Names of the variables expanded anywhere (``$NAME``, ``${NAME…}``).
    """

    commands: list[SimpleCommand] = field(default_factory=list)
    pipelines: list[list[list[SimpleCommand]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    opaque: list[str] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)


def operands(args: list[Word], takes_value: frozenset[str] = frozenset()) -> list[Word]:
    """Arguments that are not options (everything after ``--`` counts).

    ``takes_value`` names options whose value is the next word, which is skipped.
    """
    result: list[Word] = []
    skip = False
    options_done = False
    for word in args:
        value = word.value
        if skip:
            skip = False
        elif options_done or not value.startswith("-") or value == "-":
            result.append(word)
        elif value == "--":
            options_done = True
        elif value in takes_value:
            skip = True
    return result


def short_flags(args: list[Word]) -> set[str]:
    """Letters of the single-dash option clusters (``-xdf`` gives x, d, f)."""
    letters: set[str] = set()
    for word in args:
        if word.value == "--":
            break
        if word.value.startswith("-") and not word.value.startswith("--"):
            letters.update(word.value[1:])
    return letters


def without_assignments(words: list[Word]) -> list[Word]:
    index = 0
    while index < len(words) and words[index].is_assignment:
        index += 1
    return words[index:]


def name_of(words: list[Word]) -> str | None:
    """The command name (basename) of a word list, or None when an expansion names it."""
    words = without_assignments(words)
    if not words or words[0].expands or words[0].opaque:
        return None
    return os.path.basename(words[0].value) or words[0].value
