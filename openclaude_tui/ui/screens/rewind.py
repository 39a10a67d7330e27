"""The rewind dialog (``/rewind``, Esc Esc on an empty prompt): the user's prompts, newest
first; choosing one offers to restore the code, the conversation, or both, to before it.

Three steps in one modal: the prompts (Enter chooses one); what to restore (1 code and
conversation, 2 conversation only, 3 code only, 4 cancel), with what would change and the
warning that shell commands are not undone; and, when the code would overwrite files the
user changed since the agent last wrote them, a second confirmation that lists them.

Each step opens its own key guard (``ui.type_ahead``): a key typed before the step showed,
or in the burst that opened it, never chooses a restore. Such keys are dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from openclaude_tui.ui.type_ahead import GuardedChoice

if TYPE_CHECKING:
    # Only named here: the main screen imports this before the core's agent is loaded.
    from openclaude_tui.core.sessions.rewind import PromptPoint, RewindPlan

Step = Literal["prompts", "restore", "confirm"]
PROMPT_WIDTH = 70
SHELL_NOTE = "Shell commands (Bash) are not undone: only the agent's file edits are restored."
# What each restore option does: (code, conversation).
RESTORES: dict[str, tuple[bool, bool]] = {
    "both": (True, True),
    "conversation": (False, True),
    "code": (True, False),
}
KEEP_DROPPED_NOTE = "keys typed just now were dropped; press a key"


@dataclass(frozen=True)
class RewindChoice:
    """What the user chose: the plan, what to restore, and whether their own changes to
    files are overwritten too."""

    plan: RewindPlan
    code: bool
    conversation: bool
    overwrite_changed: bool = False


def one_line(text: str, width: int = PROMPT_WIDTH) -> str:
    """``text`` on one line, cut with "…" to ``width``."""
    line = " ".join(text.split()) or "(empty prompt)"
    return line if len(line) <= width else line[: width - 1] + "…"


def shown_path(path: Path, root: Path) -> str:
    """``path`` relative to the project when it is inside it."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


class RewindScreen(GuardedChoice, ModalScreen[RewindChoice | None]):
    """Choose a prompt to go back to, and what to restore; dismissed with the choice or None.

    Args:
        points: The prompts, newest first.
        plan_for: What rewinding to before a prompt would do (raises ``OSError`` when the
            session cannot be read).
        root: The project (paths are shown relative to it).
    """

    CSS_PATH = "rewind.tcss"
    TYPE_AHEAD_TO_PROMPT = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "pick(1)", "First option", show=False, priority=True, id="rewind.option_1"),
        Binding("2", "pick(2)", "Second option", show=False, priority=True, id="rewind.option_2"),
        Binding("3", "pick(3)", "Third option", show=False, priority=True, id="rewind.option_3"),
        Binding("4", "pick(4)", "Fourth option", show=False, priority=True, id="rewind.option_4"),
        Binding("escape", "back", "Back", priority=True, id="rewind.back"),
    ]

    def __init__(
        self,
        points: list[PromptPoint],
        plan_for: Callable[[PromptPoint], RewindPlan],
        root: Path,
    ) -> None:
        super().__init__()
        self.points = points
        self.plan_for = plan_for
        self.root = root
        self.step: Step = "prompts"
        self.plan: RewindPlan | None = None
        self._restore: tuple[bool, bool] = (True, True)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Rewind"
            yield Static("", id="about")
            yield OptionList(id="choices")
            yield Static("", id="note")
            yield Static(KEEP_DROPPED_NOTE, id="type-ahead-note")
            yield Static("", id="hint")

    def on_mount(self) -> None:
        self._show_prompts()
        self.query_one("#choices", OptionList).focus()

    # The steps

    def _show(self, step: Step, about: str | Text, options: list[Option], note: str) -> None:
        self.step = step
        self.query_one("#about", Static).update(about)
        choices = self.query_one("#choices", OptionList)
        choices.clear_options()
        choices.add_options(options)
        choices.highlighted = 0 if options else None
        note_widget = self.query_one("#note", Static)
        note_widget.update(note)
        note_widget.display = bool(note)
        hints = {
            "prompts": "↑↓ move · enter choose · esc close",
            "restore": "1-4 or enter choose · esc back to the prompts",
            "confirm": "1-3 or enter choose · esc cancel",
        }
        self.query_one("#hint", Static).update(hints[step])
        # A new question: keys already typed (the burst that opened it) do not answer it.
        self.open_key_guard()

    def _show_prompts(self) -> None:
        count = len(self.points)
        options = [
            Option(f"{point.turn + 1:>3}  {one_line(point.text)}", id=str(index))
            for index, point in enumerate(self.points)
        ]
        about = "Go back to before which prompt? (newest first)"
        if not count:
            about = "No prompt to go back to yet."
        self._show("prompts", about, options, "")

    def _show_restore(self, plan: RewindPlan) -> None:
        self.plan = plan
        about = Text()
        about.append("Back to before prompt ")
        about.append(f"{plan.point.turn + 1}", "bold")
        about.append(f": {one_line(plan.point.text)}\n")
        about.append(self._files_line(plan))
        options = [
            Option("1  Restore code and conversation", id="both"),
            Option("2  Restore conversation only", id="conversation"),
            Option("3  Restore code only", id="code"),
            Option("4  Cancel", id="cancel"),
        ]
        self._show("restore", about, options, SHELL_NOTE)

    def _files_line(self, plan: RewindPlan) -> str:
        if not plan.files:
            return "No file the agent changed since then differs from before it."
        removed = sum(item.before is None for item in plan.files)
        names = ", ".join(shown_path(item.path, self.root) for item in plan.files[:4])
        more = f" and {len(plan.files) - 4} more" if len(plan.files) > 4 else ""
        created = f" ({removed} created by the agent would be removed)" if removed else ""
        count = len(plan.files)
        return f"Code: {count} file{'s' if count != 1 else ''} would change{created}: {names}{more}"

    def _show_confirm(self, plan: RewindPlan) -> None:
        changed = plan.user_changed
        listed = "\n".join(f"  {shown_path(path, self.root)}" for path in changed[:8])
        if len(changed) > 8:
            listed += f"\n  … and {len(changed) - 8} more"
        about = Text()
        about.append("These files were changed since the agent last wrote them ", "bold")
        about.append("(by you, an editor or a command):\n")
        about.append(listed)
        options = [
            Option("1  Overwrite them too", id="overwrite"),
            Option("2  Keep them; restore the other files", id="keep"),
            Option("3  Cancel", id="cancel"),
        ]
        self._show("confirm", about, options, "")

    # Choosing

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick":
            count = self.query_one("#choices", OptionList).option_count
            return self.step != "prompts" and bool(parameters) and int(str(parameters[0])) <= count
        return True

    def action_pick(self, number: int) -> None:
        """Choose the option with this number (restore and confirm steps)."""
        choices = self.query_one("#choices", OptionList)
        if self.step == "prompts" or not 0 < number <= choices.option_count:
            return
        option = choices.get_option_at_index(number - 1)
        if option.id is not None:
            self._chosen(option.id)

    @on(OptionList.OptionSelected, "#choices")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self._chosen(event.option.id)

    def _chosen(self, choice: str) -> None:
        if self.step == "prompts":
            self._prompt_chosen(self.points[int(choice)])
        elif self.step == "restore":
            self._restore_chosen(choice)
        else:
            self._confirmed(choice)

    def _prompt_chosen(self, point: PromptPoint) -> None:
        try:
            plan = self.plan_for(point)
        except OSError as error:
            self.query_one("#hint", Static).update(
                f"cannot read the session: {error.strerror or error}"
            )
            return
        self._show_restore(plan)

    def _restore_chosen(self, choice: str) -> None:
        plan = self.plan
        if choice == "cancel" or plan is None:
            self.dismiss(None)
            return
        code, conversation = self._restore = RESTORES[choice]
        if code and plan.user_changed:
            self._show_confirm(plan)
            return
        self.dismiss(RewindChoice(plan, code, conversation))

    def _confirmed(self, choice: str) -> None:
        plan = self.plan
        if choice == "cancel" or plan is None:
            self.dismiss(None)
            return
        code, conversation = self._restore
        overwrite = choice == "overwrite"
        self.dismiss(RewindChoice(plan, code, conversation, overwrite_changed=overwrite))

    def action_back(self) -> None:
        """Back to the prompts from the restore step; else close without rewinding."""
        if self.step == "restore":
            self._show_prompts()
        else:
            self.dismiss(None)
