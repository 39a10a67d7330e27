"""The /tasks screen: the background commands of the conversation, with their output.

The list is refreshed while the screen is open; ``x`` stops the highlighted command.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from openclaude_tui.core.tools.background import TaskSnapshot

# Lines of a command's output shown: its latest.
SHOWN_LINES = 400
REFRESH_SECONDS = 1.0


def _age(started: float) -> str:
    seconds = max(int(time.time() - started), 0)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def _tail(output: str) -> str:
    lines = output.rstrip("\n").split("\n")
    if len(lines) <= SHOWN_LINES:
        return "\n".join(lines)
    return "\n".join([f"… ({len(lines) - SHOWN_LINES:,} earlier lines)", *lines[-SHOWN_LINES:]])


class TasksScreen(ModalScreen[None]):
    """Lists the background commands and shows the highlighted one's output.

    Args:
        snapshots: Returns the commands as they are now.
        kill: Stops the command with this id; True when it was running.
    """

    CSS_PATH = "tasks.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "kill", "Stop command", id="tasks.kill"),
        Binding("escape,q", "close", "Close", id="tasks.close"),
    ]

    def __init__(
        self,
        snapshots: Callable[[], list[TaskSnapshot]],
        kill: Callable[[str], Awaitable[bool]],
    ) -> None:
        super().__init__()
        self.snapshots = snapshots
        self.kill_task = kill
        self.tasks = snapshots()

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Background commands"
            yield OptionList(*self._options(), id="tasks")
            with VerticalScroll(id="output-box"):
                yield Static(id="output", markup=False)
            yield Static(self._hint(), id="hint")

    def on_mount(self) -> None:
        options = self.query_one("#tasks", OptionList)
        options.focus()
        if self.tasks:
            options.highlighted = len(self.tasks) - 1
        self._show_output()
        self.set_interval(REFRESH_SECONDS, self.refresh_tasks)

    def _options(self) -> list[Option]:
        return [
            Option(
                Content.from_markup(
                    f"[{'$warning' if task.running else '$text-muted'}]$status[/] [b]$id[/] "
                    "$command  [$text-muted]$age[/]",
                    status=f"{task.status:<9}",
                    id=task.task_id,
                    command=task.command.splitlines()[0][:80] if task.command else "",
                    age=_age(task.started),
                ),
                id=task.task_id,
            )
            for task in self.tasks
        ]

    def _hint(self) -> str:
        if not self.tasks:
            return (
                "No background commands yet: the agent starts them with Bash "
                "run_in_background. esc close"
            )
        running = sum(task.running for task in self.tasks)
        return f"{running} running · x stop the highlighted one · esc close"

    def _highlighted(self) -> TaskSnapshot | None:
        index = self.query_one("#tasks", OptionList).highlighted
        return self.tasks[index] if index is not None and index < len(self.tasks) else None

    def _show_output(self) -> None:
        task = self._highlighted()
        text = "" if task is None else (_tail(task.output) or "(no output yet)")
        self.query_one("#output", Static).update(text)

    def refresh_tasks(self) -> None:
        """Read the commands again, keeping the highlighted one."""
        options = self.query_one("#tasks", OptionList)
        index = options.highlighted
        self.tasks = self.snapshots()
        options.set_options(self._options())
        if self.tasks:
            options.highlighted = min(index if index is not None else 0, len(self.tasks) - 1)
        self.query_one("#hint", Static).update(self._hint())
        self._show_output()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_output()

    async def action_kill(self) -> None:
        """Stop the highlighted command."""
        task = self._highlighted()
        if task is None:
            return
        if await self.kill_task(task.task_id):
            self.notify(f"Stopped {task.task_id}")
        else:
            self.notify(f"{task.task_id} is not running", severity="warning")
        self.refresh_tasks()

    def action_close(self) -> None:
        """Close the list."""
        self.dismiss(None)
