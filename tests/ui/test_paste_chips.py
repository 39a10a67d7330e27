"""Large pastes show as a chip in the prompt, and what is sent is the full text."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

from tests.helpers.app import idle, main_screen, make_app, make_config, wait_for
from tests.scripted_server import ScriptedServer, Turn

pytestmark = pytest.mark.usefixtures("home")

LOG = "\n".join(f"line {n}: ERROR something failed at step {n}" for n in range(1, 43))


async def _paste(pilot: Pilot[object], text: str) -> None:
    """Paste ``text`` as the terminal delivers a bracketed paste."""
    driver = pilot.app._driver
    assert driver is not None
    event = events.Paste(text)
    event.set_sender(pilot.app)
    driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


async def test_a_long_paste_shows_a_chip_and_is_sent_in_full(project: Path) -> None:
    with ScriptedServer([Turn(text="Step 7 fails first.")]) as server:
        app = make_app(make_config(project, server.base_url))
        async with app.run_test(size=(120, 40)) as pilot:
            await idle(pilot)
            prompt = main_screen(app).prompt_input
            prompt.focus()
            await pilot.press(*"why? ")
            await _paste(pilot, LOG)
            await pilot.press(*" thanks")
            await wait_for(pilot, lambda: prompt.text.endswith("thanks"))
            assert prompt.text == "why? [Pasted text #1 +42 lines] thanks"
            await pilot.press("enter")
            await wait_for(pilot, lambda: not server.remaining and not main_screen(app).running)
            assert prompt.text == ""
            # The next paste starts again at #1.
            await _paste(pilot, LOG)
            await wait_for(pilot, lambda: bool(prompt.text))
            assert prompt.text == "[Pasted text #1 +42 lines]"
        request = server.chat_requests[0]
    assert request.messages[-1]["content"] == f"why? {LOG} thanks"


async def test_a_long_single_line_paste_counts_its_characters(project: Path) -> None:
    app = make_app(make_config(project, "http://127.0.0.1:9/v1"))
    async with app.run_test(size=(120, 40)) as pilot:
        prompt = main_screen(app).prompt_input
        prompt.focus()
        await _paste(pilot, "x" * 1500)
        await wait_for(pilot, lambda: bool(prompt.text))
        assert prompt.text == "[Pasted text #1 1,500 chars]"
        assert prompt.full_text == "x" * 1500


async def test_a_short_paste_is_inserted_as_it_is(project: Path) -> None:
    app = make_app(make_config(project, "http://127.0.0.1:9/v1"))
    async with app.run_test(size=(120, 40)) as pilot:
        prompt = main_screen(app).prompt_input
        prompt.focus()
        short = "\n".join(f"line {n}" for n in range(10))
        await _paste(pilot, short)
        await wait_for(pilot, lambda: bool(prompt.text))
        assert prompt.text == short


async def test_backspace_after_a_chip_deletes_the_whole_paste(project: Path) -> None:
    app = make_app(make_config(project, "http://127.0.0.1:9/v1"))
    async with app.run_test(size=(120, 40)) as pilot:
        prompt = main_screen(app).prompt_input
        prompt.focus()
        await pilot.press(*"see ")
        await _paste(pilot, LOG)
        await wait_for(pilot, lambda: prompt.text.endswith("lines]"))
        await pilot.press("backspace")
        await wait_for(pilot, lambda: prompt.text == "see ")
        await pilot.press("backspace")
        await wait_for(pilot, lambda: prompt.text == "see")
        assert prompt.full_text == "see"
