"""The session's events and questions in the Agent Client Protocol's terms.

``AcpUpdates`` is the sink an ACP session hands the core: each event becomes a
``session/update`` (an answer chunk, a thought chunk, a ``tool_call`` or a
``tool_call_update``), queued in order and sent by one task, so that an edit's diff never
overtakes the call it belongs to. ``permission_options`` and ``decision_of`` turn the
gate's ``PermissionRequest`` into a ``session/request_permission`` and its answer back
into the gate's ``Decision``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from acp import (
    text_block,
    tool_content,
    tool_diff_content,
    update_agent_message_text,
    update_agent_thought_text,
    update_user_message_text,
)
from acp.helpers import SessionUpdate, ToolCallContentVariant, start_tool_call, update_tool_call
from acp.schema import (
    AllowedOutcome,
    PermissionOption,
    RequestPermissionResponse,
    SessionMode,
    SessionModeState,
    ToolCallLocation,
    ToolCallStatus,
    ToolCallUpdate,
    ToolKind,
)

from openclaude_tui.core.changes.file_change import FileChange
from openclaude_tui.core.events import (
    AgentError,
    Event,
    McpServersChanged,
    Notice,
    ReasoningDelta,
    TextDelta,
    ToolCallFinished,
    ToolCallRunning,
    ToolCallStarted,
)
from openclaude_tui.core.permissions.policy import Decision, PermissionRequest
from openclaude_tui.core.permissions.rules import Mode
from openclaude_tui.core.sessions.replay import Replayed, ReplayedPrompt

log = logging.getLogger("openclaude_tui.acp")

# The tools whose kind the host shows with its own icon; the rest are "other".
TOOL_KINDS: dict[str, ToolKind] = {
    "Read": "read",
    "NotebookRead": "read",
    "Edit": "edit",
    "MultiEdit": "edit",
    "Write": "edit",
    "NotebookEdit": "edit",
    "Bash": "execute",
    "Grep": "search",
    "Glob": "search",
    "LS": "search",
    "WebFetch": "fetch",
    "WebSearch": "fetch",
}

# A finished call's status as the protocol knows it: a refused or interrupted call failed.
CALL_STATUS: dict[str, ToolCallStatus] = {
    "done": "completed",
    "failed": "failed",
    "denied": "failed",
    "interrupted": "failed",
}

# The permission modes as the host's mode picker shows them.
MODE_NAMES: dict[str, tuple[str, str]] = {
    "default": ("Ask", "asks before edits and before commands that are not read-only"),
    "acceptEdits": ("Accept edits", "edits run without asking; commands still ask"),
    "plan": ("Plan", "reads and plans; nothing that changes files or runs commands"),
    "bypassPermissions": ("Bypass", "everything runs without asking"),
}

ALLOW_ONCE = "allow_once"
ALLOW_ALWAYS = "allow_always"
REJECT_ONCE = "reject_once"

Send = Callable[[SessionUpdate], Awaitable[None]]
Changes = Callable[[], list[FileChange]]


def call_title(name: str, summary: str) -> str:
    """The one line the host shows for a call: ``Edit(src/app.py)``."""
    return f"{name}({summary})" if summary else name


def diff_contents(changes: list[FileChange], root: Path) -> list[ToolCallContentVariant]:
    """Each change as the protocol's diff content (absolute paths, the old text if any)."""
    return [
        tool_diff_content(str(root / change.path), change.after, change.before)
        for change in changes
    ]


class AcpUpdates:
    """The sink of one ACP session: events in, ``session/update`` notifications out, in order.

    Args:
        send: Sends one update to the host (``conn.session_update`` for this session).
        changes: The file changes the session's tools made so far (oldest first).
        root: The project root the changes' paths are relative to.
    """

    def __init__(self, send: Send, changes: Changes, root: Path) -> None:
        self._send = send
        self._changes = changes
        self._root = root
        self._queue: asyncio.Queue[SessionUpdate] = asyncio.Queue()
        self._sender: asyncio.Task[None] | None = None
        # How many changes there were when each call started: its own come after.
        self._changes_before: dict[str, int] = {}
        # The MCP servers' failures already told (each once, until its error changes).
        self._mcp_failures: set[tuple[str, str]] = set()
        # While a saved conversation is replayed: the changes each of its calls made.
        self._recorded: Mapping[str, list[FileChange]] = {}

    def __call__(self, event: Event) -> None:
        self._put(self._updates(event))

    def say(self, text: str) -> None:
        """Tell the host something as a paragraph of the agent's message."""
        self._put([update_agent_message_text(f"openclaude: {text}\n\n")])

    def replay(self, items: Iterable[Replayed], changes: Mapping[str, list[FileChange]]) -> None:
        """Send a saved conversation as it went: each prompt as the user's message, the
        answers as the agent's, each call with the status and result it ended with (a file
        tool's with the diff it made, from ``changes``: the changes each call recorded), and
        what the session noted (earlier messages summarised) as the agent's thought."""
        self._recorded = changes
        try:
            for item in items:
                if isinstance(item, ReplayedPrompt):
                    self._put([update_user_message_text(item.text)])
                elif isinstance(item, Notice):
                    self._put([update_agent_thought_text(f"openclaude: {item.message}\n\n")])
                else:
                    self(item)
        finally:
            self._recorded = {}

    def _put(self, updates: list[SessionUpdate]) -> None:
        for update in updates:
            self._queue.put_nowait(update)
        if self._sender is None or self._sender.done():
            self._sender = asyncio.ensure_future(self._drain())

    async def flush(self) -> None:
        """Wait until every update queued so far has been sent."""
        await self._queue.join()

    async def close(self) -> None:
        """Send what is queued, then stop the sending task."""
        await self.flush()
        if self._sender is not None:
            self._sender.cancel()

    async def _drain(self) -> None:
        while True:
            update = await self._queue.get()
            try:
                await self._send(update)
            except Exception as error:  # the host went away: the turn carries on
                log.warning("an update could not be sent to the ACP client: %s", error)
            finally:
                self._queue.task_done()

    def _updates(self, event: Event) -> list[SessionUpdate]:
        if isinstance(event, TextDelta) and event.text:
            return [update_agent_message_text(event.text)]
        if isinstance(event, ReasoningDelta) and event.text:
            return [update_agent_thought_text(event.text)]
        if isinstance(event, ToolCallStarted):
            self._changes_before[event.call_id] = len(self._changes())
            title = call_title(event.name, event.summary)
            kind = TOOL_KINDS.get(event.name, "other")
            return [
                start_tool_call(
                    event.call_id, title, kind=kind, status="pending", raw_input=event.arguments
                )
            ]
        if isinstance(event, ToolCallRunning):
            return [update_tool_call(event.call_id, status="in_progress")]
        if isinstance(event, ToolCallFinished):
            return [self._finished(event)]
        if isinstance(event, AgentError):
            return [update_agent_message_text(f"\n\nopenclaude: {event.message}\n")]
        if isinstance(event, McpServersChanged):
            return [
                update_agent_message_text(f"openclaude: MCP server {name} failed: {error}\n\n")
                for name, error in self._new_mcp_failures(event)
            ]
        if isinstance(event, Notice):
            # The host has no place for them; the log keeps them.
            log.info("notice: %s", event.message)
        return []

    def _new_mcp_failures(self, event: McpServersChanged) -> list[tuple[str, str]]:
        failed = [(s.name, s.error) for s in event.servers if s.state == "failed"]
        new = [failure for failure in failed if failure not in self._mcp_failures]
        self._mcp_failures.update(new)
        return new

    def _finished(self, event: ToolCallFinished) -> SessionUpdate:
        made = self._made(event)
        content = diff_contents(made, self._root)
        if event.result:
            content.append(tool_content(text_block(event.result)))
        return update_tool_call(
            event.call_id,
            status=CALL_STATUS.get(event.status, "failed"),
            content=content,
            locations=[ToolCallLocation(path=str(self._root / change.path)) for change in made]
            or None,
            raw_output=event.result,
        )

    def _made(self, event: ToolCallFinished) -> list[FileChange]:
        """The changes a finished call made: those the session's tools added since it
        started, or (replayed) those its records kept."""
        before = self._changes_before.pop(event.call_id, None)
        if not event.diff:
            return []
        if event.call_id in self._recorded:
            return self._recorded[event.call_id]
        return self._changes()[before:] if before is not None else []


def permission_options(request: PermissionRequest) -> list[PermissionOption]:
    """The answers the host offers: allow once, always allow (when a rule would), reject."""
    options = [PermissionOption(option_id=ALLOW_ONCE, name="Allow", kind="allow_once")]
    if request.always_rules:
        label = request.always_label or f"Always allow {request.always_rule}"
        options.append(PermissionOption(option_id=ALLOW_ALWAYS, name=label, kind="allow_always"))
    options.append(PermissionOption(option_id=REJECT_ONCE, name="Reject", kind="reject_once"))
    return options


def permission_call(request: PermissionRequest, root: Path) -> ToolCallUpdate:
    """The call the host is asked about, with the diff of an edit and why it asks."""
    content: list[ToolCallContentVariant] = []
    if request.change is not None:
        content.extend(diff_contents([request.change], root))
    if request.reason:
        content.append(tool_content(text_block(f"Asks because {request.reason}.")))
    raw: dict[str, Any] = dict(request.arguments)
    return ToolCallUpdate(
        tool_call_id=request.call_id,
        title=call_title(request.tool, request.target),
        kind=TOOL_KINDS.get(request.tool, "other"),
        status="pending",
        content=content or None,
        raw_input=raw,
    )


def decision_of(response: RequestPermissionResponse) -> Decision:
    """The gate's decision for the host's answer (a cancelled request stops the turn)."""
    outcome = response.outcome
    if not isinstance(outcome, AllowedOutcome):
        return Decision("deny", reason="the request was cancelled", interrupt=True)
    if outcome.option_id == ALLOW_ONCE:
        return Decision("allow_once")
    if outcome.option_id == ALLOW_ALWAYS:
        return Decision("allow_always")
    return Decision("deny")


def session_modes(current: Mode, available: list[Mode]) -> SessionModeState:
    """The permission modes offered to the host, and the one in effect."""
    return SessionModeState(
        current_mode_id=current,
        available_modes=[
            SessionMode(id=mode, name=MODE_NAMES[mode][0], description=MODE_NAMES[mode][1])
            for mode in available
        ],
    )
