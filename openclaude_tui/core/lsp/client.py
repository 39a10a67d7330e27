"""A small Language Server Protocol client: JSON-RPC 2.0 over a server's stdin and stdout.

Hand-written rather than pygls's client: the agent sends four requests and two
notifications and reads one notification, and it must decide itself how long it waits
for each, what a dead server means and how the process ends. The framing is the LSP base
protocol: ``Content-Length: N`` headers, a blank line, then N bytes of UTF-8 JSON.

Positions are sent and read as the protocol counts them (lines and characters from 0);
characters are taken as code points, which is exact for ASCII lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_log = logging.getLogger(__name__)

# A message bigger than this is a broken server, not an answer.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# How long a polite shutdown may take before the process is killed.
SHUTDOWN_SECONDS = 2.0


class LspError(Exception):
    """The server cannot answer: it did not start, it died, or it answered with an error."""


@dataclass
class Document:
    """A file the server was told about: what it was sent last, and its version."""

    text: str
    version: int = 1


@dataclass
class Published:
    """The diagnostics last published for one document, and how many times it published."""

    diagnostics: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0


class LspClient:
    """One running language server.

    Args:
        command: The server's command line (``["pylsp"]``).
        root: The project, sent as the workspace root.
        language_id: The ``languageId`` of the documents opened (``python``).
    """

    def __init__(self, command: Sequence[str], root: Path, language_id: str) -> None:
        self.command = list(command)
        self.root = root
        self.language_id = language_id
        self.documents: dict[str, Document] = {}
        self.published: dict[str, Published] = {}
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._next_id = 0
        self._changed = asyncio.Condition()

    @property
    def alive(self) -> bool:
        """Whether the process runs and its output is still being read."""
        return (
            self._process is not None
            and self._process.returncode is None
            and self._reader is not None
            and not self._reader.done()
        )

    async def start(self) -> None:
        """Start the process and initialize it.

        Raises:
            FileNotFoundError: the command does not exist.
            OSError: it cannot be started.
            LspError: it died or refused to initialize.
        """
        self._process = await asyncio.create_subprocess_exec(
            *self.command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            cwd=self.root,
            # Its own process group, so that ending it ends what it started too.
            start_new_session=True,
        )
        self._reader = asyncio.create_task(self._read_loop(), name=f"lsp {self.command[0]}")
        root_uri = self.root.as_uri()
        await self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root_uri,
                "rootPath": str(self.root),
                "workspaceFolders": [{"uri": root_uri, "name": self.root.name}],
                "capabilities": {
                    "textDocument": {
                        "publishDiagnostics": {"relatedInformation": False},
                        "synchronization": {"didSave": False},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                    },
                    "workspace": {"workspaceFolders": True},
                },
                "clientInfo": {"name": "openclaude"},
            },
        )
        self.notify("initialized", {})

    async def request(self, method: str, params: dict[str, Any]) -> Any:
        """Send a request and wait for its answer (the caller bounds the wait).

        Raises:
            LspError: the server died or answered with an error.
        """
        self._next_id += 1
        number = self._next_id
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[number] = future
        try:
            self._send({"jsonrpc": "2.0", "id": number, "method": method, "params": params})
            return await future
        finally:
            self._pending.pop(number, None)

    def notify(self, method: str, params: dict[str, Any]) -> None:
        """Send a notification (no answer comes).

        Raises:
            LspError: the server is not running.
        """
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def sync(self, path: Path, text: str) -> None:
        """Tell the server the document's current text (opened the first time).

        Raises:
            LspError: the server is not running.
        """
        uri = path.as_uri()
        document = self.documents.get(uri)
        if document is None:
            self.documents[uri] = Document(text)
            self.notify(
                "textDocument/didOpen",
                {
                    "textDocument": {
                        "uri": uri,
                        "languageId": self.language_id,
                        "version": 1,
                        "text": text,
                    }
                },
            )
        elif document.text != text:
            document.text = text
            document.version += 1
            self.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": document.version},
                    "contentChanges": [{"text": text}],
                },
            )

    def publish_count(self, path: Path) -> int:
        """How many times the server has published diagnostics for ``path``."""
        published = self.published.get(path.as_uri())
        return published.count if published is not None else 0

    async def wait_published(self, path: Path, after: int) -> list[dict[str, Any]]:
        """The diagnostics of the first publication for ``path`` after the ``after``-th
        (the caller bounds the wait).

        Raises:
            LspError: the server died before publishing.
        """
        uri = path.as_uri()
        async with self._changed:
            while self.publish_count(path) <= after:
                if not self.alive:
                    raise LspError(f"{self.command[0]} stopped")
                await self._changed.wait()
            return list(self.published[uri].diagnostics)

    async def close(self) -> None:
        """Ask the server to shut down, then end the process (killed if it lingers)."""
        process = self._process
        if process is None:
            return
        if self.alive:
            with contextlib.suppress(LspError, TimeoutError, OSError):
                await asyncio.wait_for(self.request("shutdown", {}), SHUTDOWN_SECONDS)
                self.notify("exit", {})
        if process.returncode is None:
            try:
                await asyncio.wait_for(process.wait(), SHUTDOWN_SECONDS)
            except TimeoutError:
                # Its own group (start_new_session): whatever it started goes with it.
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                await process.wait()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        self._fail_pending("the language server was shut down")

    # The wire

    def _send(self, message: dict[str, Any]) -> None:
        process = self._process
        if process is None or process.stdin is None or process.returncode is not None:
            raise LspError(f"{self.command[0]} is not running")
        body = json.dumps(message, ensure_ascii=False).encode()
        try:
            process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        except (BrokenPipeError, ConnectionResetError, RuntimeError) as error:
            raise LspError(f"{self.command[0]} stopped reading: {error}") from None

    async def _read_loop(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        stdout = self._process.stdout
        try:
            while True:
                message = await _read_message(stdout)
                if message is None:
                    break
                await self._dispatch(message)
        except (LspError, ValueError, OSError) as error:
            _log.debug("language server %s: %s", self.command[0], error)
        finally:
            self._fail_pending(f"{self.command[0]} stopped")
            async with self._changed:
                self._changed.notify_all()

    async def _dispatch(self, message: dict[str, Any]) -> None:
        if "method" not in message:
            future = self._pending.get(message.get("id", -1))
            if future is None or future.done():
                return
            if "error" in message:
                error = message["error"] or {}
                future.set_exception(LspError(str(error.get("message") or error)))
            else:
                future.set_result(message.get("result"))
            return
        if "id" in message:
            # A request from the server (configuration, progress): an empty answer will do.
            with contextlib.suppress(LspError):
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            return
        if message["method"] == "textDocument/publishDiagnostics":
            params = message.get("params") or {}
            uri = str(params.get("uri", ""))
            document = self.documents.get(uri)
            version = params.get("version")
            if isinstance(version, int) and document is not None and version < document.version:
                return  # about a text the document no longer has
            published = self.published.setdefault(uri, Published())
            published.diagnostics = list(params.get("diagnostics") or [])
            published.count += 1
            async with self._changed:
                self._changed.notify_all()

    def _fail_pending(self, why: str) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(LspError(why))


async def _read_message(stream: asyncio.StreamReader) -> dict[str, Any] | None:
    """The next message, or None at the end of the stream.

    Raises:
        LspError: the framing is broken.
        ValueError: the body is not JSON.
    """
    length: int | None = None
    while True:
        line = await stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None or not 0 <= length <= MAX_MESSAGE_BYTES:
        raise LspError(f"a message without a usable Content-Length ({length})")
    body = await stream.readexactly(length)
    message = json.loads(body)
    if not isinstance(message, dict):
        raise LspError("a message that is not a JSON object")
    return message
