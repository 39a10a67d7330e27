"""An agent wired to the scripted server, an approver that answers from a list, and the
small pieces the agent tests script turns and read events with."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from openclaude_tui.core.agent.loop import Agent
from openclaude_tui.core.assembly import build_agent, make_provider
from openclaude_tui.core.events import Event, ToolCallFinished
from openclaude_tui.core.permissions.policy import Decision, PermissionRequest
from openclaude_tui.core.settings.config import Overrides, load_config
from tests.scripted_server import ScriptedServer, ToolCallSpec


class Answers:
    """An approver that answers from a list and records what it was asked."""

    def __init__(self, *decisions: Decision) -> None:
        self.decisions = list(decisions)
        self.requests: list[PermissionRequest] = []

    async def __call__(self, request: PermissionRequest) -> Decision:
        """Record `request` and give the next answer."""
        self.requests.append(request)
        return self.decisions.pop(0)


def make_agent(
    server: ScriptedServer,
    project: Path,
    approver: Callable[[PermissionRequest], Any] | None = None,
    **overrides: Any,
) -> tuple[Agent, list[Event]]:
    """An agent in `project` talking to `server`, and the list its events are appended to.

    `overrides` are command-line settings (permission_mode=..., ...); retries wait 10 ms.
    """
    events: list[Event] = []
    config = load_config(
        project,
        Overrides(base_url=server.base_url, model="scripted-model", **overrides),
        env={},
    )
    provider = make_provider(config)
    provider.settings.retry_base_delay = 0.01
    agent = build_agent(config, provider, approver or Answers(), events.append)
    return agent, events


def call(name: str, call_id: str | None = None, **arguments: Any) -> ToolCallSpec:
    """A scripted call of tool `name` with `arguments` (and the id `call_id` if given)."""
    return ToolCallSpec(name, arguments, id=call_id)


def finished(events: list[Event]) -> list[ToolCallFinished]:
    """The tool calls that finished, in order."""
    return [e for e in events if isinstance(e, ToolCallFinished)]
