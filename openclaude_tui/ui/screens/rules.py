"""The /permissions screen: every rule in effect, where it lives, and a key to remove one."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from openclaude_tui.core.permissions.rules import RuleInEffect

KIND_STYLES = {"allow": "$success", "ask": "$warning", "deny": "$error"}


class RulesScreen(ModalScreen[None]):
    """Lists the rules; Delete or ``d`` removes the highlighted one.

    Args:
        rows: The rules to list.
        remove: Removes a rule; True when it was removed.
    """

    CSS_PATH = "rules.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete,d", "remove", "Remove rule", id="rules.remove"),
        Binding("escape,q", "close", "Close", id="rules.close"),
    ]

    def __init__(self, rows: list[RuleInEffect], remove: Callable[[RuleInEffect], bool]) -> None:
        super().__init__()
        self.rows = list(rows)
        self.remove_rule = remove

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Permission rules"
            yield OptionList(*self._options(), id="rules")
            yield Static(self._hint(), id="hint")

    def on_mount(self) -> None:
        self.query_one("#rules", OptionList).focus()

    def _options(self) -> list[Option]:
        return [
            Option(
                Content.from_markup(
                    f"[{KIND_STYLES.get(row.kind, '$foreground')}]$kind[/] [b]$text[/]"
                    "  [$text-muted]$source[/]",
                    kind=f"{row.kind:<5}",
                    text=row.text,
                    source=row.source,
                ),
                id=str(index),
            )
            for index, row in enumerate(self.rows)
        ]

    def _hint(self) -> str:
        if not self.rows:
            return "No rules: the permission mode decides. esc close"
        return "d / delete remove the highlighted rule · esc close"

    def action_remove(self) -> None:
        """Remove the highlighted rule."""
        options = self.query_one("#rules", OptionList)
        index = options.highlighted
        if index is None or index >= len(self.rows):
            return
        row = self.rows[index]
        if not self.remove_rule(row):
            self.notify(f"{row.text} could not be removed", severity="warning")
            return
        del self.rows[index]
        options.set_options(self._options())
        if self.rows:
            options.highlighted = min(index, len(self.rows) - 1)
        self.query_one("#hint", Static).update(self._hint())
        where = "" if row.source in ("this session",) else f" (it was in {row.source})"
        self.notify(f"Removed {row.kind} rule {row.text}{where}")

    def action_close(self) -> None:
        """Close the list."""
        self.dismiss(None)
