"""The Task tool: hands a sub-task to a sub-agent, whose final answer is the result.

Claude Code's contract: ``description`` (a few words), ``prompt`` (the whole task) and
``subagent_type`` (which kind of agent; ``general-purpose`` when absent). Running the
sub-agent is the agent layer's (``core.agent.subagent``), which gives the tool a
``TaskRunner``; the tool itself only reads the call. It changes nothing by itself (each of
the sub-agent's own calls passes the permission gate), so it counts as read-only, which also
lets several Task calls of one message run at the same time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from openclaude_tui.core.tools.base import Tool, ToolContext, ToolResult

TASK_TOOL = "Task"
DEFAULT_TYPE = "general-purpose"


@dataclass(frozen=True)
class TaskRequest:
    """One Task call's arguments."""

    description: str
    prompt: str
    subagent_type: str


# Runs the sub-agent for a call (its id names the call the sub-agent's progress belongs to).
TaskRunner = Callable[[TaskRequest, str], Awaitable[ToolResult]]


class TaskTool(Tool):
    """Starts a sub-agent with a fresh conversation; its final answer comes back.

    Args:
        runner: Runs one sub-agent.
        agents: The ``subagent_type`` names and descriptions, listed for the model.
    """

    name = TASK_TOOL
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "description": {
                "type": "string",
                "description": "A short (3-5 word) description of the task.",
            },
            "prompt": {
                "type": "string",
                "description": (
                    "The task for the agent, complete: it sees nothing of this conversation."
                ),
            },
            "subagent_type": {
                "type": "string",
                "description": "The type of agent to use (general-purpose when omitted).",
            },
        },
        "required": ["description", "prompt"],
    }
    aliases: ClassVar[dict[str, str]] = {"agent": "subagent_type", "task": "prompt"}
    read_only = True

    def __init__(self, runner: TaskRunner, agents: list[tuple[str, str]]) -> None:
        self._runner = runner
        listed = "\n".join(f"- {name}: {about}" for name, about in agents)
        self.description = (
            "Launch a sub-agent to handle a complex, multi-step task on its own. It starts "
            "with a fresh conversation (write the prompt so it needs nothing else), uses the "
            "same tools under the same permissions, and its final message is returned to "
            "you; the user does not see it, so report what matters. Launch several in one "
            "message to run them in parallel. Agent types (subagent_type):\n" + listed
        )

    def summary(self, args: dict[str, Any]) -> str:
        """The task's short description, with the agent type when it is not the default."""
        about = str(args.get("description") or args.get("prompt") or "").splitlines()
        kind = str(args.get("subagent_type") or DEFAULT_TYPE)
        text = about[0] if about else ""
        return (text if kind == DEFAULT_TYPE else f"{kind}: {text}")[:200]

    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        """Run the sub-agent and return its final answer."""
        prompt = str(args["prompt"]).strip()
        if not prompt:
            return ToolResult("Error: 'prompt' is empty; write the task out.", is_error=True)
        request = TaskRequest(
            str(args["description"]).strip(),
            prompt,
            str(args.get("subagent_type") or DEFAULT_TYPE).strip() or DEFAULT_TYPE,
        )
        return await self._runner(request, call_id)
