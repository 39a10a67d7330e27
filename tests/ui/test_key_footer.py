"""Footers that do not fit drop their least important keys instead of cutting one mid-word;
``?`` on the review screen lists every key."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Footer, HelpPanel
from textual.widgets._footer import FooterKey

from openclaude_tui.core.changes.review import Reviewer
from openclaude_tui.core.changes.sources import WorktreeSource
from openclaude_tui.ui.screens.review import ReviewApp, ReviewScreen
from openclaude_tui.ui.widgets.key_footer import key_width
from tests.helpers.app import (
    CLOSED_URL,
    idle,
    main_screen,
    make_app,
    make_config,
    open_review,
    screen_text,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("home")


def changed(project: Path) -> Path:
    (project / "app.py").write_text("LIMIT = 20\n\n\ndef limit():\n    return LIMIT\n")
    return project


def shown_keys(footer: Footer) -> list[FooterKey]:
    """The footer's keys that are drawn whole: inside the footer, clear of the palette key."""
    keys = list(footer.query(FooterKey))
    palette = [key for key in keys if key.has_class("-command-palette")]
    right = min([footer.region.right, *(key.region.x for key in palette)])
    for key in keys:
        if key not in palette:
            assert key.region.right <= right, f"{key.description!r} is cut"
    return [key for key in keys if key not in palette]


@pytest.mark.parametrize("width", [120, 100, 80])
async def test_the_review_footer_keeps_close_and_undo_and_cuts_no_key(
    project: Path, width: int
) -> None:
    app = make_app(make_config(changed(project), CLOSED_URL))
    async with app.run_test(size=(width, 30)) as pilot:
        screen = await open_review(pilot)
        footer = screen.query_one(Footer)
        await wait_for(pilot, lambda: bool(footer.query(FooterKey)))
        shown = [key.description for key in shown_keys(footer)]
        for description in ("Close", "Keys", "Revert hunk", "Next hunk"):
            assert description in shown
        if width >= 120:
            assert "Undo" in shown and "Search" in shown


async def test_the_main_footer_drops_keys_from_the_least_important_when_narrow(
    project: Path,
) -> None:
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(60, 24)) as pilot:
        await idle(pilot)
        footer = main_screen(app).query_one(Footer)
        await wait_for(pilot, lambda: bool(footer.query(FooterKey)))
        shown = [key.description for key in shown_keys(footer)]
        assert shown == ["Mode", "Review", "Quit"]
        await pilot.resize_terminal(120, 24)
        await wait_for(pilot, lambda: len(shown_keys(footer)) == 5)
        assert [key.description for key in shown_keys(footer)] == [
            "Mode",
            "Sidebar",
            "Search",
            "Review",
            "Quit",
        ]


async def test_a_keys_width_is_what_the_footer_draws(project: Path) -> None:
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(160, 24)) as pilot:
        await idle(pilot)
        footer = main_screen(app).query_one(Footer)
        await wait_for(pilot, lambda: bool(footer.query(FooterKey)))
        for key in footer.query(FooterKey):
            assert key.outer_size.width == key_width(key), key.description


async def test_question_mark_lists_every_review_key(project: Path) -> None:
    changed(project)
    app = ReviewApp(Reviewer(WorktreeSource(project)))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await screen.loaded.wait()
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        listed = screen_text(app)
        for description in ("Revert file", "Stage hunk", "Split", "Fold", "Prev file", "Close"):
            assert description in listed
        await pilot.press("question_mark")
        await pilot.pause()
        assert not screen.query(HelpPanel)
        # Esc closes the list first, then the screen.
        await pilot.press("question_mark", "escape")
        await pilot.pause()
        assert not screen.query(HelpPanel) and app.screen is screen
