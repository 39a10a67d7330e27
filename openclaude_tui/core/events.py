"""Events the agent loop emits while it runs a turn.

Every event is a frozen dataclass; the UI renders them, print mode logs them, tests
collect them. ``EventSink`` is the callable the agent hands each event to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

ToolStatus = Literal["done", "failed", "denied", "interrupted"]
StopReason = Literal["end_turn", "max_turns", "length", "interrupted", "error"]


@dataclass(frozen=True)
class TextDelta:
    """A piece of the assistant's answer, as it streams."""

    text: str


@dataclass(frozen=True)
class ReasoningDelta:
    """A piece of the model's reasoning (shown collapsed, never sent back by default)."""

    text: str


@dataclass(frozen=True)
class AssistantMessage:
    """The assistant message of one model request is complete."""

    text: str
    tool_call_count: int


@dataclass(frozen=True)
class ToolCallStarted:
    """The model asked for a tool call; it is about to be checked and run."""

    call_id: str
    name: str
    arguments: dict[str, Any]
    summary: str


@dataclass(frozen=True)
class ToolCallRunning:
    """A tool call passed the permission gate and is now running."""

    call_id: str


@dataclass(frozen=True)
class ToolOutput:
    """Live output of a running tool call (e.g. a Bash command's stdout)."""

    call_id: str
    text: str


@dataclass(frozen=True)
class ToolCallFinished:
    """A tool call ended; ``result`` is exactly what the model receives.

    ``diff`` is what a file tool changed, as a unified diff with paths relative to the
    project, for showing ("" when nothing was changed).
    """

    call_id: str
    name: str
    result: str
    status: ToolStatus
    duration: float
    diff: str = ""
    # A command's exit status (negative: killed by that signal); None for other tools.
    exit_code: int | None = None


@dataclass(frozen=True)
class PermissionAsked:
    """The gate needs the user's answer before a call may run."""

    call_id: str
    tool: str
    target: str


@dataclass(frozen=True)
class PermissionAnswered:
    """The user (or print mode's policy) answered a permission request."""

    call_id: str
    allowed: bool
    remembered_rule: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class TodoItem:
    """One entry of the model's plan."""

    content: str
    status: Literal["pending", "in_progress", "completed"]
    active_form: str


@dataclass(frozen=True)
class TodosUpdated:
    """The model replaced its plan (TodoWrite)."""

    todos: tuple[TodoItem, ...]


@dataclass(frozen=True)
class BackgroundTaskChanged:
    """A background command (Bash ``run_in_background``) started or ended.

    ``exit_code`` is None while it runs; negative: the signal that ended it.
    """

    task_id: str
    command: str
    running: bool
    exit_code: int | None = None


@dataclass(frozen=True)
class Usage:
    """Token usage of one request, with the totals the server reported so far (the
    session's: its sub-agents' requests, ``SubagentUsage``, are counted in them too).

    ``estimated`` is true when the server reported no prompt tokens: ``prompt_tokens`` is
    then an estimate of the request, and the totals leave it out. ``seconds`` is how long
    the request took to answer (retries included).
    """

    prompt_tokens: int
    completion_tokens: int
    total_prompt_tokens: int
    total_completion_tokens: int
    estimated: bool = False
    seconds: float = 0.0


@dataclass(frozen=True)
class Retrying:
    """A request failed and will be retried; the UI discards the partial answer it showed."""

    attempt: int
    max_attempts: int
    delay: float
    reason: str


@dataclass(frozen=True)
class Notice:
    """Something the user should know that is not an error (a warning, a fallback taken)."""

    message: str
    level: Literal["info", "warning"] = "info"


@dataclass(frozen=True)
class HookOutput:
    """What a hook printed on a tool call's event, shown in the call's details."""

    call_id: str
    event: str
    command: str
    text: str


@dataclass(frozen=True)
class McpServerStatus:
    """One MCP server as the UI shows it: its state, its tools and its last error."""

    name: str
    state: Literal["starting", "running", "failed", "stopped"]
    transport: str
    source: str
    tools: tuple[str, ...] = ()
    error: str = ""


@dataclass(frozen=True)
class McpServersChanged:
    """An MCP server started, failed, stopped or was restarted; every server's status."""

    servers: tuple[McpServerStatus, ...]


@dataclass(frozen=True)
class SubagentProgress:
    """A sub-agent (run by the Task call ``call_id``) made its ``calls``-th tool call, or
    waits for the user: ``action`` says what it does now."""

    call_id: str
    agent: str
    calls: int
    action: str


@dataclass(frozen=True)
class SubagentCall:
    """A tool call of the sub-agent that the Task call ``call_id`` runs, as it goes:
    ``state`` is "pending" when the sub-agent made it, then "asking", "running", and at the
    end its status, with its ``duration``. ``key`` names it apart from every other call
    (a sub-agent's call ids are its model's, which may repeat the parent's)."""

    call_id: str
    key: str
    name: str
    summary: str
    state: str
    duration: float | None = None


@dataclass(frozen=True)
class SubagentUsage:
    """One request of a sub-agent (run by the Task call ``call_id``), sent to ``model``.

    Not a ``Usage`` of its own: the context a sub-agent fills is not the parent's, so the
    parent's context figure stays. ``usage`` is the request's, its totals the session's
    with this request counted in.
    """

    call_id: str
    agent: str
    model: str
    usage: Usage


@dataclass(frozen=True)
class AgentError:
    """The turn cannot go on: a provider or internal error, said in one sentence."""

    message: str
    # The provider's ``ErrorKind`` ("unreachable": no connection could be made).
    kind: str = "other"


@dataclass(frozen=True)
class TurnFinished:
    """The turn is over; ``reason`` says why."""

    reason: StopReason
    text: str
    num_requests: int
    detail: str = ""
    tool_calls: tuple[str, ...] = field(default_factory=tuple)


Event = (
    TextDelta
    | ReasoningDelta
    | AssistantMessage
    | ToolCallStarted
    | ToolCallRunning
    | ToolOutput
    | ToolCallFinished
    | PermissionAsked
    | PermissionAnswered
    | TodosUpdated
    | BackgroundTaskChanged
    | Usage
    | Retrying
    | Notice
    | HookOutput
    | McpServersChanged
    | SubagentProgress
    | SubagentCall
    | SubagentUsage
    | AgentError
    | TurnFinished
)

EventSink = Callable[[Event], None]
