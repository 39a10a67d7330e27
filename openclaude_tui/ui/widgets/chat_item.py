"""An entry of the chat pane, what it renders with, and the colours of rendered Markdown.

An entry renders itself to lines once, and again only when it changed, the width changed
or the theme did; the chat pane (``widgets.chat``) draws the visible ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Console, ConsoleOptions, RenderableType
from rich.style import Style
from rich.theme import Theme
from textual.strip import Strip

from openclaude_tui.ui.visible_text import has_controls, with_visible_controls

# Columns left of every entry: the selection bar.
GUTTER = 2
DARK_CODE_THEME = "monokai"
LIGHT_CODE_THEME = "friendly"
# The chat pane's styles, each set in CSS as the component class ``chat--<name>``.
STYLE_NAMES = (
    "user",
    "muted",
    "accent",
    "success",
    "error",
    "warning",
    "heading",
    "inline-code",
    "quote",
    "bullet",
    "link",
    "code",
    "tool",
    "selected",
    "match",
    "diff-added",
    "diff-removed",
    "diff-hunk",
    "diff-context",
)


_MARKDOWN_STYLES = {
    "markdown.h1": "heading",
    "markdown.h2": "heading",
    "markdown.h3": "heading",
    "markdown.h4": "heading",
    "markdown.h5": "heading",
    "markdown.h6": "heading",
    "markdown.code": "inline-code",
    "markdown.block_quote": "quote",
    "markdown.item.bullet": "bullet",
    "markdown.item.number": "bullet",
    "markdown.list": "bullet",
    "markdown.link": "link",
    "markdown.link_url": "link",
    "markdown.hr": "muted",
    "markdown.table.border": "muted",
    "markdown.table.header": "heading",
    "markdown.kbd": "inline-code",
}


def markdown_theme(styles: Mapping[str, Style]) -> Theme:
    """A Rich theme for Markdown built from the chat pane's resolved styles."""
    rich_styles = {name: styles[source] for name, source in _MARKDOWN_STYLES.items()}
    rich_styles["markdown.h1"] = styles["heading"] + Style(bold=True, underline=True)
    rich_styles["markdown.h2"] = styles["heading"] + Style(bold=True)
    return Theme(rich_styles, inherit=True)


@dataclass
class RenderContext:
    """What an entry needs to render itself: console, width, the theme's styles, the time."""

    console: Console
    options: ConsoleOptions
    width: int
    base_style: Style
    styles: dict[str, Style]
    markdown_theme: Theme
    code_theme: str
    code_background: str | None
    now: float

    def render(
        self, renderable: RenderableType, style: Style | None = None, width: int | None = None
    ) -> list[Strip]:
        """Render a Rich renderable to lines ``width`` cells wide (the pane's by default).

        ``style`` is applied under the renderable's own styles, padding included.
        """
        width = self.width if width is None else width
        options = self.options.update_width(width)
        with self.console.use_theme(self.markdown_theme):
            lines = self.console.render_lines(renderable, options, style=style, pad=False)
        return [Strip(line).extend_cell_length(width, style) for line in lines]


def _safe(line: Strip, width: int) -> Strip:
    # Whatever an entry shows (a model's answer, a file's lines, a command's output), no
    # control character reaches the terminal.
    return with_visible_controls(line, width) if has_controls(line.text) else line


class ChatItem:
    """One entry of the transcript.

    Subclasses implement ``render``; whoever changes an entry then calls
    ``ChatView.update_item(item)``.
    """

    selectable: ClassVar[bool] = True

    def __init__(self) -> None:
        self._version = 0
        self._key: tuple[int, int, int] | None = None
        self._lines: list[Strip] = []

    # Properties, not class attributes, so subclasses can work them out from their state.

    @property
    def gap(self) -> int:
        """Blank lines after the entry."""
        return 1

    @property
    def animated(self) -> bool:
        """Whether the entry changes with time (a spinner): redrawn ten times a second."""
        return False

    def touch(self) -> None:
        """Mark the entry as changed: it renders again at the next frame."""
        self._version += 1

    def lines(self, context: RenderContext, generation: int) -> list[Strip]:
        """The lines as drawn (gutter and pane style included), cached until a change."""
        key = (context.width, self._version, generation)
        if key != self._key:
            gutter = Strip.blank(GUTTER)
            base = context.base_style
            self._lines = [
                Strip.join([gutter, _safe(line, context.width)]).apply_style(base).simplify()
                for line in self.render(context)
            ]
            self._key = key
        return self._lines

    def render(self, context: RenderContext) -> list[Strip]:
        """Render the entry (only called when it changed)."""
        raise NotImplementedError

    def copy_text(self) -> str:
        """What ``c`` copies."""
        return ""

    def search_text(self) -> str:
        """What Ctrl+F searches."""
        return self.copy_text()

    def activate(self) -> bool:
        """Enter or a click on the entry; True when it changed (e.g. expanded)."""
        return False
