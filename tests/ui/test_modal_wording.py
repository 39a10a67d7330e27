"""What the permission modal says: hunks counted in words, "Write nothing", no backticks, no
reason asked of the user's own command, and "always allowed" shown with its call."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from openclaude_tui.ui.screens.permission import PermissionScreen, allow_once_label
from openclaude_tui.ui.widgets.chat_items import NoticeItem
from openclaude_tui.ui.widgets.diff_view import DiffView
from openclaude_tui.ui.widgets.tool_card import ToolCardItem
from tests.helpers.app import (
    ask_for_approval,
    idle,
    main_screen,
    make_app,
    make_config,
    screen_text,
    send,
    wait_for,
)
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

pytestmark = pytest.mark.usefixtures("home")

BEFORE = "".join(f"line {n}\n" for n in range(1, 41))
AFTER = (
    BEFORE.replace("line 3\n", "line three\n")
    .replace("line 20\n", "line twenty\n")
    .replace("line 37\n", "line thirty-seven\n")
)


def option_prompts(modal: PermissionScreen) -> list[str]:
    options = modal.query_one("#options", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def test_option_one_counts_the_hunks_in_words() -> None:
    assert allow_once_label(3, 3) == "1  Allow once"
    assert allow_once_label(1, 2) == "1  Allow once (1 of 2 hunks)"
    assert allow_once_label(0, 1) == "1  Write nothing"


async def test_dropping_every_hunk_offers_write_nothing_and_writes_nothing(
    project: Path, scripted_server: ScriptedServer
) -> None:
    (project / "numbers.txt").write_text(BEFORE)
    scripted_server.script(
        Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "numbers.txt"})]),
        Turn(tool_calls=[ToolCallSpec("Write", {"file_path": "numbers.txt", "content": AFTER})]),
        Turn(text="Understood."),
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        modal = await ask_for_approval(pilot, "spell out three numbers")
        assert modal.query_one(DiffView).hunk_count == 3
        await pilot.press("space")
        await pilot.pause()
        assert option_prompts(modal)[0] == "1  Allow once (2 of 3 hunks)"
        await pilot.press("j", "space", "j", "space")
        await pilot.pause()
        assert option_prompts(modal)[0] == "1  Write nothing"
        options = modal.query_one("#options", OptionList)
        assert options.get_option("allow_always").disabled, "nothing to always allow"
        await pilot.press("2")
        assert app.screen is modal
        await pilot.press("1")
        await idle(pilot)
    assert (project / "numbers.txt").read_text() == BEFORE
    assert not (project / ".openclaude" / "settings.local.toml").exists()
    assert "nothing was written" in scripted_server.tool_results()[-1]


async def test_the_always_rule_shows_without_backticks_and_its_notice_follows_its_call(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(
        Turn(
            tool_calls=[
                ToolCallSpec("Bash", {"command": "touch first.txt"}),
                ToolCallSpec("Bash", {"command": "mkdir made"}),
            ]
        ),
        Turn(text="Done."),
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        modal = await ask_for_approval(pilot, "make a file and a folder")
        assert "Always allow Bash(touch:*) in this project" in screen_text(app)
        assert "`" not in screen_text(app)
        await pilot.press("2")
        await wait_for(pilot, lambda: app.screen is not modal)
        await wait_for(pilot, lambda: isinstance(app.screen, PermissionScreen))
        await pilot.press("1")
        await idle(pilot)
        items = main_screen(app).chat.items
        shown = [
            item.call_id if isinstance(item, ToolCardItem) else item.text
            for item in items
            if isinstance(item, ToolCardItem | NoticeItem)
        ]
    assert shown == ["call_1_0", "Always allowed from now on: Bash(touch:*)", "call_1_1"]
    assert (project / "first.txt").exists() and (project / "made").is_dir()


async def test_denying_the_users_own_command_asks_no_reason(
    project: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await send(pilot, "!touch made.txt")
        await wait_for(pilot, lambda: isinstance(app.screen, PermissionScreen))
        modal = app.screen
        assert isinstance(modal, PermissionScreen)
        await pilot.press("3")
        await idle(pilot)
        assert app.screen is not modal
        assert not modal.asking_reason
        assert main_screen(app).cards["user-shell-1"].state == "denied"
        assert "Reason for the model" not in screen_text(app)
    assert not (project / "made.txt").exists()
