"""The permission modal's layout: whatever the terminal's size, the title, the choices and
the keys show; only the diff gives way (it scrolls inside the modal)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from openclaude_tui.core.permissions.policy import PermissionPolicy, PermissionRequest
from openclaude_tui.core.tools.base import ToolContext
from openclaude_tui.core.tools.files import Edit
from openclaude_tui.ui.permission_view import permission_view
from openclaude_tui.ui.screens.permission import PermissionScreen
from openclaude_tui.ui.type_ahead import TypingTracker
from openclaude_tui.ui.widgets.diff_view import DiffView
from tests.helpers.app import CLOSED_URL, idle, main_screen, make_app, make_config, screen_text

pytestmark = pytest.mark.usefixtures("home")

# `limit` three times, far enough apart to make three hunks.
SOURCE = "".join(
    f"def f{n}():\n    return limit\n\n" if n in (2, 12, 22) else f"def f{n}():\n    return {n}\n\n"
    for n in range(30)
)


async def three_hunk_request(root: Path) -> PermissionRequest:
    """The gate's request for an Edit of src/limits.py that changes three distant lines."""
    (root / "src").mkdir(exist_ok=True)
    (root / "src" / "limits.py").write_text(SOURCE)
    tool = Edit()
    context = ToolContext(project_root=root, cwd=root)
    context.remember_read(root / "src" / "limits.py")
    args, _ = tool.validate(
        {
            "file_path": "src/limits.py",
            "old_string": "return limit",
            "new_string": "return LIMIT",
            "replace_all": True,
        }
    )
    request = PermissionPolicy(root).request_for("c7", tool, args, root, "needs approval")
    request.change = await tool.preview(args, context)
    return request


async def show_three_hunks(pilot: Pilot[object]) -> PermissionScreen:
    """Open the modal for the three-hunk Edit, its cursor steady."""
    await idle(pilot)
    root = main_screen(pilot.app).config.project_root
    modal = PermissionScreen(permission_view(await three_hunk_request(root), root))
    await pilot.app.push_screen(modal)
    await pilot.pause()
    await pilot.pause()
    return modal


def test_edit_modal_with_three_hunks_at_80_by_24(snap_compare: object, project: Path) -> None:
    """An 80×24 terminal, the modal over the whole screen: its border with "Allow Edit?",
    "Edit  src/limits.py" and "needs approval"; the diff (first hunk, return limit → return
    LIMIT, with its check box) cut to the rows left and scrolled inside the modal, its
    scroll bar showing; then, all visible, "1  Allow once", "2  Always allow edits in this
    project for this session", "3  Deny" and the keys line. Nothing else of the app shows."""

    async def run_before(pilot: Pilot[object]) -> None:
        await show_three_hunks(pilot)

    app = make_app(make_config(project, CLOSED_URL))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)  # type: ignore[operator]


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 36), (200, 50)])
async def test_the_choices_keys_and_reason_field_always_show(
    project: Path, size: tuple[int, int]
) -> None:
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=size) as pilot:
        modal = await show_three_hunks(pilot)
        assert modal.query_one(DiffView).hunk_count == 3
        shown = screen_text(app)
        for text in ("Allow Edit?", "Edit  src/limits.py", "1  Allow once", "3  Deny", "esc"):
            assert text in shown, f"{text!r} is not on the {size} screen:\n{shown}"
        assert "2  Always allow edits" in shown
        await pilot.press("3")
        await pilot.pause()
        await pilot.pause()
        shown = screen_text(app)
        for text in ("Allow Edit?", "3  Deny", "Reason for the model", "enter deny"):
            assert text in shown, f"{text!r} is not on the {size} screen after 3:\n{shown}"


def test_edit_modal_waiting_for_a_deliberate_key(snap_compare: object, project: Path) -> None:
    """The same modal at 80×24, opened while the user was typing: the options 1, 2 and 3
    greyed, and under them, in muted italics, "keys typed just now went to the prompt;
    press a key to answer", above the keys line."""
    typing = TypingTracker(clock=lambda: 50.0)

    async def run_before(pilot: Pilot[object]) -> None:
        await idle(pilot)
        typing.record(50.0)  # a key the moment the modal opens
        await show_three_hunks(pilot)

    app = make_app(make_config(project, CLOSED_URL), typing=typing)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)  # type: ignore[operator]
