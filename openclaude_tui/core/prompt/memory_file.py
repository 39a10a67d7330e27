"""The memory files as something written: what ``#`` notes, accepted learnings, ``/memory``
and ``/init`` change.

Two files can be written, both read by the system prompt (``core.prompt.memory``): the
project's, at the project root, and the user's own, in ``config_dir()`` (read in every
project). In each folder it is the one already there (``AGENTS.md``, then ``CLAUDE.md``, then
``AGENT.md``), else ``AGENTS.md``. A repository could ship the project's name as a link to a
file elsewhere, so that path is resolved, then checked to stay inside the project, then used.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from openclaude_tui.paths import config_dir

# Which memory file: the project's (shared with whoever clones it) or the user's own.
MemoryScope = Literal["project", "user"]

# The convention a new file follows (the name most agents read).
DEFAULT_FILE = "AGENTS.md"
# Which existing file a note goes to when a project has several (the names
# ``core.prompt.memory`` reads).
PREFERENCE = ("AGENTS.md", "CLAUDE.md", "AGENT.md")


class MemoryFileError(Exception):
    """The memory file cannot be written; the message says why."""


def memory_file(folder: Path) -> Path:
    """The memory file in ``folder`` (it may not exist yet), as the folder names it."""
    for name in PREFERENCE:
        if (folder / name).is_file():
            return folder / name
    return folder / DEFAULT_FILE


def user_memory_file() -> Path:
    """The user's own memory file, read in every project (it may not exist yet)."""
    return memory_file(config_dir())


def writable_memory_file(project_root: Path, scope: MemoryScope = "project") -> Path:
    """The memory file of ``scope`` resolved; the project's only when it stays inside the
    project.

    Raises:
        MemoryFileError: the project's is a link leading out of the project, or it is not a
            file.
    """
    if scope == "user":
        resolved = Path(os.path.realpath(user_memory_file()))
    else:
        path = memory_file(project_root)
        resolved = Path(os.path.realpath(path))
        root = Path(os.path.realpath(project_root))
        if not resolved.is_relative_to(root):
            raise MemoryFileError(
                f"{path.name} leads outside the project ({resolved}); not written"
            )
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


def remember(
    project_root: Path, notes: str | Sequence[str], scope: MemoryScope = "project"
) -> Path:
    """Append each of ``notes`` to the memory file of ``scope`` as a list item (creating the
    file and its folder); its path.

    Raises:
        MemoryFileError: the file leads outside the project or cannot be written.
    """
    items = [notes] if isinstance(notes, str) else list(notes)
    path = writable_memory_file(project_root, scope)
    try:
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
        separator = "" if not existing or existing.endswith("\n") else "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(separator + "".join(f"- {item}\n" for item in items))
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
