"""Type-ahead never answers a question: the key guard's rule, and the real modal and the
review's revert confirmation driven by keys on a clock the test moves by hand (so no test
waits for time to pass)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from openclaude_tui.core.changes.review import Reviewer
from openclaude_tui.core.changes.sources import WorktreeSource
from openclaude_tui.ui.app import OpenClaudeApp
from openclaude_tui.ui.screens.permission import PermissionScreen
from openclaude_tui.ui.screens.review import ConfirmScreen, ReviewApp, ReviewScreen
from openclaude_tui.ui.type_ahead import PAUSE, TypingTracker
from tests.helpers.app import (
    EDIT,
    READ,
    HandClock,
    ask_for_approval,
    idle,
    main_screen,
    make_app,
    make_config,
    wait_for,
)
from tests.scripted_server import ScriptedServer, Turn

pytestmark = pytest.mark.usefixtures("home")

ORIGINAL = "LIMIT = 10\n\n\ndef limit():\n    return LIMIT\n"


def edit_app(project: Path, server: ScriptedServer, clock: HandClock) -> OpenClaudeApp:
    """The app whose keys are timed by ``clock``; its agent reads app.py and edits it."""
    server.script(Turn(tool_calls=[READ]), Turn(tool_calls=[EDIT]), Turn(text="Done."))
    return make_app(make_config(project, server.base_url), typing=TypingTracker(clock=clock))


# The rule, on explicit times


def test_a_key_that_arrived_before_the_choice_opened_never_answers_it() -> None:
    tracker = TypingTracker(clock=lambda: 10.0)
    tracker.record(2.0)  # long before: the user was not typing
    guard = tracker.open_guard()
    # Arrived at 9.9 (waiting in the app's queue while the modal was being shown).
    assert not guard.admits(9.9)
    assert guard.admits(10.0)


def test_a_burst_still_queued_when_the_choice_opens_is_held_back() -> None:
    """The app was busy for a second before the choice opened: the keys typed meanwhile
    wait in its queue, unrecorded, so the typing looks paused when the choice opens. They
    are recorded in the order they arrived, and the burst goes on after the opening: no
    key of it answers."""
    tracker = TypingTracker(clock=lambda: 10.0)
    tracker.record(9.0)  # the last key the busy app had taken
    guard = tracker.open_guard()
    for stamp in (9.8, 9.85, 9.9, 10.05, 10.1):  # queued, then typed after the opening
        assert not guard.admits(stamp)
        tracker.record(stamp)
    assert guard.admits(10.1 + PAUSE)


def test_a_burst_that_began_before_the_choice_is_held_back_until_it_pauses() -> None:
    tracker = TypingTracker(clock=lambda: 10.0)
    tracker.record(9.8)
    guard = tracker.open_guard()
    assert not guard.released
    for stamp in (10.05, 10.1, 10.3, 10.6):  # 50 to 300 ms apart: still the burst
        assert not guard.admits(stamp)
        tracker.record(stamp)
    assert guard.admits(10.6 + PAUSE)  # the first key after a pause answers
    tracker.record(10.6 + PAUSE)
    assert guard.admits(10.6 + PAUSE + 0.05)  # and the guard stays open from then on


def test_the_guard_shows_while_the_typing_goes_on() -> None:
    clock = HandClock()
    tracker = TypingTracker(clock=clock)
    tracker.record(clock())
    guard = tracker.open_guard()
    assert guard.holding()
    clock.advance(PAUSE)
    assert not guard.holding()


# The permission modal


async def test_keys_typed_through_the_modal_go_to_the_prompt_and_do_not_answer(
    project: Path, scripted_server: ScriptedServer
) -> None:
    clock = HandClock()
    app = edit_app(project, scripted_server, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        # Enter sends the prompt; the modal opens while the clock stands still: one burst.
        modal = await ask_for_approval(pilot, "raise the limit")
        await pilot.press(*"say 1 yes and 2 all")
        await pilot.press("3", "n", "escape", "enter")
        assert app.screen is modal, "a key of the burst answered the modal"
        assert not modal.asking_reason
        assert modal.has_class("-waiting")
        assert modal.query_one("#type-ahead-note", Static).display
        assert (project / "app.py").read_text() == ORIGINAL
        screen = main_screen(app)
        # Text is typed, Enter sends it (queued behind the running turn), Esc is dropped.
        assert [text for text, _ in screen.queued] == ["say 1 yes and 2 all3n"]
        await pilot.press(*"more")
        assert screen.prompt_input.text == "more"

        clock.advance(PAUSE)
        await wait_for(pilot, lambda: not modal.has_class("-waiting"))
        assert not modal.query_one("#type-ahead-note", Static).display
        await pilot.press("1")
        await idle(pilot)
        assert app.screen is not modal
    assert (project / "app.py").read_text().startswith("LIMIT = 20\n")


async def test_a_modal_that_opens_when_nobody_types_takes_the_first_key(
    project: Path, scripted_server: ScriptedServer
) -> None:
    clock = HandClock()
    app = edit_app(project, scripted_server, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        main_screen(app).submit("keep the limit")  # sent without a key: nobody is typing
        await wait_for(pilot, lambda: isinstance(app.screen, PermissionScreen))
        modal = app.screen
        assert isinstance(modal, PermissionScreen)
        assert not modal.has_class("-waiting")
        await pilot.press("n")
        assert modal.asking_reason
        assert modal.query_one("#reason", Input).has_focus
        await pilot.press("enter")
        await idle(pilot)
    assert (project / "app.py").read_text() == ORIGINAL


# The review's revert confirmation


async def test_a_quick_y_after_r_does_not_confirm_a_revert(project: Path) -> None:
    changed = ORIGINAL.replace("LIMIT = 10", "LIMIT = 99")
    (project / "app.py").write_text(changed)
    clock = HandClock()
    app = ReviewApp(Reviewer(WorktreeSource(project)), TypingTracker(clock=clock))
    async with app.run_test(size=(110, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await screen.loaded.wait()
        await pilot.pause()
        await pilot.press("n", "r", "y")  # one burst: r opens the question, y is held back
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.has_class("-waiting")
        assert (project / "app.py").read_text() == changed
        clock.advance(PAUSE)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
    assert (project / "app.py").read_text() == ORIGINAL
