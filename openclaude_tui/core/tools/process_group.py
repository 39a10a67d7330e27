"""Stopping a command's whole process group: SIGTERM, a grace period, then SIGKILL.

Commands run in a session of their own (``start_new_session``), so their group id is the
shell's pid and everything they started can be signalled at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Awaitable, Callable
from typing import Any

# Seconds a stopped command gets between SIGTERM and SIGKILL.
KILL_GRACE = 2.0


def group_alive(pgid: int) -> bool:
    """Whether any process of the group ``pgid`` is still alive."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def signal_group(pgid: int, signum: int) -> None:
    """Send ``signum`` to the group, if it still exists."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


async def stop_group(pgid: int, process: asyncio.subprocess.Process | None) -> None:
    """SIGTERM the group, SIGKILL what is left after a grace period, and reap the shell."""
    signal_group(pgid, signal.SIGTERM)
    try:
        if process is not None:
            await asyncio.wait_for(process.wait(), KILL_GRACE)
        else:
            deadline = time.monotonic() + KILL_GRACE
            while group_alive(pgid) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
    except TimeoutError:
        pass
    finally:
        # Also reached when cancelled: never leave the group running.
        signal_group(pgid, signal.SIGKILL)
    if process is not None:
        await process.wait()


async def spawn_in_group(
    argv: list[str],
    stop: Callable[[asyncio.subprocess.Process], Awaitable[None]],
    **options: Any,
) -> asyncio.subprocess.Process:
    """Start ``argv`` in a process group of its own (``options`` go to the subprocess).

    Cancelled while the process starts, asyncio would kill the group's leader alone and
    orphan whatever it had started: the start is let finish, then ``stop`` ends the group.

    Raises:
        OSError: the program could not be started.
    """
    spawn = asyncio.ensure_future(
        asyncio.create_subprocess_exec(*argv, start_new_session=True, **options)
    )
    try:
        return await asyncio.shield(spawn)
    except asyncio.CancelledError:
        with contextlib.suppress(OSError):
            await stop(await spawn)
        raise
