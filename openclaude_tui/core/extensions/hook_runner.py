"""Running hook commands, and what their answers mean (Claude Code's contract).

A hook runs through ``sh -c`` in the project's directory, in a process group of its own,
with the event as a JSON object on stdin and the same scrubbed environment as the Bash
tool. Exit 0 goes on (stdout is shown); exit 2 blocks (stderr says why); any other code is
an error shown to the user that blocks nothing. A JSON object on stdout with ``decision``
(``"block"`` or ``"approve"``) and ``reason`` is honoured as Claude Code does. What a hook
prints is kept up to ``OUTPUT_LIMIT`` bytes per stream; a hook still running at its
timeout is killed with its whole process group.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openclaude_tui.core.settings.hooks import Hook
from openclaude_tui.core.tools.process_group import signal_group, spawn_in_group

_log = logging.getLogger(__name__)

OUTPUT_LIMIT = 64 * 1024
# Seconds to wait for the pipes to close once the hook's shell has exited (something it
# left in the background may hold them open).
SETTLE = 1.0
# Exit status that blocks, as in Claude Code.
BLOCK_STATUS = 2


@dataclass(frozen=True)
class HookResult:
    """How one hook ended.

    ``status`` is None when it did not end by itself (killed at its timeout, or it could
    not be started: ``problem`` says which).
    """

    hook: Hook
    status: int | None
    stdout: str
    stderr: str
    problem: str = ""

    @property
    def decision(self) -> dict[str, Any]:
        """The JSON object the hook printed on stdout, if any ({} otherwise)."""
        text = self.stdout.strip()
        if not text.startswith("{"):
            return {}
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return {}
        return data if isinstance(data, dict) else {}

    @property
    def blocks(self) -> bool:
        """Exit 2, or ``"decision": "block"`` on stdout."""
        return self.status == BLOCK_STATUS or (
            self.status == 0 and self.decision.get("decision") == "block"
        )

    @property
    def approves(self) -> bool:
        """``"decision": "approve"`` on stdout of a hook that ended well."""
        return self.status == 0 and self.decision.get("decision") == "approve"

    @property
    def reason(self) -> str:
        """Why it blocks: its stderr (exit 2) or its JSON ``reason``."""
        if self.status == BLOCK_STATUS:
            text = self.stderr.strip()
        else:
            text = str(self.decision.get("reason") or "").strip()
        return text or f"blocked by the {self.hook.event} hook `{self.hook.command}`"

    @property
    def failure(self) -> str | None:
        """What to tell the user of a hook that failed without blocking; None when it did not."""
        if self.problem:
            return f"{self.hook.event} hook `{self.hook.command}` {self.problem}"
        if self.status in (0, BLOCK_STATUS):
            return None
        why = self.stderr.strip() or self.stdout.strip() or "no output"
        return f"{self.hook.event} hook `{self.hook.command}` failed (exit {self.status}): {why}"

    @property
    def shown(self) -> str:
        """What a hook that went on printed for the user (its stdout, unless a decision)."""
        if self.status != 0 or self.decision:
            return ""
        return self.stdout.strip()


async def run_hook(
    hook: Hook, payload: dict[str, Any], cwd: Path, env: dict[str, str]
) -> HookResult:
    """Run ``hook`` with ``payload`` on stdin; never raises but for cancellation."""
    try:
        process = await spawn_in_group(
            ["sh", "-c", hook.command],
            _killed,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=cwd,
            env=env,
        )
    except OSError as error:
        return HookResult(hook, None, "", "", f"could not be started: {error}")
    _log.debug("hook %s pid %d: %s", hook.event, process.pid, hook.command)
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    readers = (
        asyncio.create_task(_read_bounded(process.stdout)),
        asyncio.create_task(_read_bounded(process.stderr)),
    )
    try:
        await _feed(process.stdin, json.dumps(payload, ensure_ascii=False).encode())
        try:
            await asyncio.wait_for(process.wait(), hook.timeout)
        except TimeoutError:
            signal_group(process.pid, signal.SIGKILL)
            await process.wait()
            out, err = await _collected(readers)
            return HookResult(
                hook, None, out, err, f"did not finish within {hook.timeout:g} s and was killed"
            )
    except asyncio.CancelledError:
        signal_group(process.pid, signal.SIGKILL)
        for reader in readers:
            reader.cancel()
        await process.wait()
        raise
    # Nothing the hook left behind may outlive it: its group goes too.
    signal_group(process.pid, signal.SIGKILL)
    out, err = await _collected(readers)
    return HookResult(hook, process.returncode, out, err)


async def _feed(stdin: asyncio.StreamWriter, data: bytes) -> None:
    """Write the event and close stdin (a hook that does not read it is fine)."""
    with contextlib.suppress(ConnectionError, BrokenPipeError):
        stdin.write(data)
        await stdin.drain()
    with contextlib.suppress(ConnectionError, BrokenPipeError):
        stdin.close()


async def _killed(process: asyncio.subprocess.Process) -> None:
    """A hook's whole group killed at once (a hook gets no grace period)."""
    signal_group(process.pid, signal.SIGKILL)
    await process.wait()


async def _read_bounded(stream: asyncio.StreamReader) -> bytes:
    """Everything up to ``OUTPUT_LIMIT`` bytes; the rest is read and dropped."""
    kept = bytearray()
    while chunk := await stream.read(65536):
        if len(kept) < OUTPUT_LIMIT:
            kept += chunk[: OUTPUT_LIMIT - len(kept)]
    return bytes(kept)


async def _collected(readers: tuple[asyncio.Task[bytes], asyncio.Task[bytes]]) -> tuple[str, str]:
    done, pending = await asyncio.wait(readers, timeout=SETTLE)
    for reader in pending:
        reader.cancel()
    texts = [
        reader.result().decode("utf-8", "replace") if reader in done else "" for reader in readers
    ]
    return texts[0], texts[1]
