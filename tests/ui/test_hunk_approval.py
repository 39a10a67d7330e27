"""Approving part of a change in the modal, and reviewing the agent's changes with /diff."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from openclaude_tui.ui.app import OpenClaudeApp
from openclaude_tui.ui.screens.permission import PermissionScreen
from openclaude_tui.ui.screens.review import ReviewScreen
from openclaude_tui.ui.widgets.diff_view import DiffView
from tests.helpers.app import (
    CLOSED_URL,
    ask_for_approval,
    idle,
    main_screen,
    make_app,
    make_config,
    screen_text,
    send,
    wait_for,
    wait_to_show,
)
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

pytestmark = pytest.mark.usefixtures("home")

SNAPSHOT_PORT = 47613
BEFORE = "".join(f"line {n}\n" for n in range(1, 31))
AFTER = BEFORE.replace("line 2\n", "line two\n").replace("line 28\n", "line twenty-eight\n")


def two_hunk_script() -> list[Turn]:
    # Fixed prompt tokens: the server's estimate counts the system prompt, which names the
    # project's temporary directory, and the status bar of the snapshot shows the count.
    return [
        Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "numbers.txt"})], prompt_tokens=870),
        Turn(
            tool_calls=[ToolCallSpec("Write", {"file_path": "numbers.txt", "content": AFTER})],
            prompt_tokens=940,
        ),
        Turn(text="Done.", prompt_tokens=1010),
    ]


def two_hunk_app(project: Path, server: ScriptedServer) -> OpenClaudeApp:
    """The app in ``project``, whose agent will Write two distant changes to numbers.txt."""
    (project / "numbers.txt").write_text(BEFORE)
    server.script(two_hunk_script())
    return make_app(make_config(project, server.base_url))


async def ask_for_the_write(pilot: Pilot[object]) -> PermissionScreen:
    """Send the prompt and wait for the approval modal of the Write."""
    return await ask_for_approval(pilot, "spell out two numbers")


def option_prompts(modal: PermissionScreen) -> list[str]:
    from textual.widgets import OptionList

    options = modal.query_one("#options", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_partial_approval_writes_only_the_kept_hunks_and_tells_the_model(
    project: Path, scripted_server: ScriptedServer
) -> None:
    app = two_hunk_app(project, scripted_server)
    async with app.run_test(size=(120, 48)) as pilot:
        modal = await ask_for_the_write(pilot)
        view = modal.query_one(DiffView)
        assert view.hunk_count == 2 and view.current_hunk == 0
        await pilot.press("j")
        assert view.current_hunk == 1
        await pilot.press("space")
        await pilot.pause(0.05)
        assert view.selected_hunks == {0}
        assert option_prompts(modal)[0] == "1  Allow once (1 of 2 hunks)"
        await pilot.press("1")
        await idle(pilot)
        shown = screen_text(app)
        assert "+line two" in shown, "the card shows the hunk that was written"
        assert "+line twenty-eight" not in shown
    assert (project / "numbers.txt").read_text() == BEFORE.replace("line 2\n", "line two\n")
    result = scripted_server.tool_results()[-1]
    assert "line twenty-eight" in result, "the model is shown the rejected text"
    assert "reject" in result.lower()


async def test_k_and_space_in_the_reason_field_are_typed(
    project: Path, scripted_server: ScriptedServer
) -> None:
    app = two_hunk_app(project, scripted_server)
    async with app.run_test(size=(120, 48)) as pilot:
        await ask_for_the_write(pilot)
        await pilot.press("3", *"keep digits", "enter")
        await idle(pilot)
    assert (project / "numbers.txt").read_text() == BEFORE
    assert "keep digits" in scripted_server.tool_results()[-1]


async def test_diff_reviews_the_agents_changes(
    project: Path, scripted_server: ScriptedServer
) -> None:
    (project / "numbers.txt").write_text(BEFORE)
    scripted_server.script(two_hunk_script())
    app = make_app(make_config(project, scripted_server.base_url, permission_mode="acceptEdits"))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await send(pilot, "/diff")
        await wait_to_show(pilot, "the agent has changed nothing yet")
        await send(pilot, "spell out two numbers")
        await idle(pilot)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = app.screen
        assert isinstance(review, ReviewScreen)
        await review.loaded.wait()
        await wait_to_show(pilot, "numbers.txt", "line twenty-eight")
        await pilot.press("q")
        await wait_for(pilot, lambda: app.screen is main_screen(app))


async def test_diff_worktree_and_an_unknown_range(project: Path) -> None:
    (project / "app.py").write_text("LIMIT = 11\n\n\ndef limit():\n    return LIMIT\n")
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        main_screen(app).command_diff("no-such-rev..HEAD")
        await pilot.pause(0.1)
        assert isinstance(app.screen, type(main_screen(app)))
        main_screen(app).command_diff("worktree")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert isinstance(app.screen, ReviewScreen)
        await app.screen.loaded.wait()
        await wait_to_show(pilot, "LIMIT = 11")


def test_edit_modal_with_one_hunk_dropped(snap_compare: object, project: Path) -> None:
    """The permission modal for a Write to numbers.txt with two hunks (line 2 → "line two",
    line 28 → "line twenty-eight"): the first hunk's box is checked, the second unchecked
    and current; option 1 reads "Allow once (1 of 2 hunks)"; the hint names j/k and space."""

    async def run_before(pilot: Pilot[object]) -> None:
        await ask_for_the_write(pilot)
        await pilot.press("j", "space")
        # The prompt's cursor would blink into the picture.
        main_screen(pilot.app).prompt_input.cursor_blink = False
        await pilot.pause(0.2)

    # A fixed port: the status bar shows the endpoint.
    with ScriptedServer(port=SNAPSHOT_PORT) as server:
        app = two_hunk_app(project, server)
        assert snap_compare(app, terminal_size=(120, 48), run_before=run_before)  # type: ignore[operator]


async def test_a_multiedit_asks_once_with_one_diff_whose_hunks_can_be_kept_apart(
    project: Path, scripted_server: ScriptedServer
) -> None:
    (project / "numbers.txt").write_text(BEFORE)
    edits = [
        {"old_string": "line 2\n", "new_string": "line two\n"},
        {"old_string": "line 28\n", "new_string": "line twenty-eight\n"},
    ]
    scripted_server.script(
        [
            Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "numbers.txt"})]),
            Turn(
                tool_calls=[ToolCallSpec("MultiEdit", {"file_path": "numbers.txt", "edits": edits})]
            ),
            Turn(text="Done."),
        ]
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 48)) as pilot:
        modal = await ask_for_approval(pilot, "spell out two numbers")
        views = list(modal.query(DiffView))
        assert len(views) == 1, "both edits are shown in one diff"
        assert views[0].hunk_count == 2
        await pilot.press("j", "space")
        await pilot.pause(0.05)
        await pilot.press("1")
        await idle(pilot)
        assert not isinstance(app.screen, PermissionScreen), "one approval answers the call"
    assert (project / "numbers.txt").read_text() == BEFORE.replace("line 2\n", "line two\n")
    assert "line twenty-eight" in scripted_server.tool_results()[-1]
