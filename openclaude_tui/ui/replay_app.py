"""The app of ``openclaude replay``: the main screen replaced by ``ReplayScreen``."""

from __future__ import annotations

from textual.screen import Screen

from openclaude_tui.core.sessions.transcript import Transcript
from openclaude_tui.core.settings.config import Config
from openclaude_tui.ui.app import OpenClaudeApp
from openclaude_tui.ui.screens.replay import ReplayScreen


class ReplayApp(OpenClaudeApp):
    """The app playing a saved session (``openclaude replay``).

    Args:
        config: The settings.
        transcript: The saved session.
        name: Its id or file, for the title.
        speed: How many times faster than recorded it starts.
    """

    def __init__(self, config: Config, transcript: Transcript, name: str, speed: float = 1.0):
        super().__init__(config)
        self.transcript = transcript
        self.replay_name = name
        self.speed = speed
        self.title = f"OpenClaude replay · {name}"

    def get_default_screen(self) -> Screen[None]:
        self.session_screen = ReplayScreen(
            self.config, self.transcript, self.replay_name, speed=self.speed
        )
        return self.session_screen

    def action_interrupt_or_quit(self) -> None:
        """Ctrl+C: quit on a second press (a replay has nothing to interrupt)."""
        self.quit_on_second_press()


def run_replay(config: Config, transcript: Transcript, name: str, speed: float = 1.0) -> int:
    """Play ``transcript`` until the user quits; the exit code."""
    return ReplayApp(config, transcript, name, speed).run() or 0
