"""The tools the agent offers the model, to Claude Code's contracts."""

from __future__ import annotations

from openclaude_tui.core.tools.base import Tool, ToolRegistry


def default_tools() -> ToolRegistry:
    """Every built-in tool, in the order the model sees them."""
    from openclaude_tui.core.tools.files import file_tools
    from openclaude_tui.core.tools.multi_edit import multi_edit_tools
    from openclaude_tui.core.tools.notebook import notebook_tools
    from openclaude_tui.core.tools.search import search_tools
    from openclaude_tui.core.tools.shell import shell_tools
    from openclaude_tui.core.tools.todo import todo_tools

    tools: list[Tool] = [
        *file_tools(),
        *multi_edit_tools(),
        *notebook_tools(),
        *shell_tools(),
        *search_tools(),
        *todo_tools(),
    ]
    return ToolRegistry(tools)
