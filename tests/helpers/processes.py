"""Whether a process is gone: what tests of stopped commands check in the process list."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

# Seconds a killed process may take to disappear on a loaded machine.
BOUND = 30


def gone(pid: int) -> bool:
    """The process no longer exists, not even as a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return not Path(f"/proc/{pid}").exists()
    return False


async def ended(pid: int) -> bool:
    """Wait (boundedly) until ``pid`` is gone or a zombie: killed, if perhaps not yet reaped
    (an orphan is reaped by init, on a loaded machine a moment later)."""
    status = Path(f"/proc/{pid}/status")
    for _ in range(BOUND * 50):
        try:
            if gone(pid) or "zombie" in status.read_text():
                return True
        except FileNotFoundError:
            return True
        await asyncio.sleep(0.02)
    return False
