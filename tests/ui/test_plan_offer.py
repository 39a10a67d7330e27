"""The offer to carry out a plan: made only after a plan-mode turn that presented a plan,
never taking the focus from the prompt, answered only by a deliberate key."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.ui.app import OpenClaudeApp
from tests.helpers.app import (
    EDIT,
    READ,
    converse,
    idle,
    main_screen,
    make_app,
    make_config,
    screen_text,
)
from tests.scripted_server import ScriptedServer, Turn

pytestmark = pytest.mark.usefixtures("home")

PLAN = "Plan:\n\n1. Raise LIMIT to 20 in app.py.\n2. Run the tests.\n"


def plan_mode_app(project: Path, server: ScriptedServer, *turns: Turn) -> OpenClaudeApp:
    """The app in plan mode, the server answering with ``turns``."""
    server.script(*turns)
    return make_app(make_config(project, server.base_url, permission_mode="plan"))


async def test_plan_mode_ends_with_an_offer_that_alt_1_accepts(
    project: Path, scripted_server: ScriptedServer
) -> None:
    app = plan_mode_app(project, scripted_server, Turn(text=PLAN), Turn(text="Carried out."))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "plan the change")
        screen = main_screen(app)
        offer = screen.plan_offer
        assert offer.is_open and not offer.has_focus
        assert screen.prompt_input.has_focus
        await pilot.press("alt+1")
        await idle(pilot)
        session = screen.session
        assert session is not None and session.mode == "default"
        assert "Carried out." in screen_text(app)
    assert scripted_server.last_request.messages[-1]["content"].startswith("The plan is approved")


async def test_typing_after_a_plan_offer_goes_to_the_prompt_and_sends_nothing(
    project: Path, scripted_server: ScriptedServer
) -> None:
    app = plan_mode_app(project, scripted_server, Turn(text=PLAN), Turn(text="Noted."))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "plan the change")
        screen = main_screen(app)
        assert screen.plan_offer.is_open
        await pilot.press(*"1 also 2 add a test", "3", "escape")
        await pilot.pause()
        assert screen.prompt_input.text == "1 also 2 add a test3"
        assert len(scripted_server.chat_requests) == 1
        assert screen.session is not None and screen.session.mode == "plan"
        # A click focuses the offer; then its own keys answer it.
        await pilot.click("#plan-offer")
        await pilot.press("3")
        assert not screen.plan_offer.is_open
        assert screen.session.mode == "plan" and screen.prompt_input.has_focus
    assert len(scripted_server.chat_requests) == 1


async def test_no_plan_offer_after_an_answer_about_a_refused_call(
    project: Path, scripted_server: ScriptedServer
) -> None:
    app = plan_mode_app(
        project,
        scripted_server,
        Turn(tool_calls=[READ]),
        Turn(tool_calls=[EDIT]),
        Turn(text="OK, the edit was refused in plan mode. Switch modes and I will make it."),
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "raise the limit")
        screen = main_screen(app)
        assert screen.cards["call_2_0"].state == "denied"
        assert "refused in plan mode" in screen_text(app)
        assert not screen.plan_offer.is_open
    assert (project / "app.py").read_text().startswith("LIMIT = 10\n")
