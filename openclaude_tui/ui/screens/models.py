"""The /model picker: the models the server offers; Enter switches to the highlighted one."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class ModelScreen(ModalScreen[str | None]):
    """Choose a model; dismissed with its name, or None.

    Args:
        models: The names to offer.
        current: The model in use (marked, and highlighted first).
    """

    CSS_PATH = "rules.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="models.close")
    ]

    def __init__(self, models: list[str], current: str) -> None:
        super().__init__()
        self.models = models
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Model"
            yield OptionList(
                *(
                    Option(f"{'●' if name == self.current else ' '} {name}", id=name)
                    for name in self.models
                ),
                id="models",
            )
            yield Static("enter switch · esc keep the current model", id="hint")

    def on_mount(self) -> None:
        options = self.query_one("#models", OptionList)
        if self.current in self.models:
            options.highlighted = self.models.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected, "#models")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        """Keep the current model."""
        self.dismiss(None)
