"""Snapshots of the rewind dialog with fixed prompts and a fixed plan."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from openclaude_tui.core.sessions.rewind import FileRestore, PromptPoint, RewindPlan
from openclaude_tui.ui.screens.rewind import RewindScreen
from openclaude_tui.ui.type_ahead import TypeAheadApp, TypingTracker
from tests.helpers.app import unhurried

ROOT = Path("/work/demo-project")
POINTS = [
    PromptPoint(2, "now add a --json flag to the CLI and document it in the README", 40),
    PromptPoint(1, "fix the flaky test in tests/test_parser.py and explain what made it "
                "flaky, then run the whole suite", 12),
    PromptPoint(0, "what does this project do?", 3),
]  # fmt: skip
FILES = [
    FileRestore(ROOT / "src/cli.py", "0" * 64, False),
    FileRestore(ROOT / "README.md", "1" * 64, True),
    FileRestore(ROOT / "src/json_output.py", None, False),
]


def _plan(point: PromptPoint) -> RewindPlan:
    return RewindPlan(point, FILES, [])


class RewindHost(TypeAheadApp):
    """An app whose only content is the dialog (keys come from an unhurried typist)."""

    def __init__(self) -> None:
        super().__init__(TypingTracker(clock=unhurried()))

    def on_mount(self) -> None:
        self.push_screen(RewindScreen(POINTS, _plan, ROOT))


async def _restore_step(pilot: Pilot[object]) -> None:
    await pilot.press("enter")
    await pilot.pause()


async def _confirm_step(pilot: Pilot[object]) -> None:
    await pilot.press("enter", "1")
    await pilot.pause()


def test_rewind_prompts_at_100_by_20(snap_compare: object) -> None:
    """A dialog titled "Rewind" with its border in the warning colour: "Go back to before
    which prompt? (newest first)", then three prompts numbered 3, 2, 1, the newest (3, "now
    add a --json flag…") highlighted, the second cut with "…". Under them, right-aligned and
    muted: "↑↓ move · enter choose · esc close"."""
    assert snap_compare(RewindHost(), terminal_size=(100, 20))  # type: ignore[operator]


def test_rewind_restore_options_at_100_by_20(snap_compare: object) -> None:
    """Prompt 3 chosen: "Back to before prompt 3: now add a --json flag…", then "Code: 3 files
    would change (1 created by the agent would be removed): src/cli.py, README.md,
    src/json_output.py"; the options "1  Restore code and conversation" (highlighted),
    "2  Restore conversation only", "3  Restore code only", "4  Cancel"; in the warning
    colour "Shell commands (Bash) are not undone: only the agent's file edits are
    restored."; and the hint "1-4 or enter choose · esc back to the prompts"."""
    assert snap_compare(RewindHost(), terminal_size=(100, 20), run_before=_restore_step)  # type: ignore[operator]


def test_rewind_second_confirmation_at_100_by_20(snap_compare: object) -> None:
    """Option 1 chosen while README.md was changed by the user: in bold "These files were
    changed since the agent last wrote them" and "(by you, an editor or a command):", the
    line "  README.md", then "1  Overwrite them too" (highlighted), "2  Keep them; restore
    the other files", "3  Cancel", and the hint "1-3 or enter choose · esc cancel"."""
    assert snap_compare(RewindHost(), terminal_size=(100, 20), run_before=_confirm_step)  # type: ignore[operator]
