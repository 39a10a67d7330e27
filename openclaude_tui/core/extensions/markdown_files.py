"""Markdown files with front matter, as Claude Code writes commands and skills, and where
they are looked for.

Front matter is the simple ``key: value`` subset of YAML these files use: a block between
``---`` lines at the top, values plain or quoted, lists as ``- item`` lines, and ``|`` /
``>`` blocks for longer text. Anything else is kept as written (``argument-hint: [name]``
keeps its brackets); a field read as a list also takes ``[a, b]`` and ``a, b``.

Each kind of file (``commands``, ``skills``) is looked for in the project's
``.openclaude/KIND`` and ``.claude/KIND`` (Claude Code's place), then in the user's
``config_dir()/KIND``. A project's file must stay inside the project once its links are
resolved: a repository cannot make a private file part of a prompt.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from openclaude_tui import paths
from openclaude_tui.core.tools.paths import is_inside

# A command or skill file is a prompt; past this size it is not one.
MAX_FILE_BYTES = 256 * 1024
FieldValue = str | list[str]

_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*:\s?(.*)$")
_DELIMITER = re.compile(r"^---\s*$")


class Named(Protocol):
    """What a file read becomes (a skill, an agent): a name, and where it comes from."""

    @property
    def name(self) -> str: ...

    @property
    def source(self) -> str: ...


N = TypeVar("N", bound=Named)


class ExtensionFileError(ValueError):
    """A command or skill file that cannot be used; the message says why."""


@dataclass(frozen=True)
class Source:
    """A directory extensions of one kind are read from.

    Attributes:
        directory: Where the files are.
        label: How the user is told where a file comes from (``project``, ``user``).
        from_project: Whether the repository wrote it (project trust applies).
        root: What its files must stay inside once resolved (None: the user's own
            files, which may lead anywhere).
    """

    directory: Path
    label: str
    from_project: bool
    root: Path | None


@dataclass(frozen=True)
class MarkdownFile:
    """A file read: its front matter fields and its body."""

    path: Path
    fields: dict[str, FieldValue]
    body: str

    def text(self, key: str, default: str = "") -> str:
        """A field as one string (a list is joined with commas)."""
        value = self.fields.get(key)
        if value is None:
            return default
        return ", ".join(value) if isinstance(value, list) else value

    def items(self, key: str) -> list[str]:
        """A field as a list: ``[a, b]``, ``- a`` lines, or ``a, b`` split at top-level commas."""
        value = self.fields.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return [item for item in value if item]
        if value.startswith("[") and value.endswith("]"):
            value = value[1:-1]
        return split_top_level(value)


def sources(project_root: Path, kind: str) -> list[Source]:
    """Where files of ``kind`` are looked for, the first one winning a name."""
    return [
        Source(project_root / ".openclaude" / kind, "project", True, project_root),
        Source(project_root / ".claude" / kind, "project (.claude)", True, project_root),
        Source(paths.config_dir() / kind, "user", False, None),
    ]


def keep_first(
    items: list[N],
    found: Iterable[tuple[Path, Source, str]],
    read: Callable[[Path, Source], N],
    kind: str,
    limit: int,
) -> list[str]:
    """Read each file ``found`` (path, source, how a notice names it) into ``items``, up to
    ``limit``, the first one of a name winning (case does not matter); the notices for the
    user: files skipped, and names hidden."""
    notices: list[str] = []
    for path, source, label in found:
        try:
            item = read(path, source)
        except ExtensionFileError as error:
            notices.append(f"{label} skipped: {error}")
            continue
        folded = item.name.casefold()
        existing = next((kept for kept in items if kept.name.casefold() == folded), None)
        if existing is not None:
            notices.append(f"{kind} {item.name} from {path} is hidden by the {existing.source} one")
        elif len(items) < limit:
            items.append(item)
    return notices


def contained(path: Path, source: Source) -> Path:
    """``path`` resolved, when it stays inside its source's root (if it has one).

    Raises:
        ExtensionFileError: a link leads elsewhere.
    """
    resolved = Path(os.path.realpath(path))
    if source.root is None:
        return resolved
    root = Path(os.path.realpath(source.root))
    if not is_inside(resolved, root):
        raise ExtensionFileError(f"{path} leads outside {root}; it is not read")
    return resolved


def read_markdown(path: Path, source: Source) -> MarkdownFile:
    """Read a command or skill file.

    Raises:
        ExtensionFileError: it leads outside its source, is too large, or is not text.
    """
    resolved = contained(path, source)
    try:
        if resolved.stat().st_size > MAX_FILE_BYTES:
            raise ExtensionFileError(f"{path} is larger than {MAX_FILE_BYTES // 1024} KB")
        text = resolved.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ExtensionFileError(f"{path} cannot be read: {error}") from None
    fields, body = parse_front_matter(text)
    return MarkdownFile(resolved, fields, body)


def parse_front_matter(text: str) -> tuple[dict[str, FieldValue], str]:
    """The front matter's fields and the body after it (all the text when there is none)."""
    lines = text.removeprefix("\ufeff").splitlines()
    if not lines or not _DELIMITER.match(lines[0]):
        return {}, text.removeprefix("\ufeff")
    end = next((i for i in range(1, len(lines)) if _DELIMITER.match(lines[i])), None)
    if end is None:
        return {}, text.removeprefix("\ufeff")
    return _fields(lines[1:end]), "\n".join(lines[end + 1 :]).strip("\n") + "\n"


def _fields(lines: list[str]) -> dict[str, FieldValue]:
    fields: dict[str, FieldValue] = {}
    index = 0
    while index < len(lines):
        match = _KEY.match(lines[index])
        index += 1
        if not match:
            continue
        key, raw = match.group(1), match.group(2).strip()
        # The indented lines that follow belong to this key (a list or a block of text).
        block: list[str] = []
        while index < len(lines) and (
            not lines[index].strip() or lines[index][:1].isspace() or lines[index][:2] == "- "
        ):
            block.append(lines[index])
            index += 1
        fields[key] = _value(raw, block)
    return fields


def _value(raw: str, block: list[str]) -> FieldValue:
    kept = [line.strip() for line in block if line.strip()]
    if raw in ("|", "|-", ">", ">-"):
        return ("\n" if raw.startswith("|") else " ").join(kept)
    if not raw and kept and all(line.startswith("- ") or line == "-" for line in kept):
        return [_unquoted(line[1:].strip()) for line in kept]
    return _unquoted(" ".join([raw, *kept]).strip())


def _unquoted(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def split_top_level(text: str) -> list[str]:
    """``text`` split at the commas outside parentheses (``Bash(a, b), Read``: two items)."""
    items: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        if char == "," and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [_unquoted(item) for item in items if item.strip()]


def first_line(body: str, limit: int = 80) -> str:
    """The body's first non-blank line (headings' ``#`` dropped), cut to ``limit``: the
    description of a file that gives none."""
    for line in body.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""
