"""What the ``openclaude`` process does for itself: keep the key in, end cleanly on a signal.

* The API key leaves the process title first (``process_title``), then ``os.environ`` (so
  no child inherits it), and is masked in the log and in what print mode writes.
* SIGTERM and SIGHUP end a print-mode run like an interrupt: the turn is cancelled, the
  Bash tool's processes (background jobs too) are stopped, and the exit code is
  128 + the signal's number (143, 129).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from openclaude_tui.core.secret_env import (
    RedactingFilter,
    RedactingStream,
    is_secret_name,
    real_secrets,
)
from openclaude_tui.core.settings.config import Config, secret_values
from openclaude_tui.core.settings.values import fail

EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def read_key_file(path: str, *, given_key: bool) -> str:
    """The key in ``path``, stripped.

    Raises:
        ConfigError: the file cannot be read or is empty, or ``--api-key`` was also given.
    """
    where = "command line: --api-key-file"
    if given_key:
        raise fail(where, "give either --api-key or --api-key-file, not both", show=False)
    try:
        key = Path(path).expanduser().read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a UTF-8 text file"
        raise fail(where, f"cannot read {path}: {reason}", show=False) from None
    if not key:
        raise fail(where, f"{path} is empty; expected the API key", show=False)
    return key


def guard_secrets(config: Config, *, headless: bool) -> Callable[[], None]:
    """Keep the key out of child processes, the log, and (headless) stdout and stderr.

    Returns:
        What puts stdout and stderr back (call it when the run is over).
    """
    streams = (sys.stdout, sys.stderr)

    def restore() -> None:
        sys.stdout, sys.stderr = streams

    values = secret_values(config)
    hidden = real_secrets(values)
    for name in list(os.environ):
        value = os.environ[name]
        if is_secret_name(name, config.scrub_env) or any(s in value for s in hidden):
            del os.environ[name]
    if not hidden:
        return restore
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter(hidden))
    if headless:
        sys.stdout = RedactingStream(sys.stdout, hidden)
        sys.stderr = RedactingStream(sys.stderr, hidden)
    return restore


async def until_exit_signal(run: Coroutine[Any, Any, int]) -> int:
    """Await ``run``; SIGTERM or SIGHUP cancel it, and the code becomes 128 + the signal.

    ``run`` must clean up when cancelled (print mode closes its agent, which stops the
    Bash tool's process groups).
    """
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(run)
    received: list[int] = []

    def on_signal(signum: int) -> None:
        # The first signal cancels; a second must not cut the clean-up short.
        if not received:
            received.append(signum)
            task.cancel()

    for signum in EXIT_SIGNALS:
        loop.add_signal_handler(signum, on_signal, signum)
    try:
        code = await task
    except asyncio.CancelledError:
        code = 1
    finally:
        for signum in EXIT_SIGNALS:
            loop.remove_signal_handler(signum)
    return 128 + received[0] if received else code
