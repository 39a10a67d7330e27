"""An ACP host for tests: `openclaude acp` as a real process, driven over stdio by a client
built on the same `agent-client-protocol` package an editor would use."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import acp
from acp.schema import (
    AgentMessageChunk,
    AllowedOutcome,
    DeniedOutcome,
    PermissionOption,
    RequestPermissionResponse,
    TextContentBlock,
    ToolCallProgress,
    ToolCallStart,
    ToolCallUpdate,
    UserMessageChunk,
)

from tests.helpers.print_mode import openclaude_env


class HostClient:
    """The host's side: records every update, answers permission requests from a script.

    Args:
        answers: The option ids to pick, one per permission request, in order
            ("allow_once", "reject_once"…); None cancels the request.
    """

    def __init__(self, answers: list[str | None] | None = None) -> None:
        self.answers = list(answers or [])
        self.updates: list[Any] = []
        self.permission_requests: list[tuple[ToolCallUpdate, list[PermissionOption]]] = []
        # Set when a permission request arrives (for tests that cancel while it waits).
        self.asked = asyncio.Event()
        self.hold_permission: asyncio.Event | None = None

    async def request_permission(
        self, session_id: str, tool_call: ToolCallUpdate, options: list[PermissionOption], **_: Any
    ) -> RequestPermissionResponse:
        """Answer with the next scripted option (or wait, when the test holds the answer)."""
        self.permission_requests.append((tool_call, options))
        self.asked.set()
        if self.hold_permission is not None:
            await self.hold_permission.wait()
        answer = self.answers.pop(0) if self.answers else None
        if answer is None:
            return RequestPermissionResponse(outcome=DeniedOutcome(outcome="cancelled"))
        return RequestPermissionResponse(
            outcome=AllowedOutcome(outcome="selected", option_id=answer)
        )

    async def session_update(self, session_id: str, update: Any, **_: Any) -> None:
        """Keep the update."""
        self.updates.append(update)

    def answer_text(self) -> str:
        """The agent's message chunks joined: the answer as the host shows it."""
        return "".join(
            update.content.text
            for update in self.updates
            if isinstance(update, AgentMessageChunk)
            and isinstance(update.content, TextContentBlock)
        )

    def user_text(self) -> str:
        """The user's message chunks joined (a loaded session's prompts, replayed)."""
        return "".join(
            update.content.text
            for update in self.updates
            if isinstance(update, UserMessageChunk) and isinstance(update.content, TextContentBlock)
        )

    def message_chunks(self) -> int:
        """How many answer chunks arrived."""
        return sum(isinstance(update, AgentMessageChunk) for update in self.updates)

    def tool_updates(self, call_id: str) -> list[ToolCallStart | ToolCallProgress]:
        """The tool_call and tool_call_update notifications of one call, in order."""
        return [
            update
            for update in self.updates
            if isinstance(update, ToolCallStart | ToolCallProgress)
            and update.tool_call_id == call_id
        ]


@asynccontextmanager
async def acp_agent(
    client: HostClient, cwd: Path, home: Path, *flags: str, env: dict[str, str] | None = None
) -> AsyncIterator[acp.core.ClientSideConnection]:
    """`openclaude acp FLAGS` started in `cwd` (with `env` added to the environment),
    connected to `client`, initialized.

    Its stderr goes to `home/acp-stderr.log`.
    """
    home.mkdir(parents=True, exist_ok=True)
    with (home / "acp-stderr.log").open("wb") as stderr:
        async with acp.spawn_agent_process(
            client,
            sys.executable,
            "-m",
            "openclaude_tui",
            "acp",
            *flags,
            env={**openclaude_env(home), **(env or {})},
            cwd=cwd,
            transport_kwargs={"stderr": stderr.fileno(), "shutdown_timeout": 30.0},
        ) as (conn, _process):
            await conn.initialize(protocol_version=acp.PROTOCOL_VERSION)
            yield conn
