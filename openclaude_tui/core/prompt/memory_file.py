"""The project's memory file as something written: what ``#`` notes, ``/memory`` and ``/init``
change.

It is one of the instruction files the system prompt reads (``core.prompt.memory``) at the
project root: the one the project already has (``AGENTS.md``, then ``CLAUDE.md``, then
``AGENT.md``), else ``AGENTS.md``. A repository could ship that name as a link to a file
elsewhere, so the path is resolved, then checked to stay inside the project, then used.
"""

from __future__ import annotations

import os
from pathlib import Path

# The convention a new file follows (the name most agents read).
DEFAULT_FILE = "AGENTS.md"
# Which existing file a note goes to when a project has several (the names
# ``core.prompt.memory`` reads).
PREFERENCE = ("AGENTS.md", "CLAUDE.md", "AGENT.md")


class MemoryFileError(Exception):
    """The memory file cannot be written; the message says why."""


def memory_file(project_root: Path) -> Path:
    """The project's memory file (it may not exist yet), as the project names it."""
    for name in PREFERENCE:
        if (project_root / name).is_file():
            return project_root / name
    return project_root / DEFAULT_FILE


def writable_memory_file(project_root: Path) -> Path:
    """The memory file resolved, when it stays inside the project.

    Raises:
        MemoryFileError: it is a link leading out of the project, or not a file.
    """
    path = memory_file(project_root)
    resolved = Path(os.path.realpath(path))
    root = Path(os.path.realpath(project_root))
    if not resolved.is_relative_to(root):
        raise MemoryFileError(f"{path.name} leads outside the project ({resolved}); not written")
    if resolved.exists() and not resolved.is_file():
        raise MemoryFileError(f"{resolved} is not a file")
    return resolved


def memory_note(prompt: str) -> str | None:
    """The note a ``# …`` prompt saves ("" when it holds nothing but ``#``); None for any
    other prompt. A prompt of several lines is sent as it is: it is a document, not a note."""
    text = prompt.strip()
    if not text.startswith("#") or "\n" in text:
        return None
    return text.lstrip("#").strip()


def remember(project_root: Path, note: str) -> Path:
    """Append ``note`` to the memory file as a list item (creating the file); its path.

    Raises:
        MemoryFileError: the file leads outside the project or cannot be written.
    """
    path = writable_memory_file(project_root)
    try:
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
        separator = "" if not existing or existing.endswith("\n") else "\n"
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"{separator}- {note}\n")
    except (OSError, UnicodeDecodeError) as error:
        raise MemoryFileError(f"{path} cannot be written: {error}") from None
    return path


def init_prompt(project_root: Path) -> str:
    """What ``/init`` asks of the model: write, or improve, the project's memory file."""
    name = memory_file(project_root).name
    return (
        f"Please look at this project and write {name} in its root directory: the "
        "instructions a coding agent needs to work here. Find out with your tools (the README, "
        "the build manifests such as pyproject.toml, package.json, Cargo.toml or Makefile, "
        "the CI configuration, and any rules in .cursorrules, .cursor/rules or "
        ".github/copilot-instructions.md), then include:\n"
        "- the commands to build, lint and test, and how to run a single test;\n"
        "- the layout: where the main parts live and how they fit together;\n"
        "- the conventions of the code that a newcomer would not guess.\n"
        "Keep it short and specific to this project; leave out general advice and anything "
        f"obvious from a file listing. If {name} exists, read it first and improve it: keep "
        "what is still true and fix what is not.\n$ARGUMENTS"
    )
