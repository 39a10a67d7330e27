"""What the agent tells the screen, as Textual messages with plain values.

The bridge turns the core's events into these; the screen and its widgets never see a core
object. Streamed text is batched: while one batch waits in the screen's queue, new text is
added to it instead of posting another message, so a fast stream costs one message per
turn of the event loop, not one per token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    # A set of plain strings; the message carries the string.
    from openclaude_tui.core.events import ToolStatus


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


class AnswerDone(AgentUpdate):
    """One model answer is complete (tool calls may follow)."""

    def __init__(self, tool_call_count: int) -> None:
        super().__init__()
        self.tool_call_count = tool_call_count


class ToolStarted(AgentUpdate):
    """The model asked for a tool call."""

    def __init__(self, call_id: str, name: str, summary: str) -> None:
        super().__init__()
        self.call_id = call_id
        self.name = name
        self.summary = summary


class ToolRunning(AgentUpdate):
    """A tool call passed the gate and runs."""

    def __init__(self, call_id: str) -> None:
        super().__init__()
        self.call_id = call_id


class ToolFinished(AgentUpdate):
    """A tool call ended; ``status`` is done, failed, denied or interrupted."""

    def __init__(
        self,
        call_id: str,
        name: str,
        result: str,
        status: ToolStatus,
        duration: float,
        diff: str = "",
        exit_code: int | None = None,
    ):
        super().__init__()
        self.call_id = call_id
        self.name = name
        self.result = result
        self.status = status
        self.duration = duration
        # What a file tool changed, as unified diff text ("" when nothing).
        self.diff = diff
        # A command's exit status (negative: killed by that signal); None for other tools.
        self.exit_code = exit_code


class PermissionWaiting(AgentUpdate):
    """A tool call waits for the user's approval."""

    def __init__(self, call_id: str) -> None:
        super().__init__()
        self.call_id = call_id


class PermissionResolved(AgentUpdate):
    """The user (or a rule) answered; ``rule`` is what "always" now allows."""

    def __init__(self, call_id: str, allowed: bool, rule: str | None, reason: str | None):
        super().__init__()
        self.call_id = call_id
        self.allowed = allowed
        self.rule = rule
        self.reason = reason


@dataclass(frozen=True)
class TodoRow:
    """One step of the model's plan."""

    content: str
    status: str
    active_form: str


class TodosChanged(AgentUpdate):
    """The model replaced its plan."""

    def __init__(self, rows: tuple[TodoRow, ...]) -> None:
        super().__init__()
        self.rows = rows


class UsageChanged(AgentUpdate):
    """Token counts after a model request (``estimated``: the server reported none)."""

    def __init__(
        self, prompt_tokens: int, total_in: int, total_out: int, estimated: bool = False
    ) -> None:
        super().__init__()
        self.prompt_tokens = prompt_tokens
        self.total_in = total_in
        self.total_out = total_out
        self.estimated = estimated


class RetryScheduled(AgentUpdate):
    """A request failed and is tried again; the partial answer shown is void."""

    def __init__(self, attempt: int, max_attempts: int, delay: float, reason: str) -> None:
        super().__init__()
        self.attempt = attempt
        self.max_attempts = max_attempts
        self.delay = delay
        self.reason = reason


class NoticePosted(AgentUpdate):
    """Something to tell the user; ``level`` is info or warning."""

    def __init__(self, text: str, level: str = "info") -> None:
        super().__init__()
        self.text = text
        self.level = level


class AgentFailed(AgentUpdate):
    """The turn cannot go on; ``unreachable`` when the server could not be reached."""

    def __init__(self, message: str, unreachable: bool) -> None:
        super().__init__()
        self.message = message
        self.unreachable = unreachable


class TurnEnded(AgentUpdate):
    """A turn is over: end_turn, max_turns, length, interrupted or error."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__()
        self.reason = reason
        self.detail = detail


class SessionReady(AgentUpdate):
    """The server was found (``host``: where) and the model and context window are settled."""

    def __init__(self, model: str, window: int | None, host: str) -> None:
        super().__init__()
        self.model = model
        self.window = window
        self.host = host
