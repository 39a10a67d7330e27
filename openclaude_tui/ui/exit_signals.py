"""SIGTERM and SIGHUP end the app as quitting does, with exit code 128 + the signal.

Quitting unmounts the main screen, which closes the session: the Bash tool's process
groups (background jobs too) are stopped, and Textual gives the terminal back.
"""

from __future__ import annotations

import asyncio
import signal

from textual.app import App

EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def install_exit_signals(app: App[int]) -> None:
    """Make SIGTERM and SIGHUP quit ``app`` cleanly (call from ``on_mount``)."""
    loop = asyncio.get_running_loop()
    for signum in EXIT_SIGNALS:
        loop.add_signal_handler(signum, app.exit, 128 + signum)
