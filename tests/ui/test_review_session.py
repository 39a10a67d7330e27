"""/diff on the session's changes in the app: after a code rewind it shows what the rewind
left (a resumed session too), and /diff since N the changes since a prompt, a hunk reverted
there going back to what it was before that prompt. The real app against the scripted
server, a real git repository, the review's text read from the screen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot

from openclaude_tui.core.sessions import store
from openclaude_tui.ui.screens.rewind import RewindScreen
from tests.helpers.app import (
    EDIT,
    READ,
    converse,
    main_screen,
    make_app,
    make_config,
    open_review,
    screen_text,
    send,
    wait_for,
    wait_to_show,
)
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

pytestmark = pytest.mark.usefixtures("home")

ORIGINAL = "LIMIT = 10\n\n\ndef limit():\n    return LIMIT\n"
RAISED = ORIGINAL.replace("10", "20")
RENAME = ToolCallSpec(
    "Edit", {"file_path": "app.py", "old_string": "def limit", "new_string": "def get_limit"}
)
# Prompt 1 raises the limit, prompt 2 renames the function.
TWO_PROMPTS = [
    Turn(tool_calls=[READ]),
    Turn(tool_calls=[EDIT]),
    Turn(text="Raised."),
    Turn(tool_calls=[RENAME]),
    Turn(text="Renamed."),
]


@asynccontextmanager
async def _after_two_prompts(project: Path) -> AsyncIterator[Pilot[object]]:
    """The app once both prompts ran (edits accepted), while it runs."""
    with ScriptedServer(TWO_PROMPTS) as server:
        config = make_config(project, server.base_url, permission_mode="acceptEdits")
        async with make_app(config).run_test(size=(110, 36)) as pilot:
            await converse(pilot, "raise the limit")
            await converse(pilot, "rename the function")
            renamed = RAISED.replace("def limit", "def get_limit")
            assert (project / "app.py").read_text() == renamed
            yield pilot


async def _close_review(pilot: Pilot[object]) -> None:
    await pilot.press("q")
    await wait_for(pilot, lambda: pilot.app.screen is main_screen(pilot.app))


async def test_after_a_code_rewind_diff_shows_what_it_left_and_so_does_the_resumed_session(
    project: Path,
) -> None:
    async with _after_two_prompts(project) as pilot:
        app = pilot.app
        # /rewind, the newest prompt, "Restore code only".
        await send(pilot, "/rewind")
        await wait_for(pilot, lambda: isinstance(app.screen, RewindScreen))
        dialog = app.screen
        assert isinstance(dialog, RewindScreen)
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.step == "restore")
        await pilot.press("3")
        await wait_to_show(pilot, "Rewound the code to before prompt 2")
        assert (project / "app.py").read_text() == RAISED
        review = await open_review(pilot, "session")
        live = screen_text(app)
        assert [file.diff.path for file in review.reviewer.files] == ["app.py"]
        session = main_screen(app).session
        assert session is not None
        saved = store.find_session(project, session.session_id)
    with ScriptedServer([]) as server:
        resumed_app = make_app(make_config(project, server.base_url), resume=saved)
        async with resumed_app.run_test(size=(110, 36)) as pilot:
            await wait_to_show(pilot, "Resumed session")
            review = await open_review(pilot, "")
            resumed = screen_text(resumed_app)
            assert [file.diff.path for file in review.reviewer.files] == ["app.py"]
    for shown in (live, resumed):
        assert "Changes made by the agent" in shown
        assert "LIMIT = 10" in shown and "LIMIT = 20" in shown
        # The rename was rewound: gone from the disk, gone from the review.
        assert "get_limit" not in shown


async def test_diff_since_a_prompt_shows_its_changes_and_reverts_a_hunk_to_before_it(
    project: Path,
) -> None:
    async with _after_two_prompts(project) as pilot:
        review = await open_review(pilot, "since 2")
        shown = await wait_to_show(pilot, "Changes since prompt 2", "def get_limit")
        # Before prompt 2 the limit was already 20: prompt 1's change is not shown.
        assert "LIMIT = 10" not in shown
        # Since a prompt, a file may have been changed by a rewind or by hand too.
        assert "changed since prompt 2" in shown and "changed by the agent" not in shown
        await pilot.press("r", "y")
        await wait_for(pilot, lambda: (project / "app.py").read_text() == RAISED)
        await wait_to_show(pilot, "No changes", "Changes since prompt 2: nothing differs")
        assert review.reviewer.files == []
        await _close_review(pilot)
        # The whole session's changes still hold prompt 1's.
        await open_review(pilot, "")
        shown = await wait_to_show(pilot, "Changes made by the agent", "LIMIT = 20")
        assert "get_limit" not in shown and "changed by the agent" in shown
        await _close_review(pilot)
        await send(pilot, "/diff since 3")
        await wait_to_show(pilot, "there is no prompt 3 to compare with; the prompts: 1, 2")
        assert pilot.app.screen is main_screen(pilot.app)
