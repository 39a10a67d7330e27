"""TodoWrite: the model's plan for the task, replaced whole on every call.

The plan lives in the conversation's ``ToolContext.state["todos"]`` and every update is
announced with a ``TodosUpdated`` event, which the UI shows as a checklist.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from openclaude_tui.core.events import TodoItem, TodosUpdated
from openclaude_tui.core.tools.base import Tool, ToolContext, ToolResult, validate_arguments

STATE_KEY = "todos"
_STATUSES = ("pending", "in_progress", "completed")
# Status words models use instead of the three real ones.
_STATUS_SLIPS = {
    "done": "completed",
    "complete": "completed",
    "finished": "completed",
    "inprogress": "in_progress",
    "doing": "in_progress",
    "active": "in_progress",
    "todo": "pending",
    "not_started": "pending",
    "open": "pending",
}
# Keys of older or neighbouring todo formats, mapped to ours (None: dropped).
_KEY_SLIPS: dict[str, str | None] = {
    "active_form": "activeForm",
    "activeform": "activeForm",
    "task": "content",
    "title": "content",
    "description": "content",
    "id": None,
    "priority": None,
}


class TodoWriteTool(Tool):
    """Replace the task plan (Claude Code's TodoWrite contract)."""

    name = "TodoWrite"
    description = (
        "Create and maintain a structured task list for the current work. Send the complete, "
        "updated list every time (it replaces the previous one).\n"
        "Use it for tasks of three or more steps, when the user gives several tasks, and to "
        "show progress; skip it for a single trivial step.\n"
        "- status: 'pending', 'in_progress' or 'completed'. Exactly one task is in_progress "
        "while you work; mark it in_progress before you start and completed as soon as it "
        "is done (not in batches). Only mark a task completed when it is fully done.\n"
        "- content says what to do ('Run the tests'); activeForm says it in progress "
        "('Running the tests')."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "todos": {
                "type": "array",
                "description": "The complete, updated task list.",
                "items": {
                    "type": "object",
                    "properties": {
                        "content": {"type": "string", "description": "The task, imperative."},
                        "status": {"type": "string", "enum": list(_STATUSES)},
                        "activeForm": {
                            "type": "string",
                            "description": "The task in present continuous form.",
                        },
                    },
                    "required": ["content", "status", "activeForm"],
                },
            }
        },
        "required": ["todos"],
    }
    read_only = True

    def validate(self, raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Check the arguments, first mending the todo shapes other formats use."""
        notes: list[str] = []
        todos = raw.get("todos") if isinstance(raw, dict) else None
        if isinstance(todos, str):
            try:
                todos = json.loads(todos)
            except (json.JSONDecodeError, RecursionError):
                todos = None  # the schema check below reports it
        if isinstance(todos, list):
            raw = {**raw, "todos": [_mend(item, notes) for item in todos]}
        args, schema_notes = validate_arguments(self.name, self.parameters, raw, self.aliases)
        return args, sorted(set(notes)) + schema_notes

    def summary(self, args: dict[str, Any]) -> str:
        """The task in progress, else how many tasks the plan has."""
        todos = [t for t in args.get("todos") or [] if isinstance(t, dict)]
        for todo in todos:
            if todo.get("status") == "in_progress":
                return str(todo.get("activeForm") or todo.get("content") or "")[:200]
        return f"{len(todos)} task{'' if len(todos) == 1 else 's'}"

    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        """Store the new plan and announce it; refuse a plan that breaks the rules."""
        items: list[TodoItem] = []
        for number, todo in enumerate(args.get("todos") or [], start=1):
            content = str(todo.get("content") or "").strip()
            status = todo.get("status")
            if not content:
                return _error(f"Task {number} has no content; say what the task is.")
            if status not in _STATUSES:
                allowed = ", ".join(_STATUSES)
                return _error(f"Task {number} has status {status!r}; use one of: {allowed}.")
            active_form = str(todo.get("activeForm") or "").strip() or content
            items.append(TodoItem(content, status, active_form))
        working = [item.content for item in items if item.status == "in_progress"]
        if len(working) > 1:
            listed = "; ".join(f"'{content}'" for content in working)
            return _error(
                f"Only one task may be in_progress at a time, but {len(working)} are: {listed}. "
                "Keep the one you are working on in_progress, set the others to pending, and "
                "send the full list again."
            )
        plan = tuple(items)
        ctx.state[STATE_KEY] = plan
        ctx.emit(TodosUpdated(plan))
        if not plan:
            return ToolResult("The todo list is now empty.")
        counts = {status: sum(item.status == status for item in plan) for status in _STATUSES}
        tally = ", ".join(f"{counts[s]} {s.replace('_', ' ')}" for s in _STATUSES)
        return ToolResult(
            f"Todo list updated ({tally}). Keep using it to track your progress: mark each "
            "task in_progress when you start it and completed as soon as it is done, then "
            "carry on with the current task."
        )


def _mend(item: Any, notes: list[str]) -> Any:
    """Map another todo format's keys and status words onto ours."""
    if not isinstance(item, dict):
        return item
    mended = {key: value for key, value in item.items() if key not in _KEY_SLIPS}
    for key, value in item.items():
        if key not in _KEY_SLIPS:
            continue
        target = _KEY_SLIPS[key]
        if target is None:
            notes.append(f"ignored the todo field '{key}'")
        elif target not in mended:
            mended[target] = value
    status = mended.get("status")
    if isinstance(status, str):
        word = status.strip().lower().replace("-", "_").replace(" ", "_")
        mended["status"] = _STATUS_SLIPS.get(word, word)
    if not mended.get("activeForm") and isinstance(mended.get("content"), str):
        mended["activeForm"] = mended["content"]
    return mended


def _error(text: str) -> ToolResult:
    return ToolResult(text, is_error=True)


def todo_tools() -> list[Tool]:
    """The planning tool."""
    return [TodoWriteTool()]
