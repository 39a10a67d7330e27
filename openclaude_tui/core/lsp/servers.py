"""The session's language servers: one per language, started on first use, ended at exit.

A file is served by the server whose extensions name its ending. The server starts the
first time a file of its language is read, edited or asked about, in the background; a
caller waits for it no longer than the server's ``timeout``, so a slow server never holds
an edit up. A command that does not exist is left silently (the language simply has no
diagnostics); a server that dies is restarted on the next use, and the user is told once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openclaude_tui.core.lsp.client import LspClient, LspError
from openclaude_tui.core.lsp.diagnostics import format_diagnostics

_log = logging.getLogger(__name__)

# Starts of one language's server before it is given up for the session.
MAX_STARTS = 3
# Seconds an edit waits for its diagnostics unless the server's table says otherwise.
DEFAULT_TIMEOUT = 5.0


@dataclass(frozen=True)
class LspServerSpec:
    """One language's server.

    Attributes:
        language: The language (the LSP ``languageId`` of its documents).
        command: The command line that starts it, speaking LSP on stdin and stdout.
        extensions: The file name endings it serves (``.py``), lower case.
        timeout: Seconds an edit waits for its diagnostics (the server starting included).
        enabled: False turns the language's server off (the default one too).
    """

    language: str
    command: tuple[str, ...]
    extensions: tuple[str, ...]
    timeout: float = DEFAULT_TIMEOUT
    enabled: bool = True

    @property
    def name(self) -> str:
        """The server's name for people: its program (``pylsp`` of ``python -m pylsp``)."""
        words = self.command
        if len(words) >= 3 and words[1] == "-m":
            return words[2]
        return Path(words[0]).name if words else self.language


class NoServer(Exception):
    """No server serves this file, or it cannot run; the message says which (for the model)."""


class LanguageServers:
    """The language servers of one session.

    Args:
        specs: The servers in use, by language (``effective_servers``).
        root: The project (each server's workspace).
        notice: Tells the user something once (a server that stopped).
    """

    def __init__(
        self,
        specs: Mapping[str, LspServerSpec],
        root: Path,
        notice: Callable[[str], None] = lambda text: None,
    ) -> None:
        self.specs = dict(specs)
        self.root = root
        self._notice = notice
        self._starting: dict[str, asyncio.Task[LspClient]] = {}
        self._starts: dict[str, int] = {}
        # Languages given up on, and why (a missing command says nothing to the user).
        self._given_up: dict[str, str] = {}
        self._told: set[str] = set()

    def spec_for(self, path: Path) -> LspServerSpec | None:
        """The server that serves ``path``, if any."""
        ending = path.suffix.lower()
        return next((spec for spec in self.specs.values() if ending in spec.extensions), None)

    def warm(self, path: Path) -> None:
        """Start the server for ``path`` in the background, if it has one (a Read does this,
        so that the edit that follows finds it ready)."""
        spec = self.spec_for(path)
        if spec is not None and spec.language not in self._given_up:
            with contextlib.suppress(NoServer):
                self._start(spec)

    async def diagnostics_after_change(self, path: Path, text: str) -> str:
        """The errors and warnings the server reports for ``path`` after it changed to
        ``text``, as the block appended to the edit's result.

        "" when no server serves it, when it cannot run, when it did not answer in time
        (a server still starting answers the next edit), or when the file is clean.
        """
        spec = self.spec_for(path)
        if spec is None or spec.language in self._given_up:
            return ""
        try:
            async with asyncio.timeout(spec.timeout):
                diagnostics = await self._publish(spec, path, text)
        except TimeoutError:
            _log.debug("%s gave no diagnostics within %g s", spec.name, spec.timeout)
            return ""
        except (NoServer, LspError):
            return ""
        return format_diagnostics(diagnostics, path, self.root, spec.name, worst=2)

    async def diagnostics(self, path: Path) -> str:
        """Every diagnostic the server reports for ``path`` as it is on disk.

        Raises:
            NoServer: no server serves it, it cannot run, or it did not answer in time.
        """
        spec = self._serving(path)
        text = _read_text(path)
        name = spec.name
        try:
            async with asyncio.timeout(spec.timeout):
                found = await self._publish(spec, path, text)
        except TimeoutError:
            raise NoServer(f"{name} did not answer within {spec.timeout:g} s") from None
        except LspError as error:
            raise NoServer(f"{name} failed: {error}") from None
        block = format_diagnostics(found, path, self.root, name)
        return block or f"{name} reports no problems in {path}."

    async def request(self, path: Path, method: str, params: dict[str, Any]) -> Any:
        """Send ``method`` about ``path`` (synced with the disk first); its answer.

        Raises:
            NoServer: no server serves it, it cannot run, it failed or it did not answer
                in time.
        """
        spec = self._serving(path)
        text = _read_text(path)
        name = spec.name
        try:
            async with asyncio.timeout(spec.timeout):
                client = await self._client(spec)
                client.sync(path, text)
                return await client.request(method, params)
        except TimeoutError:
            raise NoServer(f"{name} did not answer within {spec.timeout:g} s") from None
        except LspError as error:
            raise NoServer(f"{name} failed: {error}") from None

    async def close(self) -> None:
        """Shut every server down (killed when one does not go)."""
        tasks = list(self._starting.values())
        self._starting.clear()
        for task in tasks:
            if not task.done():
                task.cancel()  # a server half started is ended by its own start
            await asyncio.wait([task])
            if not task.cancelled() and task.exception() is None:
                await task.result().close()

    # Starting

    def _serving(self, path: Path) -> LspServerSpec:
        spec = self.spec_for(path)
        if spec is None:
            raise NoServer(
                f"no language server serves {path.suffix or 'these'} files (configure one "
                'with [lsp.LANGUAGE] command = [...] and extensions = [".ext"]; Python uses '
                "pylsp when python-lsp-server is installed)"
            )
        if spec.language in self._given_up:
            raise NoServer(self._given_up[spec.language])
        return spec

    async def _publish(self, spec: LspServerSpec, path: Path, text: str) -> list[dict[str, Any]]:
        """Send ``text`` as the file's content and wait for the diagnostics that follow."""
        client = await self._client(spec)
        uri = path.as_uri()
        document = client.documents.get(uri)
        if document is not None and document.text == text and uri in client.published:
            # Nothing new to tell it, so nothing new would come: what it said stands.
            return list(client.published[uri].diagnostics)
        before = client.publish_count(path)
        client.sync(path, text)
        return await client.wait_published(path, before)

    async def _client(self, spec: LspServerSpec) -> LspClient:
        """The running server of ``spec``'s language, started (or restarted) as needed.

        Raises:
            NoServer: it cannot run.
        """
        task = self._starting.get(spec.language)
        if task is not None and task.done() and not task.cancelled():
            error = task.exception()
            if error is None and task.result().alive:
                return task.result()
            if error is None:
                self._tell_once(spec, f"{spec.command[0]} stopped")
            task = None
        if task is None:
            task = self._start(spec)
        try:
            # Shielded: a caller that stops waiting leaves the server starting for the next.
            return await asyncio.shield(task)
        except (FileNotFoundError, PermissionError) as error:
            self._given_up[spec.language] = f"{spec.command[0]} cannot run: {error}"
            raise NoServer(self._given_up[spec.language]) from None
        except (OSError, LspError) as error:
            self._tell_once(spec, f"{spec.command[0]} did not start: {error}")
            raise NoServer(f"{spec.command[0]} did not start: {error}") from None

    def _start(self, spec: LspServerSpec) -> asyncio.Task[LspClient]:
        task = self._starting.get(spec.language)
        if task is not None and not task.done():
            return task
        count = self._starts[spec.language] = self._starts.get(spec.language, 0) + 1
        if count > MAX_STARTS:
            self._given_up[spec.language] = (
                f"the {spec.language} language server stopped {MAX_STARTS} times; it is not "
                "started again in this session"
            )
            raise NoServer(self._given_up[spec.language])
        _log.debug("starting the %s language server: %s", spec.language, spec.command)
        task = asyncio.create_task(self._started(spec), name=f"lsp start {spec.language}")
        # Its failure is read by the next caller; a warm start may have none.
        task.add_done_callback(lambda done: done.cancelled() or done.exception())
        self._starting[spec.language] = task
        return task

    async def _started(self, spec: LspServerSpec) -> LspClient:
        client = LspClient(spec.command, self.root, spec.language)
        try:
            await client.start()
        except BaseException:
            await client.close()
            raise
        return client

    def _tell_once(self, spec: LspServerSpec, what: str) -> None:
        if spec.language in self._told:
            return
        self._told.add(spec.language)
        self._notice(
            f"the {spec.language} language server {what}; edits of its files go without "
            "diagnostics until it runs again"
        )


def _read_text(path: Path) -> str:
    """The file's text as the server should see it.

    Raises:
        NoServer: it cannot be read as text.
    """
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise NoServer(f"cannot read {path}: {error.strerror or error}") from None
