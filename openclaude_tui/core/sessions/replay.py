"""A saved session shown again: its records as the events a live session would have sent.

The app passes them through the same event→message table as a live turn, so a resumed
conversation looks as it did: the prompts, the answers, the tool cards as they finished,
the plan and the context used. ``timeline`` keeps every step with its time, for
``openclaude replay`` (``core.sessions.playback`` paces it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from openclaude_tui.core.agent.history import INTERRUPTED
from openclaude_tui.core.events import (
    AssistantMessage,
    Event,
    Notice,
    SubagentUsage,
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


@dataclass(frozen=True)
class Moment:
    """One thing shown, and when it was recorded (None: a transcript without times)."""

    at: float | None
    item: Replayed


def timeline(transcript: Transcript) -> list[Moment]:
    """Everything a live session showed of ``transcript``, in order and with its time: the
    usage and the plan as they changed (``openclaude replay`` plays it)."""
    results = _results(transcript.records)
    moments: list[Moment] = []
    # Where each prompt's turn starts in what is shown: a rewind of the conversation
    # takes back what was shown from the prompt it went back to.
    starts: list[int] = []
    for record in transcript.records:
        kind = record["type"]
        if kind == "prompt":
            starts.append(len(moments))
        if kind == "rewind":
            turn = record.get("turn")
            conversation = isinstance(record.get("messages"), list)
            if conversation and isinstance(turn, int) and 0 <= turn < len(starts):
                # The context used and the plan stay as they last were.
                cut = moments[starts[turn] :]
                del moments[starts[turn] :]
                moments += [
                    m for m in cut if isinstance(m.item, Usage | SubagentUsage | TodosUpdated)
                ]
            continue
        if kind == "usage" and "agent" in record:
            items: Iterable[Replayed | None] = [_subagent_usage(record)]
        elif kind == "usage":
            items = [_usage(record)]
        elif kind == "todos":
            items = [_todos(record)]
        else:
            items = _shown(record, results)
        at = record.get("at")
        when = float(at) if isinstance(at, int | float) and not isinstance(at, bool) else None
        moments.extend(Moment(when, item) for item in items if item is not None)
    # A call the process died in never finished: its card ends as an interrupt ends it
    # (the resumed agent answers it so for the model too).
    finished = {m.item.call_id for m in moments if isinstance(m.item, ToolCallFinished)}
    last = moments[-1].at if moments else None
    moments.extend(
        Moment(last, ToolCallFinished(m.item.call_id, m.item.name, INTERRUPTED, "interrupted", 0.0))
        for m in list(moments)
        if isinstance(m.item, ToolCallStarted) and m.item.call_id not in finished
    )
    return moments


def replay(transcript: Transcript) -> list[Replayed]:
    """What to show of ``transcript`` when it is resumed, in order (only the last usage and
    plan)."""
    shown: list[Replayed] = []
    usage: Usage | None = None
    # A sub-agent's request after the last usage: the totals it ended with.
    later: SubagentUsage | None = None
    todos: TodosUpdated | None = None
    for moment in timeline(transcript):
        item = moment.item
        if isinstance(item, Usage):
            usage, later = item, None
        elif isinstance(item, SubagentUsage):
            later = item
        elif isinstance(item, TodosUpdated):
            todos = item
        else:
            shown.append(item)
    shown.extend(event for event in (todos, usage, later) if event is not None)
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
            float(record.get("seconds") or 0.0),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _subagent_usage(record: dict[str, Any]) -> SubagentUsage | None:
    usage = _usage(record)
    if usage is None:
        return None
    call_id, agent, model = (str(record.get(key) or "") for key in ("call_id", "agent", "model"))
    return SubagentUsage(call_id, agent, model, usage)


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
