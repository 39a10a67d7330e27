"""The prompt under fast typing: keys in one burst keep their order, Enter on a completion
runs a command typed in full, Ctrl+C clears a draft before it offers to quit."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.ui.app import OpenClaudeApp
from openclaude_tui.ui.screens.models import ModelScreen
from openclaude_tui.ui.widgets.chat_items import NoticeItem, PanelItem
from tests.helpers.app import (
    CLOSED_URL,
    burst,
    idle,
    main_screen,
    make_app,
    make_config,
    wait_for,
)
from tests.scripted_server import ScriptedServer

pytestmark = pytest.mark.usefixtures("home")


async def test_keys_in_one_burst_are_applied_in_order(project: Path) -> None:
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        prompt = main_screen(app).prompt_input
        # Backspace after "b" removes "b", not the "c" typed after it; Ctrl+U empties the
        # line typed so far, not what follows; Ctrl+J breaks the line where it was pressed.
        await burst(pilot, *"ab", "backspace", "c", "ctrl+u", *"de", "ctrl+j", *"fg")
        await wait_for(pilot, lambda: prompt.text == "de\nfg")
        await burst(pilot, "backspace", "backspace", "backspace", *"xy", "ctrl+j", "z")
        await wait_for(pilot, lambda: prompt.text == "dexy\nz")


async def test_enter_runs_a_command_typed_in_full_not_the_highlighted_longer_one(
    project: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        screen = main_screen(app)
        assert screen.session is not None and screen.session.mode == "default"
        # "/mode" also starts "/model", which comes first in the list.
        await pilot.press(*"/mode")
        assert screen.query_one("#completions").has_class("-open")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ModelScreen)
        assert screen.session.mode == "acceptEdits"
        assert screen.prompt_input.text == ""


async def test_a_command_typed_in_one_burst_runs_itself(
    project: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        screen = main_screen(app)
        # The list opens at "/" (with /help first); the rest arrives before it follows.
        await pilot.press("/")
        await burst(pilot, *"clear", "enter")

        def cleared() -> bool:
            notices = [i.text for i in screen.chat.items if isinstance(i, NoticeItem)]
            return notices[-1:] == ["New conversation"]

        await wait_for(pilot, cleared)
        assert not any(isinstance(item, PanelItem) for item in screen.chat.items)  # no /help
        assert screen.prompt_input.text == ""


async def test_ctrl_c_clears_a_draft_before_it_offers_to_quit(project: Path) -> None:
    clock = [100.0]
    app = OpenClaudeApp(make_config(project, CLOSED_URL), clock=lambda: clock[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        prompt = main_screen(app).prompt_input
        await pilot.press(*"half a thought")
        await pilot.press("ctrl+c")
        assert prompt.text == ""
        assert not any("again to quit" in n.message for n in app._notifications)
        # The draft's removal can be undone, as any edit.
        await pilot.press("ctrl+z")
        assert prompt.text == "half a thought"
        await pilot.press("ctrl+c")
        await pilot.press("ctrl+c")  # the prompt is empty now: this arms quitting
        assert app.is_running
        assert any("again to quit" in n.message for n in app._notifications)
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_code == 0


async def test_ctrl_g_brings_the_editors_text_back_unsent(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text(
        '#!/bin/sh\ncat "$1" > "$1.seen"\nprintf "%s\\n" "written in the editor" > "$1"\n'
    )
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    with ScriptedServer() as server:
        app = make_app(make_config(project, server.base_url))
        async with app.run_test(size=(120, 40)) as pilot:
            await idle(pilot)
            prompt = main_screen(app).prompt_input
            await burst(pilot, *"draft", "ctrl+g")
            await wait_for(pilot, lambda: prompt.text == "written in the editor")
            assert server.chat_requests == []
        # The text went to the editor in a private file, which is gone afterwards.
        seen = list((tmp_path / "home").rglob("prompt-*.md.seen"))
        assert [path.read_text() for path in seen] == ["draft"]
        assert list((tmp_path / "home").rglob("prompt-*.md")) == []


async def test_ctrl_g_without_an_editor_says_what_to_set(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        prompt = main_screen(app).prompt_input
        await burst(pilot, *"keep me", "ctrl+g")
        await wait_for(
            pilot,
            lambda: any("set VISUAL or EDITOR" in n.message for n in app._notifications),
        )
        assert prompt.text == "keep me"
