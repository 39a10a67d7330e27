"""The tools the agent offers the model, to Claude Code's contracts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from openclaude_tui.core.tools.base import Tool, ToolRegistry

if TYPE_CHECKING:
    from openclaude_tui.core.tools.skill import Skill
    from openclaude_tui.core.tools.web_search_backends import SearchBackend


def default_tools(
    skills: list[Skill] | None = None, *, web_search: SearchBackend | None = None
) -> ToolRegistry:
    """Every built-in tool, in the order the model sees them.

    ``skills``: the project's skills, which the Skill tool loads. Without them (the gate's
    view of every tool) the Skill tool is listed with none; an empty list leaves it out,
    since there is nothing to load. ``web_search``: the search service WebSearch uses;
    without one it is not offered.
    """
    from openclaude_tui.core.tools.files import file_tools
    from openclaude_tui.core.tools.lsp_tool import lsp_tools
    from openclaude_tui.core.tools.multi_edit import multi_edit_tools
    from openclaude_tui.core.tools.notebook import notebook_tools
    from openclaude_tui.core.tools.search import search_tools
    from openclaude_tui.core.tools.shell import shell_tools
    from openclaude_tui.core.tools.skill import SkillTool
    from openclaude_tui.core.tools.todo import todo_tools
    from openclaude_tui.core.tools.web_fetch import web_fetch_tools
    from openclaude_tui.core.tools.web_search import web_search_tools

    tools: list[Tool] = [
        *file_tools(),
        *multi_edit_tools(),
        *notebook_tools(),
        *shell_tools(),
        *search_tools(),
        *todo_tools(),
        *lsp_tools(),
    ]
    if skills is None or skills:
        tools.append(SkillTool(skills))
    tools += [*web_fetch_tools(), *web_search_tools(web_search)]
    return ToolRegistry(tools)


def check_tool_names(names: Iterable[str] | None) -> None:
    """Every name of ``names`` (the ``tools`` setting) is a built-in tool.

    Raises:
        ValueError: names the first unknown one and the tools there are.
    """
    from openclaude_tui.core.tools.task import TASK_TOOL

    known = [*default_tools().names(), TASK_TOOL]
    folded = {name.casefold() for name in known}
    for name in names or ():
        if name.casefold() not in folded:
            raise ValueError(f"no built-in tool is called {name!r} ({', '.join(known)})")
