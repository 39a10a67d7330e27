"""Running a message's tool calls: read, gated, run (read-only neighbours together), recorded.

The agent's loop (``core.agent.loop``) hands each assistant message's calls to a ``Dispatcher``,
which asks the permission gate about each call in the model's order, runs what may run,
and records one result per call, in order, whatever happened. The user's own ``!command``
goes through the same gate and events.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from openclaude_tui.core.agent.call_input import PreparedCall, prepare_call
from openclaude_tui.core.agent.history import INTERRUPTED
from openclaude_tui.core.agent.hunk_approval import apply_approved_hunks
from openclaude_tui.core.events import (
    Event,
    PermissionAnswered,
    PermissionAsked,
    ToolCallFinished,
    ToolCallRunning,
    ToolCallStarted,
    ToolStatus,
)
from openclaude_tui.core.extensions.hook_events import SessionHooks
from openclaude_tui.core.llm.calls import ToolCall
from openclaude_tui.core.llm.errors import error_reason
from openclaude_tui.core.permissions.policy import Approver, Decision, PermissionPolicy
from openclaude_tui.core.tools.base import ToolContext, ToolRegistry, ToolResult
from openclaude_tui.core.tools.paths import PathArgumentError

_log = logging.getLogger(__name__)

DENIED_INTERRUPT = (
    "The user denied this call and interrupted the turn; wait for their next message."
)
REPEATED_FAILURE = (
    "\n\n(This exact call has now failed {count} times in this turn. Do not send it again "
    "unchanged: fix its arguments, or take another approach.)"
)
ASKED_BEFORE = (
    "The user already denied this exact call in this turn and was not asked again; "
    "do not send it again"
)


@dataclass
class Outcome:
    """The result of one tool call, with the status the UI shows."""

    text: str
    status: ToolStatus
    # What a file tool changed, as diff text for showing.
    diff: str = ""
    # A command's exit status: a command that fails is shown as failed, but is not a
    # failed call that the model would be warned about repeating (tests fail until fixed).
    exit_code: int | None = None
    # Images the call read for the model (data URLs).
    images: tuple[str, ...] = ()


class StopTurn(Exception):
    """The user denied a call and asked to stop the turn (a Task call raises it when the
    user did so inside its sub-agent)."""


class Dispatcher:
    """Runs the tool calls of a conversation.

    Args:
        tools: The offered tools.
        policy: The permission gate.
        approver: Asks the user about a call the gate would not decide.
        context: What the tools run in.
        emit: Where events go.
        add_result: Appends a call's result to the conversation.
        clock: Monotonic seconds that time each call.
    """

    def __init__(
        self,
        tools: ToolRegistry,
        policy: PermissionPolicy,
        approver: Approver,
        context: ToolContext,
        emit: Callable[[Event], None],
        add_result: Callable[[str, str], None],
        clock: Callable[[], float],
    ) -> None:
        self.tools = tools
        self.policy = policy
        self.approver = approver
        self.context = context
        self.emit = emit
        self.clock = clock
        self._add_result = add_result
        # How often each exact call (name, arguments) failed in this turn: weaker models
        # repeat a failing call unchanged, and are told so.
        self._failures: dict[tuple[str, str], int] = {}
        # What the model was told of each exact call the user denied in this turn: the
        # same call again is answered so without asking the user twice.
        self._denials: dict[tuple[str, str], str] = {}
        self._recorded: set[str] = set()
        # Images the calls read, sent after their results (``take_images``).
        self._images: list[str] = []
        # The session's hooks, run before and after each call (set by the session).
        self.hooks: SessionHooks | None = None

    def new_turn(self) -> None:
        """Forget the failures and denials of the last turn."""
        self._failures.clear()
        self._denials.clear()
        self._recorded.clear()

    async def run_calls(self, calls: list[ToolCall]) -> None:
        """Run one assistant message's calls; read-only neighbours run concurrently."""
        prepared = [self._prepare(call) for call in calls]
        for item in prepared:
            self.emit(ToolCallStarted(item.call.id, item.name, item.args or {}, item.summary))
        index = 0
        try:
            while index < len(prepared):
                group = [prepared[index]]
                if prepared[index].read_only:
                    while (
                        index + len(group) < len(prepared)
                        and prepared[index + len(group)].read_only
                    ):
                        group.append(prepared[index + len(group)])
                index += len(group)
                await self._run_group(group)
        except StopTurn:
            for item in prepared:
                if item.call.id not in self._recorded:
                    self._record(item, Outcome(INTERRUPTED, "interrupted"), 0.0)
            raise

    async def _run_group(self, group: list[PreparedCall]) -> None:
        # Permission requests come one at a time, in the model's order.
        gated: list[tuple[PreparedCall, Outcome | None]] = []
        for item in group:
            try:
                refusal = await self._gate(item)
            except StopTurn:
                raise
            except Exception as error:  # a call the gate cannot judge never runs
                why = f"{type(error).__name__}: {error_reason(error)}"
                text = f"Error: this call could not be checked, so it was not run ({why})."
                refusal = Outcome(text, "failed")
            gated.append((item, refusal))
        runnable = [item for item, refusal in gated if refusal is None]
        for item in runnable:
            self.emit(ToolCallRunning(item.call.id))
        running = [asyncio.ensure_future(self._execute(item)) for item in runnable]
        try:
            results = await asyncio.gather(*running)
        except StopTurn:
            # A sub-agent's user stopped the turn (Task): its neighbours stop too.
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)
            raise
        by_id = {item.call.id: result for item, result in zip(runnable, results, strict=True)}
        for item, refusal in gated:
            outcome, duration = by_id.get(item.call.id, (refusal, 0.0))
            assert outcome is not None
            self._record(item, outcome, duration)

    def take_images(self) -> list[str]:
        """The images the calls since the last time read (data URLs), handed over once."""
        images, self._images = self._images, []
        return images

    def _record(self, item: PreparedCall, outcome: Outcome, duration: float) -> None:
        call = item.call
        self._images += outcome.images
        text = outcome.text
        if outcome.status == "failed" and not outcome.exit_code:
            failed = self._failures[item.key] = self._failures.get(item.key, 0) + 1
            if failed > 1:
                text += REPEATED_FAILURE.format(count=failed)
        self._recorded.add(call.id)
        self._add_result(call.id, text)
        self.emit(
            ToolCallFinished(
                call.id, item.name, text, outcome.status, duration, outcome.diff, outcome.exit_code
            )
        )

    def _prepare(self, call: ToolCall) -> PreparedCall:
        def read_only(command: str) -> bool:
            return self.policy.classify(command, self.context.cwd).level == "read_only"

        return prepare_call(call, self.tools, read_only)

    async def run_user_call(
        self, name: str, arguments: dict[str, Any], call_id: str
    ) -> tuple[ToolStatus, str]:
        """Run a call the user asked for (``!command``) through the same gate and events as
        the model's calls, without adding it to the conversation.

        Returns:
            The call's status (done, failed, denied or interrupted) and its result's text.
        """
        item = self._prepare(ToolCall(call_id, name, json.dumps(arguments)))
        self.emit(ToolCallStarted(call_id, item.name, item.args or {}, item.summary))
        outcome, duration = Outcome(INTERRUPTED, "interrupted"), 0.0
        try:
            refusal = await self._gate(item, by_user=True)
            if refusal is None:
                self.emit(ToolCallRunning(call_id))
                outcome, duration = await self._execute(item)
            else:
                outcome = refusal
        finally:
            self.emit(
                ToolCallFinished(
                    call_id,
                    item.name,
                    outcome.text,
                    outcome.status,
                    duration,
                    outcome.diff,
                    outcome.exit_code,
                )
            )
        return outcome.status, outcome.text

    async def _gate(self, item: PreparedCall, *, by_user: bool = False) -> Outcome | None:
        """None when the call may run, else the outcome that stands in for running it.

        ``by_user``: the user's own call, asked about as such and never refused for having
        been denied before.
        """
        if item.error is not None or item.tool is None:
            return Outcome(f"Error: {item.error}", "failed")
        verdict = self.policy.check(item.tool, item.args, self.context.cwd)
        _log.debug(
            "gate: %s %s → %s (%s)", item.tool.name, item.call.id, verdict.action, verdict.reason
        )
        if verdict.action == "deny":
            self.emit(PermissionAnswered(item.call.id, False, reason=verdict.reason))
            return Outcome(f"Permission denied: {verdict.reason}", "denied")
        if self.hooks is not None:
            hooked = await self.hooks.before_tool(item.call.id, item.name, item.args)
            if hooked.blocked is not None:
                reason = f"blocked by a PreToolUse hook: {hooked.blocked.splitlines()[0]}"
                self.emit(PermissionAnswered(item.call.id, False, reason=reason))
                return Outcome(hooked.blocked, "denied")
            if hooked.approved:  # a hook may spare the question, never a deny rule
                return None
        if verdict.action == "allow":
            return None
        denied_before = None if by_user else self._denials.get(item.key)
        if denied_before is not None:
            self.emit(PermissionAnswered(item.call.id, False, reason=ASKED_BEFORE))
            return Outcome(f"{denied_before}\n\n({ASKED_BEFORE}.)", "denied")
        preview = await item.tool.preview(item.args, self.context)
        if isinstance(preview, str):
            # It would fail: the model hears why, and the user is not asked about it.
            return Outcome(_with_notes(item, preview), "failed")
        request = self.policy.request_for(
            item.call.id, item.tool, item.args, self.context.cwd, verdict.reason
        )
        request.change = preview
        request.by_user = by_user
        self.emit(PermissionAsked(item.call.id, item.tool.name, request.target))
        decision = await self.approver(request)
        remembered = self.policy.remember(request) if decision.kind == "allow_always" else None
        self.emit(PermissionAnswered(item.call.id, decision.allowed, remembered, decision.reason))
        if by_user and not decision.allowed:
            return Outcome("Not run.", "denied")
        if decision.interrupt:
            self._record(item, Outcome(DENIED_INTERRUPT, "denied"), 0.0)
            raise StopTurn()
        if not decision.allowed:
            self._denials[item.key] = _denial(decision)
            return Outcome(self._denials[item.key], "denied")
        if decision.hunks is not None and request.change is not None:
            with self._checkpoint(item):
                partial = await apply_approved_hunks(
                    request.change, decision.hunks, self.context, item.call.id
                )
            if partial is not None:
                return Outcome(*partial)
        return None

    async def _execute(self, item: PreparedCall) -> tuple[Outcome, float]:
        assert item.tool is not None
        started = self.clock()
        try:
            with self._checkpoint(item):
                result = await item.tool.run(item.args, self.context, item.call.id)
        except (asyncio.CancelledError, StopTurn):
            raise
        except Exception as error:  # a tool must not raise; if one does, the model hears of it
            result = ToolResult(f"Error: the tool failed unexpectedly: {error!r}", is_error=True)
        duration = self.clock() - started
        status: ToolStatus = "failed" if result.is_error or result.exit_code else "done"
        _log.debug("tool %s %s %s in %.2f s", item.tool.name, item.call.id, status, duration)
        text = _with_notes(item, result.text)
        if self.hooks is not None:
            response = {"output": result.text, "is_error": status == "failed"}
            said = await self.hooks.after_tool(item.call.id, item.name, item.args, response)
            if said is not None:
                text += f"\n\n(A PostToolUse hook says: {said})"
        outcome = Outcome(text, status, result.diff, result.exit_code, result.images)
        return outcome, duration

    @contextlib.contextmanager
    def _checkpoint(self, item: PreparedCall) -> Iterator[None]:
        """Around a call that changes files: what they held is kept first (``/rewind``)."""
        keep = self.context.checkpoint
        tool = item.tool
        if keep is None or tool is None or tool.file_access != "edit":
            yield
            return
        try:
            paths = tool.paths(item.args, self.context.cwd)
        except PathArgumentError:
            paths = []  # the tool refuses such a path itself
        done = keep(paths, item.call.id)
        try:
            yield
        finally:
            done()


def _with_notes(item: PreparedCall, text: str) -> str:
    """A tool result led by what was corrected in the call's arguments, if anything."""
    if item.notes:
        return f"(Note: {'; '.join(item.notes)}.)\n{text}"
    return text


def _denial(decision: Decision) -> str:
    """What the model is told of a call that was denied."""
    if decision.unasked:
        return decision.unasked
    if decision.reason:
        return f"The user denied this call. Their reason: {decision.reason}"
    return "The user denied this call. Ask them how to proceed if it is unclear why."
