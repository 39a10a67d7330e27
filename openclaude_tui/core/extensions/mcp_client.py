"""Connections to MCP servers (the ``mcp`` package's client), started in the background.

Each server lives in a task of its own that holds the transport (a process over stdio, or
streamable HTTP) and the client session open, because the ``mcp`` package's contexts must
be left by the task that entered them. Starting is bounded by a timeout; a server that
fails to start, or exits later, is marked ``failed`` with its last error (and the end of
what it wrote to stderr), and never takes the session down with it. Stopping closes the
server's stdin, then ends its process group (the ``mcp`` package's shutdown sequence).
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, TextIO, cast

import anyio

from openclaude_tui.core.events import McpServerStatus
from openclaude_tui.core.extensions.mcp_tool import McpTool, describe_error
from openclaude_tui.core.settings.mcp_servers import McpServerSpec

if TYPE_CHECKING:
    # The mcp package is imported where it is used: through httpx it loads rich, which no
    # core module may bring in at import time.
    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
    from mcp import ClientSession, types
    from mcp.shared.message import SessionMessage

    ReadStream = MemoryObjectReceiveStream[SessionMessage | Exception]

ServerState = Literal["starting", "running", "failed", "stopped"]
# Seconds a server may take to leave once asked to (then the task is cancelled).
STOP_TIMEOUT = 10.0
# Characters of a failed server's stderr kept for its last error.
STDERR_TAIL = 400

# Seconds an HTTP server's answer may take to arrive (a tool may take its time).
HTTP_READ_TIMEOUT = 300.0


def load_mcp() -> None:
    """Import the mcp package now (over a second): the app does it in a thread."""
    import mcp.client.stdio
    import mcp.client.streamable_http  # noqa: F401


class McpConnection:
    """One MCP server: started in the background, its tools, its calls, its end.

    Args:
        spec: The server as configured.
        timeout: Seconds it may take to start and list its tools.
        cwd: Where a stdio server's process starts (the project).
        on_change: Called whenever its state changes.
    """

    def __init__(
        self, spec: McpServerSpec, timeout: float, cwd: Path, on_change: Callable[[], None]
    ) -> None:
        self.spec = spec
        self.timeout = timeout
        self.cwd = cwd
        self.state: ServerState = "stopped"
        self.error = ""
        self.tools: list[McpTool] = []
        self._on_change = on_change
        self._session: ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        self._settled = asyncio.Event()
        self._ended = asyncio.Event()

    def status(self) -> McpServerStatus:
        """Its state, tools and last error."""
        return McpServerStatus(
            self.spec.name,
            self.state,
            self.spec.transport,
            self.spec.source,
            tuple(tool.name for tool in self.tools),
            self.error,
        )

    def start(self) -> None:
        """Start it in the background (nothing when it is already starting or running)."""
        if self._task is not None and not self._task.done():
            return
        self._wake = asyncio.Event()
        self._settled = asyncio.Event()
        self._ended = asyncio.Event()
        self._stopping = False
        self._set("starting", "")
        self._task = asyncio.get_running_loop().create_task(
            self._serve(), name=f"mcp server {self.spec.name}"
        )

    async def wait_started(self) -> None:
        """Wait until it runs or has failed."""
        if self._task is not None:
            await self._settled.wait()

    async def stop(self) -> None:
        """Stop it and wait for its process to be gone (bounded; then the task is cancelled)."""
        task = self._task
        if task is None or task.done():
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), STOP_TIMEOUT)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def call(self, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        """Call one of its tools.

        Raises:
            RuntimeError: the server is not running, or ended during the call.
            McpError: the server could not take the call.
        """
        session = self._session
        if session is None or self.state != "running":
            why = f": {self.error}" if self.error else ""
            raise RuntimeError(f"the server is {self.state}{why}")
        # The server's end is watched beside the call: a request the server never answers
        # because it died would otherwise wait forever.
        calling = asyncio.ensure_future(session.call_tool(name, arguments))
        ending = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({calling, ending}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            calling.cancel()
            raise
        finally:
            ending.cancel()
        if calling.done():
            return calling.result()
        calling.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await calling
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ended.wait(), STOP_TIMEOUT)
        raise RuntimeError(f"the server ended during the call: {self.error or 'stopped'}")

    def _set(self, state: ServerState, error: str) -> None:
        self.state, self.error = state, error
        if state != "running":
            self.tools = []
        self._on_change()

    async def _serve(self) -> None:
        # What a stdio server writes to stderr: kept past the transport's end, for the
        # message of its failure (and out of the terminal the app draws on).
        with tempfile.TemporaryFile("w+", encoding="utf-8") as stderr:
            try:
                await self._connected(cast(TextIO, stderr))
                if not self._stopping:
                    self._set("failed", _with_stderr("the server exited", stderr))
            except Exception as error:
                text = describe_error(error)
                if text == "McpError: Connection closed":
                    text = "the server closed the connection"
                self._set("failed", _with_stderr(text, stderr))
            finally:
                self._session = None
                if self._stopping:
                    self._set("stopped", self.error)
                self._settled.set()
                self._ended.set()

    async def _connected(self, stderr: TextIO) -> None:
        """Connect, list the tools, and serve calls until stopped or the server ends."""
        from mcp import ClientSession

        async with contextlib.AsyncExitStack() as stack:
            read, write = await self._open(stack, stderr)
            read = await self._watched(stack, read)
            session = await stack.enter_async_context(ClientSession(read, write))
            tools = await self._handshake(session)
            self._session = session
            self.tools = tools
            self._set("running", "")
            self._settled.set()
            await self._wake.wait()
            self._session = None

    async def _open(
        self, stack: contextlib.AsyncExitStack, stderr: TextIO
    ) -> tuple[ReadStream, MemoryObjectSendStream[SessionMessage]]:
        """Enter the transport: the server's process, or an HTTP client of its URL."""
        import httpx
        from mcp import StdioServerParameters
        from mcp.client.stdio import stdio_client
        from mcp.client.streamable_http import streamable_http_client

        spec = self.spec
        if spec.transport == "http":
            client = await stack.enter_async_context(
                httpx.AsyncClient(
                    headers=spec.headers,
                    timeout=httpx.Timeout(self.timeout, read=HTTP_READ_TIMEOUT),
                )
            )
            read, write, _ = await stack.enter_async_context(
                streamable_http_client(spec.url, http_client=client)
            )
            return read, write
        params = StdioServerParameters(
            command=spec.command,
            args=list(spec.args),
            # None: the mcp package's short list of safe variables (PATH, HOME …), so the
            # server gets no key of ours; the spec's own variables go on top.
            env=dict(spec.env) or None,
            cwd=self.cwd,
        )
        return await stack.enter_async_context(stdio_client(params, errlog=stderr))

    async def _watched(self, stack: contextlib.AsyncExitStack, read: ReadStream) -> ReadStream:
        """``read``, passed on through a stream whose end wakes the serving task.

        The end of a stdio server's output is how its exit is noticed while it is idle.
        """
        from mcp.shared.message import SessionMessage

        send, receive = anyio.create_memory_object_stream[SessionMessage | Exception](0)
        group = await stack.enter_async_context(anyio.create_task_group())
        # Left before the group waits for the pump: the transport's stream closes later.
        stack.callback(group.cancel_scope.cancel)

        async def pump() -> None:
            try:
                async with send:
                    async for message in read:
                        await send.send(message)
            except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                pass
            finally:
                self._wake.set()

        group.start_soon(pump)
        return receive

    async def _handshake(self, session: ClientSession) -> list[McpTool]:
        """Initialize and list the tools, within the start timeout."""

        with anyio.move_on_after(self.timeout) as scope:
            await session.initialize()
            listed: list[types.Tool] = []
            cursor: str | None = None
            while True:
                page = await session.list_tools(cursor)
                listed += page.tools
                cursor = page.nextCursor
                if not cursor:
                    break
        if scope.cancelled_caught:
            raise TimeoutError(f"did not start within {self.timeout:g} s (setting mcp_timeout)")
        tools: dict[str, McpTool] = {}
        for tool in listed:
            wrapped = McpTool(self.spec.name, tool, self.call)
            tools.setdefault(wrapped.name, wrapped)
        return list(tools.values())


def _with_stderr(error: str, stderr: IO[str] | None) -> str:
    """``error``, and the end of what the server wrote to stderr (if anything)."""
    if stderr is None or stderr.closed:
        return error
    try:
        stderr.flush()
        stderr.seek(0)
        text = stderr.read()
    except (OSError, ValueError):
        return error
    lines = [line for line in text.strip().splitlines() if line.strip()]
    tail = " | ".join(lines)[-STDERR_TAIL:]
    return f"{error}; its stderr: {tail}" if tail else error


class McpManager:
    """All the session's MCP servers: started together, each on its own.

    Args:
        timeout: Seconds each server may take to start.
        cwd: Where stdio servers start.
        on_change: Called whenever a server's state (and so the tools offered) changes.
    """

    def __init__(self, timeout: float, cwd: Path, on_change: Callable[[], None]) -> None:
        self.timeout = timeout
        self.cwd = cwd
        self.connections: dict[str, McpConnection] = {}
        self._on_change = on_change

    def start(self, specs: tuple[McpServerSpec, ...]) -> None:
        """Start the servers not started yet, in the background."""
        for spec in specs:
            if spec.name not in self.connections:
                connection = McpConnection(spec, self.timeout, self.cwd, self._on_change)
                self.connections[spec.name] = connection
                connection.start()

    async def wait_started(self) -> None:
        """Wait until every server runs or has failed (each within its timeout)."""
        await asyncio.gather(*(c.wait_started() for c in self.connections.values()))

    def tools(self) -> list[McpTool]:
        """The tools of the running servers."""
        return [tool for c in self.connections.values() for tool in c.tools]

    def statuses(self) -> tuple[McpServerStatus, ...]:
        """Each server's state, tools and last error, in the order they were configured."""
        return tuple(c.status() for c in self.connections.values())

    async def restart(self, name: str) -> None:
        """Stop the named server (if it runs) and start it again.

        Raises:
            KeyError: no server has that name.
        """
        connection = self.connections[name]
        await connection.stop()
        connection.start()

    async def close(self) -> None:
        """Stop every server; their processes are gone when this returns."""
        await asyncio.gather(*(c.stop() for c in self.connections.values()))
