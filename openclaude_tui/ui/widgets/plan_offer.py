"""The offer shown when a plan-mode turn presented a plan: carry it out, or keep planning.

It never takes the focus (typing goes on into the prompt): Alt+1/2/3 answer it from
anywhere on the main screen, or a click focuses it and then 1/2/3 (or y/a/n, Esc) do.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

PlanChoice = Literal["default", "acceptEdits", "keep"]


class PlanOffer(Static, can_focus=True):
    """``1`` carries the plan out (asking as usual), ``2`` accepting edits, ``3`` keeps planning."""

    DEFAULT_CSS = """
    PlanOffer {
        display: none;
        height: auto;
        padding: 0 1;
        background: $accent-muted;
        color: $foreground;
        &.-open { display: block; }
        &:focus { text-style: bold; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1,y", "choose('default')", "Carry out", id="plan_offer.carry_out"),
        Binding(
            "2,a",
            "choose('acceptEdits')",
            "Carry out, accept edits",
            id="plan_offer.carry_out_accepting_edits",
        ),
        Binding("3,n,escape", "choose('keep')", "Keep planning", id="plan_offer.keep_planning"),
    ]

    class Chosen(Message):
        """The user answered the offer."""

        def __init__(self, choice: PlanChoice) -> None:
            super().__init__()
            self.choice = choice

    def on_mount(self) -> None:
        self.update(
            Content.from_markup(
                "[b]Plan ready.[/b] [b $accent]alt+1[/] carry it out (asking as usual) · "
                "[b $accent]alt+2[/] carry it out, accepting edits · "
                "[b $accent]alt+3[/] keep planning [$text-muted](or click here, then 1/2/3)[/]"
            )
        )

    def on_click(self, event: events.Click) -> None:
        """A click focuses the offer, where 1/2/3 answer it."""
        event.stop()
        self.focus()

    def open(self) -> None:
        """Show the offer (the focus stays where it is)."""
        self.add_class("-open")

    def close(self) -> None:
        """Hide the offer."""
        self.remove_class("-open")

    @property
    def is_open(self) -> bool:
        """Whether the offer shows."""
        return self.has_class("-open")

    def action_choose(self, choice: PlanChoice) -> None:
        """Answer the offer."""
        self.close()
        self.post_message(self.Chosen(choice))
