"""``/coordinate`` in the app: the tools offered and the system prompt change from the next
request on, and back again."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.core.agent.coordinator import COORDINATOR_TOOLS
from tests.helpers.app import converse, idle, make_app, make_config
from tests.helpers.subagents import system_prompt, tool_names
from tests.scripted_server import ScriptedServer, Turn


@pytest.mark.usefixtures("home")
async def test_coordinate_switches_the_tools_and_the_prompt_from_the_next_request(
    project: Path,
) -> None:
    turns = [Turn(text="one"), Turn(text="two"), Turn(text="three")]
    with ScriptedServer(turns) as server:
        app = make_app(make_config(project, server.base_url))
        async with app.run_test(size=(120, 40)) as pilot:
            await idle(pilot)
            await converse(pilot, "first")
            await converse(pilot, "/coordinate")
            await converse(pilot, "second")
            await converse(pilot, "/coordinate off")
            await converse(pilot, "third")
        first, second, third = server.chat_requests
    assert "Edit" in tool_names(first) and "# Coordinating" not in system_prompt(first)
    assert set(tool_names(second)) <= set(COORDINATOR_TOOLS) and "Task" in tool_names(second)
    assert "# Coordinating" in system_prompt(second)
    assert tool_names(third) == tool_names(first)
    assert "# Coordinating" not in system_prompt(third)
