"""The trust question: a project's settings want to widen access; apply them or ignore them.

Shown at start when ``.openclaude/settings.toml`` (or a ``settings.local.toml`` this
program did not write) sets keys that widen access and the project is not trusted yet.
"Ignore its settings" has the focus, so an Enter typed by habit is the safe answer;
trusting takes a deliberate Tab (or a click). The answer "trust" is remembered in the
user's config directory (``core.permissions.trust``); "ignore" is asked again next time.
"""

from __future__ import annotations

from dataclasses import fields
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from openclaude_tui.core.permissions import trust
from openclaude_tui.core.settings.config import Config, ConfigError
from openclaude_tui.core.tomlfile import SettingsFileError


class TrustScreen(ModalScreen[bool]):
    """Asks whether to apply the project's settings that widen access.

    Args:
        withheld: ``FILE: key`` for each setting held back.
        values: What each asks for (shown after the key; Rich markup is not read).
    """

    CSS_PATH = "trust.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "ignore", "Ignore its settings", id="trust.ignore"),
        Binding("left,right", "app.focus_previous", show=False, id="trust.switch_button"),
    ]

    def __init__(self, withheld: list[str], values: dict[str, str] | None = None) -> None:
        super().__init__()
        self.withheld = withheld
        self.values = values or {}

    def _lines(self) -> Text:
        """The held-back keys under the file that sets them, each with what it asks for."""
        lines = Text()
        shown_file = ""
        for item in self.withheld:
            file, _, key = item.partition(": ")
            if file != shown_file:
                lines.append(f"{file}:\n", style="bold")
                shown_file = file
            lines.append(f"  • {key}", style="bold")
            if item in self.values:
                # A value of several lines (a project's hooks) is one command a line.
                value = self.values[item]
                if "\n" in value:
                    lines.append(":" + "".join(f"\n      {line}" for line in value.split("\n")))
                else:
                    lines.append(f" = {value}")
            lines.append("\n")
        lines.rstrip()
        return lines

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Trust this project?"
            yield Static(
                "This project's own settings want to change what the agent may do or "
                "where your conversation is sent:",
                id="intro",
            )
            yield Static(self._lines(), id="keys")
            if any(item.endswith(": hooks") for item in self.withheld):
                yield Static(
                    "Its hooks are commands that would run on your machine, without asking, "
                    "at the events named.",
                    id="hooks-warning",
                )
            yield Static(
                "Trust it only if you trust whoever wrote these files. Deny and ask rules "
                "apply either way. Tab moves between the answers; Esc ignores.",
                id="advice",
            )
            with Horizontal(id="choices"):
                yield Button("Ignore its settings", id="ignore", variant="primary")
                yield Button("Trust this project", id="trust", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#ignore", Button).focus()

    @on(Button.Pressed, "#trust")
    def _trust(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#ignore")
    def action_ignore(self) -> None:
        """Start without the held-back settings."""
        self.dismiss(False)


async def settle_trust(app: App[object], config: Config) -> bool:
    """Ask about the held-back settings and apply them if trusted (call from a worker).

    Returns:
        True when ``config`` changed (the project is now trusted).
    """
    if not config.withheld or config.reload_trusted is None:
        return False
    if not await app.push_screen_wait(TrustScreen(config.withheld, config.withheld_values)):
        app.notify("The project's own settings that widen access are ignored.", timeout=6)
        return False
    try:
        fresh = config.reload_trusted()
    except (ConfigError, SettingsFileError) as error:
        app.notify(f"config error: {error}", severity="error", timeout=10)
        return False
    trust.trust_project(config.project_root)
    for item in fields(Config):
        setattr(config, item.name, getattr(fresh, item.name))
    return True
