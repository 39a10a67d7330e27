"""Custom slash commands: Markdown files whose body is a prompt, as in Claude Code.

``.openclaude/commands/NAME.md`` and ``.claude/commands/NAME.md`` in the project, and
``commands/NAME.md`` in the user's config directory. A file in a subdirectory gets a
namespaced name (``frontend/test.md`` is ``/frontend:test``). Front matter may give
``description``, ``argument-hint``, ``allowed-tools`` (allow rules for the turn the command
starts) and ``model`` (the model for that turn). The first source that has a name wins.

``/init`` is one too, built in (``init_command``), unless a file names a command ``init``.
How a command's text becomes a prompt is ``core.extensions.expansion``'s.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from openclaude_tui.core.extensions.markdown_files import (
    ExtensionFileError,
    Source,
    first_line,
    read_markdown,
    sources,
)
from openclaude_tui.core.prompt.memory_file import init_prompt, memory_file

# Enough for any real collection; a directory past it is not walked further.
MAX_COMMAND_FILES = 500
INIT = "init"
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_INVOCATION = re.compile(r"^/(\S+)(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True)
class CustomCommand:
    """A command read from a Markdown file.

    Attributes:
        name: What follows the slash (``frontend:test``).
        description: For completion, ``/help`` and the palette.
        argument_hint: How its arguments are written (``[file] [focus]``).
        allowed_tools: Allow rules for the turn it starts.
        model: The model for that turn, or None.
        body: The prompt, before its arguments and ``@`` / ``!`` are expanded.
        path: The file.
        source: Where it comes from (``project``, ``project (.claude)``, ``user``).
        from_project: Whether the repository wrote it (its allow rules need trust).
    """

    name: str
    description: str
    argument_hint: str
    allowed_tools: tuple[str, ...]
    model: str | None
    body: str
    path: Path
    source: str
    from_project: bool

    @property
    def usage(self) -> str:
        """How it is typed: ``/name hint``."""
        return f"/{self.name} {self.argument_hint}".rstrip()


@dataclass
class CommandCatalogue:
    """The custom commands found, and what the user should be told about the files."""

    commands: list[CustomCommand] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def find(self, name: str) -> CustomCommand | None:
        """The command called ``name`` (case does not matter), or None."""
        folded = name.casefold()
        return next((c for c in self.commands if c.name.casefold() == folded), None)

    def invocation(self, prompt: str) -> tuple[CustomCommand, str] | None:
        """The command a prompt like ``/greet Bob`` runs, and its arguments; None for others."""
        match = _INVOCATION.match(prompt.strip())
        if match is None:
            return None
        command = self.find(match.group(1))
        if command is None:
            return None
        return command, (match.group(2) or "").strip()


def load_commands(project_root: Path) -> CommandCatalogue:
    """Every custom command of the project and of the user, the first source winning a name."""
    catalogue = CommandCatalogue()
    for source in sources(project_root, "commands"):
        for path, name in _command_files(source):
            if not all(_SEGMENT.match(part) for part in name.split(":")):
                catalogue.notices.append(
                    f"command file {path} skipped: its name must be letters, digits, '-', "
                    "'_' or '.'"
                )
                continue
            existing = catalogue.find(name)
            if existing is not None:
                catalogue.notices.append(
                    f"/{name} from {path} is hidden by the {existing.source} one at {existing.path}"
                )
                continue
            try:
                catalogue.commands.append(_read_command(path, name, source))
            except ExtensionFileError as error:
                catalogue.notices.append(f"command /{name} skipped: {error}")
    if catalogue.find(INIT) is None:  # a file of the project or the user may replace it
        catalogue.commands.append(init_command(project_root))
    return catalogue


def init_command(project_root: Path) -> CustomCommand:
    """``/init``: the model writes (or improves) the project's memory file, in a normal turn
    whose writes pass the permission gate."""
    path = memory_file(project_root)
    return CustomCommand(
        name=INIT,
        description=f"write or improve {path.name}: build and test commands, layout, conventions",
        argument_hint="[what to stress]",
        allowed_tools=(),
        model=None,
        body=init_prompt(project_root),
        path=path,
        source="built-in",
        from_project=False,
    )


def _read_command(path: Path, name: str, source: Source) -> CustomCommand:
    document = read_markdown(path, source)
    model = document.text("model").strip()
    return CustomCommand(
        name=name,
        description=document.text("description").strip() or first_line(document.body),
        argument_hint=document.text("argument-hint").strip(),
        allowed_tools=tuple(document.items("allowed-tools")),
        # Claude Code's "inherit" means the session's model.
        model=model if model and model != "inherit" else None,
        body=document.body,
        path=path,
        source=source.label,
        from_project=source.from_project,
    )


def _command_files(source: Source) -> list[tuple[Path, str]]:
    """The ``.md`` files under the source's directory and their command names, sorted."""
    found: list[tuple[Path, str]] = []
    if not source.directory.is_dir():
        return found
    for directory, subdirectories, files in os.walk(source.directory):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
        relative = Path(directory).relative_to(source.directory)
        for file_name in sorted(files):
            if not file_name.endswith(".md") or file_name.startswith("."):
                continue
            parts = [*relative.parts, file_name.removesuffix(".md")]
            found.append((Path(directory) / file_name, ":".join(parts)))
            if len(found) >= MAX_COMMAND_FILES:
                return found
    return found
