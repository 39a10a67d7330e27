"""Entries of the chat pane other than answers and tool cards: messages, notices, panels."""

from __future__ import annotations

from typing import Literal

from rich.panel import Panel
from rich.text import Text
from textual.strip import Strip

from openclaude_tui.ui.widgets.chat_item import ChatItem, RenderContext

Level = Literal["info", "muted", "success", "warning", "error"]
_LEVEL_STYLE = {
    "info": "accent",
    "muted": "muted",
    "success": "success",
    "warning": "warning",
    "error": "error",
}


class UserItem(ChatItem):
    """What the user sent (or queued while the agent works)."""

    def __init__(self, text: str, *, queued: bool = False, shell: bool = False) -> None:
        super().__init__()
        self.text = text
        self.queued = queued
        self.shell = shell

    def render(self, context: RenderContext) -> list[Strip]:
        style = context.styles["user"]
        marker = "!" if self.shell else "›"
        body = Text(no_wrap=False)
        body.append(f"{marker} ", context.styles["accent"])
        body.append(self.text.rstrip("\n"))
        if self.queued:
            body.append("  queued", context.styles["muted"])
        return context.render(body, style=style)

    def copy_text(self) -> str:
        return self.text


class NoticeItem(ChatItem):
    """A line or two the app adds: a retry, an interruption, a mode change, an error."""

    def __init__(self, text: str, level: Level = "info", icon: str = "") -> None:
        super().__init__()
        self.text = text
        self.level = level
        self.icon = icon

    def render(self, context: RenderContext) -> list[Strip]:
        style = context.styles[_LEVEL_STYLE[self.level]]
        line = Text()
        if self.icon:
            line.append(f"{self.icon} ", style)
        line.append(self.text, style)
        return context.render(line)

    def copy_text(self) -> str:
        return self.text


class PanelItem(ChatItem):
    """A framed message with a title and a Markdown body (help, an unreachable server)."""

    def __init__(self, title: str, body: str, level: Level = "info") -> None:
        super().__init__()
        self.title = title
        self.body = body
        self.level = level

    def render(self, context: RenderContext) -> list[Strip]:
        from openclaude_tui.ui.rich_markdown import ChatMarkdown  # see its docstring

        colour = context.styles[_LEVEL_STYLE[self.level]]
        panel = Panel(
            ChatMarkdown(self.body, context.code_theme, context.code_background),
            title=Text(f" {self.title} ", colour + context.styles["heading"]),
            title_align="left",
            border_style=colour,
            padding=(0, 1),
            expand=True,
        )
        return context.render(panel)

    def copy_text(self) -> str:
        return f"{self.title}\n\n{self.body}"


class WelcomeItem(ChatItem):
    """The panel the chat pane opens with: where the session works and how to start."""

    selectable = False

    def __init__(self, project: str) -> None:
        super().__init__()
        self.project = project

    def render(self, context: RenderContext) -> list[Strip]:
        accent, muted = context.styles["accent"], context.styles["muted"]
        body = Text()
        body.append("Working in ")
        body.append(self.project, "bold")
        body.append(". Type a message and press Enter.\n\n")
        for number, (key, what) in enumerate(WELCOME_KEYS):
            body.append(" · " if number else "", muted)
            body.append(key, accent)
            body.append(f" {what}", muted)
        panel = Panel(
            body,
            title=Text(" OpenClaude ", accent + context.styles["heading"]),
            title_align="left",
            border_style=accent,
            padding=(0, 1),
            expand=True,
        )
        return context.render(panel)


WELCOME_KEYS = (
    ("/", "commands"),
    ("@", "mention a file"),
    ("!", "run a shell command"),
    ("Ctrl+P", "palette"),
    ("/help", "keys"),
)


class ReasoningItem(ChatItem):
    """The model's reasoning: one collapsed line that Enter opens."""

    PREVIEW_CHARS = 80

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.expanded = False
        self.done = False

    @property
    def text(self) -> str:
        """The reasoning so far."""
        return "".join(self.parts)

    def append(self, text: str) -> None:
        """Add streamed reasoning."""
        self.parts.append(text)

    def render(self, context: RenderContext) -> list[Strip]:
        muted = context.styles["muted"]
        text = self.text.strip()
        head = Text()
        head.append("▾ " if self.expanded else "▸ ", context.styles["accent"])
        label = "Thought" if self.done else "Thinking…"
        head.append(f"{label} ({len(text):,} characters)", muted)
        if not self.expanded:
            preview = " ".join(text.split())[-self.PREVIEW_CHARS :]
            if preview and not self.done:
                head.append(f"  {preview}", muted)
            head.no_wrap = True
            head.overflow = "ellipsis"
            return context.render(head)
        body = Text(text, muted + context.styles["quote"])
        return context.render(head) + context.render(body)

    def activate(self) -> bool:
        self.expanded = not self.expanded
        return True

    def copy_text(self) -> str:
        return self.text
