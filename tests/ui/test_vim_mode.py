"""Vim keys in the prompt: modes shown in the border, motions, operators with counts, visual
mode, undo; Enter still sends, and Esc in normal mode still interrupts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.app import CLOSED_URL, burst, idle, main_screen, make_app, make_config, wait_for
from tests.scripted_server import ScriptedServer, Turn

pytestmark = pytest.mark.usefixtures("home")


async def _vim_prompt(pilot, text: str):  # type: ignore[no-untyped-def]
    screen = main_screen(pilot.app)
    prompt = screen.prompt_input
    prompt.set_vim(True)
    prompt.load_text(text)
    prompt.move_cursor((0, 0))
    await burst(pilot, "escape")
    await wait_for(pilot, lambda: prompt.vim is not None and prompt.vim.mode == "normal")
    return prompt


@pytest.mark.parametrize(
    ("keys", "expected", "cursor"),
    [
        (["w", "w", "x"], "one two hree", (0, 8)),
        (["2", "w", "d", "w"], "one two ", (0, 8)),
        (["d", "w"], "two three", (0, 0)),
        (["c", "w", *"ONE", "escape"], "ONE two three", (0, 2)),
        (["$", "x"], "one two thre", None),
        (["e", "x"], "on two three", (0, 2)),
        (["w", "v", "e", "d"], "one  three", (0, 4)),
        (["A", *"!", "escape"], "one two three!", (0, 13)),
        (["I", *"> ", "escape"], "> one two three", (0, 1)),
        (["x", "x", "u", "u"], "one two three", None),
        (["w", "y", "w", "0", "p"], "otwo ne two three", None),
    ],
)
async def test_normal_mode_edits(
    project: Path, keys: list[str], expected: str, cursor: tuple[int, int] | None
) -> None:
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot)
        prompt = await _vim_prompt(pilot, "one two three")
        await burst(pilot, *keys)
        await wait_for(pilot, lambda: prompt.text == expected)
        if cursor is not None:
            assert prompt.cursor_location == cursor


async def test_line_edits_with_counts(project: Path) -> None:
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot)
        prompt = await _vim_prompt(pilot, "a\nb\nc\nd")
        await burst(pilot, "j", "2", "d", "d")
        await wait_for(pilot, lambda: prompt.text == "a\nd")
        await burst(pilot, "y", "y", "p")
        await wait_for(pilot, lambda: prompt.text == "a\nd\nd")
        await burst(pilot, "k", "o", *"new", "escape")
        await wait_for(pilot, lambda: prompt.text == "a\nd\nnew\nd")
        assert prompt.vim is not None and prompt.vim.mode == "normal"


async def test_the_border_shows_the_mode_and_enter_sends_from_normal_mode(
    project: Path,
) -> None:
    with ScriptedServer([Turn(text="Sent.")]) as server:
        app = make_app(make_config(project, server.base_url))
        async with app.run_test(size=(100, 30)) as pilot:
            await idle(pilot)
            screen = main_screen(app)
            area = screen.query_one("#prompt")
            prompt = await _vim_prompt(pilot, "")
            assert area.border_title == "-- NORMAL --"
            # In normal mode letters are commands, not text.
            await burst(pilot, "j", "k", "i")
            await wait_for(pilot, lambda: area.border_title == "-- INSERT --")
            assert prompt.text == ""
            await burst(pilot, *"hello", "escape", "enter")
            await wait_for(pilot, lambda: len(server.chat_requests) == 1)
        assert server.chat_requests[0].messages[-1]["content"] == "hello"


async def test_vim_is_toggled_by_the_command_and_kept_in_the_config(
    project: Path, home: Path
) -> None:
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot)
        screen = main_screen(app)
        screen.prompt_input.load_text("/vim")
        await burst(pilot, "enter")
        await wait_for(pilot, lambda: screen.prompt_input.vim is not None)
    assert 'editor_mode = "vim"' in (home / "config" / "config.toml").read_text()
    again = make_app(make_config(project, CLOSED_URL))
    async with again.run_test(size=(100, 30)) as pilot:
        await idle(pilot)
        assert main_screen(again).prompt_input.vim is not None
