"""Sub-agents in the app: their calls under the Task card and in the sidebar, their
questions in the same permission modal, and Esc stopping them all."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from openclaude_tui.core.agent.history import INTERRUPTED
from openclaude_tui.ui.screens.permission import PermissionScreen
from tests.helpers.app import (
    idle,
    main_screen,
    make_app,
    make_config,
    screen_text,
    send,
    wait_for,
)
from tests.helpers.subagents import Conversations
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

PARENT = "look at both files"
TASK_A = "Read app.py and say what LIMIT is."
TASK_B = "Read notes.md and summarise it."


def two_tasks() -> Turn:
    """The parent's turn that hands out both tasks."""
    return Turn(
        tool_calls=[
            ToolCallSpec("Task", {"description": "check app", "prompt": TASK_A}, id="ta"),
            ToolCallSpec("Task", {"description": "check notes", "prompt": TASK_B}, id="tb"),
        ]
    )


async def test_esc_stops_both_sub_agents_and_the_next_prompt_is_accepted(
    project: Path, scripted_server: ScriptedServer
) -> None:
    (project / "notes.md").write_text("# Notes\n")
    script = Conversations(
        {
            PARENT: [two_tasks(), Turn(text="Fine, stopped.")],
            TASK_A: [
                Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "app.py"})]),
                Turn(keep_alive_forever=True),
            ],
            TASK_B: [
                Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "notes.md"})]),
                Turn(keep_alive_forever=True),
            ],
        }
    )
    script.use(scripted_server)
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(140, 40)) as pilot:
        await idle(pilot)
        await send(pilot, PARENT)
        screen = main_screen(app)
        # Each Task card lists its sub-agent's call; each sidebar row counts them.
        await wait_for(
            pilot, lambda: len(script.requests[TASK_A]) == len(script.requests[TASK_B]) == 2
        )
        await wait_for(
            pilot,
            lambda: "→ Read app.py" in screen_text(app) and "→ Read notes.md" in screen_text(app),
        )
        await wait_for(pilot, lambda: screen_text(app).count("1 call · Read") == 2)
        await pilot.press("escape")
        await idle(pilot)
        states = {call_id: card.state for call_id, card in screen.cards.items()}
        assert states == {"ta": "interrupted", "tb": "interrupted"}
        await send(pilot, "go on")
        await idle(pilot)
        shown = screen_text(app)
    assert "Fine, stopped." in shown
    assert scripted_server.tool_results() == [INTERRUPTED, INTERRUPTED]


async def test_a_sub_agent_asks_in_the_same_modal_naming_itself(
    project: Path, scripted_server: ScriptedServer
) -> None:
    script = Conversations(
        {
            PARENT: [
                Turn(
                    tool_calls=[
                        ToolCallSpec("Task", {"description": "tidy", "prompt": TASK_A}, id="ta")
                    ]
                ),
                Turn(text="The sub-agent was refused."),
            ],
            TASK_A: [
                Turn(tool_calls=[ToolCallSpec("Bash", {"command": "rm app.py"})]),
                Turn(text="Not allowed to remove app.py."),
            ],
        }
    )
    script.use(scripted_server)
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(140, 40)) as pilot:
        await idle(pilot)
        await send(pilot, PARENT)
        await wait_for(pilot, lambda: isinstance(app.screen, PermissionScreen))
        modal = app.screen
        assert isinstance(modal, PermissionScreen)
        # Its type and its Task call's description: two of one type are told apart.
        assert "general-purpose sub-agent (Task: tidy)." in modal.view.reason
        await pilot.press("n")
        await pilot.press("enter")
        await idle(pilot)
    assert (project / "app.py").exists()
    assert "denied" in script.requests[TASK_A][1].tool_results()[0]
    assert script.requests[PARENT][1].tool_results() == ["Not allowed to remove app.py."]


async def test_esc_on_a_sub_agents_question_stops_the_turn_and_its_neighbour(
    project: Path, scripted_server: ScriptedServer
) -> None:
    (project / "notes.md").write_text("# Notes\n")
    script = Conversations(
        {
            PARENT: [two_tasks(), Turn(text="Stopped.")],
            TASK_A: [
                Turn(tool_calls=[ToolCallSpec("Bash", {"command": "rm app.py"})]),
                Turn(text="never sent"),
            ],
            TASK_B: [Turn(keep_alive_forever=True)],
        }
    )
    script.wait_for(TASK_A, TASK_B)
    script.use(scripted_server)
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(140, 40)) as pilot:
        await idle(pilot)
        await send(pilot, PARENT)
        await wait_for(pilot, lambda: isinstance(app.screen, PermissionScreen))
        await pilot.press("escape")
        await idle(pilot)
        states = {call_id: card.state for call_id, card in main_screen(app).cards.items()}
    assert states == {"ta": "interrupted", "tb": "interrupted"}
    assert (project / "app.py").exists()
    assert len(script.requests[PARENT]) == len(script.requests[TASK_B]) == 1


async def test_each_sub_agents_calls_are_rows_under_its_task_row(
    project: Path, scripted_server: ScriptedServer
) -> None:
    (project / "notes.md").write_text("# Notes\n")
    script = Conversations(
        {
            PARENT: [two_tasks(), Turn(text="Both checked.")],
            # The same call id in both sub-agents: their rows stay apart.
            TASK_A: [
                Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "app.py"}, id="c1")]),
                Turn(tool_calls=[ToolCallSpec("Grep", {"pattern": "LIMIT"}, id="c2")]),
                Turn(text="LIMIT is 10."),
            ],
            TASK_B: [
                Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "notes.md"}, id="c1")]),
                Turn(text="A heading only."),
            ],
        }
    )
    script.use(scripted_server)
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(140, 40)) as pilot:
        await idle(pilot)
        await send(pilot, PARENT)
        await idle(pilot)
        screen = main_screen(app)
        calls = screen.sidebar.query_one("#calls", OptionList)
        rows = [str(calls.get_option_at_index(i).prompt) for i in range(calls.option_count)]
        ids = [calls.get_option_at_index(i).id for i in range(calls.option_count)]
        assert ids == ["ta", "ta/c1", "ta/c2", "tb", "tb/c1"]
        assert rows[1].startswith(" ↳ ✓ Read app.py") and rows[2].startswith(" ↳ ✓ Grep LIMIT")
        assert rows[4].startswith(" ↳ ✓ Read notes.md")
        assert not rows[0].startswith(" ↳") and not rows[3].startswith(" ↳")
        # Choosing a sub-agent's row shows its Task call's card.
        calls.focus()
        calls.highlighted = 4
        await pilot.press("enter")
        await pilot.pause()
        assert screen.chat.selected is screen.cards["tb"]


async def test_a_finished_task_card_expands_to_the_calls_its_sub_agent_made(
    project: Path, scripted_server: ScriptedServer
) -> None:
    script = Conversations(
        {
            PARENT: [
                Turn(tool_calls=[ToolCallSpec("Task", {"description": "d", "prompt": TASK_A})]),
                Turn(text="It is ten."),
            ],
            TASK_A: [
                Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "app.py"})]),
                Turn(text="LIMIT is 10."),
            ],
        }
    )
    script.use(scripted_server)
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(140, 40)) as pilot:
        await idle(pilot)
        await send(pilot, PARENT)
        await idle(pilot)
        screen = main_screen(app)
        [card] = screen.cards.values()
        # Collapsed: the sub-agent's answer only.
        assert "LIMIT is 10." in screen_text(app) and "→ Read app.py" not in screen_text(app)
        screen.chat.focus()
        screen.chat.select(card)
        await pilot.press("enter")
        await pilot.pause()
        assert card.expanded
        shown = screen_text(app)
    assert "→ Read app.py" in shown and "LIMIT is 10." in shown
    assert shown.index("→ Read app.py") < shown.index("LIMIT is 10.")
