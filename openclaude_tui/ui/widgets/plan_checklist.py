"""The model's plan above the prompt, for when the sidebar (which shows it too) is hidden."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widgets import Static

from openclaude_tui.ui.widgets.tool_sidebar import TODO_MARKS, todo_text


class PlanChecklist(Static):
    """The plan's steps under a header; a click folds it to the header and the current step."""

    DEFAULT_CSS = """
    PlanChecklist {
        height: auto;
        max-height: 8;
        padding: 0 1;
        background: $surface;
        color: $foreground;
        border-top: hkey $panel-lighten-1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.todos: list[tuple[str, str]] = []
        self.folded = False

    def set_todos(self, todos: list[tuple[str, str]]) -> None:
        """Show these steps: (text, status) each."""
        self.todos = list(todos)
        self._show()

    def toggle(self) -> None:
        """Fold the list to one line, or unfold it."""
        self.folded = not self.folded
        self._show()

    def on_click(self, event: events.Click) -> None:
        self.toggle()

    def _show(self) -> None:
        done = sum(status == "completed" for _, status in self.todos)
        header = Content.from_markup(
            "[b $accent]Plan[/] [$text-muted]· $done of $total done · click to $verb[/]",
            done=str(done),
            total=str(len(self.todos)),
            verb="unfold" if self.folded else "fold",
        )
        if not self.folded:
            self.update(header + "\n" + Content.from_rich_text(todo_text(self.todos)))
            return
        current = next(
            ((text, status) for text, status in self.todos if status != "completed"), None
        )
        if current is not None:
            header += Content(f"  {TODO_MARKS.get(current[1], '☐')} {current[0]}")
        self.update(header)
