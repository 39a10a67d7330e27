"""The permission modal: what a tool call would do, and the user's answer.

Options ``1 Allow once``, ``2 Always allow …`` (when the gate offers it) and ``3 Deny``,
chosen with 1/2/3, y/a/n, or the arrows and Enter. Deny asks for an optional reason in a
one-line field (Enter denies, Esc goes back to the options). Esc on the options denies the
call and interrupts the turn. An Edit or Write shows its change in the diff view; Tab moves
to it, where Space drops or keeps a hunk, so a change can be allowed in part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from openclaude_tui.ui.widgets.diff_view import DiffView

if TYPE_CHECKING:
    from openclaude_tui.core.diff import FileDiff

AnswerKind = Literal["allow_once", "allow_always", "deny"]


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


@dataclass(frozen=True)
class PermissionAnswer:
    """The user's answer: allow once, always, or deny (with a reason, or interrupting).

    ``hunks``: for a change allowed in part, the hunks kept (None: all of them).
    """

    kind: AnswerKind
    reason: str | None = None
    interrupt: bool = False
    hunks: tuple[int, ...] | None = None


class PermissionScreen(ModalScreen[PermissionAnswer]):
    """Asks whether one tool call may run."""

    CSS_PATH = "permission.tcss"

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("1,y", "choose('allow_once')", "Allow once", priority=True),
        Binding("2,a", "choose('allow_always')", "Always", priority=True),
        Binding("3,n", "choose('deny')", "Deny", priority=True),
        Binding("escape", "escape", "Interrupt", priority=True),
        Binding("j", "move_hunk(1)", "Next hunk", show=False, priority=True),
        Binding("k", "move_hunk(-1)", "Previous hunk", show=False, priority=True),
        Binding("space", "toggle_hunk", "Keep/drop hunk", show=False, priority=True),
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
                yield Static(Text(view.reason), id="why")
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
            yield Static(self._hint(), id="hint")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).display = False
        self.query_one("#options", OptionList).focus()

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

    def _verdict(self) -> str:
        level = (self.view.verdict or "").replace("_", "-")
        reasons = "; ".join(self.view.verdict_reasons)
        return f"{level}: {reasons}" if reasons else level

    def _options(self) -> list[Option]:
        options = [Option("1  Allow once", id="allow_once")]
        if self.view.always_label:
            options.append(Option(f"2  {self.view.always_label}", id="allow_always"))
        options.append(Option("3  Deny", id="deny"))
        return options

    def _hint(self) -> str:
        if self.asking_reason:
            return "enter deny with this reason · esc back to the options"
        always = " · 2/a always" if self.view.always_label else ""
        hunks = " · j/k hunk · space keep or drop it" if self.view.file_diff is not None else ""
        return f"1/y allow{always} · 3/n deny · esc deny and interrupt{hunks}"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("move_hunk", "toggle_hunk"):
            # While the reason is typed, these keys are letters and spaces.
            return self.view.file_diff is not None and not self.asking_reason
        if action == "choose":
            if self.asking_reason:
                return False
            if parameters and parameters[0] == "allow_always" and not self.view.always_label:
                return False
        return True

    def action_choose(self, kind: AnswerKind) -> None:
        """Answer with one of the options (Deny asks for a reason first)."""
        if kind == "deny":
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
        label = "1  Allow once"
        if len(event.selected) < event.total:
            label += f" ({len(event.selected)} of {event.total} hunks)"
        options.replace_option_prompt("allow_once", label)

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
