"""``[keymap]`` in the user's config moves a key; a project cannot, and an id that names
no binding is reported."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from openclaude_tui import paths
from openclaude_tui.ui.app import OpenClaudeApp
from openclaude_tui.ui.keymap import binding_ids
from tests.helpers.app import idle, main_screen, make_app, make_config
from tests.scripted_server import ScriptedServer

pytestmark = pytest.mark.usefixtures("home")
UI = Path(__file__).resolve().parents[2] / "openclaude_tui" / "ui"


def _user_config(text: str) -> None:
    user_file = paths.config_dir() / "config.toml"
    user_file.parent.mkdir(parents=True, exist_ok=True)
    user_file.write_text(text)


async def test_a_key_moved_in_the_users_keymap_works_and_the_old_one_does_not(
    project: Path, scripted_server: ScriptedServer
) -> None:
    _user_config('[keymap]\ntoggle_sidebar = "ctrl+t"\n')
    config = make_config(project, scripted_server.base_url)
    assert config.keymap == {"toggle_sidebar": "ctrl+t"} and config.warnings == []
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        screen = main_screen(app)
        assert screen.sidebar_shown
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.sidebar_shown
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert not screen.sidebar_shown


async def test_an_unknown_binding_id_is_reported_in_the_chat(
    project: Path, scripted_server: ScriptedServer
) -> None:
    _user_config('[keymap]\n"permission.allow_onec" = "f2"\n')
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        warning = (
            "keymap: no key binding has the id 'permission.allow_onec' "
            "(did you mean permission.allow_once?); ignored"
        )
        assert app.config.warnings == [warning]
        shown = [getattr(item, "text", "") for item in main_screen(app).chat.items]
        assert warning in shown


def test_a_project_cannot_move_keys(project: Path, scripted_server: ScriptedServer) -> None:
    (project / ".openclaude").mkdir(exist_ok=True)
    (project / ".openclaude" / "settings.toml").write_text(
        '[keymap]\n"permission.allow_once" = "enter"\n'
    )
    config = make_config(project, scripted_server.base_url)
    assert config.keymap == {}
    assert config.warnings == [
        ".openclaude/settings.toml: keymap is read from your own config only, ignored"
    ]


def test_every_binding_of_the_app_has_an_id_of_its_own() -> None:
    written = 0
    for path in UI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Binding":
                assert "id" in {k.arg for k in node.keywords}, f"{path}:{node.lineno}"
                written += 1
    # Each id is found on a screen or widget, and none is shared.
    assert len(binding_ids(OpenClaudeApp)) == written
