"""Project memory: the standing instructions users keep in AGENT.md, CLAUDE.md and AGENTS.md.

Where memory is looked for, most general first (so more specific files are read last and
win where they disagree):

1. the user's own file in ``config_dir()`` (any of the three names);
2. the project root (the git root), then each directory below it down to the working directory.

Within one directory the names are read in the order AGENT.md, CLAUDE.md, AGENTS.md; a file
reached twice (e.g. CLAUDE.md as a symlink to AGENTS.md) is read once. Empty files are skipped.

Imports: a line that consists only of ``@path`` (outside fenced code blocks, so decorators in
examples are left alone) is replaced by that file's text. Relative paths are taken from the
importing file's directory; ``~`` is expanded. Imports are followed one level deep: ``@`` lines
inside an imported file stay as they are. A missing or unreadable import is noted in the text.
Files in a project may import only from inside the project or the user's config directory,
so a cloned repository cannot pull private files (keys, credentials) into what is sent to the
model; the user's own memory file may import from anywhere.

Each memory file, imports included, is cut at ``MEMORY_CHAR_LIMIT`` characters, and the cut is
noted at the end of its text.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path

from openclaude_tui.paths import config_dir

MEMORY_FILE_NAMES = ("AGENT.md", "CLAUDE.md", "AGENTS.md")
MEMORY_CHAR_LIMIT = 40_000

_IMPORT_LINE = re.compile(r"^\s*@(\S+)\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class MemoryFile:
    """One memory file as it goes into the system prompt.

    Attributes:
        path: Where the file is (absolute).
        text: Its text with imports inlined, cut at the limit (the cut is noted in the text).
        truncated: Whether anything was cut, in the file itself or in one of its imports.
    """

    path: Path
    text: str
    truncated: bool


def load_project_memory(
    project_root: Path, cwd: Path, *, char_limit: int = MEMORY_CHAR_LIMIT
) -> list[MemoryFile]:
    """Read every memory file that applies to ``cwd``, most general first.

    Args:
        project_root: The project's root (the git root, or the working directory outside git).
        cwd: The working directory; directories from the root down to it are searched.
        char_limit: The most characters kept of each memory file.

    Returns:
        The user-level file(s) first, then the project's from the root down to ``cwd``.
    """
    root = project_root.resolve()
    user_dir = config_dir()
    candidates = _candidates(root, cwd)
    # Allowed import locations are resolved once, so symlinks cannot smuggle a path past them.
    allowed_roots = (root, user_dir.resolve())
    seen: set[Path] = set()
    memory: list[MemoryFile] = []
    for path, user_level in candidates:
        if not path.is_file():
            continue
        real = path.resolve()
        if real in seen:
            continue
        seen.add(real)
        loaded = _load(path, None if user_level else allowed_roots, char_limit)
        if loaded is not None:
            memory.append(loaded)
    return memory


def memory_signature(project_root: Path, cwd: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when a memory file is written, created or removed (its imports aside):
    a system prompt built with other memory is out of date."""
    found = []
    for path, _ in _candidates(project_root.resolve(), cwd):
        with contextlib.suppress(OSError):
            stat = path.stat()
            found.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def _candidates(root: Path, cwd: Path) -> list[tuple[Path, bool]]:
    """Where memory files may be, most general first, each with whether it is the user's."""
    candidates = [(config_dir() / name, True) for name in MEMORY_FILE_NAMES]
    candidates += [
        (directory / name, False)
        for directory in _directories(root, cwd.resolve())
        for name in MEMORY_FILE_NAMES
    ]
    return candidates


def _directories(root: Path, cwd: Path) -> list[Path]:
    """The project root and each directory below it down to ``cwd``, outermost first."""
    try:
        parts = cwd.relative_to(root).parts
    except ValueError:
        return [cwd]
    directories = [root]
    for part in parts:
        directories.append(directories[-1] / part)
    return directories


def _load(path: Path, allowed_roots: tuple[Path, ...] | None, char_limit: int) -> MemoryFile | None:
    try:
        text, truncated = _read_capped(path, char_limit)
    except OSError:
        return None
    if not text.strip():
        return None
    text, import_truncated = _inline_imports(text, path.parent, allowed_roots, char_limit)
    truncated = truncated or import_truncated
    if len(text) > char_limit:
        text = text[:char_limit]
        truncated = True
    if truncated:
        text = (
            f"{text.rstrip()}\n\n[{path.name} was cut at {char_limit:,} characters; "
            "read the file itself for the rest]"
        )
    return MemoryFile(path=path.absolute(), text=text, truncated=truncated)


def _read_capped(path: Path, char_limit: int) -> tuple[str, bool]:
    """The first ``char_limit`` characters of a file, and whether there was more."""
    # Reading one character past the limit tells whether the file is longer, without
    # loading a huge file whole.
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        text = handle.read(char_limit + 1)
    return text[:char_limit], len(text) > char_limit


def _inline_imports(
    text: str, base: Path, allowed_roots: tuple[Path, ...] | None, char_limit: int
) -> tuple[str, bool]:
    """Replace ``@path`` lines with the files they name; return the text and whether any was cut."""
    lines: list[str] = []
    truncated = False
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _IMPORT_LINE.match(line)
        if match is None:
            lines.append(line)
            continue
        reference = match.group(1)
        imported, cut = _import(reference, base, allowed_roots, char_limit)
        truncated = truncated or cut
        lines.append(imported)
    return "\n".join(lines), truncated


def _import(
    reference: str, base: Path, allowed_roots: tuple[Path, ...] | None, char_limit: int
) -> tuple[str, bool]:
    target = Path(reference)
    # An unknown user (~nobody/...) leaves the name as it is, to be reported missing.
    with contextlib.suppress(RuntimeError):
        target = target.expanduser()
    if not target.is_absolute():
        target = base / target
    target = target.resolve()
    if allowed_roots is not None and not any(target.is_relative_to(r) for r in allowed_roots):
        return (
            f"[@{reference} not imported: it is outside the project and the user's "
            "config directory]",
            False,
        )
    if not target.exists():
        return f"[@{reference} not imported: {target} does not exist]", False
    if not target.is_file():
        return f"[@{reference} not imported: {target} is not a file]", False
    try:
        content, cut = _read_capped(target, char_limit)
    except OSError as error:
        return f"[@{reference} not imported: {error.strerror or error}]", False
    return f"[@{reference}: {target}]\n{content.rstrip()}\n[end of @{reference}]", cut
