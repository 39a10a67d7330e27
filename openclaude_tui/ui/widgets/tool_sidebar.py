"""The tool-activity sidebar: the model's plan, counts by state, one row per tool call; a
sub-agent's calls are rows under the row of the Task call that runs it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from openclaude_tui.ui.widgets.tool_card import ICONS, format_duration

TODO_MARKS = {"completed": "☒", "in_progress": "◐", "pending": "☐"}
# States shown in the header, in this order.
COUNTED = ("running", "asking", "done", "failed", "denied", "interrupted")
_ROW_STYLES = {
    "pending": "$text-muted",
    "asking": "$warning",
    "running": "$accent",
    "done": "$success",
    "failed": "$error",
    "denied": "$warning",
    "interrupted": "$text-muted",
}
# Cells of a call's row (the sidebar's width less its border, padding, the list's option
# padding and scroll bar): the target is shortened so the duration stays on the row.
ROW_CELLS = 30
# What a sub-agent's call is drawn after, under its Task call's row.
CHILD_INDENT = " ↳ "


@dataclass
class _Row:
    name: str
    target: str
    state: str = "pending"
    duration: float | None = None
    # What the call is doing now (a Task call's sub-agent), shown instead of the target
    # while it runs.
    activity: str = ""
    # The Task call whose sub-agent made this call (None: the main agent's own).
    parent: str | None = None


class CallList(OptionList):
    """The rows of the calls: Enter shows a call's card; Esc, or typing, goes to the prompt."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", "Move", key_display="↑↓", id="sidebar.cursor_down"),
        Binding("enter", "select", "Show card", id="sidebar.select"),
        Binding("escape", "leave", "Prompt", id="sidebar.leave"),
    ]

    def action_leave(self) -> None:
        """Go back to the prompt."""
        self.post_message(ToolSidebar.Leave())

    def on_key(self, event: events.Key) -> None:
        # The list has no use for letters: what the user types belongs in the prompt.
        if event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            self.post_message(ToolSidebar.Leave(event.character))


class ToolSidebar(Vertical):
    """Every tool call of the session; selecting one scrolls the chat to its card."""

    DEFAULT_CSS = """
    ToolSidebar {
        width: 36;
        height: 1fr;
        background: $surface;
        border-left: vkey $panel-lighten-1;
        padding: 0 0 0 1;
        & > #todos { height: auto; max-height: 50%; color: $foreground; margin-bottom: 1; }
        & > #counts { height: auto; color: $text-muted; }
        & > #calls { height: 1fr; border: none; background: $surface; padding: 0; }
        &:focus-within { border-left: vkey $accent; }
        &:focus-within > #counts { color: $accent; }
    }
    """

    class Leave(Message):
        """The user left the sidebar for the prompt, typing ``text`` there (may be "")."""

        def __init__(self, text: str = "") -> None:
            super().__init__()
            self.text = text

    class CallSelected(Message):
        """The user chose the row of a tool call."""

        def __init__(self, call_id: str) -> None:
            super().__init__()
            self.call_id = call_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: dict[str, _Row] = {}
        self._todos: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Static(id="todos")
        yield Static(id="counts")
        yield CallList(id="calls")

    def on_mount(self) -> None:
        # The sidebar may be mounted after calls were reported, even after it composed its
        # list (a call reported in between is in the rows only): show what it holds.
        calls = self.query_one("#calls", OptionList)
        calls.clear_options()
        calls.add_options(Option(self._prompt(key), key) for key in self._rows)
        self._show_todos()
        self._refresh_counts()

    def add_call(self, call_id: str, name: str, target: str) -> None:
        """A new tool call (pending until it runs or asks)."""
        self._rows[call_id] = _Row(name, target)
        if self.is_mounted:
            self.query_one("#calls", OptionList).add_option(Option(self._prompt(call_id), call_id))
            self._refresh_counts()

    def add_child(self, parent_id: str, key: str, name: str, target: str) -> None:
        """A call of the sub-agent that the Task call ``parent_id`` runs, shown under its row
        (after the calls it made before); ``key`` names it from now on."""
        if parent_id not in self._rows or key in self._rows:
            return
        # After the parent's row and the rows already under it.
        keys = list(self._rows)
        at = keys.index(parent_id) + 1
        while at < len(keys) and self._rows[keys[at]].parent == parent_id:
            at += 1
        keys.insert(at, key)
        row = _Row(name, target, parent=parent_id)
        self._rows = {k: row if k == key else self._rows[k] for k in keys}
        if self.is_mounted:
            calls = self.query_one("#calls", OptionList)
            highlighted = calls.highlighted_option
            calls.set_options(Option(self._prompt(k), k) for k in self._rows)
            if highlighted is not None and highlighted.id is not None:
                calls.highlighted = calls.get_option_index(highlighted.id)
            self._refresh_counts()

    def set_state(self, call_id: str, state: str, duration: float | None = None) -> None:
        """A call's new state (and its duration once it ended)."""
        row = self._rows.get(call_id)
        if row is None:
            return
        row.state = state
        if duration is not None:
            row.duration = duration
        if self.is_mounted:
            calls = self.query_one("#calls", OptionList)
            calls.replace_option_prompt(call_id, self._prompt(call_id))
            self._refresh_counts()

    def set_activity(self, call_id: str, activity: str) -> None:
        """What a running call is doing now (a sub-agent's count of calls and last one)."""
        row = self._rows.get(call_id)
        if row is None:
            return
        row.activity = activity
        if self.is_mounted:
            self.query_one("#calls", OptionList).replace_option_prompt(
                call_id, self._prompt(call_id)
            )

    def set_todos(self, rows: list[tuple[str, str]]) -> None:
        """Show the model's plan: (text, status) per step."""
        self._todos = list(rows)
        if self.is_mounted:
            self._show_todos()

    def clear(self) -> None:
        """Forget every call and the plan."""
        self._rows.clear()
        self._todos.clear()
        if self.is_mounted:
            self.query_one("#calls", OptionList).clear_options()
            self._show_todos()
            self._refresh_counts()

    @property
    def todos(self) -> list[tuple[str, str]]:
        """The model's plan: (text, status) per step."""
        return list(self._todos)

    def _show_todos(self) -> None:
        todos = self.query_one("#todos", Static)
        todos.display = bool(self._todos)
        todos.update(todo_text(self._todos))

    def _prompt(self, call_id: str) -> Content:
        row = self._rows[call_id]
        icon = "⋯" if row.state == "running" else ICONS.get(row.state, "•")
        duration = f" {format_duration(row.duration)}" if row.duration is not None else ""
        indent = CHILD_INDENT if row.parent is not None else ""
        room = ROW_CELLS - len(f"{indent}{icon} {row.name} {duration}")
        return Content.from_markup(
            f"[$text-muted]$indent[/][{_ROW_STYLES.get(row.state, '$text-muted')}]$icon[/] "
            "[b]$name[/] $target[$text-muted]$duration[/]",
            indent=indent,
            icon=icon,
            name=row.name,
            target=short_target(
                row.activity if row.state == "running" and row.activity else row.target,
                max(room, 4),
            ),
            duration=duration,
        )

    def _counts(self) -> Content:
        counts = Counter(row.state for row in self._rows.values())
        total = len(self._rows)
        parts = [f"{counts[state]} {state}" for state in COUNTED if counts[state]]
        summary = f"Tools · {total} call{'s' if total != 1 else ''}"
        return Content.from_markup("[b]$summary[/]", summary=summary) + Content(
            ("\n" + ", ".join(parts)) if parts else ""
        )

    def _refresh_counts(self) -> None:
        self.query_one("#counts", Static).update(self._counts())

    @on(OptionList.OptionSelected, "#calls")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        key = event.option.id
        if key is not None:
            # A sub-agent's call has no card of its own: its Task call's card lists it.
            row = self._rows.get(key)
            self.post_message(self.CallSelected(row.parent if row and row.parent else key))


def todo_text(todos: list[tuple[str, str]]) -> Text:
    """The plan as a checklist, one step a line; done steps struck through."""
    text = Text()
    for number, (content, status) in enumerate(todos):
        if number:
            text.append("\n")
        text.append(f"{TODO_MARKS.get(status, '☐')} ")
        text.append(content, "strike" if status == "completed" else "")
    return text


def short_target(target: str, limit: int) -> str:
    """A target that fits a row: the end of a path; a URL's host first (without the scheme),
    then what room is left of the end of its path; the start of anything else."""
    scheme, found, rest = target.partition("://")
    if found and scheme in ("http", "https") and " " not in rest:
        host, slash, path = rest.partition("/")
        if len(rest) <= limit:
            return rest
        if len(host) + 2 < limit:
            return f"{host}…{(slash + path)[-(limit - len(host) - 1) :]}"
        return host[: limit - 1] + "…"
    if len(target) <= limit:
        return target
    if "/" in target and " " not in target:
        return "…" + target[-(limit - 1) :]
    return target[: limit - 1].rstrip() + "…"
