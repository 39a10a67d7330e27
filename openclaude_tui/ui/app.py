"""The full-screen app: ``openclaude [PROMPT]`` opens it in the current project."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path, PurePath
from typing import ClassVar

from textual import events
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import TextArea

from openclaude_tui.core.settings.config import Config
from openclaude_tui.core.settings.user_file import remember_setting
from openclaude_tui.ui.exit_signals import EXIT_SIGNALS, install_exit_signals
from openclaude_tui.ui.screens.main import MainScreen
from openclaude_tui.ui.themes import load_themes
from openclaude_tui.ui.type_ahead import TypeAheadApp, TypingTracker

# A second Ctrl+C within this many seconds quits an idle app.
QUIT_WINDOW = 2.0


class OpenClaudeApp(TypeAheadApp):
    """OpenClaude: a chat with a coding agent, its tool calls, and the user's approvals.

    Args:
        config: The session's configuration.
        prompt: Sent as soon as the app starts, when given.
        clock: Monotonic seconds (durations shown, the Ctrl+C window).
        now: The date the agent's system prompt is written with.
        typing: When keys were typed (type-ahead never answers a modal).
        resume: The saved session to continue.
        pick: Open the list of saved sessions at start.
    """

    # The main screen's CSS is listed here: Textual loads a screen's CSS_PATH when the
    # screen is pushed or installed, never for the default screen.
    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss", "screens/main.tcss"]
    TITLE = "OpenClaude"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
        Binding("ctrl+c", "interrupt_or_quit", "Quit", show=False, priority=True, id="ctrl_c"),
    ]

    def __init__(
        self,
        config: Config,
        prompt: str | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        now: datetime | None = None,
        typing: TypingTracker | None = None,
        resume: Path | None = None,
        pick: bool = False,
    ) -> None:
        super().__init__(typing)
        self.config = config
        self.initial_prompt = prompt
        self.resume = resume
        self.pick_session = pick
        self.session_screen: MainScreen | None = None
        self.clock = clock
        self.now = now
        self._quit_pressed: float | None = None
        self._theme_problems = self._register_themes(config.theme)
        if config.keymap:
            from openclaude_tui.ui.keymap import keymap_problems

            self.set_keymap(config.keymap)
            config.warnings += keymap_problems(config.keymap, type(self))

    def _register_themes(self, chosen: str | None) -> list[str]:
        """Add the theme files' themes (the palette's "Change theme" lists them)."""
        loaded = load_themes()
        for theme in loaded.themes:
            self.register_theme(theme)
        problems = loaded.problems
        if chosen:
            if chosen in self.available_themes:
                self.theme = chosen
            else:
                names = ", ".join(sorted(self.available_themes))
                problems.append(f"unknown theme {chosen!r}; the themes are: {names}")
        return problems

    def on_mount(self) -> None:
        """Say which theme files could not be used; end cleanly on SIGTERM and SIGHUP."""
        install_exit_signals(self)
        for problem in self._theme_problems:
            self.notify(problem, severity="warning", timeout=8)
        # Subscribed once the start-up theme is set: only the user's own choices are kept.
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme: Theme) -> None:
        """Keep the theme chosen in the palette or with /theme in the user's config."""
        if theme.name == self.config.theme:
            return
        self.config.theme = theme.name
        problem = remember_setting("theme", theme.name)
        if problem:
            self.notify(f"The theme was not remembered: {problem}", severity="warning")

    def get_default_screen(self) -> Screen[None]:
        self.session_screen = MainScreen(
            self.config,
            self.initial_prompt,
            clock=self.clock,
            now=self.now,
            resume=self.resume,
            pick=self.pick_session,
        )
        return self.session_screen

    @property
    def main_screen(self) -> MainScreen:
        """The session's screen (under any modal)."""
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    async def action_quit(self) -> None:
        """Ctrl+Q: leave, after the learnings offer when ``learn_at_exit`` is set (a second
        Ctrl+Q leaves at once)."""
        screen = self.screen_stack[0] if self.screen_stack else None
        if not (isinstance(screen, MainScreen) and screen.learn_before_quitting()):
            self.exit()

    def action_interrupt_or_quit(self) -> None:
        """Ctrl+C: copy a selection, else interrupt, else clear the prompt, else quit on a
        second press."""
        from openclaude_tui.ui.screens.permission import PermissionAnswer, PermissionScreen

        focused = self.focused
        if isinstance(focused, TextArea) and focused.selected_text:
            focused.action_copy()
            return
        screen = self.screen
        if isinstance(screen, PermissionScreen):
            screen.dismiss(PermissionAnswer("deny", interrupt=True))
            return
        main = self.main_screen
        if main.running:
            main.action_interrupt()
            return
        prompt = main.prompt_input
        if screen is main and prompt.text:
            # As in a shell: a draft is dropped first (Ctrl+Z brings it back); only an
            # empty prompt arms quitting.
            prompt.clear()
            prompt.focus()
            self._quit_pressed = None
            return
        self.quit_on_second_press()

    def quit_on_second_press(self) -> None:
        """Quit when pressed twice within ``QUIT_WINDOW``; the first press says so."""
        now = self.clock()
        if self._quit_pressed is not None and now - self._quit_pressed <= QUIT_WINDOW:
            self.exit(0)
            return
        self._quit_pressed = now
        self.notify("Press Ctrl+C again to quit", timeout=QUIT_WINDOW)

    async def type_ahead(self, event: events.Key) -> None:
        """Keys typed while a modal opened belong to the prompt's draft."""
        await self.main_screen.prompt_input.take_key(event)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            for title, help_text, callback in screen.palette_commands():
                yield SystemCommand(title, help_text, callback)

    def watch_title(self, title: str) -> None:
        # The terminal's window title follows the app's (it says when approval is needed).
        driver = self._driver
        if driver is not None and not self.is_headless:
            driver.write(f"\x1b]2;{title}\x07")


def run_app(
    config: Config, prompt: str | None = None, *, resume: Path | None = None, pick: bool = False
) -> int:
    """Run the app until the user quits; returns the exit code.

    Args:
        config: The settings.
        prompt: Sent as soon as the app starts, when given.
        resume: The saved session to continue.
        pick: Open the list of saved sessions to choose one to continue.
    """
    app = OpenClaudeApp(config, prompt, resume=resume, pick=pick)
    result = app.run() or 0
    screen = app.session_screen
    session_id = screen.session.session_id if screen and screen.session else ""
    if session_id and result in {128 + signum for signum in EXIT_SIGNALS}:
        # The screen's unmount closed the session, which synced its transcript.
        sys.stderr.write(f"openclaude: session saved: {session_id}\n")
    return result
