"""A question with a few answers, asked in a modal: a number key or Enter on the highlighted
answer chooses, Esc answers nothing.

Keys are judged by the key guard (``ui.type_ahead``): a key typed before the question showed,
or in the burst that opened it, never answers; it goes to the prompt instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from openclaude_tui.ui.type_ahead import WAITING_NOTE, GuardedChoice

# Number keys answer; a question has at most this many answers.
MOST_ANSWERS = 9


class ChoiceScreen(GuardedChoice, ModalScreen[str | None]):
    """Asks ``question``; dismissed with the chosen answer's id, or None on Esc.

    Args:
        title: The dialog's title.
        question: What is asked (a ``Text`` keeps its styles; a ``str`` is not read as markup).
        answers: ``(id, label)`` for each answer, the first highlighted.
    """

    CSS_PATH = "choice.tcss"
    # The number keys answer too (``on_key``): they are the answers' own labels.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", priority=True, id="choice.cancel"),
    ]

    def __init__(self, title: str, question: str | Text, answers: Sequence[tuple[str, str]]):
        if not 0 < len(answers) <= MOST_ANSWERS:
            raise ValueError(f"a question takes 1 to {MOST_ANSWERS} answers")
        super().__init__()
        self.title_text = title
        self.question = question
        self.answers = list(answers)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = self.title_text
            question = self.question if isinstance(self.question, Text) else Text(self.question)
            # A long question (a long note) scrolls, so the answers and keys stay in view.
            with VerticalScroll(id="question-box", can_focus=False):
                yield Static(question, id="question")
            yield OptionList(
                *(
                    Option(f"{number}  {label}", id=answer)
                    for number, (answer, label) in enumerate(self.answers, start=1)
                ),
                id="answers",
            )
            yield Static(WAITING_NOTE, id="type-ahead-note")
            yield Static(f"1-{len(self.answers)} or enter choose · esc cancel", id="hint")

    def on_mount(self) -> None:
        answers = self.query_one("#answers", OptionList)
        answers.highlighted = 0
        answers.focus()
        self.open_key_guard()

    def on_key(self, event: events.Key) -> None:
        """A number key chooses the answer it labels."""
        character = event.character or ""
        if character.isdigit() and 0 < int(character) <= len(self.answers):
            event.stop()
            self.dismiss(self.answers[int(character) - 1][0])

    @on(OptionList.OptionSelected, "#answers")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Answer nothing."""
        self.dismiss(None)
