"""``openclaude acp``: the agent driven by an editor over the Agent Client Protocol on stdio.

Hosts such as Zed start this process and speak JSON-RPC to it (the ``agent-client-protocol``
package does the wire). Each ``session/new`` makes a core ``Session`` for the directory the
host names, with the MCP servers the host offers beside the configured ones, started as print
mode starts one; its id is the id it is saved under, so ``session/load`` (which first replays
the conversation to the host) and ``session/list`` find it later. A ``session/prompt`` runs
one turn whose events stream back as ``session/update`` notifications (``acp_updates``);
whatever the gate would ask goes to the host as ``session/request_permission``, and the
host's answer is the one the gate uses; ``session/cancel`` interrupts the turn.

Standard output belongs to the protocol: nothing else may be written there.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import acp
from acp.helpers import ContentBlock, SessionUpdate
from acp.schema import (
    AgentCapabilities,
    ClientCapabilities,
    EmbeddedResourceContentBlock,
    Implementation,
    InitializeResponse,
    ListSessionsResponse,
    LoadSessionResponse,
    McpCapabilities,
    NewSessionResponse,
    PromptCapabilities,
    PromptResponse,
    ResourceContentBlock,
    SessionCapabilities,
    SessionListCapabilities,
    SetSessionModeResponse,
    StopReason,
    TextContentBlock,
    TextResourceContents,
)

from openclaude_tui import __version__
from openclaude_tui.acp_sessions import AcpServer, editor_servers, saved_transcript, session_page
from openclaude_tui.acp_updates import (
    AcpUpdates,
    decision_of,
    permission_call,
    permission_options,
    session_modes,
)
from openclaude_tui.core.changes.file_change import FileChange
from openclaude_tui.core.events import TurnFinished
from openclaude_tui.core.llm.provider import ProviderError
from openclaude_tui.core.permissions.policy import Decision, PermissionRequest
from openclaude_tui.core.session import Session
from openclaude_tui.core.sessions.call_changes import call_changes
from openclaude_tui.core.sessions.checkpoints import BlobStore, blobs_dir
from openclaude_tui.core.sessions.replay import replay
from openclaude_tui.core.sessions.store import new_session_id
from openclaude_tui.core.sessions.transcript import read_transcript
from openclaude_tui.core.settings.config import Config, ConfigError
from openclaude_tui.core.settings.mcp_servers import merged
from openclaude_tui.core.tomlfile import SettingsFileError
from openclaude_tui.print_mode import EXIT_INTERRUPTED, EXIT_USAGE, start_session
from openclaude_tui.process_guard import guard_secrets, until_exit_signal

log = logging.getLogger("openclaude_tui.acp")

# The session's reasons a turn ended, as the protocol names them.
STOP_REASONS: dict[str, StopReason] = {
    "end_turn": "end_turn",
    "error": "end_turn",
    "length": "max_tokens",
    "max_turns": "max_turn_requests",
    "interrupted": "cancelled",
}

ConfigLoader = Callable[[Path], Config]


@dataclass
class _Conversation:
    """One ACP session: the core session, its update stream and the turn running in it."""

    session: Session
    updates: AcpUpdates
    turn: asyncio.Task[TurnFinished] | None = None
    started: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Why some of the host's MCP servers cannot run: told with the first answer.
    problems: list[str] = field(default_factory=list)


class OpenClaudeAcpAgent:
    """The protocol's agent side, over core sessions made by ``load_config``.

    Args:
        load_config: The settings of a session started in a directory (the command line's
            flags applied); raises ``ConfigError`` or ``SettingsFileError`` when they are wrong.
    """

    def __init__(self, load_config: ConfigLoader) -> None:
        self._load_config = load_config
        self._conn: acp.Client | None = None
        self._conversations: dict[str, _Conversation] = {}

    def on_connect(self, conn: acp.Client) -> None:
        """Keep the connection to the host: updates and permission requests go through it."""
        self._conn = conn

    async def initialize(
        self,
        protocol_version: int,
        client_capabilities: ClientCapabilities | None = None,
        client_info: Implementation | None = None,
        **kwargs: Any,
    ) -> InitializeResponse:
        """Say which protocol version this agent speaks, the prompt content it takes, the MCP
        transports it can reach (stdio always, streamable HTTP; not SSE) and that saved
        sessions can be loaded and listed."""
        return InitializeResponse(
            protocol_version=min(protocol_version, acp.PROTOCOL_VERSION),
            agent_capabilities=AgentCapabilities(
                load_session=True,
                prompt_capabilities=PromptCapabilities(embedded_context=True),
                mcp_capabilities=McpCapabilities(http=True, sse=False),
                session_capabilities=SessionCapabilities(list=SessionListCapabilities()),
            ),
            agent_info=Implementation(name="openclaude", title="OpenClaude", version=__version__),
        )

    async def new_session(
        self, cwd: str, mcp_servers: list[AcpServer] | None = None, **kwargs: Any
    ) -> NewSessionResponse:
        """Make a session for the project at ``cwd`` with the host's MCP servers (started at
        its first prompt, and saved from then on under the id returned)."""
        config = self._config(cwd)
        session_id = new_session_id()
        conversation = self._open(session_id, config, mcp_servers)
        session = conversation.session
        return NewSessionResponse(
            session_id=session_id, modes=session_modes(session.mode, session.available_modes())
        )

    async def load_session(
        self,
        cwd: str,
        session_id: str,
        mcp_servers: list[AcpServer] | None = None,
        **kwargs: Any,
    ) -> LoadSessionResponse:
        """Continue the project's saved session ``session_id``: its conversation is sent to
        the host as updates before this answers, and the next prompt carries it on."""
        config = self._config(cwd)
        path = saved_transcript(config.project_root, session_id)
        if path is None:
            raise acp.RequestError.invalid_params(
                {"sessionId": f"no saved session {session_id!r} in {config.project_root}"}
            )
        try:
            transcript = read_transcript(path)
        except OSError as error:
            raise acp.RequestError.internal_error(
                {"message": f"cannot read the session {session_id}: {error.strerror}"}
            ) from error
        # The session may still be open here (loaded again): it is saved and left first.
        await self._end(session_id)
        conversation = self._open(session_id, config, mcp_servers)
        session = conversation.session
        session.resume(path)
        blobs = BlobStore(blobs_dir(path.parent, session_id))
        conversation.updates.replay(replay(transcript), call_changes(transcript.records, blobs))
        await conversation.updates.flush()
        return LoadSessionResponse(modes=session_modes(session.mode, session.available_modes()))

    async def list_sessions(
        self, cwd: str | None = None, cursor: str | None = None, **kwargs: Any
    ) -> ListSessionsResponse:
        """The saved sessions of the project at ``cwd`` (else where the host started us),
        the most recently changed first."""
        config = self._config(cwd or os.getcwd())
        try:
            sessions, next_cursor = session_page(config.project_root, cursor)
        except ValueError as error:
            raise acp.RequestError.invalid_params({"cursor": str(error)}) from error
        return ListSessionsResponse(sessions=sessions, next_cursor=next_cursor)

    def _config(self, cwd: str) -> Config:
        """The settings of a session in ``cwd`` (a clear error when it cannot be one)."""
        directory = Path(cwd)
        if not directory.is_absolute() or not directory.is_dir():
            raise acp.RequestError.invalid_params({"cwd": f"not an existing directory: {cwd}"})
        try:
            return self._load_config(directory.resolve())
        except (ConfigError, SettingsFileError) as error:
            raise acp.RequestError.invalid_params({"config": str(error)}) from error

    def _open(
        self, session_id: str, config: Config, servers: list[AcpServer] | None
    ) -> _Conversation:
        """A conversation with the host's MCP servers added to the configured ones."""
        specs, problems = editor_servers(servers)
        config.mcp_servers = merged(config.mcp_servers, specs)
        conversation = self._conversation(session_id, config)
        conversation.problems = problems
        self._conversations[session_id] = conversation
        return conversation

    async def set_session_mode(
        self, session_id: str, mode_id: str, **kwargs: Any
    ) -> SetSessionModeResponse:
        """Switch the session's permission mode, as Shift+Tab does in the app."""
        try:
            self._find(session_id).session.set_mode(mode_id)
        except ValueError as error:
            raise acp.RequestError.invalid_params({"modeId": str(error)}) from error
        return SetSessionModeResponse()

    def _conversation(self, session_id: str, config: Config) -> _Conversation:
        async def send(update: SessionUpdate) -> None:
            assert self._conn is not None
            await self._conn.session_update(session_id, update)

        # The session is made below, with this sink: its changes are read when a call ends.
        session: Session | None = None

        def changes() -> list[FileChange]:
            return session.changes if session is not None else []

        updates = AcpUpdates(send, changes, config.project_root)

        async def approve(request: PermissionRequest) -> Decision:
            assert self._conn is not None
            # The call's own tool_call update reaches the host before the question about it.
            await updates.flush()
            response = await self._conn.request_permission(
                session_id,
                permission_call(request, config.project_root),
                permission_options(request),
            )
            return decision_of(response)

        session = Session(config, approve, updates)
        return _Conversation(session, updates)

    async def prompt(
        self, session_id: str, prompt: list[ContentBlock], **kwargs: Any
    ) -> PromptResponse:
        """Run one turn; its events stream as updates, its end is the stop reason."""
        conversation = self._find(session_id)
        async with conversation.lock:
            session = conversation.session
            if not conversation.started:
                for problem in conversation.problems:
                    conversation.updates.say(problem)
                conversation.problems = []
                try:
                    notes = await start_session(session)
                except ProviderError as error:
                    raise acp.RequestError.internal_error({"message": str(error)}) from error
                conversation.started = True
                # Saved under the host's id (a loaded session goes on in its own file).
                session.open_transcript(session_id)
                for note in notes:
                    log.info("%s", note)
            conversation.turn = asyncio.ensure_future(session.run_turn(prompt_text(prompt)))
            try:
                finished = await conversation.turn
            except asyncio.CancelledError:
                finished = TurnFinished("interrupted", "", 0, "cancelled by the client")
            except ProviderError as error:
                raise acp.RequestError.internal_error({"message": str(error)}) from error
            finally:
                conversation.turn = None
                await conversation.updates.flush()
        return PromptResponse(stop_reason=STOP_REASONS[finished.reason])

    async def cancel(self, session_id: str, **kwargs: Any) -> None:
        """Interrupt the session's running turn (its prompt answers "cancelled")."""
        conversation = self._conversations.get(session_id)
        if conversation is not None and conversation.turn is not None:
            conversation.turn.cancel()

    async def close(self) -> None:
        """End every session: turns stopped, transcripts saved, servers and jobs stopped."""
        for session_id in list(self._conversations):
            await self._end(session_id)

    async def _end(self, session_id: str) -> None:
        """End one session (if open): its turn stopped, transcript saved, servers stopped."""
        conversation = self._conversations.pop(session_id, None)
        if conversation is None:
            return
        if conversation.turn is not None:
            conversation.turn.cancel()
        await conversation.session.close()
        await conversation.updates.close()

    def _find(self, session_id: str) -> _Conversation:
        conversation = self._conversations.get(session_id)
        if conversation is None:
            raise acp.RequestError.invalid_params({"sessionId": f"no such session: {session_id}"})
        return conversation


def prompt_text(blocks: list[ContentBlock]) -> str:
    """A prompt's blocks as the one text a turn takes.

    Text is kept as it is; a linked file becomes an ``@path`` mention (read through the gate
    like one the user typed); an embedded text resource is quoted with its address.
    """
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, TextContentBlock):
            parts.append(block.text)
        elif isinstance(block, ResourceContentBlock):
            parts.append(f"@{block.uri.removeprefix('file://')}")
        elif isinstance(block, EmbeddedResourceContentBlock) and isinstance(
            block.resource, TextResourceContents
        ):
            resource = block.resource
            parts.append(f"{resource.uri}:\n```\n{resource.text}\n```")
    return "\n\n".join(part for part in parts if part)


def run_acp(load_config: ConfigLoader) -> int:
    """Check the settings where the host started us, then serve; the exit code.

    The key is kept out of the environment that commands inherit (``guard_secrets``, not
    headless: standard output is the protocol's and is never wrapped); SIGTERM and SIGHUP
    close the sessions as the end of input does.
    """
    try:
        config = load_config(Path(os.getcwd()))
    except (ConfigError, SettingsFileError) as error:
        sys.stderr.write(f"openclaude acp: config error: {error}\n")
        return EXIT_USAGE
    restore_streams = guard_secrets(config, headless=False)
    try:
        return asyncio.run(until_exit_signal(serve(load_config)))
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    finally:
        restore_streams()


async def serve(load_config: ConfigLoader) -> int:
    """Speak the protocol on stdin and stdout until the host closes them; the exit code."""
    agent = OpenClaudeAcpAgent(load_config)
    try:
        # Only part of the protocol's Agent is implemented: the package answers the other
        # methods (fork, resume, config options…) with "method not found".
        await acp.run_agent(cast(acp.Agent, agent))
    finally:
        await agent.close()
    return 0
