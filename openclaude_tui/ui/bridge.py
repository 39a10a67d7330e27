"""Where the core meets the app: a core ``Session`` wired to the screen.

``AgentSession`` turns every core event into a message of ``ui.messages`` posted to the
screen, failures into messages too, and the gate's questions into the permission modal,
awaited by the agent's worker while the rest of the app stays live. The worker runs on
the app's event loop, so events are posted directly. What a session does is
``core.session``'s; nothing here decides anything.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual.app import App
from textual.message_pump import MessagePump

from openclaude_tui.core.agent.compact import CompactResult
from openclaude_tui.core.events import (
    AgentError,
    AssistantMessage,
    BackgroundTaskChanged,
    Event,
    HookOutput,
    McpServersChanged,
    Notice,
    PermissionAnswered,
    PermissionAsked,
    ReasoningDelta,
    Retrying,
    SubagentCall,
    SubagentProgress,
    SubagentUsage,
    TextDelta,
    TodosUpdated,
    ToolCallFinished,
    ToolCallRunning,
    ToolCallStarted,
    ToolOutput,
    TurnFinished,
    Usage,
)
from openclaude_tui.core.llm.provider import ProviderError
from openclaude_tui.core.permissions.policy import Decision, PermissionRequest
from openclaude_tui.core.session import Session
from openclaude_tui.core.sessions.replay import ReplayedPrompt, replay
from openclaude_tui.core.sessions.transcript import Transcript
from openclaude_tui.core.settings.config import Config
from openclaude_tui.ui import messages
from openclaude_tui.ui.permission_view import permission_view
from openclaude_tui.ui.screens.permission import PermissionScreen

# Streamed text: consecutive pieces are sent as one growing message.
TEXT_BATCHES: dict[type[Event], type[messages.TextBatch]] = {
    TextDelta: messages.AnswerText,
    ReasoningDelta: messages.ReasoningText,
    ToolOutput: messages.ToolOutputText,
}
# Every other event, and the message it becomes.
EVENT_MESSAGES: dict[type[Event], Callable[[Any], messages.AgentUpdate]] = {
    AssistantMessage: lambda e: messages.AnswerDone(e.tool_call_count),
    ToolCallStarted: lambda e: messages.ToolStarted(e.call_id, e.name, e.summary),
    ToolCallRunning: lambda e: messages.ToolRunning(e.call_id),
    ToolCallFinished: messages.ToolFinished,
    PermissionAsked: lambda e: messages.PermissionWaiting(e.call_id),
    PermissionAnswered: lambda e: messages.PermissionResolved(
        e.call_id, e.allowed, e.remembered_rule, e.reason
    ),
    TodosUpdated: lambda e: messages.TodosChanged(
        tuple(messages.TodoRow(t.content, t.status, t.active_form) for t in e.todos)
    ),
    BackgroundTaskChanged: lambda e: messages.BackgroundTaskChanged(e.task_id, e.running),
    Usage: lambda e: messages.UsageChanged(
        e.prompt_tokens, e.total_prompt_tokens, e.total_completion_tokens, e.estimated
    ),
    Retrying: lambda e: messages.RetryScheduled(e.attempt, e.max_attempts, e.delay, e.reason),
    Notice: lambda e: messages.NoticePosted(e.message, e.level),
    HookOutput: lambda e: messages.HookNoted(e.call_id, e.event, e.text),
    McpServersChanged: lambda e: messages.McpChanged(
        sum(s.state == "running" for s in e.servers),
        len(e.servers),
        tuple(s.name for s in e.servers if s.state == "failed"),
    ),
    SubagentProgress: lambda e: messages.SubagentProgressed(e.call_id, e.calls, e.action),
    SubagentCall: lambda e: messages.SubagentCallChanged(
        e.call_id, e.key, e.name, e.summary, e.state, e.duration
    ),
    SubagentUsage: lambda e: messages.UsageChanged(
        None, e.usage.total_prompt_tokens, e.usage.total_completion_tokens
    ),
    AgentError: lambda e: messages.AgentFailed(e.message, e.kind == "unreachable"),
    TurnFinished: lambda e: messages.TurnEnded(e.reason, e.detail),
}


def event_message(event: Event) -> messages.AgentUpdate:
    """The message that shows ``event`` (a piece of text as a batch of its own)."""
    kind = TEXT_BATCHES.get(type(event))
    if kind is None:
        return EVENT_MESSAGES[type(event)](event)
    return _text_message(kind, event.text, getattr(event, "call_id", ""))  # type: ignore[union-attr]


def _text_message(kind: type[messages.TextBatch], text: str, call_id: str) -> messages.TextBatch:
    if kind is messages.ToolOutputText:
        return messages.ToolOutputText(call_id, text)
    return kind(text)


class AgentSession(Session):
    """The app's handle on one conversation: a core ``Session`` whose events become
    messages to the screen and whose questions become the permission modal.

    Args:
        app: The app (for the permission modal, the bell and the title).
        config: The session's configuration.
        target: Where messages go (the main screen).
        now: The date the system prompt is written with (fixed in tests).
        clock: Monotonic seconds that time each tool call.
    """

    # What the user types or pastes in the prompt is theirs: a path to an image attaches it.
    typed_paths = True

    def __init__(
        self,
        app: App[Any],
        config: Config,
        target: MessagePump,
        *,
        now: datetime | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(config, self._approve, self._post_event, now=now, clock=clock)
        self.app = app
        self.target = target
        self._batch: messages.TextBatch | None = None
        self._announced = False

    async def start(self) -> list[str]:
        """Start the agent (once), and tell the screen what was found."""
        notes = await super().start()
        if not self._announced and self.agent is not None:
            self._announced = True
            for note in notes:
                self._post(messages.NoticePosted(note, "info"))
            provider = self.agent.provider
            options = provider.settings.extra_body.get("options")
            sent = isinstance(options, dict) and "num_ctx" in options
            self._post(messages.SessionReady(self.model, self.window, provider.host, sent))
        return notes

    async def turn(self, prompt: str) -> str:
        """Run one turn; why it ended (end_turn, error, max_turns …).

        Every outcome, failure included, also arrives as messages. Re-raises
        ``asyncio.CancelledError`` (the agent leaves a valid history first).
        """
        try:
            finished = await self.run_turn(prompt)
        except ProviderError as error:
            self._fail(error)
            self._post(messages.TurnEnded("error", str(error)))
            return "error"
        except asyncio.CancelledError:
            if self.agent is None:
                self._post(messages.TurnEnded("interrupted", "interrupted by the user"))
            raise
        return finished.reason

    async def shell(self, command: str) -> str | None:
        """Run the user's ``!command`` (shown as a tool card); None when nothing ran."""
        try:
            await self.run_user_shell(command)
        except ProviderError as error:
            self._fail(error)
        return None

    async def compact(self, focus: str | None = None) -> CompactResult | None:
        """Summarise older work now; a failure arrives as a message."""
        try:
            return await super().compact(focus)
        except ProviderError as error:
            self._fail(error)
            return None

    def show_again(self, transcript: Transcript) -> None:
        """Show a resumed conversation: its records become the messages a live turn posts."""
        for item in replay(transcript):
            if isinstance(item, ReplayedPrompt):
                self._post(messages.PromptReplayed(item.text))
            else:
                self._post_event(item)

    # Events → messages

    def _post(self, message: messages.AgentUpdate) -> None:
        self._batch = None
        self.target.post_message(message)

    def _post_text(self, kind: type[messages.TextBatch], text: str, call_id: str = "") -> None:
        batch = self._batch
        if (
            type(batch) is kind
            and (not call_id or getattr(batch, "call_id", "") == call_id)
            and batch.add(text)
        ):
            return
        batch = _text_message(kind, text, call_id)
        self.target.post_message(batch)
        self._batch = batch

    def _fail(self, error: ProviderError) -> None:
        self._post(messages.AgentFailed(str(error), error.kind == "unreachable"))

    def _post_event(self, event: Event) -> None:
        """The session's event sink: each event becomes a message to the screen."""
        batch = TEXT_BATCHES.get(type(event))
        if batch is not None:
            self._post_text(batch, event.text, getattr(event, "call_id", ""))  # type: ignore[union-attr]
            return
        self._post(EVENT_MESSAGES[type(event)](event))

    # Permission requests → the modal

    async def _approve(self, request: PermissionRequest) -> Decision:
        """The session's approver: ring, retitle, and await the modal's answer."""
        view = permission_view(request, self.config.project_root, by_user=request.by_user)
        self.app.bell()
        title = self.app.title
        self.app.title = f"Approve {request.tool}? · {title}"
        screen = PermissionScreen(view)
        try:
            answer = await self.app.push_screen_wait(screen)
        except asyncio.CancelledError:
            # The wait is shielded from cancellation, so the modal would stay up.
            if screen.is_active:
                screen.dismiss(None)
            raise
        finally:
            self.app.title = title
        return Decision(answer.kind, answer.reason, answer.interrupt, answer.hunks)
