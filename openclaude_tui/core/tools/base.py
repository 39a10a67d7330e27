"""The tool protocol, the context tools run in, argument validation and the registry.

A tool never raises: every failure becomes a ``ToolResult`` with ``is_error`` set, whose
text tells the model what went wrong and what to do instead.
"""

from __future__ import annotations

import json
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from openclaude_tui.core.events import Event
from openclaude_tui.core.pathgate import PathArgumentError, check_path_text, resolve_path


@dataclass(frozen=True)
class FileChange:
    """A change a file tool made (or proposes): full texts before and after.

    ``before`` is None for a file that did not exist.
    """

    path: Path
    before: str | None
    after: str


@dataclass(frozen=True)
class ToolResult:
    """What a tool call returns: the text the model receives and what it changed."""

    text: str
    is_error: bool = False
    change: FileChange | None = None
    # The change as unified diff text for showing (paths relative to the project), made
    # once by the tool that wrote it.
    diff: str = ""
    # A command's exit status (negative: the signal that killed it); None for other tools.
    exit_code: int | None = None


@dataclass
class ReadRecord:
    """What the Read tool saw of a file, so Edit/Write can refuse stale edits."""

    mtime_ns: int
    size: int


@dataclass
class ToolContext:
    """Everything a tool may touch: the project, what was read, live output, changes made.

    One context lives for a whole conversation (the agent owns it).
    """

    project_root: Path
    cwd: Path
    read_files: dict[Path, ReadRecord] = field(default_factory=dict)
    changes: list[FileChange] = field(default_factory=list)
    emit: Callable[[Event], None] = lambda event: None
    # Tools keep their own long-lived state here (e.g. the shell's background jobs).
    state: dict[str, Any] = field(default_factory=dict)
    # Kept from every command's environment: variable names (globs) and secret values.
    scrub_env: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()

    # Whether a search by the named tool may show a file: False for files a deny or ask rule
    # on reading covers (the policy sets it), so Grep and Glob leave them out.
    visible: Callable[[str, Path], bool] = lambda tool, path: True

    def resolve(self, file_path: str) -> Path:
        """The path the tool uses: resolved as the permission gate resolved it when checking.

        Raises:
            PathArgumentError: the path holds a NUL character or a lone surrogate.
        """
        return resolve_path(file_path, self.cwd)

    def remember_read(self, path: Path) -> None:
        """Record the file's current mtime and size as 'read by the model'."""
        stat = path.stat()
        self.read_files[path] = ReadRecord(stat.st_mtime_ns, stat.st_size)


class ToolInputError(ValueError):
    """The model's arguments do not fit the schema; the message says how to fix them."""


class Tool(ABC):
    """A tool the model can call.

    Subclasses set ``name``, ``description`` (what the model reads), ``parameters`` (a JSON
    schema of type object) and ``read_only``, and implement ``run``.
    """

    name: str
    description: str
    parameters: ClassVar[dict[str, Any]]
    read_only: bool = False
    # Argument names weaker models send instead of the real ones.
    aliases: ClassVar[dict[str, str]] = {}
    # Arguments that name files: text no file name can hold is refused before the gate.
    path_arguments: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        """Run with validated arguments. Must not raise."""

    def summary(self, args: dict[str, Any]) -> str:
        """A one-line description of the call's target, for cards, logs and permissions."""
        for key in ("file_path", "command", "pattern", "path"):
            if args.get(key):
                return str(args[key]).splitlines()[0][:200]
        return ""

    async def preview(self, args: dict[str, Any], ctx: ToolContext) -> FileChange | str | None:
        """What this call would do, worked out before the user is asked about it.

        Returns:
            The change it would make (the permission modal shows it); or a sentence saying
            why it would fail, which answers the call without asking the user; or None
            when there is nothing to show.
        """
        return None

    async def close(self, ctx: ToolContext) -> None:
        """Release what the tool keeps across calls (e.g. background processes)."""
        return None

    def schema(self) -> dict[str, Any]:
        """The OpenAI ``tools`` entry for this tool."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }

    def validate(self, raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Check and coerce arguments against ``parameters``.

        Returns the arguments and notes about slips that were accepted (to tell the model).
        Raises ToolInputError with an actionable message.
        """
        args, notes = validate_arguments(self.name, self.parameters, raw, self.aliases)
        for name in self.path_arguments:
            if isinstance(args.get(name), str):
                try:
                    check_path_text(args[name], f"{self.name}: '{name}'")
                except PathArgumentError as error:
                    raise ToolInputError(str(error)) from None
        return args, notes


_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def validate_arguments(
    tool_name: str,
    schema: dict[str, Any],
    raw: dict[str, Any],
    aliases: dict[str, str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Validate ``raw`` against a flat JSON object schema, accepting common slips.

    Accepted slips: an alias for a property name, numbers and booleans sent as strings,
    a JSON-encoded array sent as a string.
    """
    if not isinstance(raw, dict):
        raise ToolInputError(
            f"{tool_name} expects a JSON object of arguments, got {type(raw).__name__}."
        )
    properties: dict[str, Any] = schema.get("properties", {})
    required: list[str] = schema.get("required", [])
    notes: list[str] = []
    args: dict[str, Any] = {}
    for key, value in raw.items():
        name = key
        if name not in properties and aliases and key in aliases:
            name = aliases[key]
            if name in raw:
                continue
            notes.append(f"read '{key}' as '{name}'")
        if name not in properties:
            if value is None:
                continue
            allowed = ", ".join(properties)
            raise ToolInputError(
                f"{tool_name} has no parameter '{key}'. Its parameters are: {allowed}."
            )
        args[name] = _coerce(tool_name, name, properties[name], value)
    missing = [name for name in required if args.get(name) is None]
    if missing:
        listed = ", ".join(f"'{m}'" for m in missing)
        raise ToolInputError(f"{tool_name} is missing the required parameter {listed}.")
    for name, spec in properties.items():
        if name not in args and "default" in spec:
            args[name] = spec["default"]
    return args, notes


def _coerce(tool_name: str, name: str, spec: dict[str, Any], value: Any) -> Any:
    kind = spec.get("type")
    where = f"{tool_name}: '{name}'"
    if value is None and kind != "null":
        return spec.get("default")
    if kind == "string":
        if isinstance(value, str):
            result: Any = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            result = str(value)
        else:
            raise ToolInputError(f"{where} must be a string, got {json.dumps(value)[:80]}.")
        if "enum" in spec and result not in spec["enum"]:
            options = ", ".join(spec["enum"])
            raise ToolInputError(f"{where} must be one of: {options}; got '{result}'.")
        return result
    if kind in ("integer", "number"):
        if isinstance(value, bool):
            raise ToolInputError(f"{where} must be a number, got {value}.")
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                raise ToolInputError(f"{where} must be a number, got '{value}'.") from None
        if not isinstance(value, (int, float)):
            raise ToolInputError(f"{where} must be a number, got {json.dumps(value)[:80]}.")
        if not math.isfinite(value):
            raise ToolInputError(f"{where} must be a finite number, got {value}.")
        if kind == "integer":
            if float(value) != int(value):
                raise ToolInputError(f"{where} must be a whole number, got {value}.")
            value = int(value)
        minimum = spec.get("minimum")
        if minimum is not None and value < minimum:
            raise ToolInputError(f"{where} must be at least {minimum}, got {value}.")
        return value
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise ToolInputError(f"{where} must be true or false, got {json.dumps(value)[:80]}.")
    if kind == "array":
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except (json.JSONDecodeError, RecursionError):
                raise ToolInputError(f"{where} must be a JSON array.") from None
        if not isinstance(value, list):
            raise ToolInputError(f"{where} must be an array, got {json.dumps(value)[:80]}.")
        item_spec = spec.get("items")
        if item_spec and item_spec.get("type") == "object":
            return [_coerce_object(tool_name, name, item_spec, item) for item in value]
        if item_spec:
            return [_coerce(tool_name, name, item_spec, item) for item in value]
        return value
    if kind == "object":
        return _coerce_object(tool_name, name, spec, value)
    return value


def _coerce_object(tool_name: str, name: str, spec: dict[str, Any], value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            raise ToolInputError(f"{tool_name}: '{name}' must be a JSON object.") from None
    if not isinstance(value, dict):
        raise ToolInputError(f"{tool_name}: each '{name}' item must be an object.")
    if "properties" not in spec:
        return value
    args, _ = validate_arguments(f"{tool_name} ({name})", spec, value)
    return args


# The names other agents give these tools, which models trained on them send instead.
TOOL_NAME_ALIASES = {
    "read_file": "Read",
    "view_file": "Read",
    "open_file": "Read",
    "write_file": "Write",
    "create_file": "Write",
    "edit_file": "Edit",
    "str_replace": "Edit",
    "replace_in_file": "Edit",
    "shell": "Bash",
    "run_shell": "Bash",
    "run_command": "Bash",
    "execute_command": "Bash",
    "run_terminal_cmd": "Bash",
    "grep_search": "Grep",
    "search_files": "Grep",
    "file_search": "Glob",
    "find_files": "Glob",
    "todo_write": "TodoWrite",
}


class ToolRegistry:
    """The tools offered to the model, by name."""

    def __init__(self, tools: Iterable[Tool]) -> None:
        self._tools: dict[str, Tool] = {tool.name: tool for tool in tools}
        self._folded = {name.casefold(): tool for name, tool in self._tools.items()}

    def get(self, name: str) -> Tool | None:
        """The tool called ``name``: exactly, in another case, or by another agent's name."""
        tool = self._tools.get(name)
        if tool is None:
            folded = name.strip().casefold()
            tool = self._folded.get(folded) or self._tools.get(TOOL_NAME_ALIASES.get(folded, ""))
        return tool

    def names(self) -> list[str]:
        """Names of all tools, in registration order."""
        return list(self._tools)

    def schemas(self) -> list[dict[str, Any]]:
        """The OpenAI ``tools`` list."""
        return [tool.schema() for tool in self._tools.values()]

    def __iter__(self) -> Iterator[Tool]:
        return iter(self._tools.values())
