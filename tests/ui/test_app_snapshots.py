"""Snapshots of the app: what a user sees at start, in a conversation, in the modals.

Everything shown is fixed: the clock, the project's name and branch, the endpoint (a closed
port on 127.0.0.1, so nothing answers), the durations of tool calls. Update them with
``pytest tests/ui/test_app_snapshots.py --snapshot-update`` after checking the differences.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from openclaude_tui.core.changes.diff import unified_diff
from openclaude_tui.core.events import ToolCallFinished
from openclaude_tui.core.permissions.policy import PermissionPolicy
from openclaude_tui.core.tools.base import ToolContext
from openclaude_tui.core.tools.files import Edit
from openclaude_tui.core.tools.shell import shell_tools
from openclaude_tui.ui import messages
from openclaude_tui.ui.permission_view import permission_view
from openclaude_tui.ui.screens.permission import PermissionScreen
from openclaude_tui.ui.widgets.chat_items import UserItem
from tests.helpers.app import CLOSED_URL, idle, main_screen, make_app, make_config

pytestmark = pytest.mark.usefixtures("fixed_home")

ANSWER = """I found the problem. `src/auth.py` checks **`user.is_active`**, but the model
defines the field as `active`:

```python
class User:
    def __init__(self, name: str, active: bool = True) -> None:
        self.name = name
        self.active = active
```

## Plan

1. Read the failing test.
2. Fix the attribute name.
3. Run the tests again.
"""

AUTH_PY = """from models import User


def can_login(user: User) -> bool:
    return user.is_active
"""


@pytest.fixture
def auth_project(project: Path) -> Path:
    source = project / "src"
    source.mkdir()
    (source / "auth.py").write_text(AUTH_PY)
    return project


async def ready(pilot: Pilot[object]) -> None:
    """The session started (or failed), and the prompt's cursor steady (it blinks)."""
    await idle(pilot)
    main_screen(pilot.app).prompt_input.cursor_blink = False
    await pilot.pause()


async def converse(pilot: Pilot[object]) -> None:
    """A conversation as the agent reports it: an answer, three tool calls, a plan."""
    await ready(pilot)
    screen = main_screen(pilot.app)
    screen.chat.add_item(UserItem("Fix the failing test in src/auth.py"))
    for message in (
        messages.AnswerText(ANSWER),
        messages.AnswerDone(3),
        messages.ToolStarted("c1", "Read", "src/auth.py"),
        messages.ToolRunning("c1"),
        messages.ToolFinished(ToolCallFinished("c1", "Read", numbered(AUTH_PY), "done", 0.02)),
        messages.ToolStarted("c2", "Grep", "is_active"),
        messages.ToolRunning("c2"),
        messages.ToolFinished(
            ToolCallFinished("c2", "Grep", "src/auth.py:5:    return user.is_active", "done", 0.11)
        ),
        messages.ToolStarted("c3", "Bash", "python -m pytest -q"),
        messages.ToolRunning("c3"),
        messages.ToolFinished(
            ToolCallFinished(
                "c3",
                "Bash",
                "F.\nFAILED tests/test_auth.py::test_login - AttributeError: 'User' object has "
                "no attribute 'is_active'\n1 failed, 1 passed in 0.04s\n\nExit code 1",
                "failed",
                1.42,
            )
        ),
        messages.TodosChanged(
            (
                messages.TodoRow("Read the failing test", "completed", "Reading the test"),
                messages.TodoRow("Fix the attribute name", "in_progress", "Fixing the name"),
                messages.TodoRow("Run the tests again", "pending", "Running the tests"),
            )
        ),
        messages.UsageChanged(2345, 5120, 812),
    ):
        screen.post_message(message)
    await pilot.pause()
    screen.chat.flush()
    await pilot.pause()


def numbered(text: str) -> str:
    return "\n".join(f"{n:6}\t{line}" for n, line in enumerate(text.splitlines(), 1))


def ask(request_for: object) -> object:
    """A run_before that shows the permission modal for a real request."""

    async def show(pilot: Pilot[object]) -> None:
        await ready(pilot)
        request = await request_for()  # type: ignore[operator]
        root = main_screen(pilot.app).config.project_root
        pilot.app.push_screen(PermissionScreen(permission_view(request, root)))
        await pilot.pause()

    return show


def test_empty_app(snap_compare: object, project: Path) -> None:
    """At start: the welcome panel; the prompt, with the focus and its hint; the status bar
    with scripted-model, 127.0.0.1:9, default mode, the context window and branch main;
    the footer's keys and the mode on the right; the empty tool sidebar."""
    app = make_app(make_config(project, CLOSED_URL))
    assert snap_compare(app, terminal_size=(120, 32), run_before=ready)  # type: ignore[operator]


def test_conversation_with_markdown_and_three_tool_cards(
    snap_compare: object, project: Path
) -> None:
    """The user's message; the answer as Markdown (inline code, bold, a highlighted Python
    block, a heading, a numbered list); three tool cards: Read done (0.0s, first lines of
    the file), Grep done (0.1s), Bash failed in red (1.4s, the end of the output); the
    sidebar with the plan (one step done, one in progress) and the three calls; the status
    bar with the context used and tokens in and out."""
    app = make_app(make_config(project, CLOSED_URL))
    assert snap_compare(app, terminal_size=(120, 48), run_before=converse)  # type: ignore[operator]


def test_an_applied_edit_card_with_its_diff(snap_compare: object, project: Path) -> None:
    """An Edit card, done in 0.0s: its headline (Edited src/auth.py … (+1 -1)), then the
    hunk header in the primary colour, `-    return user.is_active` on the removed colour
    and `+    return user.active` on the added colour across the pane, with the unchanged
    lines around them; no `---`/`+++` file lines. The sidebar row reads ✓ Edit src/auth.py."""
    after = AUTH_PY.replace("user.is_active", "user.active")
    diff = unified_diff(AUTH_PY, after, "src/auth.py")
    result = f"Edited src/auth.py: replaced 1 occurrence (+1 -1).\n\n{diff}"

    async def run_before(pilot: Pilot[object]) -> None:
        await ready(pilot)
        screen = main_screen(pilot.app)
        screen.chat.add_item(UserItem("Use the right attribute"))
        for message in (
            messages.ToolStarted("c1", "Edit", "src/auth.py"),
            messages.ToolRunning("c1"),
            messages.ToolFinished(ToolCallFinished("c1", "Edit", result, "done", 0.01, diff)),
        ):
            screen.post_message(message)
        await pilot.pause()
        screen.chat.flush()
        await pilot.pause()

    app = make_app(make_config(project, CLOSED_URL))
    assert snap_compare(app, terminal_size=(100, 24), run_before=run_before)  # type: ignore[operator]


def test_edit_modal_with_its_diff(snap_compare: object, auth_project: Path) -> None:
    """The permission modal for an Edit of src/auth.py: title, target and reason; the diff
    (is_active → active) in the diff view with its hunk check box; options 1 Allow once,
    2 Always allow edits in this project for this session, 3 Deny; the keys hint. Around
    the modal the app is dimmed and nothing of it (not the sidebar's edge) crosses the
    modal's border."""

    async def request() -> object:
        tool = Edit()
        context = ToolContext(project_root=auth_project, cwd=auth_project)
        context.remember_read(auth_project / "src" / "auth.py")
        args, _ = tool.validate(
            {
                "file_path": "src/auth.py",
                "old_string": "user.is_active",
                "new_string": "user.active",
            }
        )
        policy = PermissionPolicy(auth_project)
        made = policy.request_for("c9", tool, args, auth_project, "needs approval")
        made.change = await tool.preview(args, context)
        return made

    app = make_app(make_config(auth_project, CLOSED_URL))
    assert snap_compare(app, terminal_size=(120, 36), run_before=ask(request))  # type: ignore[operator]


def test_bash_modal_with_a_destructive_verdict(snap_compare: object, project: Path) -> None:
    """The permission modal for Bash `git push --force origin main`: the command, its
    description, the classifier's verdict in the error colour (destructive: rewrites the
    remote's history); only options 1 Allow once and 3 Deny (no "always" for a destructive
    command)."""

    async def request() -> object:
        tool = next(tool for tool in shell_tools() if tool.name == "Bash")
        args, _ = tool.validate(
            {"command": "git push --force origin main", "description": "Publish the fix"}
        )
        policy = PermissionPolicy(project)
        reason = policy.check(tool, args, project).reason
        return policy.request_for("c8", tool, args, project, reason)

    app = make_app(make_config(project, CLOSED_URL))
    assert snap_compare(app, terminal_size=(120, 30), run_before=ask(request))  # type: ignore[operator]


def test_unreachable_server_panel(snap_compare: object, project: Path) -> None:
    """No model configured and nothing listening at 127.0.0.1:9: the panel in the error
    colour says which URL was tried and from where (--base-url), the error, and how to set
    --base-url, OPENAI_BASE_URL or base_url in the settings files."""

    app = make_app(make_config(project, CLOSED_URL, model=None))
    assert snap_compare(app, terminal_size=(120, 36), run_before=ready)  # type: ignore[operator]


def test_conversation_at_80_by_24(snap_compare: object, project: Path) -> None:
    """The same conversation in an 80×24 terminal: no sidebar (too narrow), the end of the
    conversation in view; above the prompt the plan, since the sidebar that shows it is
    hidden ("Plan · 1 of 3 done · click to fold" and its three steps); the prompt, status
    bar and footer intact."""
    app = make_app(make_config(project, CLOSED_URL))
    assert snap_compare(app, terminal_size=(80, 24), run_before=converse)  # type: ignore[operator]


def test_new_output_below_while_reading_above(snap_compare: object, project: Path) -> None:
    """The conversation scrolled back to its top (the user's message and the start of the
    answer in view) while a notice arrives below: the last line of the chat pane ends in
    a label in the accent colour, "↓ new output · End", and the footer offers End Latest."""

    async def run_before(pilot: Pilot[object]) -> None:
        await converse(pilot)
        screen = main_screen(pilot.app)
        screen.chat.scroll_to(y=0, animate=False, immediate=True)
        await pilot.pause()
        screen.post_message(messages.NoticePosted("The tests pass now.", "warning"))
        await pilot.pause()
        screen.chat.flush()
        await pilot.pause()

    app = make_app(make_config(project, CLOSED_URL))
    assert snap_compare(app, terminal_size=(120, 30), run_before=run_before)  # type: ignore[operator]
