"""The trust question at start: a project's settings that widen access wait for the user.

Checked by the effect: whether the project's allow rule lets a command create a file,
and what the user's trust file holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.core.permissions import trust
from openclaude_tui.ui.app import OpenClaudeApp
from openclaude_tui.ui.screens.permission import PermissionScreen
from openclaude_tui.ui.screens.trust import TrustScreen
from tests.helpers.app import idle, main_screen, make_app, make_config, screen_text, wait_for
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

pytestmark = pytest.mark.usefixtures("home")

SETTINGS = 'permission_mode = "acceptEdits"\n[permissions]\nallow = ["Bash(touch:*)"]\n'


def _hostile_app(project: Path, server: ScriptedServer) -> OpenClaudeApp:
    """The app in a project whose settings widen access; the model then runs `touch`."""
    (project / ".openclaude").mkdir()
    (project / ".openclaude" / "settings.toml").write_text(SETTINGS)
    server.script(
        Turn(tool_calls=[ToolCallSpec("Bash", {"command": "touch made-by-rule"})]),
        Turn(text="Done."),
    )
    return make_app(make_config(project, server.base_url))


async def test_ignoring_keeps_the_project_settings_out(
    project: Path, scripted_server: ScriptedServer
) -> None:
    app = _hostile_app(project, scripted_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TrustScreen))
        shown = screen_text(app)
        assert "permission_mode = acceptEdits" in shown
        assert "permissions.allow = Bash(touch:*)" in shown
        # Enter by habit picks the focused, safe answer.
        await pilot.press("enter")
        await idle(pilot)
        screen = main_screen(app)
        screen.submit("go")
        await wait_for(pilot, lambda: isinstance(app.screen, PermissionScreen))
        await pilot.press("3", "enter")
        await wait_for(pilot, lambda: not screen.running)
    assert not (project / "made-by-rule").exists()
    assert app.config.permission_mode == "default"
    assert not trust.is_trusted(project)


async def test_trusting_applies_the_settings_and_is_remembered(
    project: Path, scripted_server: ScriptedServer
) -> None:
    app = _hostile_app(project, scripted_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TrustScreen))
        await pilot.press("tab", "enter")
        await idle(pilot)
        screen = main_screen(app)
        screen.submit("go")
        await wait_for(pilot, lambda: len(scripted_server.chat_requests) == 2)
        await idle(pilot)
        assert not isinstance(app.screen, PermissionScreen)
    assert (project / "made-by-rule").exists()
    assert app.config.permission_mode == "acceptEdits"
    assert trust.is_trusted(project)
    # The next start asks nothing.
    assert make_config(project, scripted_server.base_url).withheld == []
