"""The tool protocol, the context tools run in, argument validation and the registry.

A tool never raises: every failure becomes a ``ToolResult`` with ``is_error`` set, whose
text tells the model what went wrong and what to do instead.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from openclaude_tui.core.changes.file_change import FileChange
from openclaude_tui.core.events import Event
from openclaude_tui.core.tools.arguments import (
    TOOL_NAME_ALIASES,
    ToolInputError,
    validate_arguments,
)
from openclaude_tui.core.tools.paths import PathArgumentError, check_path_text, resolve_path

if TYPE_CHECKING:
    from openclaude_tui.core.lsp.servers import LanguageServers

# How a tool touches files, for the rules that name a family of tools: ``Read(...)`` rules
# cover every tool that reads files, ``Edit(...)`` rules every tool that changes them.
FileAccess = Literal["read", "edit"]
# A request to the session's model beside the conversation, without tools: (system prompt,
# user message) to the answer's text. Raises ``AsideError`` when the server fails.
AskModel = Callable[[str, str], Awaitable[str]]
# Characters such a request may carry when the model's context window is not known.
DEFAULT_ASIDE_CHARS = 100_000


class AsideError(Exception):
    """A request beside the conversation failed; the message says how (for the model)."""


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
    # Images for the model, as data URLs (Read of an image file, when the model takes them).
    images: tuple[str, ...] = ()


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
    # Commits made through the shell name OpenClaude as co-author (core.tools.attribution).
    attribution: bool = False

    # Whether a search by the named tool may show a file: False for files a deny or ask rule
    # on reading covers (the policy sets it), so Grep and Glob leave them out.
    visible: Callable[[str, Path], bool] = lambda tool, path: True

    # Called with the files a tool that edits is about to change and the call's id; what it
    # returns is called once the tool is done (the session keeps checkpoints:
    # core.sessions.checkpoints).
    checkpoint: Callable[[list[Path], str], Callable[[], None]] | None = None

    # A small request to the session's model (WebFetch asks it about a page), and how many
    # characters of material such a request may carry; None outside an agent.
    ask_model: AskModel | None = None
    aside_chars: Callable[[], int] = lambda: DEFAULT_ASIDE_CHARS

    # The session's language servers (diagnostics after an edit, the LSP tool); None: none.
    language_servers: LanguageServers | None = None
    # Whether the model in use takes images (the ``vision`` setting decides), and its name.
    takes_images: Callable[[], bool] = lambda: False
    # Whether the server said a model takes images, by model name (learnt at start and at
    # each switch of model; shared with the sub-agents' contexts).
    served_images: dict[str, bool] = field(default_factory=dict)
    model_name: Callable[[], str] = lambda: ""

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


class Tool(ABC):
    """A tool the model can call.

    Subclasses set ``name``, ``description`` (what the model reads), ``parameters`` (a JSON
    schema of type object) and ``read_only``, and implement ``run``. What the permission gate
    needs to know of a call the tool says itself: the files it touches (``paths``, from
    ``path_arguments`` unless overridden), how it touches them (``file_access``), the
    shell command it runs (``command``) and the host it contacts (``domain``).
    """

    name: str
    description: str
    parameters: ClassVar[dict[str, Any]]
    read_only: bool = False
    # Argument names weaker models send instead of the real ones.
    aliases: ClassVar[dict[str, str]] = {}
    # Arguments that name files: text no file name can hold is refused before the gate.
    path_arguments: ClassVar[tuple[str, ...]] = ()
    file_access: ClassVar[FileAccess | None] = None

    @abstractmethod
    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        """Run with validated arguments. Must not raise."""

    def summary(self, args: dict[str, Any]) -> str:
        """A one-line description of the call's target, for cards, logs and permissions."""
        for key in ("file_path", "command", "pattern", "path"):
            if args.get(key):
                return str(args[key]).splitlines()[0][:200]
        return ""

    def paths(self, args: dict[str, Any], cwd: Path) -> list[Path]:
        """The files the call touches, resolved exactly as ``run`` will resolve them.

        The gate checks these paths and the tool then uses the same ones, so a path cannot
        mean one file to the check and another to the tool.

        Raises:
            PathArgumentError: a path holds a NUL character or a lone surrogate.
        """
        return [
            resolve_path(args[name], cwd)
            for name in self.path_arguments
            if isinstance(args.get(name), str) and args[name]
        ]

    def command(self, args: dict[str, Any]) -> str | None:
        """The shell command the call runs, which the gate classifies; None for most tools."""
        return None

    def domain(self, args: dict[str, Any]) -> str | None:
        """The host the call contacts over the network, which ``Tool(domain:…)`` rules match.

        A call that names one asks (in every mode but bypass) unless a rule allows that
        host, and "always allow" offers ``Tool(domain:host)``. None for most tools.
        """
        return None

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


class ToolRegistry:
    """The tools offered to the model, by name.

    The registry may offer fewer tools than it holds (``offer_only``): a coordinating agent
    is offered only what plans and delegates, while its sub-agents get ``every`` tool.
    """

    def __init__(self, tools: Iterable[Tool]) -> None:
        self._every: dict[str, Tool] = {}
        self._tools: dict[str, Tool] = {}
        self._folded: dict[str, Tool] = {}
        self._offered: frozenset[str] | None = None
        self._index(tools)

    def _index(self, tools: Iterable[Tool]) -> None:
        self._every = {tool.name: tool for tool in tools}
        offered = self._offered
        self._tools = {
            name: tool
            for name, tool in self._every.items()
            if offered is None or name.casefold() in offered
        }
        self._folded = {name.casefold(): tool for name, tool in self._tools.items()}

    def offer_only(self, names: Iterable[str] | None) -> None:
        """Offer only the tools called ``names`` from the next request on (None: all)."""
        self._offered = None if names is None else frozenset(n.casefold() for n in names)
        self._index(self._every.values())

    @property
    def narrowed(self) -> bool:
        """Whether some of the tools held are not offered (``offer_only``)."""
        return self._offered is not None

    def every(self) -> list[Tool]:
        """Every tool held, offered or not, in registration order."""
        return list(self._every.values())

    def get(self, name: str) -> Tool | None:
        """The tool called ``name``: exactly, in another case, or by another agent's name."""
        tool = self._tools.get(name)
        if tool is None:
            folded = name.strip().casefold()
            tool = self._folded.get(folded) or self._tools.get(TOOL_NAME_ALIASES.get(folded, ""))
        return tool

    def replace_group(self, prefix: str, tools: Iterable[Tool]) -> None:
        """Put ``tools`` in place of every tool whose name starts with ``prefix``.

        The tools of MCP servers come and go as the servers start and stop.
        """
        kept = [tool for name, tool in self._every.items() if not name.startswith(prefix)]
        self._index([*kept, *tools])

    def only(self, names: Iterable[str]) -> ToolRegistry:
        """A registry of the tools called ``names`` (other names are not tools here)."""
        wanted = {name.casefold() for name in names}
        return ToolRegistry(tool for tool in self if tool.name.casefold() in wanted)

    def names(self) -> list[str]:
        """Names of all tools, in registration order."""
        return list(self._tools)

    def schemas(self) -> list[dict[str, Any]]:
        """The OpenAI ``tools`` list."""
        return [tool.schema() for tool in self._tools.values()]

    def __iter__(self) -> Iterator[Tool]:
        return iter(self._tools.values())
