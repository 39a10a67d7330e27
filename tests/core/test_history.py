"""The conversation's own rules: calls and results stay together, an interruption leaves a
history strict servers accept, compaction cuts only between whole groups."""

from __future__ import annotations

from openclaude_tui.core.agent.history import INTERRUPTED, CallRef, History, call_groups
from openclaude_tui.core.llm.calls import ToolCall


def _calls(*ids: str) -> list[ToolCall]:
    return [ToolCall(id=i, name="Read", arguments='{"file_path": "a"}') for i in ids]


def _is_valid(history: History) -> bool:
    """Every call answered right after its message; no result without its call."""
    pending: set[str] = set()
    for message in history:
        role = message["role"]
        if role == "tool":
            if message["tool_call_id"] not in pending:
                return False
            pending.discard(message["tool_call_id"])
            continue
        if pending:
            return False
        if role == "assistant":
            pending = {call["id"] for call in message.get("tool_calls", [])}
    return not pending


def test_unanswered_calls_of_the_last_message_are_closed_in_order() -> None:
    history = History()
    history.append_user("look")
    history.append_assistant("", _calls("a", "b", "c"))
    history.add_result("b", "text of b")
    assert history.answered_ids() == {"b"}
    assert [c.id for c in history.unanswered_calls()] == ["a", "c"]
    closed = history.close_interrupted()
    assert closed == [CallRef("a", "Read"), CallRef("c", "Read")]
    assert [m.get("content") for m in history.messages[-2:]] == [INTERRUPTED, INTERRUPTED]
    assert history.unanswered_calls() == []


def test_a_prompt_left_unanswered_gets_the_partial_answer() -> None:
    history = History()
    history.append_user("hello")
    assert history.close_interrupted("Hel") == []
    assert history.messages[-1] == {
        "role": "assistant",
        "content": "Hel\n\n[interrupted by the user]",
    }
    assert _is_valid(history)


def test_an_earlier_turns_answered_calls_are_not_answered_again() -> None:
    """A new prompt interrupted before the model answered must not re-answer the calls of
    the turn before it (their results are already there, before the prompt)."""
    history = History()
    history.append_user("first")
    history.append_assistant("", _calls("a"))
    history.add_result("a", "done")
    history.append_user("second")
    assert history.close_interrupted() == []
    assert [m["role"] for m in history] == ["user", "assistant", "tool", "user", "assistant"]
    assert _is_valid(history)


def test_groups_keep_a_message_and_its_results_together() -> None:
    history = History()
    history.append_user("u")
    history.append_assistant("", _calls("a", "b"))
    history.add_result("a", "1")
    history.add_result("b", "2")
    history.append_assistant("done")
    assert history.groups() == [(0, 1), (1, 4), (4, 5)]
    assert call_groups([]) == []


def test_the_reasoning_is_kept_only_with_tool_calls() -> None:
    history = History()
    history.append_assistant("answer", (), reasoning="thought")
    history.append_assistant("", _calls("a"), reasoning="thought")
    assert "reasoning_content" not in history.messages[0]
    assert history.messages[1]["reasoning_content"] == "thought"
