"""The provider against a real HTTP server: streaming, tool-call assembly, retries, errors."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openclaude_tui.core.events import Event, Notice, Retrying, TextDelta
from openclaude_tui.core.llm.answer import ToolCallAssembler
from openclaude_tui.core.llm.provider import Provider, ProviderError, ProviderSettings
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

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
MESSAGES = [{"role": "user", "content": "hello"}]


def answered_read(prompt: str, result: str, **assistant: Any) -> list[dict[str, Any]]:
    """A user message, an assistant Read call (with ``assistant``'s extra fields), its result."""
    call = {"id": "c1", "type": "function", "function": {"name": "Read", "arguments": "{}"}}
    return [
        {"role": "user", "content": prompt},
        {"role": "assistant", "content": "", **assistant, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "c1", "content": result},
    ]


class Pauses:
    """The provider's sleep in the retry tests: it waits for nothing and records the pauses
    asked for, so a test checks the backoff without spending it."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        await asyncio.sleep(0)  # still gives the loop its turn, as a real pause would


def _provider(server: ScriptedServer, pauses: Pauses | None = None, **overrides: Any) -> Provider:
    """A provider for ``server``; with ``pauses``, retries record their backoff (the default
    one, 1 s doubling) instead of waiting for it."""
    values: dict[str, Any] = {
        "base_url": server.base_url,
        "api_key": "test-key",
        "model": "scripted-model",
        # Without a recorder, a retry really waits: briefly.
        "retry_base_delay": ProviderSettings.retry_base_delay if pauses is not None else 0.01,
    }
    values.update(overrides)
    settings = ProviderSettings(**values)
    return Provider(settings) if pauses is None else Provider(settings, sleep=pauses)


def _is_backoff(pauses: list[float]) -> bool:
    """Whether ``pauses`` are the default backoff: the n-th between half and all of 2**(n-1) s
    (the jitter), and so each longer than the one before it can have been."""
    return all(2 ** (n - 1) / 2 <= pause <= 2 ** (n - 1) for n, pause in enumerate(pauses, 1))


async def _complete(provider: Provider, tools: list[dict[str, Any]] | None = TOOLS):
    events: list[Event] = []
    try:
        response = await provider.complete(MESSAGES, tools, events.append)
    finally:
        await provider.close()
    return response, events


def _split(text: str, cuts: list[int]) -> list[str]:
    points = sorted({min(max(c, 0), len(text)) for c in cuts})
    pieces, start = [], 0
    for point in [*points, len(text)]:
        pieces.append(text[start:point])
        start = point
    return pieces


@settings(max_examples=200)
@given(
    arguments=st.dictionaries(
        st.text(min_size=1, max_size=8), st.text(max_size=30) | st.integers(), max_size=4
    ),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=12),
    repeat=st.booleans(),
)
def test_any_split_of_the_arguments_assembles_the_same_call(
    arguments: dict[str, Any], cuts: list[int], repeat: bool
) -> None:
    text = json.dumps(arguments)
    assembler = ToolCallAssembler()
    for number, piece in enumerate(_split(text, cuts)):
        first = number == 0
        delta: dict[str, Any] = {"index": 0, "function": {"arguments": piece}}
        if first or repeat:
            delta["id"] = "call_abc"
            delta["function"]["name"] = "Read"
        assembler.feed([delta])
    (call,) = assembler.calls()
    assert (call.id, call.name) == ("call_abc", "Read")
    assert json.loads(call.arguments) == arguments


def test_parallel_calls_are_kept_apart_by_index() -> None:
    assembler = ToolCallAssembler()
    assembler.feed([{"index": 1, "id": "b", "function": {"name": "Grep", "arguments": '{"pa'}}])
    assembler.feed([{"index": 0, "id": "a", "function": {"name": "Read", "arguments": "{}"}}])
    assembler.feed([{"index": 1, "function": {"arguments": 'ttern": "x"}'}}])
    calls = assembler.calls()
    assert [(c.id, c.name, c.arguments) for c in calls] == [
        ("a", "Read", "{}"),
        ("b", "Grep", '{"pattern": "x"}'),
    ]


def test_arguments_sent_as_an_object_become_json_text() -> None:
    assembler = ToolCallAssembler()
    assembler.feed([{"index": 0, "id": "a", "function": {"name": "Read", "arguments": {"n": 1}}}])
    assert [json.loads(c.arguments) for c in assembler.calls()] == [{"n": 1}]


async def test_a_stray_colon_after_the_function_name_is_dropped(
    scripted_server: ScriptedServer,
) -> None:
    # As llama-cpp-python's chatml-function-calling format answers: nothing to the streamed
    # request, then the call with the colon of its "functions.NAME:" prompt format.
    scripted_server.script(
        Turn(empty_body=True),
        Turn(tool_calls=[ToolCallSpec("Read: ", {"file_path": "a.py"})]),
    )
    response, _ = await _complete(_provider(scripted_server))
    assert [(c.name, json.loads(c.arguments)) for c in response.tool_calls] == [
        ("Read", {"file_path": "a.py"})
    ]


async def test_tools_go_with_an_explicit_auto_tool_choice(
    scripted_server: ScriptedServer,
) -> None:
    # llama-cpp-python leaves the tools out of the prompt unless tool_choice is given.
    scripted_server.script(Turn(text="with tools"), Turn(text="without"))
    provider = _provider(scripted_server)
    try:
        await provider.complete(MESSAGES, TOOLS, lambda event: None)
        await provider.complete(MESSAGES, None, lambda event: None)
    finally:
        await provider.close()
    with_tools, without = (request.body for request in scripted_server.chat_requests)
    assert with_tools["tool_choice"] == "auto" and with_tools["tools"] == TOOLS
    assert "tool_choice" not in without and "tools" not in without


async def test_streams_text_and_reports_usage(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Turn(text="Hello there, how are you today?", chunk_size=4))
    response, events = await _complete(_provider(scripted_server))
    assert response.text == "Hello there, how are you today?"
    assert response.finish_reason == "stop"
    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    assert len(deltas) > 3 and "".join(deltas) == response.text
    assert response.prompt_tokens and response.prompt_tokens > 0
    assert scripted_server.last_request.body["stream_options"] == {"include_usage": True}


async def test_streamed_tool_calls_with_repeated_ids_are_assembled(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.script(
        Turn(
            tool_calls=[
                ToolCallSpec("Read", {"file_path": "src/auth.py"}, id="call_1"),
                ToolCallSpec("Read", {"file_path": "src/models.py"}, id="call_2"),
            ],
            argument_chunks=5,
            repeat_id_and_name=True,
        )
    )
    response, _ = await _complete(_provider(scripted_server))
    assert response.finish_reason == "tool_calls"
    assert [(c.id, c.name, json.loads(c.arguments)) for c in response.tool_calls] == [
        ("call_1", "Read", {"file_path": "src/auth.py"}),
        ("call_2", "Read", {"file_path": "src/models.py"}),
    ]


async def test_retries_a_500_and_reports_the_retry(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Turn(status=500, error_message="boom"), Turn(text="recovered"))
    pauses = Pauses()
    response, events = await _complete(_provider(scripted_server, pauses))
    assert response.text == "recovered"
    retries = [e for e in events if isinstance(e, Retrying)]
    assert len(retries) == 1
    assert retries[0].attempt == 2 and retries[0].max_attempts == 4
    assert "500" in retries[0].reason
    assert len(pauses.asked) == 1 and _is_backoff(pauses.asked)
    assert retries[0].delay == pauses.asked[0], "the notice says the pause really taken"


async def test_retry_after_is_honoured(scripted_server: ScriptedServer) -> None:
    scripted_server.script(
        Turn(status=429, error_message="slow down", headers={"Retry-After": "2"}),
        Turn(text="ok"),
    )
    pauses = Pauses()
    response, events = await _complete(_provider(scripted_server, pauses))
    assert response.text == "ok"
    (retry,) = [e for e in events if isinstance(e, Retrying)]
    assert retry.delay == 2.0
    assert "429" in retry.reason
    assert pauses.asked == [2.0], "the server's two seconds, not the provider's own backoff"


async def test_a_dropped_stream_is_retried_and_the_partial_answer_discarded(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.script(
        Turn(text="this answer will be cut off in the middle", chunk_size=3, drop_after=4),
        Turn(text="complete answer"),
    )
    pauses = Pauses()
    response, events = await _complete(_provider(scripted_server, pauses))
    assert len(pauses.asked) == 1 and _is_backoff(pauses.asked)
    assert response.text == "complete answer"
    kinds = [type(e).__name__ for e in events]
    retry_at = kinds.index("Retrying")
    assert "TextDelta" in kinds[:retry_at], "the partial answer was streamed before the retry"
    after = "".join(e.text for e in events[retry_at:] if isinstance(e, TextDelta))
    assert after == "complete answer"


async def test_a_dropped_chunked_stream_is_retried(scripted_server: ScriptedServer) -> None:
    scripted_server.script(
        Turn(text="partial words here", chunk_size=3, drop_after=3, chunked=True),
        Turn(text="whole"),
    )
    pauses = Pauses()
    response, events = await _complete(_provider(scripted_server, pauses))
    assert response.text == "whole"
    assert any(isinstance(e, Retrying) for e in events)
    assert len(pauses.asked) == 1 and _is_backoff(pauses.asked)


async def test_gives_up_after_four_attempts(scripted_server: ScriptedServer) -> None:
    scripted_server.script(*[Turn(status=503, error_message="overloaded")] * 4)
    pauses = Pauses()
    provider = _provider(scripted_server, pauses)
    events: list[Event] = []
    try:
        await provider.complete(MESSAGES, TOOLS, events.append)
    except ProviderError as error:
        assert "503" in str(error)
    else:
        raise AssertionError("expected a ProviderError")
    finally:
        await provider.close()
    assert len([e for e in events if isinstance(e, Retrying)]) == 3
    assert len(scripted_server.chat_requests) == 4
    # Three pauses of about 1, 2 and 4 s between the four attempts; none after the last.
    assert len(pauses.asked) == 3 and _is_backoff(pauses.asked)


async def test_wrong_api_key_is_one_clear_sentence() -> None:
    with ScriptedServer(api_key="right") as server:
        provider = _provider(server, api_key="wrong")
        try:
            await provider.complete(MESSAGES, TOOLS, lambda event: None)
        except ProviderError as error:
            message = str(error)
        finally:
            await provider.close()
    assert message.startswith(f"{server.base_url} refused the API key (401")
    assert "--api-key" in message and "\n" not in message


async def test_unknown_model_names_what_the_server_offers() -> None:
    with ScriptedServer(models=["qwen2.5-coder:14b", "llama3.1:8b"]) as server:
        provider = _provider(server, model="no-such-model")
        try:
            await provider.complete(MESSAGES, TOOLS, lambda event: None)
        except ProviderError as error:
            explained = await provider.explain_missing_model(error)
        finally:
            await provider.close()
    assert str(explained) == (
        f'model "no-such-model" not found at {server.base_url}; '
        "the server offers: qwen2.5-coder:14b, llama3.1:8b"
    )


async def test_unreachable_server_is_retried_then_explained() -> None:
    with ScriptedServer() as server:
        url = server.base_url
    pauses = Pauses()
    provider = Provider(ProviderSettings(base_url=url, api_key="x", model="m"), sleep=pauses)
    events: list[Event] = []
    try:
        await provider.complete(MESSAGES, TOOLS, events.append)
    except ProviderError as error:
        message = str(error)
    finally:
        await provider.close()
    assert message.startswith(f"cannot reach {url}")
    assert len([e for e in events if isinstance(e, Retrying)]) == 3
    assert len(pauses.asked) == 3 and _is_backoff(pauses.asked)


async def test_a_server_that_rejects_stream_options_is_asked_again_without(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.script(Turn(text="fine", reject_stream_options=True), Turn(text="again"))
    provider = _provider(scripted_server)
    try:
        first = await provider.complete(MESSAGES, TOOLS, lambda event: None)
        second = await provider.complete(MESSAGES, TOOLS, lambda event: None)
    finally:
        await provider.close()
    assert (first.text, second.text) == ("fine", "again")
    assert "stream_options" not in scripted_server.last_request.body


# llama-cpp-python's server ends such a body cleanly or breaks it off, depending on timing.
@pytest.mark.parametrize(
    "empty",
    [Turn(empty_body=True), Turn(drop_after=0, chunked=True)],
    ids=["ended", "broken-off"],
)
async def test_an_empty_streamed_body_falls_back_to_a_plain_request(
    scripted_server: ScriptedServer, empty: Turn
) -> None:
    scripted_server.script(
        empty,
        Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "a.py"})]),
        Turn(text="and again without streaming"),
    )
    provider = _provider(scripted_server)
    try:
        first = await provider.complete(MESSAGES, TOOLS, lambda event: None)
        second = await provider.complete(MESSAGES, TOOLS, lambda event: None)
    finally:
        await provider.close()
    assert first.tool_calls[0].name == "Read"
    assert second.text == "and again without streaming"
    streams = [request.stream for request in scripted_server.chat_requests]
    assert streams == [True, False, False]


async def test_first_token_timeout_catches_a_hanging_server(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.script(Turn(text="too late", delay=5))
    provider = _provider(scripted_server, first_token_timeout=0.5)
    try:
        await provider.complete(MESSAGES, TOOLS, lambda event: None)
    except ProviderError as error:
        message = str(error)
    finally:
        await provider.close()
    assert "first-token timeout" in message
    assert "--first-token-timeout" in message


async def test_inline_think_tags_become_reasoning(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Turn(text="<think>The user greets me.</think>Hello!", chunk_size=3))
    response, events = await _complete(_provider(scripted_server))
    assert response.text == "Hello!"
    assert response.reasoning == "The user greets me."
    shown = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert "<think>" not in shown and shown.strip() == "Hello!"


async def test_a_server_without_native_tools_gets_the_text_protocol(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.script(
        Turn(
            status=400, error_message="registry.ollama.ai/library/gemma:2b does not support tools"
        ),
        Turn(text='<tool_call>{"name": "Read", "arguments": {"file_path": "a.py"}}</tool_call>'),
    )
    provider = _provider(scripted_server)
    events: list[Event] = []
    messages = [
        {"role": "system", "content": "You are a coding agent."},
        *answered_read("read a.py", "Error: file_path missing"),
    ]
    try:
        response = await provider.complete(messages, TOOLS, events.append)
    finally:
        await provider.close()
    assert not provider.native_tools
    assert any(isinstance(e, Notice) and "native tool calls" in e.message for e in events)
    sent = scripted_server.last_request
    assert "tools" not in sent.body
    assert "<tool_call>" in sent.messages[0]["content"] and "Read" in sent.messages[0]["content"]
    assert [m["role"] for m in sent.messages] == ["system", "user", "assistant", "user"]
    assert '"name": "Read"' in sent.messages[2]["content"]
    assert sent.messages[3]["content"].startswith("[tool result for Read (c1)]")
    assert "<tool_call>" in response.text


async def test_reasoning_is_sent_back_only_when_the_server_asks(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.script(
        Turn(text="plain"),
        Turn(
            status=400, error_message="Missing `reasoning_content` field in the assistant message"
        ),
        Turn(text="with reasoning"),
    )
    provider = _provider(scripted_server)
    messages = answered_read("q", "ok", reasoning_content="thinking…")
    try:
        await provider.complete(messages, TOOLS, lambda event: None)
        assert "reasoning_content" not in scripted_server.last_request.messages[1]
        second = await provider.complete(messages, TOOLS, lambda event: None)
    finally:
        await provider.close()
    assert second.text == "with reasoning"
    assert scripted_server.last_request.messages[1]["reasoning_content"] == "thinking…"


async def test_unescaped_line_separators_and_keep_alive_comments_pass_through(
    scripted_server: ScriptedServer,
) -> None:
    text = "first\u2028second \u2029 third \U0001f600 end"
    scripted_server.script(Turn(text=text, chunk_size=5, keep_alive=True, chunked=True))
    response, events = await _complete(_provider(scripted_server))
    assert response.text == text
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == text


async def test_an_error_event_inside_the_stream_is_one_sentence(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.script(Turn(text="partial words", stream_error="CUDA out of memory"))
    provider = _provider(scripted_server)
    host = provider.host
    try:
        await _complete(provider)
    except ProviderError as error:
        assert str(error) == f"{host} stopped the answer with an error: CUDA out of memory"
    else:
        raise AssertionError("expected a ProviderError")


async def _tool_refusal(server: ScriptedServer, status: int, message: str) -> list[Event]:
    """Refuse the first request with ``status`` and ``message``; answer the next one."""
    server.script(Turn(status=status, error_message=message), Turn(text="Fine."))
    provider = _provider(server)
    events: list[Event] = []
    try:
        response = await provider.complete(MESSAGES, TOOLS, events.append)
    finally:
        await provider.close()
    assert response.text == "Fine."
    assert len(server.chat_requests) == 2, "one refusal, one request adapted to it: no retries"
    assert not any(isinstance(e, Retrying) for e in events)
    return events


async def test_llama_cpp_without_jinja_gets_the_text_protocol_at_once(
    scripted_server: ScriptedServer,
) -> None:
    events = await _tool_refusal(scripted_server, 500, "tools param requires --jinja flag")
    assert "tools" not in scripted_server.last_request.body
    notices = [e.message for e in events if isinstance(e, Notice)]
    assert len(notices) == 1 and "--jinja" in notices[0]


async def test_a_router_without_tool_endpoints_gets_the_text_protocol(
    scripted_server: ScriptedServer,
) -> None:
    await _tool_refusal(scripted_server, 404, "No endpoints found that support tool use")
    assert "tools" not in scripted_server.last_request.body


async def test_tools_that_cannot_stream_are_asked_for_without_streaming(
    scripted_server: ScriptedServer,
) -> None:
    await _tool_refusal(scripted_server, 500, "Cannot use tools with stream")
    sent = scripted_server.last_request.body
    assert sent["tools"] and not sent.get("stream")


async def test_an_ordinary_500_is_still_retried(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Turn(status=500, error_message="out of memory"), Turn(text="Fine."))
    pauses = Pauses()
    response, events = await _complete(_provider(scripted_server, pauses))
    assert response.text == "Fine."
    assert any(isinstance(e, Retrying) for e in events)
    assert len(pauses.asked) == 1
    assert scripted_server.last_request.body["tools"]


async def test_the_connection_is_kept_for_the_next_request(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.script(Turn(text="one", chunked=True), Turn(text="two", chunked=True))
    provider = _provider(scripted_server)
    try:
        for expected in ("one", "two"):
            response = await provider.complete(MESSAGES, TOOLS, lambda event: None)
            assert response.text == expected
    finally:
        await provider.close()
    first, second = scripted_server.chat_requests
    assert first.client_port == second.client_port, "a new connection for every answer"


async def test_a_finished_stream_without_a_finish_reason_is_taken_as_it_is(
    scripted_server: ScriptedServer,
) -> None:
    read = ToolCallSpec("Read", {"file_path": "a.py"})
    scripted_server.script(
        Turn(text="All done.", omit_finish_reason=True),
        Turn(tool_calls=[read], omit_finish_reason=True),
    )
    provider = _provider(scripted_server)
    events: list[Event] = []
    try:
        answer = await provider.complete(MESSAGES, TOOLS, events.append)
        call = await provider.complete(MESSAGES, TOOLS, events.append)
    finally:
        await provider.close()
    assert (answer.text, answer.finish_reason) == ("All done.", "stop")
    assert ([c.name for c in call.tool_calls], call.finish_reason) == (["Read"], "tool_calls")
    assert not any(isinstance(e, Retrying) for e in events)


async def test_a_server_that_ignores_stream_is_read_as_one_answer(
    scripted_server: ScriptedServer,
) -> None:
    read = ToolCallSpec("Read", {"file_path": "a.py"})
    scripted_server.script(
        Turn(text="<think>hmm</think>Reading it.", tool_calls=[read], ignore_stream=True)
    )
    response, events = await _complete(_provider(scripted_server))
    assert scripted_server.last_request.body["stream"] is True
    assert response.text == "Reading it." and response.reasoning == "hmm"
    assert [(c.name, json.loads(c.arguments)) for c in response.tool_calls] == [
        ("Read", {"file_path": "a.py"})
    ]
    assert response.finish_reason == "tool_calls" and response.prompt_tokens
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Reading it."


async def test_an_empty_json_body_to_a_streamed_request_falls_back_too(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.script(Turn(empty_body=True, ignore_stream=True), Turn(text="ok"))
    provider = _provider(scripted_server)
    response, _events = await _complete(provider)
    assert response.text == "ok"
    assert not provider.streams_with_tools
    assert scripted_server.last_request.body.get("stream") is not True
