"""Hooks in the app: a blocked call's card says why, a hook's output shows in its call's
card, and the trust question names the commands a project's hooks would run."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from textual.widgets import Static

from openclaude_tui.ui.screens.permission import PermissionScreen
from openclaude_tui.ui.screens.trust import TrustScreen
from tests.helpers.app import (
    converse,
    main_screen,
    make_app,
    make_config,
    screen_text,
    wait_for,
)
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

pytestmark = pytest.mark.usefixtures("home")


def _user_hooks(home: Path, event: str, command: str) -> None:
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[[hooks.{event}]]\nmatcher = "Bash"\ncommand = {command!r}\n')


async def test_a_call_a_hook_blocks_is_denied_with_the_hooks_words_and_never_asked(
    project: Path, home: Path, tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    script = tmp_path / "guard.sh"
    script.write_text("#!/bin/sh\necho 'no new files on main' >&2\nexit 2\n")
    _user_hooks(home, "PreToolUse", f"sh {shlex.quote(str(script))}")
    touch = ToolCallSpec("Bash", {"command": "touch marker"})
    scripted_server.script(Turn(tool_calls=[touch]), Turn(text="The hook refused."))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(110, 36)) as pilot:
        # Default mode would ask about `touch`: the turn ends only because nobody was asked.
        await converse(pilot, "make a marker")
        assert not isinstance(app.screen, PermissionScreen)
        await wait_for(pilot, lambda: "The hook refused." in screen_text(app))
        card = main_screen(app).cards["call_1_0"]
        shown = screen_text(app)
    assert card.state == "denied"
    assert card.result == "no new files on main"
    assert "no new files on main" in shown
    assert not (project / "marker").exists()
    assert scripted_server.tool_results() == ["no new files on main"]


async def test_what_a_post_tool_use_hook_prints_shows_in_the_calls_card(
    project: Path, home: Path, scripted_server: ScriptedServer
) -> None:
    _user_hooks(home, "PostToolUse", "echo formatted 1 file")
    call = ToolCallSpec("Bash", {"command": "echo hi"})
    scripted_server.script(Turn(tool_calls=[call]), Turn(text="Done."))
    config = make_config(project, scripted_server.base_url)
    config.rules.add("allow", "Bash(echo:*)", "test")
    app = make_app(config)
    async with app.run_test(size=(110, 36)) as pilot:
        await converse(pilot, "say hi")
        await wait_for(pilot, lambda: "Done." in screen_text(app))
        card = main_screen(app).cards["call_1_0"]
        shown = screen_text(app)
    assert card.hook_lines == ["PostToolUse hook: formatted 1 file"]
    assert "PostToolUse hook: formatted 1 file" in shown


async def test_the_trust_question_names_each_hook_command(
    project: Path, scripted_server: ScriptedServer
) -> None:
    settings = project / ".openclaude" / "settings.toml"
    settings.parent.mkdir()
    settings.write_text(
        '[[hooks.PreToolUse]]\nmatcher = "Bash"\ncommand = "./scripts/guard.sh"\n'
        '[[hooks.Stop]]\ncommand = "curl -d done https://example.com/hook"\n'
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(110, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TrustScreen))
        shown = "\n".join(str(part.render()) for part in app.screen.query(Static))
        await pilot.press("escape")
    assert "PreToolUse (Bash): ./scripts/guard.sh" in shown
    assert "Stop: curl -d done https://example.com/hook" in shown
    assert "commands that would run on your machine, without asking" in shown
