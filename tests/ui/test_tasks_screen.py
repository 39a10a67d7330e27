"""The /tasks screen and the status bar's count of background commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.ui.screens.tasks import TasksScreen
from openclaude_tui.ui.widgets.status_bar import StatusBar
from tests.helpers.app import (
    converse,
    main_screen,
    make_app,
    make_config,
    screen_text,
    send,
    wait_for,
    wait_to_show,
)
from tests.helpers.processes import ended
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

pytestmark = pytest.mark.usefixtures("home")

WAITS = "echo started; until [ -e go ]; do sleep 0.05; done; echo finished"
SERVES = "echo serving; exec sleep 300"


def background(command: str) -> list[Turn]:
    call = ToolCallSpec("Bash", {"command": command, "run_in_background": True})
    return [Turn(tool_calls=[call]), Turn(text="It runs in the background.")]


def status_text(app: object) -> str:
    return str(main_screen(app).query_one(StatusBar).render())


async def test_tasks_lists_a_background_command_with_its_output_and_the_bar_counts_it(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(background(WAITS))
    app = make_app(make_config(project, scripted_server.base_url, allow=["Bash"]))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "start it")
        await wait_for(pilot, lambda: "⚙ 1 task" in status_text(app))
        await send(pilot, "/tasks")
        await wait_for(pilot, lambda: isinstance(app.screen, TasksScreen))
        await wait_to_show(pilot, "running", "bash_1", "echo started", "started")
        (project / "go").touch()
        await wait_to_show(pilot, "exited 0", "finished")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is main_screen(app))
        await wait_for(pilot, lambda: "task" not in status_text(app))


async def test_x_in_tasks_stops_the_highlighted_command(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(background(SERVES))
    app = make_app(make_config(project, scripted_server.base_url, allow=["Bash"]))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "serve")
        await send(pilot, "/tasks")
        await wait_to_show(pilot, "serving")
        await pilot.press("x")
        await wait_to_show(pilot, "killed")
        assert "0 running" in screen_text(app)
        started = scripted_server.chat_requests[1].tool_results()[0]
        pid = int(started.split("(PID ")[1].split(")")[0])
        assert await ended(pid)
        await wait_for(pilot, lambda: "task" not in status_text(app))
