"""Compaction: groups never split, user messages kept verbatim, strict servers accept the result."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openclaude_tui.core.agent.compact import (
    SUMMARY_PREFIX,
    Compactor,
    Summarise,
    compact,
    estimate_tokens,
    mechanical_summary,
    model_summariser,
    render_transcript,
    should_compact,
    split_for_compaction,
)
from openclaude_tui.core.llm.provider import Provider, ProviderSettings
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, Turn

Message = dict[str, Any]


def call(call_id: str, name: str, **args: Any) -> dict[str, Any]:
    """One entry of an assistant message's ``tool_calls``."""
    return {
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(args)},
    }


def assistant(text: str = "", *calls: dict[str, Any]) -> Message:
    """An assistant message, with tool calls when given."""
    message: Message = {"role": "assistant", "content": text}
    if calls:
        message["tool_calls"] = list(calls)
    return message


def result(call_id: str, text: str) -> Message:
    """A tool message answering ``call_id``."""
    return {"role": "tool", "tool_call_id": call_id, "content": text}


def user(text: str) -> Message:
    """A user message."""
    return {"role": "user", "content": text}


def summary_of(text: str) -> Summarise:
    """A summariser that always answers ``text``."""

    async def summarise(messages: list[Message], focus: str | None) -> str:
        return text

    return summarise


async def failing(messages: list[Message], focus: str | None) -> str:
    """A summariser whose request fails."""
    raise ConnectionError("server went away")


def check_pairs(messages: Sequence[Message]) -> None:
    """Every tool call has its results right after it; no tool message stands alone."""
    index = 0
    while index < len(messages):
        message = messages[index]
        assert message.get("role") != "tool", f"orphan tool message at {index}"
        index += 1
        ids = [c["id"] for c in message.get("tool_calls") or ()]
        answered = []
        while index < len(messages) and messages[index].get("role") == "tool":
            answered.append(messages[index]["tool_call_id"])
            index += 1
        assert answered == ids, f"calls {ids} answered by {answered}"


@st.composite
def conversations(draw: st.DrawFn) -> list[Message]:
    """Turns as the agent records them: a user message, tool rounds, usually a final answer."""
    messages: list[Message] = []
    counter = 0
    for turn in range(draw(st.integers(1, 5))):
        messages.append(user(f"request {turn}: " + "x" * draw(st.integers(0, 400))))
        for _ in range(draw(st.integers(0, 4))):
            calls = []
            for _ in range(draw(st.integers(1, 3))):
                counter += 1
                calls.append(call(f"call_{counter}", "Read", file_path=f"f{counter}.py"))
            messages.append(assistant("y" * draw(st.integers(0, 200)), *calls))
            for entry in calls:
                messages.append(result(entry["id"], "z" * draw(st.integers(0, 3000))))
        if draw(st.booleans()):
            messages.append(assistant("done " + "w" * draw(st.integers(0, 300))))
    return messages


@settings(max_examples=300, deadline=None)
@given(conversations(), st.integers(1, 4000), st.booleans())
def test_compaction_never_splits_a_call_from_its_results(
    messages: list[Message], keep: int, fails: bool
) -> None:
    summarise = failing if fails else summary_of("Read several files.")
    compacted = asyncio.run(compact(messages, summarise, keep_recent_tokens=keep)).messages
    check_pairs(compacted)
    # Every user message survives, verbatim and in order.
    assert [m for m in compacted if m["role"] == "user"] == [
        m for m in messages if m["role"] == "user"
    ]
    # The end of the conversation is untouched, and roles stay sane for chat templates.
    assert compacted[-1] == messages[-1] or SUMMARY_PREFIX in compacted[-1]["content"]
    assert compacted[0]["role"] == "user"
    for before, after in itertools.pairwise(compacted):
        assert not (before["role"] == after["role"] == "assistant")
    assert len([m for m in compacted if SUMMARY_PREFIX in (m.get("content") or "")]) <= 1


def test_recent_messages_are_kept_intact_and_the_cut_is_between_groups() -> None:
    messages = [
        user("Fix the failing test in tests/test_auth.py; do not touch src/models.py."),
        assistant("", call("a", "Bash", command="pytest -q")),
        result("a", "1 failed\nexit code 1"),
        assistant(
            "",
            call("b", "Read", file_path="src/auth.py"),
            call("c", "Read", file_path="src/models.py"),
        ),
        result("b", "x" * 4000),
        result("c", "y" * 4000),
        assistant("", call("d", "Edit", file_path="src/auth.py", old_string="a", new_string="b")),
        result("d", "The file src/auth.py has been updated."),
    ]
    older, recent = split_for_compaction(messages, keep_recent_tokens=100)
    assert (older, recent) == (messages[:6], messages[6:])
    # The two reads (about 2,000 tokens) go whole or not at all.
    with_reads = estimate_tokens(messages[3:])
    assert with_reads > 2000
    assert split_for_compaction(messages, keep_recent_tokens=with_reads - 1)[1] == messages[6:]
    assert split_for_compaction(messages, keep_recent_tokens=with_reads)[1] == messages[3:]
    # At least the last group stays, however large.
    assert split_for_compaction(messages, keep_recent_tokens=1)[1] == messages[6:]
    assert split_for_compaction(messages, keep_recent_tokens=100_000) == ([], messages)


async def test_summary_replaces_older_work_and_users_stay_verbatim() -> None:
    constraint = "Use only the standard library.\n\n  Keep   this spacing."
    messages = [
        user(constraint),
        assistant("Looking.", call("a", "Read", file_path="a.py")),
        result("a", "print(1)\n" * 500),
        assistant("a.py prints 1."),
        user("Now make it print 2."),
        assistant("", call("b", "Edit", file_path="a.py", old_string="1", new_string="2")),
        result("b", "The file a.py has been updated."),
    ]
    compacted = await compact(messages, summary_of("Read a.py (prints 1)."), keep_recent_tokens=30)
    assert compacted.messages[0] == {"role": "user", "content": constraint}
    assert compacted.messages[1] == {"role": "user", "content": "Now make it print 2."}
    # The summary opens the recent assistant message instead of standing as a second one.
    merged = compacted.messages[2]
    assert merged["content"].startswith(f"{SUMMARY_PREFIX}\nRead a.py (prints 1).")
    assert merged["tool_calls"] == messages[5]["tool_calls"]
    assert compacted.messages[3] == messages[6]
    assert not compacted.mechanical
    assert compacted.tokens_after < compacted.tokens_before


async def test_mechanical_summary_when_the_model_cannot_write_one() -> None:
    messages = [
        user("Make the tests pass."),
        assistant("Running the tests.", call("a", "Bash", command="python -m pytest -q")),
        result("a", "F.\n1 failed, 1 passed\n\nExit code 1"),
        assistant(
            "",
            call("b", "Read", file_path="src/auth.py"),
            call("c", "Grep", pattern="is_active", path="src"),
        ),
        result("b", "     1\tdef check(user):\n     2\t    return user.is_active\n"),
        result("c", "src/auth.py:2:    return user.is_active"),
        assistant(
            "", call("d", "Edit", file_path="src/auth.py", old_string="nope", new_string="x")
        ),
        result("d", "Error: old_string was not found in src/auth.py. Read the file again."),
        assistant("", call("e", "Bash", command="python -c 'import src.auth'")),
        result(
            "e",
            'Traceback (most recent call last):\n  File "<string>", line 1\n'
            "ModuleNotFoundError: No module named 'src'\nexit code 1",
        ),
        assistant(
            "",
            call("f", "Edit", file_path="src/auth.py", old_string="is_active", new_string="active"),
        ),
        result("f", "The file src/auth.py has been updated."),
        assistant("", call("g", "Bash", command="python -m pytest -q")),
        result("g", "2 passed\nexit code 0"),
    ]
    for summarise in (failing, summary_of(""), summary_of("<think>hmm</think>  ")):
        compacted = await compact(messages, summarise, keep_recent_tokens=1)
        assert compacted.mechanical
        text = compacted.summary
        assert "- src/auth.py (read, edited)" in text
        assert "- `python -m pytest -q` → exit 1" in text
        assert "Grep 'is_active' in src" in text
        assert "Edit: Error: old_string was not found in src/auth.py." in text
        assert "Bash: ModuleNotFoundError: No module named 'src'" in text
        assert "Running the tests." in text
        assert compacted.messages[-1] == messages[-1]
        assert compacted.messages[-2]["tool_calls"] == messages[-2]["tool_calls"]


def test_mechanical_summary_carries_an_earlier_summary_forward() -> None:
    earlier = assistant(f"{SUMMARY_PREFIX}\nRenamed User.is_active to User.active.")
    text = mechanical_summary(
        [
            user("go on"),
            earlier,
            assistant("", call("a", "Read", file_path="b.py")),
            result("a", ""),
        ]
    )
    assert "Renamed User.is_active to User.active." in text
    assert "- b.py (read)" in text


def test_estimate_counts_tool_call_arguments_and_should_compact_uses_the_larger_count() -> None:
    plain = [user("x" * 400)]
    with_call = [*plain, assistant("", call("a", "Write", file_path="f", content="y" * 4000))]
    assert estimate_tokens(with_call) > estimate_tokens(plain) + 1000
    assert not should_compact(None, plain, window=1000)
    assert should_compact(850, plain, window=1000)  # the server's count says it is fuller
    assert should_compact(None, with_call, window=1000)  # the estimate says so, the server lags
    assert not should_compact(None, with_call, window=100_000)


def test_the_tool_definitions_count_towards_compaction() -> None:
    # llama.cpp reports no usage while streaming: only the estimate says the window is full,
    # and the tools' schemas take a good part of a small window.
    plain = [user("x" * 2400)]
    assert not should_compact(None, plain, window=1000)
    assert should_compact(None, plain, window=1000, extra_tokens=300)


async def test_compactor_refuses_to_compact_twice_without_progress() -> None:
    messages = [user("Read everything and report.")]
    for n in range(8):
        messages += [
            assistant("", call(f"c{n}", "Read", file_path=f"f{n}.py")),
            result(f"c{n}", "z" * 2000),
        ]
    compactor = Compactor(window=4000, threshold=0.8)
    request = [{"role": "system", "content": "You are an agent."}, *messages]
    assert compactor.due(None, request)
    first = await compactor.compact(messages, summary_of("Read f0–f7: nothing unusual."))
    assert first is not None
    again = [{"role": "system", "content": "You are an agent."}, *first.messages]
    # Still above the threshold (the recent reads are kept), yet no new work to summarise.
    assert compactor.due(9999, again) is False
    assert "not grown" in compactor.reason
    assert await compactor.compact(first.messages, summary_of("same")) is None
    assert compactor.reason
    # New work makes compaction worth it again.
    grown = list(first.messages)
    for n in range(8, 16):
        grown += [
            assistant("", call(f"c{n}", "Read", file_path=f"f{n}.py")),
            result(f"c{n}", "z" * 2000),
        ]
    assert compactor.due(None, [again[0], *grown])


async def test_compactor_refuses_a_summary_that_does_not_shrink_anything() -> None:
    messages = [
        user("hi"),
        assistant("", call("a", "Read", file_path="a")),
        result("a", "q" * 800),
        user("more"),
        assistant("ok"),
    ]
    compactor = Compactor(window=400, keep_recent_share=0.01)
    assert await compactor.compact(messages, summary_of("s" * 5000)) is None
    assert "not make the conversation meaningfully smaller" in compactor.reason


async def test_disabled_compactor_is_never_due() -> None:
    compactor = Compactor(window=100, enabled=False)
    assert not compactor.due(10_000, [user("x" * 10_000)])


def test_transcript_fits_its_budget() -> None:
    messages = [user("task")]
    for n in range(40):
        messages += [
            assistant("", call(f"c{n}", "Read", file_path=f"f{n}")),
            result(f"c{n}", "r" * 5000),
        ]
    text = render_transcript(messages, 6000)
    assert len(text) <= 6000
    assert text.startswith("[user]\ntask")
    assert "earlier entries left out" in text
    assert "f39" in text  # the most recent work is kept
    short = render_transcript(messages[:3], 100_000)
    assert '→ Read({"file_path": "f0"})' in short and "[result of Read]" in short


# Through the real Provider, against the strict scripted server.

LONG_SESSION = [
    user("Rename is_active to active across src/ and keep the public API stable."),
    assistant("I'll look first.", call("call_1", "Grep", pattern="is_active", path="src")),
    result("call_1", "src/auth.py:2:    return user.is_active\n" * 50),
    assistant(
        "",
        call("call_2", "Read", file_path="src/auth.py"),
        call("call_3", "Read", file_path="src/models.py"),
    ),
    result("call_2", "     1\tdef check(user):\n     2\t    return user.is_active\n" * 40),
    result("call_3", "     1\tclass User:\n     2\t    active = True\n" * 40),
    assistant("auth.py reads an attribute that models.py does not define."),
    user("Go ahead."),
    assistant(
        "",
        call(
            "call_4", "Edit", file_path="src/auth.py", old_string="is_active", new_string="active"
        ),
    ),
    result("call_4", "The file src/auth.py has been updated."),
]
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "Read",
            "description": "Read a file",
            "parameters": {"type": "object", "properties": {"file_path": {"type": "string"}}},
        },
    }
]


def provider_for(server: ScriptedServer) -> Provider:
    """A real provider for the scripted server, without retry delays."""
    return Provider(
        ProviderSettings(
            base_url=server.base_url,
            api_key="x",
            model=DEFAULT_MODEL,
            retry_base_delay=0.0,
            max_attempts=1,
        )
    )


async def test_compacted_history_is_accepted_by_a_strict_server(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.script(
        Turn(text="Grep found is_active in src/auth.py only; models.py defines active."),
        Turn(text="Done."),
    )
    provider = provider_for(scripted_server)
    try:
        compacted = await compact(
            LONG_SESSION,
            model_summariser(provider, 32_768),
            keep_recent_tokens=40,
            focus="the rename",
        )
        summary_request = scripted_server.chat_requests[0]
        assert "tools" not in summary_request.body
        prompt = summary_request.messages[-1]["content"]
        assert "→ Grep(" in prompt and "focus on: the rename" in prompt
        assert not compacted.mechanical
        assert compacted.summary.startswith("Grep found is_active")
        request = [{"role": "system", "content": "You are a coding agent."}, *compacted.messages]
        answer = await provider.complete(request, TOOLS, lambda event: None)
    finally:
        await provider.close()
    assert answer.text == "Done."
    sent = scripted_server.last_request
    assert sent is not None and sent.messages == request
    assert [m["content"] for m in sent.messages if m["role"] == "user"] == [
        LONG_SESSION[0]["content"],
        "Go ahead.",
    ]


async def test_a_failed_summary_request_falls_back_to_the_tool_log(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.script(
        Turn(status=400, error_message="context length exceeded"), Turn(text="Done.")
    )
    provider = provider_for(scripted_server)
    try:
        compacted = await compact(
            LONG_SESSION, model_summariser(provider, 32_768), keep_recent_tokens=40
        )
        request = [{"role": "system", "content": "You are a coding agent."}, *compacted.messages]
        answer = await provider.complete(request, TOOLS, lambda event: None)
    finally:
        await provider.close()
    assert compacted.mechanical
    assert (
        "- src/auth.py (read)" in compacted.summary
        and "Grep 'is_active' in src" in compacted.summary
    )
    assert answer.text == "Done."


@pytest.mark.parametrize("keep", [1, 40, 400, 100_000])
async def test_every_cut_is_accepted_by_a_strict_server(
    scripted_server: ScriptedServer, keep: int
) -> None:
    scripted_server.script(Turn(text="ok"))
    provider = provider_for(scripted_server)
    try:
        compacted = await compact(LONG_SESSION, failing, keep_recent_tokens=keep)
        answer = await provider.complete(
            [{"role": "system", "content": "s"}, *compacted.messages], TOOLS, lambda event: None
        )
    finally:
        await provider.close()
    assert answer.text == "ok"


async def test_a_requested_compaction_summarises_all_but_the_last_exchange() -> None:
    messages = [user("explain"), assistant("x" * 800), user("briefly?"), assistant("ok")]
    compactor = Compactor(window=100_000)
    # Automatically this is not worth it: nearly everything counts as recent.
    assert await compactor.compact(messages, summary_of("Explained.")) is None
    done = await compactor.compact(messages, summary_of("Explained."), requested=True)
    assert done is not None and done.tokens_after < done.tokens_before
    assert [m["content"] for m in done.messages if m["role"] == "user"] == ["explain", "briefly?"]
    assert done.messages[-1]["content"].endswith("ok")
    assert "→" in done.describe() and f"({done.tokens_before - done.tokens_after:,} saved)" in (
        done.describe()
    )
    # Only the last exchange: nothing to summarise.
    assert await compactor.compact(messages[-1:], summary_of("-"), requested=True) is None
