"""``/help`` lists every key of the main screen and the app, the ones the footer leaves out
(Alt+1/2/3 for the plan offer, Ctrl+C) included."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding

from openclaude_tui.ui.app import OpenClaudeApp
from openclaude_tui.ui.screens.main import MainScreen
from openclaude_tui.ui.widgets.chat_items import PanelItem
from tests.helpers.app import idle, main_screen, make_app, make_config, send
from tests.scripted_server import ScriptedServer

pytestmark = pytest.mark.usefixtures("home")
# How /help writes a key that Textual names otherwise.
SPELLED = {"escape": "Esc"}


def _spelled(key: str) -> str:
    """``ctrl+b`` as /help writes it: ``Ctrl+B``."""
    return "+".join(SPELLED.get(part, part.capitalize()) for part in key.split("+"))


def _bindings() -> list[Binding]:
    found = [*MainScreen.BINDINGS, *OpenClaudeApp.BINDINGS]
    return [binding for binding in found if isinstance(binding, Binding)]


async def test_help_lists_every_key_of_the_main_screen_and_the_app(
    project: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        screen = main_screen(app)
        await send(pilot, "/help")
        panel = screen.chat.items[-1]
        assert isinstance(panel, PanelItem)
        keys = [_spelled(binding.key) for binding in _bindings()]
        assert "Alt+1" in keys and "Ctrl+B" in keys
        missing = [key for key in keys if key not in panel.body]
        assert missing == [], f"/help does not mention {missing}"


def test_the_readme_names_every_key_of_the_main_screen_and_the_app() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    missing = [key for key in map(_spelled, (b.key for b in _bindings())) if key not in readme]
    assert missing == [], f"README.md does not mention {missing}"
