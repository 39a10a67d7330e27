"""TodoWrite: the plan is replaced whole, announced as an event and kept in the context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openclaude_tui.core.events import Event, TodoItem, TodosUpdated
from openclaude_tui.core.tools.base import ToolContext, ToolInputError, ToolResult
from openclaude_tui.core.tools.todo import STATE_KEY, TodoWriteTool, todo_tools


@pytest.fixture
def events() -> list[Event]:
    return []


@pytest.fixture
def ctx(tmp_path: Path, events: list[Event]) -> ToolContext:
    return ToolContext(project_root=tmp_path, cwd=tmp_path, emit=events.append)


async def _write(ctx: ToolContext, todos: Any) -> ToolResult:
    tool = TodoWriteTool()
    args, _ = tool.validate({"todos": todos})
    return await tool.run(args, ctx, "call-1")


PLAN = [
    {"content": "Read the code", "status": "completed", "activeForm": "Reading the code"},
    {"content": "Fix the bug", "status": "in_progress", "activeForm": "Fixing the bug"},
    {"content": "Run the tests", "status": "pending", "activeForm": "Running the tests"},
]


def test_todo_tools() -> None:
    (tool,) = todo_tools()
    assert tool.name == "TodoWrite"
    assert tool.read_only
    item = tool.schema()["function"]["parameters"]["properties"]["todos"]["items"]
    assert set(item["properties"]) == {"content", "status", "activeForm"}


async def test_update_emits_the_plan_and_keeps_it(ctx: ToolContext, events: list[Event]) -> None:
    result = await _write(ctx, PLAN)
    assert not result.is_error
    expected = (
        TodoItem("Read the code", "completed", "Reading the code"),
        TodoItem("Fix the bug", "in_progress", "Fixing the bug"),
        TodoItem("Run the tests", "pending", "Running the tests"),
    )
    assert events == [TodosUpdated(expected)]
    assert ctx.state[STATE_KEY] == expected
    assert "updated" in result.text
    assert "1 pending, 1 in progress, 1 completed" in result.text
    assert "Keep using it" in result.text


async def test_each_call_replaces_the_whole_list(ctx: ToolContext, events: list[Event]) -> None:
    await _write(ctx, PLAN)
    await _write(ctx, [{**PLAN[2], "status": "in_progress"}])
    assert ctx.state[STATE_KEY] == (TodoItem("Run the tests", "in_progress", "Running the tests"),)
    assert len(events) == 2
    cleared = await _write(ctx, [])
    assert ctx.state[STATE_KEY] == ()
    assert events[-1] == TodosUpdated(())
    assert "empty" in cleared.text


async def test_two_in_progress_are_rejected(ctx: ToolContext, events: list[Event]) -> None:
    await _write(ctx, PLAN)
    before = ctx.state[STATE_KEY]
    both = [PLAN[0], PLAN[1], {**PLAN[2], "status": "in_progress"}]
    result = await _write(ctx, both)
    assert result.is_error
    assert "'Fix the bug'" in result.text
    assert "'Run the tests'" in result.text
    assert "Only one task may be in_progress" in result.text
    assert ctx.state[STATE_KEY] == before
    assert len(events) == 1


async def test_other_todo_shapes_are_accepted(ctx: ToolContext, events: list[Event]) -> None:
    tool = TodoWriteTool()
    args, notes = tool.validate(
        {
            "todos": (
                '[{"id": "1", "content": "Write docs", "status": "done", "priority": "high"},'
                ' {"task": "Ship it", "status": "In Progress", "active_form": "Shipping it"}]'
            )
        }
    )
    result = await tool.run(args, ctx, "call-1")
    assert not result.is_error
    assert ctx.state[STATE_KEY] == (
        TodoItem("Write docs", "completed", "Write docs"),
        TodoItem("Ship it", "in_progress", "Shipping it"),
    )
    assert "ignored the todo field 'id'" in notes


def test_unknown_status_is_an_input_error() -> None:
    with pytest.raises(ToolInputError, match="pending, in_progress, completed"):
        TodoWriteTool().validate({"todos": [{"content": "x", "status": "blocked"}]})


async def test_empty_content_is_rejected(ctx: ToolContext, events: list[Event]) -> None:
    result = await _write(ctx, [{"content": "  ", "status": "pending", "activeForm": "x"}])
    assert result.is_error
    assert "Task 1 has no content" in result.text
    assert events == []


def test_summary_shows_the_task_in_progress() -> None:
    tool = TodoWriteTool()
    assert tool.summary({"todos": PLAN}) == "Fixing the bug"
    assert tool.summary({"todos": [PLAN[0]]}) == "1 task"
