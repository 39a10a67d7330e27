"""Snapshots of the memory dialogs: where a ``# note`` goes, and the model's proposed
learnings with one ticked. The user's config folder is pinned (``fixed_home``) so the path
the dialog names is the same on every machine."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import SelectionList

from openclaude_tui.ui.screens.choice import ChoiceScreen
from openclaude_tui.ui.screens.learnings import LearningsScreen
from tests.helpers.app import converse, idle, main_screen, make_app, make_config, send, wait_for
from tests.scripted_server import ScriptedServer, Turn

pytestmark = pytest.mark.usefixtures("fixed_home")

PROPOSED = (
    "- Run the tests with `make check`; plain pytest misses the fixtures.\n"
    "- The user prefers tabs for indentation.\n"
    "- Generated files live in build/gen and are never edited by hand.\n"
)


def test_where_a_note_goes(snap_compare: object, project: Path) -> None:
    """A dialog titled "Memory" over the dimmed main screen asks "Remember this note
    where?" above the note "use uv for everything" in bold. Two numbered answers: "1
    Project memory  AGENTS.md (for everyone working on this project)", highlighted, and "2
    User memory  /nonexistent/openclaude-home/config/AGENTS.md (for you, in every
    project)"; the hint "1-2 or enter choose · esc cancel" at the bottom right."""
    with ScriptedServer([]) as server:

        async def run_before(pilot: Pilot[object]) -> None:
            await idle(pilot)
            await send(pilot, "# use uv for everything")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceScreen))
            await wait_for(pilot, lambda: getattr(pilot.app.screen, "key_guard", None))
            main_screen(pilot.app).status.set(host="scripted")
            main_screen(pilot.app).prompt_input.cursor_blink = False
            await pilot.pause()

        app = make_app(make_config(project, server.base_url))
        assert snap_compare(app, terminal_size=(100, 24), run_before=run_before)  # type: ignore[operator]


def test_learnings_with_one_ticked(snap_compare: object, project: Path) -> None:
    """A dialog titled "Remember for next time?" says the model proposes these for the
    memory files and that nothing is written unless saved. Three proposals with check
    boxes: "Run the tests with `make check`…" ticked (a green X), "The user prefers tabs…"
    and "Generated files live in build/gen…" not ticked (a grey X, plainly visible). The
    hint reads "1 ticked · space tick · s save the ticked ones · esc keep none"."""
    with ScriptedServer([Turn(text="Done.", prompt_tokens=900), Turn(text=PROPOSED)]) as server:

        async def run_before(pilot: Pilot[object]) -> None:
            await converse(pilot, "run the tests")
            await send(pilot, "/learn")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, LearningsScreen))
            await wait_for(pilot, lambda: getattr(pilot.app.screen, "key_guard", None))
            await pilot.press("space")
            ticked = pilot.app.screen.query_one("#proposals", SelectionList)
            await wait_for(pilot, lambda: ticked.selected)
            main_screen(pilot.app).status.set(host="scripted")
            main_screen(pilot.app).prompt_input.cursor_blink = False
            await pilot.pause()

        app = make_app(make_config(project, server.base_url))
        assert snap_compare(app, terminal_size=(100, 24), run_before=run_before)  # type: ignore[operator]
