"""What the agent tells the screen, as Textual messages with plain values.

The bridge turns the core's events into these; the screen and its widgets see plain values
only (a finished call's record, a frozen dataclass of strings and numbers, is carried as
the core made it), never the agent, its tools or its session. Streamed text is batched:
while one batch waits in the screen's queue, new text is added to it instead of posting
another message, so a fast stream costs one message per turn of the event loop, not one
per token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from openclaude_tui.core.events import ToolCallFinished


class AgentUpdate(Message):
    """Base class of everything the agent reports."""


class TextBatch(AgentUpdate):
    """Streamed text gathered until the screen takes it."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.parts = [text]
        self.taken = False

    def add(self, text: str) -> bool:
        """Add text if the batch was not taken yet; False means post a new batch."""
        if self.taken:
            return False
        self.parts.append(text)
        return True

    def take(self) -> str:
        """All the text of the batch (once)."""
        self.taken = True
        text = "".join(self.parts)
        self.parts.clear()
        return text


class AnswerText(TextBatch):
    """A piece of the assistant's answer."""


class ReasoningText(TextBatch):
    """A piece of the model's reasoning."""


class ToolOutputText(TextBatch):
    """Live output of a running tool call."""

    def __init__(self, call_id: str, text: str) -> None:
        super().__init__(text)
        self.call_id = call_id


@dataclass
class AnswerDone(AgentUpdate):
    """One model answer is complete (tool calls may follow)."""

    tool_call_count: int


@dataclass
class ToolStarted(AgentUpdate):
    """The model asked for a tool call."""

    call_id: str
    name: str
    summary: str


@dataclass
class ToolRunning(AgentUpdate):
    """A tool call passed the gate and runs."""

    call_id: str


@dataclass
class ToolFinished(AgentUpdate):
    """A tool call ended: the core's record of it, plain values only (its ``status`` is done,
    failed, denied or interrupted; ``diff`` what a file tool changed)."""

    outcome: ToolCallFinished


@dataclass
class PermissionWaiting(AgentUpdate):
    """A tool call waits for the user's approval."""

    call_id: str


@dataclass
class PermissionResolved(AgentUpdate):
    """The user (or a rule) answered; ``rule`` is what "always" now allows."""

    call_id: str
    allowed: bool
    rule: str | None
    reason: str | None


@dataclass(frozen=True)
class TodoRow:
    """One step of the model's plan."""

    content: str
    status: str
    active_form: str


@dataclass
class TodosChanged(AgentUpdate):
    """The model replaced its plan."""

    rows: tuple[TodoRow, ...]


@dataclass
class BackgroundTaskChanged(AgentUpdate):
    """A background command started (``running``) or ended."""

    task_id: str
    running: bool


@dataclass
class UsageChanged(AgentUpdate):
    """Token counts after a model request (``estimated``: the server reported none);
    ``prompt_tokens`` is None after a sub-agent's, which leaves the context figure as is."""

    prompt_tokens: int | None
    total_in: int
    total_out: int
    estimated: bool = False


@dataclass
class RetryScheduled(AgentUpdate):
    """A request failed and is tried again; the partial answer shown is void."""

    attempt: int
    max_attempts: int
    delay: float
    reason: str


@dataclass
class NoticePosted(AgentUpdate):
    """Something to tell the user; ``level`` is info or warning."""

    text: str
    level: str = "info"


@dataclass
class HookNoted(AgentUpdate):
    """What a hook printed on a tool call's event (shown in the call's card)."""

    call_id: str
    event: str
    text: str


@dataclass
class SubagentProgressed(AgentUpdate):
    """The sub-agent of the Task call ``call_id`` made its ``calls``-th call, or asks."""

    call_id: str
    calls: int
    action: str


@dataclass
class SubagentCallChanged(AgentUpdate):
    """A call of the sub-agent that the Task call ``call_id`` runs was made (state
    "pending") or changed state; ``key`` names its row."""

    call_id: str
    key: str
    name: str
    summary: str
    state: str
    duration: float | None


@dataclass
class McpChanged(AgentUpdate):
    """An MCP server started, failed or stopped: how many run, of how many."""

    running: int
    total: int
    # The names of the servers that failed.
    failed: tuple[str, ...]


@dataclass
class AgentFailed(AgentUpdate):
    """The turn cannot go on; ``unreachable`` when the server could not be reached."""

    message: str
    unreachable: bool


@dataclass
class TurnEnded(AgentUpdate):
    """A turn is over: end_turn, max_turns, length, interrupted or error."""

    reason: str
    detail: str = ""


@dataclass
class SessionReady(AgentUpdate):
    """The server was found (``host``: where) and the model and context window are settled."""

    model: str
    window: int | None
    host: str
    # The window is asked for with every request (Ollama's ``options.num_ctx``).
    window_sent: bool = False


@dataclass
class PromptReplayed(AgentUpdate):
    """A prompt of a resumed session, shown again in its place."""

    text: str
