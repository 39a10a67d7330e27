"""The session picker (``/resume``, ``openclaude --resume``): this project's saved sessions,
newest first; typing filters them, Enter resumes the highlighted one."""

from __future__ import annotations

import time
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from openclaude_tui.core.sessions.store import SessionInfo

PROMPT_WIDTH = 32
COLUMNS = ("When", "First prompt", "Msgs", "Model", "Branch")


def ago(then: float, now: float) -> str:
    """How long ago ``then`` was, in the largest unit that fits ("5 min ago")."""
    seconds = max(0.0, now - then)
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{int(seconds // size)} {unit} ago"
    return "just now"


def row(info: SessionInfo, now: float) -> tuple[str, str, str, str, str]:
    """The picker's cells for a session: when, first prompt, messages, model, branch."""
    prompt = " ".join(info.first_prompt.split()) or "(no prompt)"
    if len(prompt) > PROMPT_WIDTH:
        prompt = prompt[: PROMPT_WIDTH - 1] + "…"
    return ago(info.updated, now), prompt, str(info.messages), info.model, info.branch


class ResumeScreen(ModalScreen[str | None]):
    """Choose a saved session; dismissed with its id, or None.

    Args:
        sessions: The sessions to offer, newest first.
        now: The time "ago" is counted from (fixed in tests).
    """

    CSS_PATH = "resume.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="resume.close"),
        Binding("down", "move(1)", "Next", show=False, id="resume.next"),
        Binding("up", "move(-1)", "Previous", show=False, id="resume.previous"),
    ]

    def __init__(self, sessions: list[SessionInfo], *, now: float | None = None) -> None:
        super().__init__()
        self.sessions = sessions
        self.now = time.time() if now is None else now
        self.shown: list[SessionInfo] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Resume a session"
            yield Input(placeholder="type to filter", id="filter")
            table: DataTable[str] = DataTable(
                id="sessions", cursor_type="row", zebra_stripes=True, show_cursor=True
            )
            table.can_focus = False  # typing stays in the filter
            yield table
            yield Static("", id="hint")

    def on_mount(self) -> None:
        self.query_one("#sessions", DataTable).add_columns(*COLUMNS)
        self._show("")
        self.query_one("#filter", Input).focus()

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, query: str) -> None:
        words = query.lower().split()
        self.shown = [info for info in self.sessions if all(w in _haystack(info) for w in words)]
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for info in self.shown:
            table.add_row(*row(info, self.now), key=info.id)
        hint = "enter resume · esc cancel"
        if not self.sessions:
            hint = "no saved sessions in this project · esc close"
        elif not self.shown:
            hint = "no session matches · esc cancel"
        self.query_one("#hint", Static).update(hint)

    def action_move(self, step: int) -> None:
        """Move the highlight while typing goes on in the filter."""
        table = self.query_one("#sessions", DataTable)
        if self.shown:
            table.move_cursor(row=max(0, min(len(self.shown) - 1, table.cursor_row + step)))

    @on(Input.Submitted, "#filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        row = self.query_one("#sessions", DataTable).cursor_row
        if 0 <= row < len(self.shown):
            self.dismiss(self.shown[row].id)

    @on(DataTable.RowSelected, "#sessions")
    def _clicked(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.dismiss(event.row_key.value)

    def action_close(self) -> None:
        """Resume nothing."""
        self.dismiss(None)


def _haystack(info: SessionInfo) -> str:
    return " ".join([info.first_prompt, info.model, info.branch, info.id]).lower()
