"""Snapshot of the session picker with a fixed list of sessions and a fixed time."""

from __future__ import annotations

from textual.app import App
from textual.pilot import Pilot

from openclaude_tui.core.sessions.store import SessionInfo
from openclaude_tui.ui.screens.resume import ResumeScreen

NOW = 1_800_000_000.0
SESSIONS = [
    SessionInfo("20270115-093000-a1b2c3", NOW - 900, NOW - 120, "fix the flaky test in "
                "tests/test_parser.py and explain what made it flaky", 14, "qwen2.5-coder:32b",
                "main"),
    SessionInfo("20270114-170000-d4e5f6", NOW - 60_000, NOW - 50_000, "add a --json flag",
                38, "qwen2.5-coder:32b", "feature/json"),
    SessionInfo("20270110-080000-0a0b0c", NOW - 500_000, NOW - 480_000, "", 0,
                "llama3.1:8b", ""),
]  # fmt: skip


class PickerHost(App[None]):
    """An app whose only content is the picker."""

    def on_mount(self) -> None:
        self.push_screen(ResumeScreen(SESSIONS, now=NOW))


async def _filtered(pilot: Pilot[object]) -> None:
    await pilot.press(*"qwen")
    await pilot.pause()


def test_session_picker_at_100_by_20(snap_compare: object) -> None:
    """A dialog titled "Resume a session" with a filter field ("type to filter") and a table
    under it: columns When, First prompt, Msgs, Model, Branch; three rows, newest first, the
    first highlighted: "2 min ago", the first prompt cut with "…", 14, qwen2.5-coder:32b,
    main; "13 h ago", "add a --json flag", 38, qwen2.5-coder:32b, feature/json; "5 d ago",
    "(no prompt)", 0, llama3.1:8b and no branch. Under the table, right-aligned and muted:
    "enter resume · esc cancel"."""
    assert snap_compare(PickerHost(), terminal_size=(100, 20))  # type: ignore[operator]


def test_session_picker_filtered_at_100_by_20(snap_compare: object) -> None:
    """As the unfiltered picker, with "qwen" typed in the filter field: only the two
    qwen2.5-coder sessions are left, the first highlighted."""
    assert snap_compare(PickerHost(), terminal_size=(100, 20), run_before=_filtered)  # type: ignore[operator]
