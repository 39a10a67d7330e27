"""Helpers of the app's tests: building the app, waiting for it, reading the screen, and the
calls the app's tests script on the `project` fixture."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.pilot import Pilot

from openclaude_tui.core.settings.config import Config, Overrides, load_config
from openclaude_tui.ui.app import OpenClaudeApp
from openclaude_tui.ui.screens.main import MainScreen
from openclaude_tui.ui.screens.permission import PermissionScreen
from openclaude_tui.ui.screens.review import ReviewScreen
from openclaude_tui.ui.type_ahead import TypingTracker
from openclaude_tui.ui.widgets.chat_items import NoticeItem, PanelItem
from tests.scripted_server import ToolCallSpec, Turn

READ = ToolCallSpec("Read", {"file_path": "app.py"})
"""A scripted read of the `project` fixture's app.py."""
EDIT = ToolCallSpec(
    "Edit", {"file_path": "app.py", "old_string": "LIMIT = 10", "new_string": "LIMIT = 20"}
)
"""A scripted edit of the `project` fixture's app.py (LIMIT 10 becomes 20)."""
COUNTED_TURNS = [
    Turn(tool_calls=[READ], prompt_tokens=1_200),
    Turn(text="LIMIT is ten.", prompt_tokens=1_350),
]
"""A read of app.py and an answer, the server counting 1,200 and 1,350 prompt tokens."""

FIXED_NOW = datetime(2026, 1, 15, 9, 30)
# A port where nothing listens (discard): connecting is refused at once.
CLOSED_URL = "http://127.0.0.1:9/v1"


def make_config(project: Path, base_url: str, **overrides: object) -> Config:
    """The configuration of a session in ``project`` against ``base_url``."""
    options: dict[str, object] = {"base_url": base_url, "model": "scripted-model"}
    options.update(overrides)
    return load_config(project, Overrides(**options))  # type: ignore[arg-type]


def write_user_config(home: Path, text: str) -> None:
    """Write the user's ``config.toml`` under ``home`` (an OPENCLAUDE_HOME)."""
    folder = home / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")


def unhurried() -> Callable[[], float]:
    """A clock for the key tracker on which ten seconds pass at every reading: each key
    comes after a pause, as from a user who reads a modal before answering it."""
    ticks = itertools.count(0.0, 10.0)
    return lambda: next(ticks)


class HandClock:
    """Seconds (for a ``TypingTracker``) that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass."""
        self.now += seconds


def make_app(
    config: Config,
    prompt: str | None = None,
    typing: TypingTracker | None = None,
    *,
    resume: Path | None = None,
    pick: bool = False,
) -> OpenClaudeApp:
    """The app with a fixed clock and date (and by default an unhurried typist); ``resume``
    and ``pick`` are ``--resume ID`` and ``--resume`` alone."""
    typing = typing or TypingTracker(clock=unhurried())
    return OpenClaudeApp(
        config,
        prompt,
        clock=lambda: 1000.0,
        now=FIXED_NOW,
        typing=typing,
        resume=resume,
        pick=pick,
    )


async def wait_for(
    pilot: Pilot[object], condition: Callable[[], object], limit: float = 15
) -> None:
    """Let the app run until ``condition()`` is true (fails after ``limit`` seconds)."""
    waited = 0.0
    while not condition():
        if waited >= limit:
            raise AssertionError(f"the app never reached: {condition}")
        await pilot.pause(0.05)
        waited += 0.05
    main_screen(pilot.app).chat.flush()
    await pilot.pause(0.01)


async def wait_to_show(pilot: Pilot[object], *texts: str) -> str:
    """Let the app run until the screen shows every one of ``texts``; the screen's text."""
    try:
        await wait_for(pilot, lambda: all(text in screen_text(pilot.app) for text in texts))
    except AssertionError:
        # What the screen showed instead says why.
        missing = [text for text in texts if text not in screen_text(pilot.app)]
        raise AssertionError(f"never shown: {missing}\n{screen_text(pilot.app)}") from None
    return screen_text(pilot.app)


def main_screen(app: object) -> MainScreen:
    """The app's main screen."""
    assert isinstance(app, OpenClaudeApp)
    return app.main_screen


def screen_text(app: object) -> str:
    """What the terminal shows, as plain text."""
    assert isinstance(app, App)
    return "\n".join(strip.text.rstrip() for strip in app.screen._compositor.render_strips())


def notices(app: object) -> list[str]:
    """The texts of the chat's notices, oldest first."""
    return [item.text for item in main_screen(app).chat.items if isinstance(item, NoticeItem)]


def chat_lines(app: object) -> list[str]:
    """The lines the chat pane shows now, as plain text."""
    chat = main_screen(app).chat
    return [chat.render_line(y).text.rstrip() for y in range(chat.size.height)]


async def idle(pilot: Pilot[object]) -> None:
    """Wait until the session is started (or failed) and no turn runs."""
    screen = main_screen(pilot.app)

    def settled() -> bool:
        session = screen.session
        if session is None or screen.running:
            return False
        worker_running = any(
            worker.group == "connect" and worker.is_running for worker in screen.workers
        )
        return not worker_running

    await wait_for(pilot, settled)


async def send(pilot: Pilot[object], text: str) -> None:
    """Type ``text`` in the prompt and press Enter."""
    screen = main_screen(pilot.app)
    screen.prompt_input.focus()
    screen.prompt_input.load_text(text)
    await pilot.press("enter")


async def converse(pilot: Pilot[object], prompt: str) -> None:
    """Once the session is ready, send ``prompt`` and wait until its turn has ended."""
    await idle(pilot)
    await send(pilot, prompt)
    await idle(pilot)


async def cost_after(pilot: Pilot[object], prompt: str) -> PanelItem:
    """Once the session is ready, run a turn with ``prompt``, then ``/cost``; its panel."""
    await converse(pilot, prompt)
    screen = main_screen(pilot.app)
    await send(pilot, "/cost")
    await wait_for(pilot, lambda: isinstance(screen.chat.items[-1], PanelItem))
    panel = screen.chat.items[-1]
    assert isinstance(panel, PanelItem)
    return panel


async def ask_for_approval(pilot: Pilot[object], prompt: str) -> PermissionScreen:
    """Once the session is ready, send ``prompt`` and wait for the permission modal."""
    await idle(pilot)
    await send(pilot, prompt)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PermissionScreen))
    modal = pilot.app.screen
    assert isinstance(modal, PermissionScreen)
    return modal


async def burst(pilot: Pilot[object], *keys: str) -> None:
    """Send ``keys`` in one go, as a terminal delivers what arrived in one read, then let the
    app handle them. Each is one character or a key name (``"backspace"``, ``"ctrl+u"``)."""
    driver = pilot.app._driver
    assert driver is not None
    for key in keys:
        if len(key) == 1:
            name = key if key.isalnum() else _character_to_key(key)
            event = events.Key(name, key)
        else:
            event = events.Key(key, None)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


async def open_review(pilot: Pilot[object], argument: str = "worktree") -> ReviewScreen:
    """Once the session is ready, run ``/diff argument`` and wait until its diffs are shown."""
    await idle(pilot)
    await send(pilot, f"/diff {argument}")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    await screen.loaded.wait()
    await pilot.pause()
    return screen
