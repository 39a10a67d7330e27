"""The part of a session that runs its MCP servers and offers their tools to the model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openclaude_tui.core.events import Event, McpServersChanged, McpServerStatus
from openclaude_tui.core.permissions.rules import MCP_PREFIX

if TYPE_CHECKING:
    from openclaude_tui.core.agent.loop import Agent
    from openclaude_tui.core.extensions.mcp_client import McpManager
    from openclaude_tui.core.settings.config import Config


class McpServersOfSession:
    """Starts, restarts and reports a session's MCP servers (mixed into ``Session``)."""

    config: Config
    agent: Agent | None
    # The MCP servers, once started (the mcp package loads only when some are configured).
    mcp: McpManager | None

    def _emit(self, event: Event) -> None:
        raise NotImplementedError

    def start_mcp(self) -> None:
        """Start the configured MCP servers in the background (each once; none configured:
        nothing is loaded)."""
        if not self.config.mcp_servers:
            return
        if self.mcp is None:
            from openclaude_tui.core.extensions.mcp_client import McpManager

            self.mcp = McpManager(
                self.config.mcp_timeout, self.config.project_root, self._mcp_changed
            )
        self.mcp.start(self.config.mcp_servers)

    async def restart_mcp(self, name: str) -> None:
        """Stop the named MCP server (if it runs) and start it again."""
        if self.mcp is not None and name in self.mcp.connections:
            await self.mcp.restart(name)

    def mcp_statuses(self) -> tuple[McpServerStatus, ...]:
        """Each MCP server's state, tools and last error (none before they start)."""
        return self.mcp.statuses() if self.mcp is not None else ()

    def _mcp_changed(self) -> None:
        self._offer_mcp_tools()
        self._emit(McpServersChanged(self.mcp_statuses()))

    def _offer_mcp_tools(self) -> None:
        """Offer the running servers' tools to the model from its next request on."""
        if self.agent is not None and self.mcp is not None:
            self.agent.tools.replace_group(MCP_PREFIX, self.mcp.tools())
