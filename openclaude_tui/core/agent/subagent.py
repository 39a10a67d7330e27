"""Sub-agents: what a Task call runs (``core.tools.task``), built from the parent's parts.

A sub-agent is an ``Agent`` with a fresh conversation, its definition's system prompt
(``core.extensions.agents``) and the parent's provider, tools (less Task, so it cannot start
sub-agents of its own, and less what its definition leaves out), permission policy, approver
and hooks: every call it makes passes the same gate, asks the user the same way (one
question at a time, however many sub-agents run) and is told of a denial as a tool result.

Its own events stay its own: the parent's sink hears only a ``SubagentProgress`` per call
and the call as a line of the Task call's live output (so the Task card shows what it
does), its notices, the calls refused (print mode names the rule that would allow one),
and a ``SubagentUsage`` per request: its tokens are added to the parent's totals (the
session's, which the status bar, ``/cost`` and print mode show), never to the parent's
context figure.
Its final answer is the Task call's result. Cancelling the parent's turn cancels every
running sub-agent (they run inside the Task calls), and the parent's loop answers the Task
calls as interrupted; so does the user's "deny and stop" on a sub-agent's call, which stops
the parent's turn (``StopTurn``) and the sub-agents beside it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from openclaude_tui.core.agent.compact import Compactor
from openclaude_tui.core.agent.dispatch import StopTurn
from openclaude_tui.core.agent.loop import Agent
from openclaude_tui.core.events import (
    AgentError,
    Event,
    EventSink,
    Notice,
    PermissionAnswered,
    PermissionAsked,
    SubagentCall,
    SubagentProgress,
    SubagentUsage,
    ToolCallFinished,
    ToolCallRunning,
    ToolCallStarted,
    ToolOutput,
    TurnFinished,
    Usage,
)
from openclaude_tui.core.extensions.agents import AgentCatalogue, AgentDefinition, load_agents
from openclaude_tui.core.llm.provider import Provider
from openclaude_tui.core.permissions.policy import Approver, Decision, PermissionRequest
from openclaude_tui.core.tools.base import ToolRegistry, ToolResult
from openclaude_tui.core.tools.task import TASK_TOOL, TaskRequest, TaskTool

# The system prompt a sub-agent gets for the tools it has: the parent's kind of prompt
# (environment, project memory) for that list of tools.
PromptFor = Callable[[list[str]], str]

ROLE = (
    "You are a sub-agent: another agent handed you the task in the user's message. Work on "
    "it on your own with your tools, then end with one final message that reports what you "
    "found or did, with the paths and facts the other agent needs; it sees only that message."
)


def offer_subagents(
    agent: Agent, project_root: Path, prompt_for: PromptFor, sink: EventSink | None = None
) -> Subagents:
    """Give ``agent`` the Task tool, with the agent types of the project and of the user
    (a file that cannot be used is skipped with a notice to ``sink``)."""
    catalogue = load_agents(project_root)
    if sink is not None:
        for notice in catalogue.notices:
            sink(Notice(notice, "warning"))
    subagents = Subagents(agent, catalogue, prompt_for)
    agent.tools.replace_group(TASK_TOOL, [subagents.tool()])
    return subagents


class Subagents:
    """Runs the Task calls of one agent.

    Args:
        parent: The agent whose Task calls these are.
        catalogue: The agent types.
        prompt_for: The base system prompt for a list of tool names.
    """

    def __init__(self, parent: Agent, catalogue: AgentCatalogue, prompt_for: PromptFor) -> None:
        self.parent = parent
        self.catalogue = catalogue
        self._prompt_for = prompt_for
        # Sub-agents running side by side ask the user one question at a time.
        self._asking = asyncio.Lock()

    def tool(self) -> TaskTool:
        """The Task tool that starts these sub-agents."""
        return TaskTool(self.run, [(a.name, a.description) for a in self.catalogue.agents])

    async def run(self, request: TaskRequest, call_id: str) -> ToolResult:
        """Run one sub-agent on ``request``; its final answer, or why there is none."""
        definition = self.catalogue.find(request.subagent_type)
        if definition is None:
            known = ", ".join(self.catalogue.names())
            return ToolResult(
                f"Error: there is no agent type {request.subagent_type!r}. Known types: {known}.",
                is_error=True,
            )
        parent = self.parent
        tools = self._tools(definition)
        provider = self._provider(definition)
        # The parent's context, with what was read and the tools' state of its own: its
        # changes are the session's (the review and the checkpoints of /rewind have them).
        context = replace(parent.context, read_files={}, state={})
        compactor = parent.compactor
        parts = [ROLE, definition.system_prompt, self._prompt_for(tools.names())]
        prompt = "\n\n".join(part for part in parts if part)
        child = Agent(
            provider,
            tools,
            parent.policy,
            self._approver(definition.name, request.description),
            context,
            prompt,
            sink=Progress(parent, call_id, definition.name, provider.settings.model),
            max_turns=parent.max_turns,
            compactor=(
                Compactor(
                    compactor.window, threshold=compactor.threshold, enabled=compactor.enabled
                )
                if compactor is not None
                else None
            ),
            clock=parent.clock,
        )
        child.dispatcher.hooks = parent.dispatcher.hooks
        try:
            finished = await child.run_turn(request.prompt)
        finally:
            # Its shell and background jobs end with it; the parent's connection stays.
            for tool in tools:
                await tool.close(context)
            if provider is not parent.provider:
                await provider.close()
        if finished.reason == "interrupted":
            # The user denied one of its calls and stopped the turn: the whole turn stops.
            raise StopTurn()
        return _result(definition.name, finished)

    def _tools(self, definition: AgentDefinition) -> ToolRegistry:
        """The parent's tools as they are now (MCP ones included), less Task and what the
        definition leaves out."""
        allowed = None
        if definition.tools is not None:
            allowed = {name.casefold() for name in definition.tools}
        return ToolRegistry(
            tool
            for tool in self.parent.tools.every()
            if tool.name != TASK_TOOL and (allowed is None or tool.name.casefold() in allowed)
        )

    def _provider(self, definition: AgentDefinition) -> Provider:
        """The parent's provider, or one like it asking for the definition's model."""
        provider = self.parent.provider
        if definition.model is None or definition.model == provider.settings.model:
            return provider
        return Provider(replace(provider.settings, model=definition.model))

    def _approver(self, agent: str, task: str) -> Approver:
        ask = self.parent.approver

        async def approve(request: PermissionRequest) -> Decision:
            # The modal says which agent asks, and for which Task call.
            request.agent, request.task = agent, task
            async with self._asking:
                return await ask(request)

        return approve


class Progress:
    """A sub-agent's event sink: what the parent's sink hears of it.

    Args:
        parent: The parent agent (its sink, and its totals its requests count in).
        call_id: The Task call the sub-agent runs in.
        agent: The sub-agent's type.
        model: The model the sub-agent asks (its definition may name another).
    """

    def __init__(self, parent: Agent, call_id: str, agent: str, model: str) -> None:
        self._parent = parent
        self._emit = parent.emit
        self.call_id = call_id
        self.agent = agent
        self.model = model
        self.calls = 0
        self._targets: dict[str, str] = {}
        # Each call's name and summary, for the sidebar's row of it.
        self._calls: dict[str, tuple[str, str]] = {}

    def __call__(self, event: Event) -> None:
        self._follow_call(event)
        if isinstance(event, ToolCallStarted):
            self.calls += 1
            action = f"{event.name} {event.summary}".strip()
            self._targets[event.call_id] = action
            self._line(f"→ {action}")
            self._progress(action)
        elif isinstance(event, PermissionAsked):
            self._progress(f"asking: {self._targets.get(event.call_id, event.tool)}")
        elif isinstance(event, PermissionAnswered) and not event.allowed:
            self._line(f"  ⊘ denied: {event.reason or 'by the user'}")
            # Print mode tells the user what was refused, and which rule would allow it.
            self._emit(event)
        elif isinstance(event, ToolCallFinished) and event.status in ("failed", "interrupted"):
            self._line(f"  ✗ {event.status}")
        elif isinstance(event, AgentError):
            self._emit(Notice(f"sub-agent {self.agent}: {event.message}", "warning"))
        elif isinstance(event, Notice):
            self._emit(Notice(f"sub-agent {self.agent}: {event.message}", event.level))
        elif isinstance(event, Usage):
            self._usage(event)

    def _usage(self, event: Usage) -> None:
        """Count the request in the session's totals, and tell the parent's sink."""
        parent = self._parent
        # An estimated prompt size is no count the server made (as for the parent's own).
        parent.count_tokens(
            None if event.estimated else event.prompt_tokens, event.completion_tokens
        )
        totals = replace(
            event,
            total_prompt_tokens=parent.total_prompt_tokens,
            total_completion_tokens=parent.total_completion_tokens,
        )
        self._emit(SubagentUsage(self.call_id, self.agent, self.model, totals))

    def _follow_call(self, event: Event) -> None:
        """Tell the parent's sink how each of the sub-agent's calls goes (a row of its own)."""
        if isinstance(event, ToolCallStarted):
            self._calls[event.call_id] = (event.name, event.summary)
            self._call_state(event.call_id, "pending")
        elif isinstance(event, PermissionAsked):
            self._call_state(event.call_id, "asking")
        elif isinstance(event, ToolCallRunning):
            self._call_state(event.call_id, "running")
        elif isinstance(event, ToolCallFinished):
            self._call_state(event.call_id, event.status, event.duration)

    def _call_state(self, child: str, state: str, duration: float | None = None) -> None:
        name, summary = self._calls.get(child, ("", ""))
        key = f"{self.call_id}/{child}"
        self._emit(SubagentCall(self.call_id, key, name, summary, state, duration))

    def _line(self, text: str) -> None:
        self._emit(ToolOutput(self.call_id, text + "\n"))

    def _progress(self, action: str) -> None:
        self._emit(SubagentProgress(self.call_id, self.agent, self.calls, action))


def _result(agent: str, finished: TurnFinished) -> ToolResult:
    """What the parent is told of a sub-agent's finished turn."""
    text = finished.text.strip()
    if finished.reason == "end_turn":
        return ToolResult(text or f"(The {agent} agent finished without a final message.)")
    if finished.reason == "error":
        return ToolResult(f"Error: the {agent} agent failed: {finished.detail}", is_error=True)
    ended = f"The {agent} agent stopped before finishing ({finished.detail})."
    return ToolResult(f"{ended}\nIts last message:\n{text}" if text else ended, is_error=True)
