"""A tool call in the chat pane: state, tool, target, duration and its output, collapsed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from rich.cells import chop_cells
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from openclaude_tui.core.lsp.diagnostics import diagnostics_block
from openclaude_tui.ui.widgets.chat_item import ChatItem, RenderContext

CardState = Literal["pending", "asking", "running", "done", "failed", "denied", "interrupted"]

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
ICONS: dict[str, str] = {
    "pending": "○",
    "asking": "?",
    "done": "✓",
    "failed": "✗",
    "denied": "⊘",
    "interrupted": "⏹",
}
STATE_STYLES: dict[str, str] = {
    "pending": "muted",
    "asking": "warning",
    "running": "accent",
    "done": "success",
    "failed": "error",
    "denied": "warning",
    "interrupted": "muted",
}
COLLAPSED_LINES = 4
# An edit is read by its changed lines: a collapsed one shows more of them.
COLLAPSED_DIFF_LINES = 10
EXPANDED_LINES = 400
# Tools whose useful output is at the end (a test run's summary, a build's error).
TAIL_FIRST = frozenset({"Bash"})
# Tools whose live output is what they did (a sub-agent's calls), not a first look at the
# result: their card, expanded, keeps it above the result once they finished.
KEEPS_ACTIVITY = frozenset({"Task"})


def format_duration(seconds: float) -> str:
    """``0.4s``, ``12s``, ``3m 05s``."""
    if seconds < 10:
        return f"{seconds:.1f}s"
    if seconds < 60:
        return f"{seconds:.0f}s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m {rest:02d}s"


class ToolCardItem(ChatItem):
    """One tool call; Enter expands its output.

    Args:
        call_id: The call's id (the sidebar points at cards by it).
        name: The tool's name.
        summary: One line about the arguments (a path, a command).
        clock: Gives the time for the elapsed time of a running call.
        root: The project's directory: paths inside it are shown relative to it (the
            model still gets them whole).
    """

    def __init__(
        self,
        call_id: str,
        name: str,
        summary: str,
        clock: Callable[[], float],
        root: Path | None = None,
    ) -> None:
        super().__init__()
        self.call_id = call_id
        self._root_prefix = f"{root}{os.sep}" if root is not None else None
        self.name = name
        self.summary = summary
        self.clock = clock
        self.state: CardState = "pending"
        self.started = clock()
        self.duration: float | None = None
        self.output: list[str] = []
        self.result = ""
        self.diff = ""
        self.note = ""
        self.expanded = False
        # A command's exit status (negative: the signal that killed it), once it ended.
        self.exit_code: int | None = None
        # What hooks printed on this call's events, shown under its output.
        self.hook_lines: list[str] = []

    @property
    def animated(self) -> bool:
        return self.state == "running"

    def set_state(self, state: CardState) -> None:
        """Move the card to a new state (running starts the clock)."""
        if state == "running" and self.state != "running":
            self.started = self.clock()
        self.state = state

    def add_hook_output(self, event: str, text: str) -> None:
        """What a hook printed on this call's ``event``, line by line."""
        self.hook_lines += [f"{event} hook: {line}" for line in text.splitlines() if line.strip()]

    def append_output(self, text: str) -> None:
        """Live output of a running call."""
        self.output.append(text)

    def finish(self, state: CardState, result: str, duration: float, diff: str = "") -> None:
        """The call ended with ``result`` (what the model receives) and changed ``diff``."""
        self.state = state
        self.result = result
        self.duration = duration
        self.diff = diff

    @property
    def body(self) -> str:
        """The output shown: the result once finished, the live output before."""
        return self.result if self.result else "".join(self.output)

    def elapsed(self) -> float | None:
        """The duration, or the time so far while it runs."""
        if self.duration is not None:
            return self.duration
        if self.state == "running":
            return max(0.0, self.clock() - self.started)
        return None

    def render(self, context: RenderContext) -> list[Strip]:
        styles = context.styles
        state_style = styles[STATE_STYLES[self.state]]
        if self.state == "running":
            icon = SPINNER[int(context.now * 10) % len(SPINNER)]
        else:
            icon = ICONS[self.state]
        elapsed = self.elapsed()
        right = format_duration(elapsed) if elapsed is not None else ""
        if self.exit_code:
            code = self.exit_code
            exit_label = f"exit code {code}" if code > 0 else f"killed by signal {-code}"
            right = f"{exit_label} · {right}" if right else exit_label
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(f"{icon} ", state_style)
        head.append(self.name, styles["tool"])
        if self.summary:
            head.append(f"  {self.summary}", styles["muted"])
        room = max(1, context.width - len(right) - 1)
        head.truncate(room, overflow="ellipsis")
        head.pad_right(room - head.cell_len)
        head.append(" " + right, styles["error"] if self.exit_code else styles["muted"])
        lines = context.render(head)
        body = self._body_lines()
        if self.expanded:
            # Expanded, a line longer than the pane is shown whole, over several rows.
            body = _wrapped(body, context.width - 4)
        if body:
            shows_diff = self._shows_diff()
            text = Text(no_wrap=True, overflow="ellipsis")
            for number, line in enumerate(body):
                prefix = "  └ " if number == 0 else "    "
                text.append(prefix, styles["muted"])
                shown = line
                line_style: Style | str
                if line.startswith("… "):
                    line_style = styles["muted"]
                elif shows_diff and number > 0:
                    line_style = styles[_diff_line_style(line)]
                    # A changed line is coloured across the pane, as in the diff view.
                    shown = shown.ljust(context.width - len(prefix))
                elif self.state in ("done", "running"):
                    line_style = ""
                else:
                    line_style = state_style
                text.append(shown, line_style)
                if number < len(body) - 1:
                    text.append("\n")
            lines += context.render(text)
        return lines

    def _shows_diff(self) -> bool:
        """Whether the body is a file change: the result's first line, then the diff."""
        return self.state == "done" and bool(self.diff)

    def _body_lines(self) -> list[str]:
        return [*self._output_lines(), *self.hook_lines]

    def _output_lines(self) -> list[str]:
        if self.state == "asking":
            return ["waiting for your approval"]
        if self.state == "pending":
            return []
        text = self.body.rstrip("\n")
        if self.expanded and self.result and self.output and self.name in KEEPS_ACTIVITY:
            text = "".join(self.output).rstrip("\n") + "\n" + text
        if self._root_prefix:
            text = text.replace(self._root_prefix, "")
        if not text:
            return [self.note] if self.note else []
        lines = text.replace("\t", "    ").split("\n")
        limit = EXPANDED_LINES if self.expanded else COLLAPSED_LINES
        if self._shows_diff():
            # The headline, then the hunks: the file names are already in the headline.
            diff = self.diff.rstrip("\n").replace("\t", "    ").split("\n")
            first_hunk = next((i for i, line in enumerate(diff) if line.startswith("@@")), 0)
            # What the language server found comes before the hunks, so that it shows
            # while the card is collapsed.
            lines = [lines[0], *diagnostics_block(text), *diff[first_hunk:]]
            limit = EXPANDED_LINES if self.expanded else COLLAPSED_DIFF_LINES
        if len(lines) <= limit:
            return lines
        hidden = len(lines) - limit
        hint = "" if self.expanded else " (Enter to expand)"
        more = f"… {hidden} more line{'s' if hidden != 1 else ''}{hint}"
        if self.name in TAIL_FIRST or self.state == "running":
            return [more, *lines[-limit:]]
        return [*lines[:limit], more]

    def activate(self) -> bool:
        self.expanded = not self.expanded
        return True

    def copy_text(self) -> str:
        head = f"{self.name}({self.summary})" if self.summary else self.name
        return f"{head}\n{self.body}".rstrip("\n")

    def search_text(self) -> str:
        return f"{self.name} {self.summary}\n{self.body}"


def _wrapped(lines: list[str], width: int) -> list[str]:
    """``lines`` cut into rows of at most ``width`` cells."""
    rows: list[str] = []
    for line in lines:
        rows += chop_cells(line, max(1, width)) or [""]
    return rows


def _diff_line_style(line: str) -> str:
    """The chat style of one line of a unified diff."""
    if line.startswith("@@"):
        return "diff-hunk"
    if line.startswith("+"):
        return "diff-added"
    if line.startswith("-"):
        return "diff-removed"
    return "diff-context"
