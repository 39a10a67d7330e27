"""The hooks of one session, run at their events: before and after a tool call, when a
prompt is submitted, when a turn stops and when the session starts.

Each event runs the matching hooks concurrently (as Claude Code does) and reports them:
what a hook printed goes under its tool call (``HookOutput``) or into a notice, a hook
that failed or was killed is a warning notice. Whether the event is blocked is for the
caller: the dispatcher for tool calls, the session for prompts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openclaude_tui.core.events import Event, HookOutput, Notice
from openclaude_tui.core.extensions.hook_runner import HookResult, run_hook
from openclaude_tui.core.settings.hooks import TOOL_EVENTS, Hook, hooks_for

# Variables that tell a hook where the project is (Claude Code's name, and ours).
PROJECT_DIR_VARIABLES = ("CLAUDE_PROJECT_DIR", "OPENCLAUDE_PROJECT_DIR")


@dataclass(frozen=True)
class ToolVerdict:
    """What the PreToolUse hooks said of a call: blocked (and why), approved, or neither."""

    blocked: str | None = None
    approved: bool = False


class SessionHooks:
    """Runs a session's hooks at its events.

    Args:
        hooks: The hooks in effect (read at each event: trusting a project adds its own).
        project_root: Where the hooks run.
        cwd: The session's working directory, told to the hooks.
        environment: The environment a command gets (secrets scrubbed).
        emit: Where the reports go.
        session_id: The session's stable id, told to the hooks.
    """

    def __init__(
        self,
        hooks: Callable[[], tuple[Hook, ...]],
        project_root: Path,
        cwd: Callable[[], Path],
        environment: Callable[[], dict[str, str]],
        emit: Callable[[Event], None],
        session_id: str,
    ) -> None:
        self._hooks = hooks
        self.project_root = project_root
        self._cwd = cwd
        self._environment = environment
        self._emit = emit
        self.session_id = session_id

    def configured(self, event: str) -> bool:
        """Whether any hook is set for ``event`` (for any tool)."""
        return bool(hooks_for(self._hooks(), event))

    async def before_tool(self, call_id: str, tool: str, tool_input: dict[str, Any]) -> ToolVerdict:
        """PreToolUse: a block's reason (for the model) or an approval."""
        results = await self._run(
            "PreToolUse", {"tool_name": tool, "tool_input": tool_input}, tool, call_id
        )
        blocked = [result.reason for result in results if result.blocks]
        if blocked:
            return ToolVerdict(blocked="\n".join(blocked))
        return ToolVerdict(approved=any(result.approves for result in results))

    async def after_tool(
        self, call_id: str, tool: str, tool_input: dict[str, Any], response: dict[str, Any]
    ) -> str | None:
        """PostToolUse: what a blocking hook says to the model about the result, if any."""
        payload = {"tool_name": tool, "tool_input": tool_input, "tool_response": response}
        results = await self._run("PostToolUse", payload, tool, call_id)
        blocked = [result.reason for result in results if result.blocks]
        return "\n".join(blocked) if blocked else None

    async def prompt_submitted(self, prompt: str) -> str | None:
        """UserPromptSubmit: why the prompt must not be sent, or None."""
        results = await self._run("UserPromptSubmit", {"prompt": prompt})
        blocked = [result.reason for result in results if result.blocks]
        return "\n".join(blocked) if blocked else None

    async def stopped(self) -> None:
        """Stop: the turn is over."""
        await self._run("Stop", {"stop_hook_active": False}, blocks=False)

    async def session_started(self) -> None:
        """SessionStart: the session's agent is ready."""
        await self._run("SessionStart", {"source": "startup"}, blocks=False)

    async def _run(
        self,
        event: str,
        fields: dict[str, Any],
        tool: str | None = None,
        call_id: str = "",
        *,
        blocks: bool = True,
    ) -> list[HookResult]:
        """Run the hooks of ``event`` and report them; ``blocks``: whether the event can be
        blocked (where it cannot, a hook that would block is a warning)."""
        hooks = hooks_for(self._hooks(), event, tool)
        if not hooks:
            return []
        payload = {
            "session_id": self.session_id,
            "hook_event_name": event,
            "cwd": str(self._cwd()),
            **fields,
        }
        env = self._environment()
        env.update(dict.fromkeys(PROJECT_DIR_VARIABLES, str(self.project_root)))
        results = await asyncio.gather(
            *(run_hook(hook, payload, self.project_root, env) for hook in hooks)
        )
        for result in results:
            self._report(result, call_id if event in TOOL_EVENTS else "")
            if result.blocks and not blocks:
                self._emit(Notice(f"{event} hook: {result.reason}", "warning"))
        return list(results)

    def _report(self, result: HookResult, call_id: str) -> None:
        failure = result.failure
        if failure is not None:
            self._emit(Notice(failure, "warning"))
        elif result.shown and call_id:
            self._emit(HookOutput(call_id, result.hook.event, result.hook.command, result.shown))
        elif result.shown:
            self._emit(Notice(f"{result.hook.event} hook: {result.shown}"))
