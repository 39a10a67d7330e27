"""The agent loop: model → tool calls → permission gate → results → model, until done.

``Agent.run_turn(prompt)`` runs one user turn and keeps the conversation for the next.
Every step is reported to the event sink. Cancelling the task that runs a turn kills
running tools and answers every unanswered tool call, so the history stays valid for
servers that check that each tool call has its result.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from openclaude_tui.core.agent.compact import (
    Compactor,
    CompactResult,
    estimate_text_tokens,
    estimate_tokens,
    model_summariser,
)
from openclaude_tui.core.agent.context_window import truncation_warning
from openclaude_tui.core.agent.dispatch import Dispatcher, StopTurn
from openclaude_tui.core.agent.history import INTERRUPTED, History, Message
from openclaude_tui.core.events import (
    AgentError,
    AssistantMessage,
    Event,
    EventSink,
    Notice,
    Retrying,
    TextDelta,
    ToolCallFinished,
    ToolStatus,
    TurnFinished,
    Usage,
)
from openclaude_tui.core.llm.calls import ToolCall
from openclaude_tui.core.llm.json_repair import repair_arguments
from openclaude_tui.core.llm.provider import ModelResponse, Provider, ProviderError
from openclaude_tui.core.llm.side_request import ask_aside
from openclaude_tui.core.llm.textcalls import extract_tool_calls
from openclaude_tui.core.permissions.policy import Approver, PermissionPolicy
from openclaude_tui.core.tools.base import (
    DEFAULT_ASIDE_CHARS,
    AsideError,
    ToolContext,
    ToolRegistry,
)

_log = logging.getLogger(__name__)


DEFAULT_MAX_TURNS = 30
# The text that goes with the images the tools read, in the message after their results.
IMAGES_READ = "The images read by the tool calls above:"


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
        self.history = History()
        self._system_prompt = system_prompt
        self._sink: EventSink = sink or (lambda event: None)
        # The session's tokens in and out: its sub-agents' count too (``count_tokens``).
        self.total_prompt_tokens = 0
        self.total_completion_tokens = 0
        # What its own last request sent (the context used): a sub-agent's never counts.
        self.last_prompt_tokens: int | None = None
        self.compactor = compactor
        # Times each tool call; a fixed clock makes the durations shown reproducible.
        self.clock = clock
        self.dispatcher = Dispatcher(
            tools, policy, approver, context, self.emit, self.history.add_result, clock
        )
        self._warned_truncation = False
        # The text streamed so far by the current request (kept if the turn is interrupted).
        self._partial: list[str] = []
        context.emit = self.emit
        context.ask_model = self.ask_aside
        context.aside_chars = self.aside_chars

    def emit(self, event: Event) -> None:
        """Hand an event to the sink."""
        self._sink(event)

    def count_tokens(self, prompt_tokens: int | None, completion_tokens: int | None) -> None:
        """Add a request's reported tokens (None: not reported) to the session's totals:
        its own requests', and its sub-agents' (``core.agent.subagent``)."""
        self.total_prompt_tokens += prompt_tokens or 0
        self.total_completion_tokens += completion_tokens or 0

    def set_sink(self, sink: EventSink) -> None:
        """Send events somewhere else from now on."""
        self._sink = sink

    @property
    def messages(self) -> list[Message]:
        """The conversation as sent after the system prompt (``history.messages``)."""
        return self.history.messages

    async def ask_aside(self, system: str, prompt: str) -> str:
        """A request to the model beside the conversation (a tool's question); its answer.

        Raises:
            AsideError: the server failed (the message says how).
        """
        try:
            return await ask_aside(self.provider, system, prompt)
        except ProviderError as error:
            raise AsideError(str(error)) from error

    def aside_chars(self) -> int:
        """Characters of material a request beside the conversation may carry.

        Half the context window (four characters a token), as the compactor's summary
        request leaves room for the answer; a fixed amount when the window is unknown.
        """
        if self.compactor is None:
            return DEFAULT_ASIDE_CHARS
        return max(4_000, self.compactor.window * 2)

    def system_prompt(self) -> str:
        """The system prompt for the next request."""
        prompt = self._system_prompt
        return prompt() if callable(prompt) else prompt

    def clear(self) -> None:
        """Forget the conversation (the tools' state, like files read, goes too)."""
        self.history.clear()
        self.context.read_files.clear()
        self.last_prompt_tokens = None

    async def close(self) -> None:
        """End what the tools keep running (background jobs, language servers) and close
        the connection."""
        for tool in self.tools.every():
            await tool.close(self.context)
        if self.context.language_servers is not None:
            # Here, not in a tool: the file tools use them too, with or without the LSP tool.
            await self.context.language_servers.close()
        await self.provider.close()

    def request_messages(self) -> list[dict[str, Any]]:
        """The messages of the next request: the system prompt, then the conversation."""
        return [{"role": "system", "content": self.system_prompt()}, *self.messages]

    async def run_turn(self, prompt: str, images: Sequence[str] = ()) -> TurnFinished:
        """Send ``prompt`` (with ``images``, data URLs) and work until the model answers
        without tool calls.

        Never raises for provider or tool failures (they become events and a finished
        turn); re-raises ``asyncio.CancelledError`` after leaving a valid history.
        """
        self.history.append_user(prompt, images)
        self.dispatcher.new_turn()
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
                _log.debug(
                    "model request %d of the turn (%d messages)", requests, len(self.messages)
                )
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
                    await self.dispatcher.run_calls(calls)
                    self.history.append_images(IMAGES_READ, self.dispatcher.take_images())
                except StopTurn:
                    return self._finish(
                        "interrupted", final_text, requests, called, "denied by the user"
                    )
        except ProviderError as error:
            error = await self.provider.explain_missing_model(error)
            self.emit(AgentError(str(error), error.kind))
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
            self.history.replace(result.messages)
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
        started = self.clock()
        response = await self.provider.complete(request, schemas, self._collect_partial)
        waited = self.clock() - started
        sent = estimate_tokens(request)
        if response.prompt_tokens is not None and not self._warned_truncation:
            warning = truncation_warning(sent, response.prompt_tokens)
            if warning:
                self._warned_truncation = True
                self.emit(Notice(warning, "warning"))
        if response.prompt_tokens is not None:
            self.last_prompt_tokens = response.prompt_tokens
        self.count_tokens(response.prompt_tokens, response.completion_tokens)
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
                seconds=round(waited, 3),
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
        self.history.append_assistant(response.text, calls, response.reasoning or "")

    def _repair_history(self) -> None:
        """After an interruption: answer every unanswered call and close the turn."""
        for call in self.history.close_interrupted("".join(self._partial)):
            self.emit(ToolCallFinished(call.id, call.name, INTERRUPTED, "interrupted", 0.0))

    async def run_user_call(
        self, name: str, arguments: dict[str, Any], call_id: str
    ) -> tuple[ToolStatus, str]:
        """Run the user's own call (``!command``) through the gate; its status and text."""
        return await self.dispatcher.run_user_call(name, arguments, call_id)
