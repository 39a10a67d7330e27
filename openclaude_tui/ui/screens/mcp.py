"""The /mcp screen: each MCP server's state, its tools and its last error; a key restarts one.

The list follows the servers as they start, fail and stop (the main screen calls
``show_servers`` when the session reports a change).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from openclaude_tui.core.events import McpServerStatus

STATE_STYLES = {
    "running": "$success",
    "starting": "$warning",
    "failed": "$error",
    "stopped": "$text-muted",
}
# Tool names listed under the highlighted server before "and N more".
TOOLS_SHOWN = 12
NO_SERVERS = (
    "No MCP servers are configured. Add them to .mcp.json (the project's, once trusted), "
    "[mcp_servers.NAME] in your config.toml, or --mcp-config FILE."
)


class McpScreen(ModalScreen[None]):
    """Lists the MCP servers; ``r`` restarts the highlighted one.

    Args:
        servers: Each server's status now.
        restart: Restarts the named server.
    """

    CSS_PATH = "mcp.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "restart", "Restart server", id="mcp.restart"),
        Binding("escape,q", "close", "Close", id="mcp.close"),
    ]

    def __init__(
        self,
        servers: tuple[McpServerStatus, ...],
        restart: Callable[[str], Awaitable[None]],
    ) -> None:
        super().__init__()
        self.servers = servers
        self.restart_server = restart

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "MCP servers"
            yield OptionList(*self._options(), id="servers")
            yield Static(id="details")
            yield Static(self._hint(), id="hint")

    def on_mount(self) -> None:
        servers = self.query_one("#servers", OptionList)
        servers.focus()
        if self.servers:
            servers.highlighted = 0
        self._show_details()

    def show_servers(self, servers: tuple[McpServerStatus, ...]) -> None:
        """Show the servers' new states, keeping the highlighted row."""
        self.servers = servers
        if not self.is_mounted:
            return
        options = self.query_one("#servers", OptionList)
        highlighted = options.highlighted
        options.set_options(self._options())
        if servers:
            options.highlighted = min(highlighted or 0, len(servers) - 1)
        self._show_details()

    def _options(self) -> list[Option]:
        return [
            Option(
                Content.from_markup(
                    f"[{STATE_STYLES.get(s.state, '$foreground')}]$state[/] [b]$name[/]"
                    "  [$text-muted]$tools · $transport · $source[/]",
                    state=f"{s.state:<8}",
                    name=s.name,
                    tools=f"{len(s.tools)} tool{'s' if len(s.tools) != 1 else ''}",
                    transport=s.transport,
                    source=s.source,
                ),
                id=s.name,
            )
            for s in self.servers
        ]

    def _highlighted(self) -> McpServerStatus | None:
        index = self.query_one("#servers", OptionList).highlighted
        if index is None or index >= len(self.servers):
            return None
        return self.servers[index]

    def on_option_list_option_highlighted(self) -> None:
        self._show_details()

    def _show_details(self) -> None:
        server = self._highlighted()
        details = self.query_one("#details", Static)
        if server is None:
            details.update(NO_SERVERS if not self.servers else "")
            return
        names = [name.removeprefix(f"mcp__{server.name}__") for name in server.tools]
        shown = ", ".join(names[:TOOLS_SHOWN])
        if len(names) > TOOLS_SHOWN:
            shown += f" and {len(names) - TOOLS_SHOWN} more"
        text = Content.from_markup("[b]Tools:[/] $tools", tools=shown or "none")
        if server.error:
            error = Content.from_markup("\n[$error b]Last error:[/] $error", error=server.error)
            text = text + error
        details.update(text)

    def _hint(self) -> str:
        if not self.servers:
            return "esc close"
        return "r restart the highlighted server · esc close"

    async def action_restart(self) -> None:
        """Restart the highlighted server (its state shows as it starts again)."""
        server = self._highlighted()
        if server is None:
            return
        self.notify(f"Restarting the MCP server {server.name}")
        self.run_worker(self.restart_server(server.name), group="mcp-restart")

    def action_close(self) -> None:
        """Close the list."""
        self.dismiss(None)
