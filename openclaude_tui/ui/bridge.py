"""Where the core meets the app: the only module that imports both.

``AgentSession`` starts the agent, runs its turns, and turns every core event into a
message of ``ui.messages`` posted to the screen. The agent's permission requests become
the permission modal, awaited by the agent's worker while the rest of the app stays live.
The worker runs on the app's event loop, so events are posted directly.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual.app import App
from textual.message_pump import MessagePump

from openclaude_tui.config import Config
from openclaude_tui.core.agent import Agent
from openclaude_tui.core.discovery import list_models as list_server_models
from openclaude_tui.core.events import (
    AgentError,
    AssistantMessage,
    Event,
    Notice,
    PermissionAnswered,
    PermissionAsked,
    ReasoningDelta,
    Retrying,
    TextDelta,
    TodosUpdated,
    ToolCallFinished,
    ToolCallRunning,
    ToolCallStarted,
    ToolOutput,
    ToolStatus,
    TurnFinished,
    Usage,
)
from openclaude_tui.core.permissions import Decision, PermissionRequest
from openclaude_tui.core.plan import presents_plan
from openclaude_tui.core.provider import ProviderError
from openclaude_tui.core.rules import MODES, RULE_KINDS, Rule
from openclaude_tui.core.tools.base import FileChange
from openclaude_tui.runtime import make_compactor, make_provider, resolve_window, start_agent
from openclaude_tui.ui import messages
from openclaude_tui.ui.permission_view import permission_view
from openclaude_tui.ui.screens.permission import PermissionScreen
from openclaude_tui.ui.screens.rules import RuleRow
from openclaude_tui.ui.unreachable import is_unreachable

USER_SHELL_DESCRIPTION = "Run by the user with !"


class AgentSession:
    """The app's handle on one conversation with the agent.

    Args:
        app: The app (for the permission modal, the bell and the title).
        config: The session's configuration.
        target: Where messages go (the main screen).
        now: The date the system prompt is written with (fixed in tests).
        clock: Monotonic seconds that time each tool call.
    """

    def __init__(
        self,
        app: App[Any],
        config: Config,
        target: MessagePump,
        *,
        now: datetime | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.config = config
        self.target = target
        self.now = now
        self.clock = clock
        self.agent: Agent | None = None
        self.window: int | None = config.context_window
        self._batch: messages.TextBatch | None = None
        self._shell_notes: list[str] = []
        self._shell_calls = 0
        self._start_lock = asyncio.Lock()
        # Whether the last turn ended by presenting a plan (see core.plan), and the calls
        # refused during the turn that runs.
        self.presented_plan = False
        self._refused = 0

    # What the status bar shows

    @property
    def model(self) -> str:
        """The model's name ("" until it is known)."""
        if self.agent is not None:
            return self.agent.provider.settings.model
        return self.config.model or ""

    @property
    def mode(self) -> str:
        """The permission mode."""
        return self.agent.policy.mode if self.agent is not None else self.config.permission_mode

    @property
    def usage(self) -> tuple[int | None, int, int]:
        """Prompt tokens of the last request, and the session's tokens in and out."""
        if self.agent is None:
            return None, 0, 0
        agent = self.agent
        return agent.last_prompt_tokens, agent.total_prompt_tokens, agent.total_completion_tokens

    # Starting and running

    async def start(self) -> None:
        """Find the server, settle the model and window, build the agent (once).

        Raises:
            ProviderError: the server cannot be reached or the model cannot be chosen.
        """
        async with self._start_lock:
            if self.agent is not None:
                return
            started = await start_agent(
                self.config, self._approve, self._emit, self.now, clock=self.clock
            )
            self.agent = started.agent
            self.window = started.window.tokens
            for note in started.notes:
                self._post(messages.NoticePosted(note, "info"))
            self._post(messages.SessionReady(self.model, self.window, self.agent.provider.host))

    async def run_turn(self, prompt: str) -> str:
        """Run one turn and return why it ended (end_turn, error, max_turns …).

        Every outcome, failure included, also arrives as messages. Re-raises
        ``asyncio.CancelledError`` (the agent leaves a valid history first).
        """
        try:
            await self.start()
        except ProviderError as error:
            self._fail(str(error))
            self._post(messages.TurnEnded("error", str(error)))
            return "error"
        except asyncio.CancelledError:
            self._post(messages.TurnEnded("interrupted", "interrupted by the user"))
            raise
        assert self.agent is not None
        self.presented_plan = False
        self._refused = 0
        if self._shell_notes:
            prompt = "\n\n".join([*self._shell_notes, prompt])
            self._shell_notes.clear()
        finished = await self.agent.run_turn(prompt)
        return finished.reason

    async def run_shell(self, command: str) -> None:
        """Run a command the user typed after ``!``, through the permission gate.

        It shows as a tool card; its output is given to the model with the next prompt.
        """
        self.presented_plan = False
        try:
            await self.start()
        except ProviderError as error:
            self._fail(str(error))
            return
        assert self.agent is not None
        agent = self.agent
        tool = agent.tools.get("Bash")
        if tool is None:
            self._post(messages.NoticePosted("this session has no shell tool", "warning"))
            return
        self._shell_calls += 1
        call_id = f"user-shell-{self._shell_calls}"
        args, _notes = tool.validate({"command": command, "description": USER_SHELL_DESCRIPTION})
        self._emit(ToolCallStarted(call_id, tool.name, args, tool.summary(args)))
        cwd = agent.context.cwd
        gate = agent.policy.check(tool, args, cwd)
        allowed = gate.action == "allow"
        reason: str | None = gate.reason
        if gate.action == "ask":
            request = agent.policy.request_for(call_id, tool, args, cwd, gate.reason)
            decision = await self._approve(request, by_user=True)
            if decision.kind == "allow_always":
                agent.policy.remember(request)
            allowed, reason = decision.allowed, decision.reason
        if not allowed:
            text = f"Not run: {reason}" if reason else "Not run."
            self._emit(ToolCallFinished(call_id, tool.name, text, "denied", 0.0))
            return
        self._emit(ToolCallRunning(call_id))
        started = self.clock()
        try:
            result = await tool.run(args, agent.context, call_id)
        except asyncio.CancelledError:
            self._emit(ToolCallFinished(call_id, tool.name, "Interrupted", "interrupted", 0.0))
            raise
        duration = self.clock() - started
        status: ToolStatus = "failed" if result.is_error or result.exit_code else "done"
        finished = ToolCallFinished(
            call_id, tool.name, result.text, status, duration, exit_code=result.exit_code
        )
        self._emit(finished)
        self._shell_notes.append(
            f"(I ran `{command}` in the shell myself. Its output:\n```\n"
            f"{result.text.rstrip()}\n```)"
        )

    async def compact(self, focus: str | None) -> None:
        """Summarise older work now; the outcome arrives as a notice."""
        if self.agent is None:
            self._post(messages.NoticePosted("nothing to compact yet", "info"))
            return
        try:
            result = await self.agent.compact(focus, requested=True)
        except ProviderError as error:
            self._fail(str(error))
            return
        if result is None:
            compactor = self.agent.compactor
            why = compactor.reason if compactor is not None else "compaction is turned off"
            self._post(messages.NoticePosted(f"not compacted: {why or 'nothing to gain'}", "info"))

    def clear(self) -> None:
        """Forget the conversation."""
        self._shell_notes.clear()
        if self.agent is not None:
            self.agent.clear()

    async def close(self) -> None:
        """End background jobs and close the connection."""
        if self.agent is not None:
            await self.agent.close()

    # Modes, models and rules

    def cycle_mode(self) -> str:
        """Switch to the next permission mode."""
        if self.agent is None:
            available = [
                m for m in MODES if m != "bypassPermissions" or self.config.bypass_available
            ]
            current = self.config.permission_mode
            self.config.permission_mode = available[(available.index(current) + 1) % len(available)]
            return self.config.permission_mode
        return self.agent.policy.cycle_mode()

    def set_mode(self, mode: str) -> str:
        """Switch to ``mode``.

        Raises:
            ValueError: an unknown mode, or bypass when the session was not started with it.
        """
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        bypass = self.config.bypass_available
        if mode == "bypassPermissions" and not bypass:
            raise ValueError(
                "bypassPermissions is only available when started with "
                "--permission-mode bypassPermissions or --dangerously-skip-permissions"
            )
        if self.agent is None:
            self.config.permission_mode = mode
        else:
            self.agent.policy.mode = mode
        return mode

    def available_modes(self) -> list[str]:
        """The modes Shift+Tab cycles through."""
        return [m for m in MODES if m != "bypassPermissions" or self.config.bypass_available]

    async def list_models(self) -> list[str]:
        """The models the server offers.

        Raises:
            ProviderError: the server cannot be reached.
        """
        # /v1/models, and Ollama's own list of pulled models too.
        models = await list_server_models(self.config.base_url, self.config.api_key)
        if models is not None:
            return models
        if self.agent is not None:
            return await self.agent.provider.list_models()
        provider = make_provider(self.config)
        try:
            return await provider.list_models()
        finally:
            await provider.close()

    async def set_model(self, name: str) -> None:
        """Use another model from the next request on (and learn its context window)."""
        self.config.model = name
        if self.agent is None:
            return
        provider = self.agent.provider
        provider.settings.model = name
        try:
            window = await resolve_window(self.config, provider)
        except ProviderError:
            return
        self.window = window.tokens
        if self.agent.compactor is not None:
            self.agent.compactor = make_compactor(self.config, window)
        if window.note:
            self._post(messages.NoticePosted(window.note, "warning"))

    @property
    def changes(self) -> list[FileChange]:
        """The changes the agent's file tools made in this conversation, oldest first."""
        return self.agent.context.changes if self.agent is not None else []

    def rules(self) -> list[RuleRow]:
        """The permission rules in effect, with where each comes from."""
        rules = self.agent.policy.rules if self.agent is not None else self.config.rules
        rows = [
            RuleRow(kind, str(rule), source)
            for kind in RULE_KINDS
            for rule, source in getattr(rules, kind)
        ]
        if self.agent is not None and self.agent.policy.allow_edits_this_session:
            rows.insert(0, RuleRow("allow", "Edit", "this session"))
        return rows

    def remove_rule(self, row: RuleRow) -> bool:
        """Forget a rule (a remembered one is dropped from the project's local settings)."""
        if self.agent is None:
            bucket = getattr(self.config.rules, row.kind)
            kept = [(rule, source) for rule, source in bucket if str(rule) != row.text]
            removed = len(kept) != len(bucket)
            bucket[:] = kept
            return removed
        if row.source == "this session":
            self.agent.policy.allow_edits_this_session = False
            return True
        return self.agent.policy.remove_rule(row.kind, Rule.parse(row.text))

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
        if kind is messages.ToolOutputText:
            batch = messages.ToolOutputText(call_id, text)
        else:
            batch = kind(text)
        self.target.post_message(batch)
        self._batch = batch

    def _fail(self, message: str) -> None:
        self._post(messages.AgentFailed(message, is_unreachable(message)))

    def _emit(self, event: Event) -> None:
        """The agent's event sink."""
        if isinstance(event, TextDelta):
            self._post_text(messages.AnswerText, event.text)
        elif isinstance(event, ReasoningDelta):
            self._post_text(messages.ReasoningText, event.text)
        elif isinstance(event, ToolOutput):
            self._post_text(messages.ToolOutputText, event.text, event.call_id)
        elif isinstance(event, AssistantMessage):
            self._post(messages.AnswerDone(event.tool_call_count))
        elif isinstance(event, ToolCallStarted):
            self._post(messages.ToolStarted(event.call_id, event.name, event.summary))
        elif isinstance(event, ToolCallRunning):
            self._post(messages.ToolRunning(event.call_id))
        elif isinstance(event, ToolCallFinished):
            self._refused += event.status == "denied"
            self._post(
                messages.ToolFinished(
                    event.call_id,
                    event.name,
                    event.result,
                    event.status,
                    event.duration,
                    event.diff,
                    event.exit_code,
                )
            )
        elif isinstance(event, PermissionAsked):
            self._post(messages.PermissionWaiting(event.call_id))
        elif isinstance(event, PermissionAnswered):
            self._post(
                messages.PermissionResolved(
                    event.call_id, event.allowed, event.remembered_rule, event.reason
                )
            )
        elif isinstance(event, TodosUpdated):
            rows = tuple(
                messages.TodoRow(todo.content, todo.status, todo.active_form)
                for todo in event.todos
            )
            self._post(messages.TodosChanged(rows))
        elif isinstance(event, Usage):
            self._post(
                messages.UsageChanged(
                    event.prompt_tokens,
                    event.total_prompt_tokens,
                    event.total_completion_tokens,
                    event.estimated,
                )
            )
        elif isinstance(event, Retrying):
            self._post(
                messages.RetryScheduled(
                    event.attempt, event.max_attempts, event.delay, event.reason
                )
            )
        elif isinstance(event, Notice):
            self._post(messages.NoticePosted(event.message, event.level))
        elif isinstance(event, AgentError):
            self._fail(event.message)
        elif isinstance(event, TurnFinished):
            self.presented_plan = event.reason == "end_turn" and presents_plan(
                event.text, self._refused
            )
            self._post(messages.TurnEnded(event.reason, event.detail))

    # Permission requests → the modal

    async def _approve(self, request: PermissionRequest, *, by_user: bool = False) -> Decision:
        """The agent's approver: ring, retitle, and await the modal's answer.

        ``by_user``: the call is the user's own ``!`` command (no reason is asked of a deny).
        """
        view = permission_view(request, self.config.project_root, by_user=by_user)
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
