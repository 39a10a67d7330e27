"""A saved session shown again: its records as the events a live session would have sent.

The app passes them through the same event→message table as a live turn, so a resumed
conversation looks as it did: the prompts, the answers, the tool cards as they finished,
the plan and the context used.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openclaude_tui.core.agent.history import INTERRUPTED
from openclaude_tui.core.events import (
    AssistantMessage,
    Event,
    Notice,
    TextDelta,
    TodoItem,
    TodosUpdated,
    ToolCallFinished,
    ToolCallStarted,
    TurnFinished,
    Usage,
)
from openclaude_tui.core.sessions.transcript import Transcript


@dataclass(frozen=True)
class ReplayedPrompt:
    """A prompt the user sent (live, the app shows it as it is typed; no event says it)."""

    text: str


Replayed = Event | ReplayedPrompt


def replay(transcript: Transcript) -> list[Replayed]:
    """What to show of ``transcript``, in order (only the last usage and plan)."""
    results = _results(transcript.records)
    shown: list[Replayed] = []
    usage: Usage | None = None
    todos: TodosUpdated | None = None
    # Where each prompt's turn starts in what is shown: a rewind of the conversation
    # takes back what was shown from the prompt it went back to.
    starts: list[int] = []
    for record in transcript.records:
        kind = record["type"]
        if kind == "prompt":
            starts.append(len(shown))
        if kind == "rewind" and isinstance(record.get("messages"), list):
            turn = record.get("turn")
            if isinstance(turn, int) and 0 <= turn < len(starts):
                del shown[starts[turn] :]
        elif kind == "usage":
            usage = _usage(record) or usage
        elif kind == "todos":
            todos = _todos(record) or todos
        else:
            shown.extend(_shown(record, results))
    # A call the process died in never finished: its card ends as an interrupt ends it
    # (the resumed agent answers it so for the model too).
    finished = {event.call_id for event in shown if isinstance(event, ToolCallFinished)}
    shown.extend(
        ToolCallFinished(event.call_id, event.name, INTERRUPTED, "interrupted", 0.0)
        for event in list(shown)
        if isinstance(event, ToolCallStarted) and event.call_id not in finished
    )
    shown.extend(event for event in (todos, usage) if event is not None)
    return shown


def _shown(record: dict[str, Any], results: dict[str, str]) -> Iterator[Replayed]:
    kind = record["type"]
    if kind == "prompt":
        yield ReplayedPrompt(str(record.get("text", "")))
    elif kind == "message":
        message = record["message"]
        if message.get("role") == "assistant":
            text = str(message.get("content") or "")
            if text:
                yield TextDelta(text)
            yield AssistantMessage(text, len(message.get("tool_calls") or ()))
    elif kind == "tool":
        call_id = str(record.get("call_id", ""))
        yield ToolCallStarted(
            call_id, str(record.get("name", "")), {}, str(record.get("summary", ""))
        )
    elif kind == "tool_done":
        call_id = str(record.get("call_id", ""))
        yield ToolCallFinished(
            call_id,
            str(record.get("name", "")),
            str(record.get("result", results.get(call_id, ""))),
            record.get("status", "done"),
            float(record.get("duration") or 0.0),
            str(record.get("diff") or ""),
            record.get("exit_code"),
        )
    elif kind == "history":
        yield Notice("earlier messages were summarised to free context")
    elif kind == "turn_end":
        yield TurnFinished(record.get("reason", "end_turn"), "", 0, str(record.get("detail", "")))


def _results(records: list[dict[str, Any]]) -> dict[str, str]:
    """Each tool call's result, by call id, from the conversation's tool messages."""
    results: dict[str, str] = {}
    for record in records:
        if record["type"] == "message":
            messages = [record["message"]]
        elif record["type"] == "history":
            messages = record.get("messages") or []
        else:
            continue
        for message in messages:
            if message.get("role") == "tool":
                results[str(message.get("tool_call_id"))] = str(message.get("content", ""))
    return results


def _usage(record: dict[str, Any]) -> Usage | None:
    try:
        return Usage(
            int(record["prompt_tokens"]),
            int(record["completion_tokens"]),
            int(record["total_prompt_tokens"]),
            int(record["total_completion_tokens"]),
            bool(record.get("estimated")),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _todos(record: dict[str, Any]) -> TodosUpdated | None:
    try:
        return TodosUpdated(
            tuple(
                TodoItem(str(t["content"]), t["status"], str(t["active_form"]))
                for t in record["todos"]
            )
        )
    except (KeyError, TypeError):
        return None
