"""Option grammars: reading a command's arguments the way the program itself reads them.

A grammar lists the options known to be harmless, split into flags and options that take
a value. ``parse_arguments`` walks the words like getopt does: ``-abc`` is three flags
unless one of them takes a value, which is then the rest of the word (``-i.bak``,
``-e1w FILE``) or the next word; ``--name=value`` or ``--name value``. A long option is
known only when spelled in full: GNU programs accept any unambiguous abbreviation
(``--in-pl`` is ``--in-place``), so a shortened name may be an option this table does not
list, and anything not listed is reported as unknown for the caller to refuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from openclaude_tui.core.shell.syntax import Word

# What the operands (non-option words) of a program are.
Operands = Literal["paths", "data", "none"]


@dataclass(frozen=True)
class Grammar:
    """The harmless options of a program and what its operands are.

    Attributes:
        flags: Short options without a value.
        valued: Short options that take a value.
        long_flags: Long options (without ``--``) without a value.
        long_valued: Long options that take a value.
        long_optional: Long options whose value is optional, so only ``--name=value``
            gives one (``--color`` never takes the next word).
        operands: ``paths`` (files it reads), ``data`` (text it only prints or
            compares) or ``none``.
        any_option: Every option of the program is harmless (it has none that writes,
            runs a program or reads a file), so unknown options are accepted.
        numeric: ``-5`` is an option (``head -5``, ``grep -3``).
        path_options: Options (letters or long names) whose value is a file it reads.
        recursive: Options that make it read directories recursively.
        pattern_first: The first operand is a pattern unless an option gave one.
        pattern_options: Options that give the pattern.
    """

    flags: str = ""
    valued: str = ""
    long_flags: frozenset[str] = frozenset()
    long_valued: frozenset[str] = frozenset()
    long_optional: frozenset[str] = frozenset()
    operands: Operands = "paths"
    any_option: bool = False
    numeric: bool = False
    path_options: frozenset[str] = frozenset()
    recursive: frozenset[str] = frozenset()
    pattern_first: bool = False
    pattern_options: frozenset[str] = frozenset()


def grammar(
    flags: str = "",
    valued: str = "",
    long_flags: str = "",
    long_valued: str = "",
    **kwargs: object,
) -> Grammar:
    """A Grammar from space-separated long option names (shorter to write in tables)."""
    named = ("path_options", "recursive", "pattern_options", "long_optional")
    sets = {k: frozenset(str(v).split()) for k, v in kwargs.items() if k in named}
    rest = {k: v for k, v in kwargs.items() if k not in named}
    return Grammar(
        flags, valued, frozenset(long_flags.split()), frozenset(long_valued.split()),
        **sets, **rest,  # type: ignore[arg-type]
    )  # fmt: skip


@dataclass
class Parsed:
    """A command's words sorted into options and operands.

    Attributes:
        options: Each known option's name (a letter or a long name) and its value.
        operands: The words that are not options.
        unknown: Options the grammar does not know, as written.
    """

    options: list[tuple[str, str | None]] = field(default_factory=list)
    operands: list[Word] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def has(self, *names: str) -> bool:
        """Whether any of these options was given."""
        return any(name in names for name, _ in self.options)

    def values(self, *names: str) -> list[str]:
        """The values given to these options, in order."""
        return [value for name, value in self.options if name in names and value is not None]


def parse_arguments(spec: Grammar, args: list[Word]) -> Parsed:
    """Sort ``args`` into options and operands as the program would."""
    parsed = Parsed()
    index = 0
    while index < len(args):
        word = args[index]
        value = word.value
        index += 1
        if value == "--":
            parsed.operands.extend(args[index:])
            break
        if not value.startswith("-") or value == "-":
            parsed.operands.append(word)
        elif value.startswith("--"):
            name, eq, attached = value[2:].partition("=")
            if name in spec.long_valued:
                index = _take_value(parsed, name, attached if eq else None, value, args, index)
            elif name in spec.long_flags and not eq:
                parsed.options.append((name, None))
            elif name in spec.long_optional or spec.any_option:
                parsed.options.append((name, attached if eq else None))
            else:
                parsed.unknown.append(value)
        elif spec.numeric and value[1:].isdigit():
            parsed.options.append(("NUM", value[1:]))
        else:
            index = _short_cluster(spec, value, args, index, parsed)
    return parsed


def _take_value(
    parsed: Parsed, name: str, attached: str | None, written: str, args: list[Word], index: int
) -> int:
    """Record an option that takes a value: the attached one, else the next word."""
    if attached is not None:
        parsed.options.append((name, attached))
    elif index < len(args):
        parsed.options.append((name, args[index].value))
        index += 1
    else:
        parsed.unknown.append(written)
    return index


def _short_cluster(spec: Grammar, value: str, args: list[Word], index: int, parsed: Parsed) -> int:
    """Read ``-abc``; returns the index of the next unread word."""
    for position, letter in enumerate(value[1:], start=1):
        if letter in spec.valued:
            rest = value[position + 1 :]
            return _take_value(parsed, letter, rest or None, value, args, index)
        if letter in spec.flags or spec.any_option:
            parsed.options.append((letter, None))
        else:
            parsed.unknown.append(f"-{letter}" if len(value) > 2 else value)
            return index
    return index


# Sed commands that only print or move text (no w, W, r, R, e, or s///w, s///e).
_SED_SIMPLE = frozenset("pdqQnNPDhHgGxlz=")


def sed_script_is_safe(script: str) -> bool:
    """Whether a sed script only edits the text it prints (no writes, reads, or commands).

    It is read command by command; anything this reader does not know is unsafe.
    """
    pos = 0
    size = len(script)
    while pos < size:
        char = script[pos]
        if char in " \t\n;}!{" or char.isdigit() or char in "$,~+":
            pos += 1
        elif char == "/" or (char == "\\" and pos + 1 < size):
            # An address: /re/ or \cREc.
            delimiter = "/" if char == "/" else script[pos + 1]
            pos = _sed_delimited(script, pos + (1 if char == "/" else 2), delimiter)
            if pos < 0:
                return False
            while pos < size and script[pos] in "IM":
                pos += 1
        elif char == "#":
            end = script.find("\n", pos)
            pos = size if end < 0 else end
        elif char in _SED_SIMPLE:
            pos += 1
            while pos < size and script[pos].isdigit():
                pos += 1
        elif char in "sy":
            if pos + 1 >= size or script[pos + 1] in "\\\n":
                return False
            delimiter = script[pos + 1]
            pos = _sed_delimited(script, pos + 2, delimiter)
            if pos >= 0:
                pos = _sed_delimited(script, pos, delimiter)
            if pos < 0:
                return False
            if char == "s":
                while pos < size and script[pos] in "gpiImM0123456789":
                    pos += 1
        else:
            return False
    return True


def _sed_delimited(script: str, pos: int, delimiter: str) -> int:
    """The position after the next unescaped ``delimiter``, or -1."""
    while pos < len(script):
        if script[pos] == "\\":
            pos += 2
        elif script[pos] == delimiter:
            return pos + 1
        elif script[pos] == "\n":
            return -1
        else:
            pos += 1
    return -1


# What lets an awk program write, run commands, read other files or the environment.
_AWK_RISKS = (
    "system", "getline", "|", ">", "ENVIRON", "@", "close", "fflush", "PROCINFO", "ARGV", "ARGC",
)  # fmt: skip


def awk_program_is_safe(program: str) -> bool:
    """Whether an awk program only prints (a ``>`` comparison counts as unsafe too)."""
    return not any(risk in program for risk in _AWK_RISKS)


# jq builtins that read the environment, other files or modules.
_JQ_RISKS = ("env", "ENV", "import", "include", "input_filename", "$__prog", "modulemeta")


def jq_program_is_safe(program: str) -> bool:
    """Whether a jq program only transforms its input."""
    return not any(risk in program for risk in _JQ_RISKS)
