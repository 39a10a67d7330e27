"""The status bar: model, endpoint, mode, context used, tokens, turn time, git branch, and
how many MCP servers run."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from openclaude_tui.ui.widgets.tool_card import format_duration

MODE_STYLES = {
    "default": "$text-muted",
    "acceptEdits": "$warning",
    "plan": "$accent",
    "bypassPermissions": "$error bold",
}


@dataclass(frozen=True)
class Status:
    """What the status bar shows."""

    model: str = ""
    host: str = ""
    # The server profile chosen (``--profile``), if any.
    profile: str = ""
    mode: str = "default"
    context_tokens: int | None = None
    # The server reported no usage: ``context_tokens`` is an estimate, shown with "~".
    context_estimated: bool = False
    window: int | None = None
    # The window is asked of the server with every request (Ollama's ``num_ctx``) rather
    # than being what it serves anyway.
    window_sent: bool = False
    tokens_in: int = 0
    tokens_out: int = 0
    turn_seconds: float | None = None
    branch: str | None = None
    # Background commands still running.
    tasks: int = 0
    # MCP servers running, and configured (None: none configured).
    mcp: tuple[int, int] | None = None


def format_tokens(count: int) -> str:
    """``950``, ``12.3k``, ``1.2M``."""
    if count < 1000:
        return str(count)
    if count < 1_000_000:
        return f"{count / 1000:.1f}k"
    return f"{count / 1_000_000:.1f}M"


def short_model_name(model: str) -> str:
    """The model's name as shown: a model file's name without its folders.

    llama.cpp's servers name a model by the path it was loaded from; a hub name such as
    ``Qwen/Qwen2.5-Coder-7B-Instruct`` is kept whole.
    """
    if model.startswith(("/", "~", "./", "../")) or model.lower().endswith(".gguf"):
        return model.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or model
    return model


def context_style(percent: float) -> str:
    """The colour of the context figure: green, then amber, then red as it fills."""
    if percent < 60:
        return "$success"
    if percent < 85:
        return "$warning"
    return "$error"


class StatusBar(Widget):
    """One line of session facts below the prompt.

    Changes only repaint the line (a Static's update would lay out the whole screen).
    """

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    """

    # A change repaints the line only when the facts differ (Status compares by value).
    status: reactive[Status] = reactive(Status, layout=False)

    def __init__(self, status: Status | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        if status is not None:
            self.set_reactive(StatusBar.status, status)

    def set(self, **changes: object) -> None:
        """Change some of the facts shown."""
        self.status = replace(self.status, **changes)  # type: ignore[arg-type]

    def render(self) -> Content:
        """The facts that fit, dropping the least useful first on a narrow terminal."""
        parts = self._parts()
        room = self.content_region.width or 10_000
        separator = Content(" · ")
        while len(parts) > 1:
            shown = separator.join(content for _, content in parts)
            if shown.cell_length <= room:
                return shown
            parts.remove(min(parts, key=lambda part: part[0]))
        return separator.join(content for _, content in parts)

    def _parts(self) -> list[tuple[int, Content]]:
        """(importance, text) of each fact, in display order."""
        status = self.status
        parts: list[tuple[int, Content]] = []
        if status.model:
            model = short_model_name(status.model)
            parts.append((9, Content.from_markup("[b $foreground]$model[/]", model=model)))
        if status.host:
            where = f"{status.profile} {status.host}" if status.profile else status.host
            parts.append((2, Content(where)))
        mode_style = MODE_STYLES.get(status.mode, "$text-muted")
        parts.append((8, Content.from_markup(f"[{mode_style}]$mode[/]", mode=status.mode)))
        if status.context_tokens is not None:
            used = ("~" if status.context_estimated else "") + format_tokens(status.context_tokens)
            if status.window:
                percent = 100 * status.context_tokens / status.window
                figure = f"ctx {used}/{format_tokens(status.window)} ({percent:.0f}%)"
                style = context_style(percent)
                parts.append((7, Content.from_markup(f"[{style}]$figure[/]", figure=figure)))
            else:
                parts.append((7, Content(f"ctx {used}")))
        elif status.window:
            parts.append((3, Content(f"ctx 0/{format_tokens(status.window)}")))
        if status.window and status.window_sent:
            parts.append((3, Content("num_ctx sent")))
        if status.tokens_in or status.tokens_out:
            tokens = f"↑{format_tokens(status.tokens_in)} ↓{format_tokens(status.tokens_out)}"
            parts.append((4, Content(tokens)))
        if status.turn_seconds is not None:
            parts.append((6, Content(format_duration(status.turn_seconds))))
        if status.tasks:
            count = f"{status.tasks} task{'' if status.tasks == 1 else 's'}"
            parts.append((6, Content.from_markup("[$accent]⚙ $count[/]", count=count)))
        if status.branch:
            parts.append((5, Content(f"⎇ {status.branch}")))
        if status.mcp is not None:
            running, total = status.mcp
            style = "$text-muted" if running == total else "$warning"
            parts.append(
                (3, Content.from_markup(f"[{style}]$mcp[/]", mcp=f"MCP {running}/{total}"))
            )
        return parts
