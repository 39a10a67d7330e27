"""Coordinator mode: the main agent plans and delegates, its sub-agents do the work.

While it coordinates, the main agent is offered only the tools that look, plan and
delegate (``COORDINATOR_TOOLS``); the sub-agents its Task calls start get every tool, through
the same permission gate. Its system prompt says how to work that way
(``core.prompt.system``).
"""

from __future__ import annotations

from openclaude_tui.core.agent.loop import Agent
from openclaude_tui.core.tools.task import TASK_TOOL

COORDINATOR_TOOLS = (TASK_TOOL, "TodoWrite", "Read", "Grep", "Glob", "LSP")
"""What a coordinating agent is offered: it reads to plan and to review, and delegates."""


class CannotCoordinate(Exception):
    """The agent has no Task tool (``--tools`` left it out): it has no one to delegate to."""


def coordinate(agent: Agent, on: bool) -> None:
    """Make ``agent`` coordinate (``on``) or work on its own again, from its next request.

    Raises:
        CannotCoordinate: ``on``, and the agent has no Task tool.
    """
    if on and TASK_TOOL not in {tool.name for tool in agent.tools.every()}:
        raise CannotCoordinate(
            "coordinator mode needs the Task tool, which --tools or the tools setting leaves out"
        )
    agent.tools.offer_only(COORDINATOR_TOOLS if on else None)


def coordinating(agent: Agent) -> bool:
    """Whether ``agent`` coordinates."""
    return agent.tools.narrowed
