"""The permission modal: what a tool call would do, and the user's answer.

Options ``1 Allow once``, ``2 Always allow …`` (when the gate offers it) and ``3 Deny``,
chosen with 1/2/3, y/a/n, or the arrows and Enter. Deny asks for an optional reason in a
one-line field (Enter denies, Esc goes back to the options); a command the user typed with
``!`` is denied at once (there is no model to tell). Esc on the options denies the call and
interrupts the turn. An Edit or Write shows its change in the diff view, where j/k move
between hunks and Space drops or keeps one, so a change can be allowed in part ("Write
nothing" once every hunk is dropped). The diff is the only part that gives way to a small
terminal: it scrolls, and the title, the options and the keys always show.

Keys typed in a burst that began before the modal opened do not answer it (see
``ui.type_ahead``): they go to the prompt, and the modal says so until the typing pauses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from openclaude_tui.ui.type_ahead import WAITING_NOTE, GuardedChoice
from openclaude_tui.ui.widgets.diff_view import DiffView

if TYPE_CHECKING:
    from openclaude_tui.core.changes.diff import FileDiff

AnswerKind = Literal["allow_once", "allow_always", "deny"]
# `code` in the gate's texts (rules, reasons) is shown in bold, without the backticks.
_CODE_SPAN = re.compile(r"`([^`]+)`")
# The diff keeps at least this many rows, however small the terminal.
MIN_DIFF_ROWS = 3


@dataclass(frozen=True)
class PermissionView:
    """Everything the modal shows about one tool call, in plain values.

    Attributes:
        tool: The tool's name.
        target: The call's target (a path, a command).
        reason: Why the gate asks.
        always_label: The text of option 2, or "" when it is not offered.
        file_diff: The proposed change (Edit, Write).
        command: The shell command (Bash).
        description: What the model says the command does (Bash).
        verdict: The classifier's level (read_only, mutating, destructive).
        verdict_reasons: The classifier's reasons.
        details: Other arguments worth showing, one ``name: value`` per line.
        by_user: The user's own ``!`` command: denying it asks for no reason.
    """

    tool: str
    target: str
    reason: str = ""
    always_label: str = ""
    file_diff: FileDiff | None = None
    command: str | None = None
    description: str | None = None
    verdict: str | None = None
    verdict_reasons: tuple[str, ...] = field(default_factory=tuple)
    details: str = ""
    by_user: bool = False


@dataclass(frozen=True)
class PermissionAnswer:
    """The user's answer: allow once, always, or deny (with a reason, or interrupting).

    ``hunks``: for a change allowed in part, the hunks kept (None: all of them).
    """

    kind: AnswerKind
    reason: str | None = None
    interrupt: bool = False
    hunks: tuple[int, ...] | None = None


def plain_code(text: str, style: str = "bold") -> Text:
    """``text`` with its `code` spans styled instead of quoted in backticks."""
    shown = Text()
    position = 0
    for match in _CODE_SPAN.finditer(text):
        shown.append(text[position : match.start()])
        shown.append(match[1], style)
        position = match.end()
    shown.append(text[position:])
    return shown


def count_of(count: int, noun: str) -> str:
    """``1 hunk``, ``3 hunks``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def allow_once_label(kept: int, total: int) -> str:
    """Option 1's text when ``kept`` of a change's ``total`` hunks are kept."""
    if kept == total:
        return "1  Allow once"
    if kept == 0:
        return "1  Write nothing"
    return f"1  Allow once ({kept} of {count_of(total, 'hunk')})"


class PermissionScreen(GuardedChoice, ModalScreen[PermissionAnswer]):
    """Asks whether one tool call may run."""

    CSS_PATH = "permission.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "1,y", "choose('allow_once')", "Allow once", priority=True, id="permission.allow_once"
        ),
        Binding(
            "2,a", "choose('allow_always')", "Always", priority=True, id="permission.allow_always"
        ),
        Binding("3,n", "choose('deny')", "Deny", priority=True, id="permission.deny"),
        Binding("escape", "escape", "Interrupt", priority=True, id="permission.interrupt"),
        Binding(
            "j", "move_hunk(1)", "Next hunk", show=False, priority=True, id="permission.next_hunk"
        ),
        Binding(
            "k",
            "move_hunk(-1)",
            "Previous hunk",
            show=False,
            priority=True,
            id="permission.previous_hunk",
        ),
        Binding(
            "space",
            "toggle_hunk",
            "Keep/drop hunk",
            show=False,
            priority=True,
            id="permission.toggle_hunk",
        ),
    ]

    def __init__(self, view: PermissionView) -> None:
        super().__init__()
        self.view = view
        self.asking_reason = False

    def compose(self) -> ComposeResult:
        view = self.view
        with Vertical(id="dialog") as dialog:
            dialog.border_title = f"Allow {view.tool}?"
            yield Static(self._title(), id="call")
            if view.reason:
                yield Static(plain_code(view.reason), id="why")
            if view.command is not None:
                yield Static(self._command(), id="command")
            if view.verdict:
                yield Static(self._verdict(), id="verdict", classes=f"-{view.verdict}")
            if view.file_diff is not None:
                yield DiffView([view.file_diff], selectable=True, split=False, id="diff")
            elif view.details:
                yield Static(Text(view.details), id="details")
            yield OptionList(*self._options(), id="options")
            yield Input(placeholder="Reason for the model (optional)", id="reason")
            yield Static(WAITING_NOTE, id="type-ahead-note")
            yield Static(self._hint(), id="hint")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).display = False
        self.query_one("#options", OptionList).focus()
        self.open_key_guard()
        self.call_after_refresh(self._fit_diff)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_diff)

    def _show_guard(self) -> None:
        super()._show_guard()
        # The note about held-back keys takes a row while it shows.
        self.call_after_refresh(self._fit_diff)

    def _fit_diff(self) -> None:
        """Give the diff the rows the rest of the dialog leaves; it scrolls within them."""
        diffs = self.query(DiffView)
        if not diffs:
            return
        diff = diffs.first()
        dialog = self.query_one("#dialog")
        others = sum(
            child.outer_size.height + child.styles.margin.top + child.styles.margin.bottom
            for child in dialog.children
            if child is not diff and child.display
        )
        chrome = dialog.styles.border.spacing.height + dialog.styles.padding.height
        # The screen's size leaves out its padding (the rows kept free around the dialog).
        room = self.size.height - chrome - others - diff.styles.margin.top
        rows = max(MIN_DIFF_ROWS, min(diff.virtual_size.height, room))
        if diff.styles.height is None or diff.styles.height.value != rows:
            diff.styles.height = rows

    def _title(self) -> Text:
        title = Text()
        title.append(self.view.tool, "bold")
        title.append(f"  {self.view.target}")
        return title

    def _command(self) -> Text:
        text = Text()
        text.append(f"$ {self.view.command}", "bold")
        if self.view.description:
            text.append(f"\n{self.view.description}", "italic")
        return text

    def _verdict(self) -> Text:
        level = (self.view.verdict or "").replace("_", "-")
        reasons = "; ".join(self.view.verdict_reasons)
        return plain_code(f"{level}: {reasons}" if reasons else level)

    def _options(self) -> list[Option]:
        options = [Option("1  Allow once", id="allow_once")]
        if self.view.always_label:
            label = Text("2  ").append_text(plain_code(self.view.always_label))
            options.append(Option(label, id="allow_always"))
        options.append(Option("3  Deny", id="deny"))
        return options

    def _hint(self) -> str:
        if self.asking_reason:
            return "enter deny with this reason · esc back to the options"
        always = " 2/a" if self.view.always_label else ""
        hunks = " · j/k hunk · space keep/drop" if self.view.file_diff is not None else ""
        return f"1/y{always} 3/n · esc deny and stop{hunks}"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("move_hunk", "toggle_hunk"):
            # While the reason is typed, these keys are letters and spaces.
            return self.view.file_diff is not None and not self.asking_reason
        if action == "choose":
            if self.asking_reason:
                return False
            if parameters and parameters[0] == "allow_always" and not self._always_open():
                return False
        return True

    def _always_open(self) -> bool:
        """Whether option 2 may be chosen (not while every hunk is dropped)."""
        if not self.view.always_label:
            return False
        if self.view.file_diff is None or not self.is_mounted:
            return True
        return self.query_one(DiffView).approved_hunks(0) != ()

    def action_choose(self, kind: AnswerKind) -> None:
        """Answer with one of the options (Deny asks for a reason first)."""
        if kind == "allow_always" and not self._always_open():
            return
        if kind == "deny":
            if self.view.by_user:
                self.dismiss(PermissionAnswer("deny"))
            else:
                self._ask_reason(True)
            return
        hunks = None
        if self.view.file_diff is not None:
            hunks = self.query_one(DiffView).approved_hunks(0)
        self.dismiss(PermissionAnswer(kind, hunks=hunks))

    def action_move_hunk(self, step: int) -> None:
        """Move to the next (1) or previous (-1) hunk of the diff."""
        view = self.query_one(DiffView)
        if step > 0:
            view.next_hunk()
        else:
            view.previous_hunk()

    def action_toggle_hunk(self) -> None:
        """Keep or drop the current hunk."""
        self.query_one(DiffView).toggle_current_hunk()

    @on(DiffView.SelectionChanged)
    def _hunks_changed(self, event: DiffView.SelectionChanged) -> None:
        options = self.query_one("#options", OptionList)
        label = allow_once_label(len(event.selected), event.total)
        options.replace_option_prompt("allow_once", label)
        if self.view.always_label:
            if event.selected:
                options.enable_option("allow_always")
            else:
                options.disable_option("allow_always")

    def action_escape(self) -> None:
        """Back to the options from the reason field; else deny and interrupt."""
        if self.asking_reason:
            self._ask_reason(False)
            return
        self.dismiss(PermissionAnswer("deny", interrupt=True))

    def _ask_reason(self, asking: bool) -> None:
        self.asking_reason = asking
        field_ = self.query_one("#reason", Input)
        options = self.query_one("#options", OptionList)
        field_.display = asking
        options.disabled = asking
        self.query_one("#hint", Static).update(self._hint())
        self.call_after_refresh(self._fit_diff)
        if asking:
            field_.focus()
        else:
            field_.value = ""
            options.focus()

    @on(OptionList.OptionSelected, "#options")
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_choose(event.option.id)  # type: ignore[arg-type]

    @on(Input.Submitted, "#reason")
    def _reason_given(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        self.dismiss(PermissionAnswer("deny", reason=reason or None))
