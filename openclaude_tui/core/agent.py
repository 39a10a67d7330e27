"""The agent loop: model → tool calls → permission gate → results → model, until done.

``Agent.run_turn(prompt)`` runs one user turn and keeps the conversation for the next.
Every step is reported to the event sink. Cancelling the task that runs a turn kills
running tools and answers every unanswered tool call, so the history stays valid for
servers that check that each tool call has its result.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openclaude_tui.core.call_input import PreparedCall, prepare_call
from openclaude_tui.core.calls import ToolCall
from openclaude_tui.core.compact import (
    Compactor,
    CompactResult,
    estimate_text_tokens,
    estimate_tokens,
    model_summariser,
)
from openclaude_tui.core.context_window import truncation_warning
from openclaude_tui.core.events import (
    AgentError,
    AssistantMessage,
    Event,
    EventSink,
    Notice,
    PermissionAnswered,
    PermissionAsked,
    Retrying,
    TextDelta,
    ToolCallFinished,
    ToolCallRunning,
    ToolCallStarted,
    ToolStatus,
    TurnFinished,
    Usage,
)
from openclaude_tui.core.hunk_approval import apply_approved_hunks
from openclaude_tui.core.json_repair import repair_arguments
from openclaude_tui.core.permissions import Approver, Decision, PermissionPolicy
from openclaude_tui.core.provider import ModelResponse, Provider, ProviderError
from openclaude_tui.core.provider_errors import error_reason
from openclaude_tui.core.textcalls import extract_tool_calls
from openclaude_tui.core.tools.base import (
    ToolContext,
    ToolRegistry,
    ToolResult,
)

INTERRUPTED = "Interrupted by user"
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
DEFAULT_MAX_TURNS = 30


@dataclass
class _Outcome:
    """The result of one tool call, with the status the UI shows."""

    text: str
    status: ToolStatus
    # What a file tool changed, as diff text for showing.
    diff: str = ""
    # A command's exit status: a command that fails is shown as failed, but is not a
    # failed call that the model would be warned about repeating (tests fail until fixed).
    exit_code: int | None = None


class _StopTurn(Exception):
    """The user denied a call and asked to stop the turn."""


class Agent:
    """One conversation with a model and its tools."""

    def __init__(
        self,
        provider: Provider,
        tools: ToolRegistry,
        policy: PermissionPolicy,
        approver: Approver,
        context: ToolContext,
        system_prompt: str | Callable[[], str],
        *,
        sink: EventSink | None = None,
        max_turns: int = DEFAULT_MAX_TURNS,
        compactor: Compactor | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.provider = provider
        self.tools = tools
        self.policy = policy
        self.approver = approver
        self.context = context
        self.max_turns = max_turns
        self.messages: list[dict[str, Any]] = []
        self._system_prompt = system_prompt
        self._sink: EventSink = sink or (lambda event: None)
        self.total_prompt_tokens = 0
        self.total_completion_tokens = 0
        self.last_prompt_tokens: int | None = None
        self.compactor = compactor
        # Times each tool call; a fixed clock makes the durations shown reproducible.
        self.clock = clock
        self._warned_truncation = False
        # The text streamed so far by the current request (kept if the turn is interrupted).
        self._partial: list[str] = []
        # How often each exact call (name, arguments) failed in this turn: weaker models
        # repeat a failing call unchanged, and are told so.
        self._failures: dict[tuple[str, str], int] = {}
        # What the model was told of each exact call the user denied in this turn: the
        # same call again is answered so without asking the user twice.
        self._denials: dict[tuple[str, str], str] = {}
        context.emit = self.emit

    def emit(self, event: Event) -> None:
        """Hand an event to the sink."""
        self._sink(event)

    def set_sink(self, sink: EventSink) -> None:
        """Send events somewhere else from now on."""
        self._sink = sink

    def system_prompt(self) -> str:
        """The system prompt for the next request."""
        prompt = self._system_prompt
        return prompt() if callable(prompt) else prompt

    def clear(self) -> None:
        """Forget the conversation (the tools' state, like files read, goes too)."""
        self.messages.clear()
        self.context.read_files.clear()
        self.last_prompt_tokens = None

    async def close(self) -> None:
        """End what the tools keep running (background jobs) and close the connection."""
        for tool in self.tools:
            await tool.close(self.context)
        await self.provider.close()

    def request_messages(self) -> list[dict[str, Any]]:
        """The messages of the next request: the system prompt, then the conversation."""
        return [{"role": "system", "content": self.system_prompt()}, *self.messages]

    async def run_turn(self, prompt: str) -> TurnFinished:
        """Send ``prompt`` and work until the model answers without tool calls.

        Never raises for provider or tool failures (they become events and a finished
        turn); re-raises ``asyncio.CancelledError`` after leaving a valid history.
        """
        self.messages.append({"role": "user", "content": prompt})
        self._failures.clear()
        self._denials.clear()
        requests = 0
        final_text = ""
        called: list[str] = []
        try:
            while True:
                if requests >= self.max_turns:
                    return self._finish(
                        "max_turns",
                        final_text,
                        requests,
                        called,
                        f"stopped after {self.max_turns} model requests (--max-turns)",
                    )
                requests += 1
                response = await self._ask_model()
                final_text = response.text
                calls = response.tool_calls
                if response.finish_reason == "length":
                    self._append_assistant(response, [])
                    detail = "the answer was cut off by the server's length limit"
                    if calls:
                        detail += f"; {len(calls)} unfinished tool call(s) were not run"
                    return self._finish("length", final_text, requests, called, detail)
                self._append_assistant(response, calls)
                self.emit(AssistantMessage(response.text, len(calls)))
                if not calls:
                    return self._finish("end_turn", final_text, requests, called)
                called.extend(call.name for call in calls)
                try:
                    await self._run_calls(calls)
                except _StopTurn:
                    return self._finish(
                        "interrupted", final_text, requests, called, "denied by the user"
                    )
        except ProviderError as error:
            error = await self.provider.explain_missing_model(error)
            self.emit(AgentError(str(error)))
            return self._finish("error", final_text, requests, called, str(error))
        except asyncio.CancelledError:
            self._repair_history()
            self._finish("interrupted", final_text, requests, called, "interrupted by the user")
            raise

    def _finish(
        self,
        reason: Any,
        text: str,
        requests: int,
        called: list[str],
        detail: str = "",
    ) -> TurnFinished:
        event = TurnFinished(reason, text, requests, detail, tuple(called))
        self.emit(event)
        return event

    async def compact(
        self, focus: str | None = None, *, requested: bool = False
    ) -> CompactResult | None:
        """Summarise older work now (all but the last exchange when ``requested`` by the
        user); None when it would not help (``compactor.reason`` says why)."""
        if self.compactor is None:
            return None
        summarise = model_summariser(self.provider, self.compactor.window)
        result = await self.compactor.compact(
            self.messages, summarise, focus=focus, requested=requested
        )
        if result is not None:
            self.messages[:] = result.messages
            self.last_prompt_tokens = None
            self.emit(Notice(result.describe()))
        return result

    async def _ask_model(self) -> ModelResponse:
        self._partial.clear()
        schemas = self.tools.schemas()
        schema_tokens = estimate_text_tokens(json.dumps(schemas))
        if self.compactor and self.compactor.due(
            self.last_prompt_tokens, self.request_messages(), schema_tokens
        ):
            await self.compact()
        request = self.request_messages()
        response = await self.provider.complete(request, schemas, self._collect_partial)
        sent = estimate_tokens(request)
        if response.prompt_tokens is not None and not self._warned_truncation:
            warning = truncation_warning(sent, response.prompt_tokens)
            if warning:
                self._warned_truncation = True
                self.emit(Notice(warning, "warning"))
        if response.prompt_tokens is not None:
            self.last_prompt_tokens = response.prompt_tokens
            self.total_prompt_tokens += response.prompt_tokens
        if response.completion_tokens is not None:
            self.total_completion_tokens += response.completion_tokens
        # Servers that report no usage (llama.cpp while streaming) still get a context
        # figure: the estimate of what was sent, tool definitions included.
        reported = response.prompt_tokens
        self.emit(
            Usage(
                reported if reported is not None else sent + schema_tokens,
                response.completion_tokens or 0,
                self.total_prompt_tokens,
                self.total_completion_tokens,
                estimated=reported is None,
            )
        )
        if not response.tool_calls and response.text:
            found = extract_tool_calls(
                response.text,
                {tool.name: tool.parameters for tool in self.tools},
                {tool.name: tool.aliases for tool in self.tools},
            )
            if found.calls:
                response.text = found.text
                response.tool_calls = list(found.calls)
                if response.finish_reason == "stop":
                    response.finish_reason = "tool_calls"
        for call in response.tool_calls:
            # Kept repaired in the history too: some servers parse the arguments sent back.
            call.arguments = repair_arguments(call.arguments)
        return response

    def _collect_partial(self, event: Event) -> None:
        if isinstance(event, TextDelta):
            self._partial.append(event.text)
        elif isinstance(event, Retrying):
            self._partial.clear()
        self.emit(event)

    def _append_assistant(self, response: ModelResponse, calls: list[ToolCall]) -> None:
        # Some servers answer 500 to "content": null, so an empty string is sent instead.
        message: dict[str, Any] = {"role": "assistant", "content": response.text or ""}
        if calls:
            message["tool_calls"] = [call.to_message() for call in calls]
            if response.reasoning:
                # Sent back only to servers that require it (the provider strips it otherwise).
                message["reasoning_content"] = response.reasoning
        self.messages.append(message)

    def _repair_history(self) -> None:
        """After an interruption: answer every unanswered call and close the turn."""
        answered = self._answered_ids()
        last = self.messages[-1] if self.messages else None
        for message in reversed(self.messages):
            if message.get("role") == "assistant":
                for call in message.get("tool_calls", []):
                    if call["id"] not in answered:
                        self.messages.append(
                            {"role": "tool", "tool_call_id": call["id"], "content": INTERRUPTED}
                        )
                        self.emit(
                            ToolCallFinished(
                                call["id"],
                                call["function"]["name"],
                                INTERRUPTED,
                                "interrupted",
                                0.0,
                            )
                        )
                break
        if last is not None and last.get("role") == "user":
            # Keep roles alternating for chat templates that insist on it.
            partial = "".join(self._partial)
            self.messages.append(
                {
                    "role": "assistant",
                    "content": (partial + "\n\n[interrupted by the user]").strip(),
                }
            )

    async def _run_calls(self, calls: list[ToolCall]) -> None:
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
        except _StopTurn:
            answered = self._answered_ids()
            for item in prepared:
                if item.call.id not in answered:
                    self._record(item, _Outcome(INTERRUPTED, "interrupted"), 0.0)
            raise

    def _answered_ids(self) -> set[str]:
        """Ids of the tool calls of the last assistant message that have a result."""
        answered: set[str] = set()
        for message in reversed(self.messages):
            if message.get("role") != "tool":
                break
            answered.add(message["tool_call_id"])
        return answered

    async def _run_group(self, group: list[PreparedCall]) -> None:
        # Permission requests come one at a time, in the model's order.
        gated: list[tuple[PreparedCall, _Outcome | None]] = []
        for item in group:
            try:
                refusal = await self._gate(item)
            except _StopTurn:
                raise
            except Exception as error:  # a call the gate cannot judge never runs
                why = f"{type(error).__name__}: {error_reason(error)}"
                text = f"Error: this call could not be checked, so it was not run ({why})."
                refusal = _Outcome(text, "failed")
            gated.append((item, refusal))
        runnable = [item for item, refusal in gated if refusal is None]
        for item in runnable:
            self.emit(ToolCallRunning(item.call.id))
        results = await asyncio.gather(*(self._execute(item) for item in runnable))
        by_id = {item.call.id: result for item, result in zip(runnable, results, strict=True)}
        for item, refusal in gated:
            outcome, duration = by_id.get(item.call.id, (refusal, 0.0))
            assert outcome is not None
            self._record(item, outcome, duration)

    def _record(self, item: PreparedCall, outcome: _Outcome, duration: float) -> None:
        call = item.call
        text = outcome.text
        if outcome.status == "failed" and not outcome.exit_code:
            failed = self._failures[item.key] = self._failures.get(item.key, 0) + 1
            if failed > 1:
                text += REPEATED_FAILURE.format(count=failed)
        self.messages.append({"role": "tool", "tool_call_id": call.id, "content": text})
        self.emit(
            ToolCallFinished(
                call.id, item.name, text, outcome.status, duration, outcome.diff, outcome.exit_code
            )
        )

    def _prepare(self, call: ToolCall) -> PreparedCall:
        def read_only(command: str) -> bool:
            return self.policy.classify(command, self.context.cwd).level == "read_only"

        return prepare_call(call, self.tools, read_only)

    async def _gate(self, item: PreparedCall) -> _Outcome | None:
        """None when the call may run, else the outcome that stands in for running it."""
        if item.error is not None or item.tool is None:
            return _Outcome(f"Error: {item.error}", "failed")
        verdict = self.policy.check(item.tool, item.args, self.context.cwd)
        if verdict.action == "allow":
            return None
        if verdict.action == "deny":
            self.emit(PermissionAnswered(item.call.id, False, reason=verdict.reason))
            return _Outcome(f"Permission denied: {verdict.reason}", "denied")
        denied_before = self._denials.get(item.key)
        if denied_before is not None:
            self.emit(PermissionAnswered(item.call.id, False, reason=ASKED_BEFORE))
            return _Outcome(f"{denied_before}\n\n({ASKED_BEFORE}.)", "denied")
        preview = await item.tool.preview(item.args, self.context)
        if isinstance(preview, str):
            # It would fail: the model hears why, and the user is not asked about it.
            return _Outcome(_with_notes(item, preview), "failed")
        request = self.policy.request_for(
            item.call.id, item.tool, item.args, self.context.cwd, verdict.reason
        )
        request.change = preview
        self.emit(PermissionAsked(item.call.id, item.tool.name, request.target))
        decision = await self.approver(request)
        remembered = self.policy.remember(request) if decision.kind == "allow_always" else None
        self.emit(PermissionAnswered(item.call.id, decision.allowed, remembered, decision.reason))
        if decision.interrupt:
            self._record(item, _Outcome(DENIED_INTERRUPT, "denied"), 0.0)
            raise _StopTurn()
        if not decision.allowed:
            self._denials[item.key] = _denial(decision)
            return _Outcome(self._denials[item.key], "denied")
        if decision.hunks is not None and request.change is not None:
            partial = await apply_approved_hunks(
                request.change, decision.hunks, self.context, item.call.id
            )
            if partial is not None:
                return _Outcome(*partial)
        return None

    async def _execute(self, item: PreparedCall) -> tuple[_Outcome, float]:
        assert item.tool is not None
        started = self.clock()
        try:
            result = await item.tool.run(item.args, self.context, item.call.id)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a tool must not raise; if one does, the model hears of it
            result = ToolResult(f"Error: the tool failed unexpectedly: {error!r}", is_error=True)
        duration = self.clock() - started
        status: ToolStatus = "failed" if result.is_error or result.exit_code else "done"
        text = _with_notes(item, result.text)
        return _Outcome(text, status, result.diff, result.exit_code), duration


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
