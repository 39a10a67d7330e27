"""The scripted OpenAI-compatible server, driven by the real openai SDK and by http.client."""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import openai
import pytest
from openai.types.chat import ChatCompletionChunk

from tests.scripted_server import (
    DEFAULT_MODEL,
    EXHAUSTED_TEXT,
    RecordedRequest,
    ScriptedServer,
    ToolCallSpec,
    Turn,
    estimate_completion_tokens,
    estimate_prompt_tokens,
    turn_from_dict,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
USER = [{"role": "user", "content": "Please look at the project."}]


def sdk(server: ScriptedServer, api_key: str = "x") -> openai.AsyncOpenAI:
    """A real SDK client for the server, without retries so every fault surfaces."""
    return openai.AsyncOpenAI(base_url=server.base_url, api_key=api_key, max_retries=0)


async def stream_chunks(
    server: ScriptedServer, messages: list[dict[str, Any]] = USER, **options: Any
) -> list[ChatCompletionChunk]:
    """Stream one completion through the SDK and return every chunk."""
    async with sdk(server) as client:
        stream = await client.chat.completions.create(
            model=DEFAULT_MODEL, messages=messages, stream=True, **options
        )
        return [chunk async for chunk in stream]


async def complete(
    server: ScriptedServer, messages: list[dict[str, Any]] = USER, **options: Any
) -> Any:
    """One non-streamed completion through the SDK."""
    async with sdk(server) as client:
        return await client.chat.completions.create(
            model=DEFAULT_MODEL, messages=messages, **options
        )


def raw_post(server: ScriptedServer, body: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    """POST a chat request with http.client; return status, lower-case headers and body."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        payload = json.dumps(body)
        connection.request("POST", "/v1/chat/completions", payload, {"Authorization": "Bearer x"})
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        connection.close()


def text_of(chunks: list[ChatCompletionChunk]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


def finish_reasons(chunks: list[ChatCompletionChunk]) -> list[str]:
    return [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]


def calls_answered(*results: tuple[str, str]) -> list[dict[str, Any]]:
    """A conversation whose assistant message made these calls, each with its tool result."""
    calls = [
        {"id": call_id, "type": "function", "function": {"name": "Read", "arguments": "{}"}}
        for call_id, _ in results
    ]
    tools = [{"role": "tool", "tool_call_id": i, "content": text} for i, text in results]
    return [*USER, {"role": "assistant", "content": None, "tool_calls": calls}, *tools]


# Streaming


async def test_text_streams_as_openai_chunks(scripted_server: ScriptedServer) -> None:
    text = "The project has three modules and a test suite that covers them."
    scripted_server.script(Turn(text=text))
    chunks = await stream_chunks(scripted_server)
    assert {c.object for c in chunks} == {"chat.completion.chunk"}
    assert len({c.id for c in chunks}) == 1
    assert {c.model for c in chunks} == {DEFAULT_MODEL}
    assert chunks[0].choices[0].delta.role == "assistant"
    assert text_of(chunks) == text
    assert sum(1 for c in chunks if c.choices[0].delta.content) > 3
    assert finish_reasons(chunks) == ["stop"]
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.usage is None for c in chunks)


def test_raw_stream_is_server_sent_events_ending_in_done(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Turn(text="abcdefghij", chunk_size=4))
    status, headers, body = raw_post(
        scripted_server, {"model": DEFAULT_MODEL, "messages": USER, "stream": True}
    )
    assert status == 200
    assert headers["content-type"].startswith("text/event-stream")
    events = body.decode().split("\n\n")
    assert events[-1] == ""
    assert all(e.startswith("data: ") for e in events[:-1])
    assert events[-2] == "data: [DONE]"
    chunks = [json.loads(e.removeprefix("data: ")) for e in events[:-2]]
    pieces = [c["choices"][0]["delta"].get("content") for c in chunks]
    assert pieces == ["", "abcd", "efgh", "ij", None]
    assert set(chunks[0]) == {"id", "object", "created", "model", "choices"}


def test_chunked_stream_is_read_whole_by_http_client(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Turn(text="one two three four", chunked=True))
    status, headers, body = raw_post(
        scripted_server, {"model": DEFAULT_MODEL, "messages": USER, "stream": True}
    )
    assert status == 200
    assert headers["transfer-encoding"] == "chunked"
    assert body.endswith(b"data: [DONE]\n\n")


async def test_reasoning_streams_as_reasoning_content(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Turn(reasoning="First read the file, then answer.", text="Done."))
    chunks = await stream_chunks(scripted_server)
    reasoning = [getattr(c.choices[0].delta, "reasoning_content", None) for c in chunks]
    assert "".join(r for r in reasoning if r) == "First read the file, then answer."
    assert text_of(chunks) == "Done."
    first_text = next(i for i, c in enumerate(chunks) if c.choices[0].delta.content)
    assert all(r is None for r in reasoning[first_text:])


def reassemble(chunks: list[ChatCompletionChunk]) -> dict[int, dict[str, str]]:
    """Tool calls from their deltas: id and name from the first piece, arguments joined."""
    calls: dict[int, dict[str, str]] = {}
    for chunk in chunks:
        for delta in chunk.choices[0].delta.tool_calls or []:
            call = calls.setdefault(delta.index, {"id": "", "name": "", "arguments": ""})
            call["id"] = call["id"] or delta.id or ""
            call["name"] = call["name"] or (delta.function.name or "")
            call["arguments"] += delta.function.arguments or ""
    return calls


async def test_tool_calls_stream_in_pieces(scripted_server: ScriptedServer) -> None:
    read = ToolCallSpec("Read", {"file_path": "src/app.py", "offset": 10, "limit": 40})
    grep = ToolCallSpec("Grep", {"pattern": "def main", "path": "."}, id="call_grep")
    scripted_server.script(Turn(text="Let me look.", tool_calls=[read, grep], argument_chunks=4))
    chunks = await stream_chunks(scripted_server)
    calls = reassemble(chunks)
    assert calls[0] == {"id": "call_1_0", "name": "Read", "arguments": read.argument_string()}
    assert calls[1] == {"id": "call_grep", "name": "Grep", "arguments": grep.argument_string()}
    assert json.loads(calls[0]["arguments"]) == read.arguments
    deltas = [d for c in chunks for d in c.choices[0].delta.tool_calls or []]
    for index in (0, 1):
        mine = [d for d in deltas if d.index == index]
        assert len([d for d in mine if d.function.arguments]) == 4
        assert mine[0].id is not None
        assert all(d.id is None and d.function.name is None for d in mine[1:])
    assert finish_reasons(chunks) == ["tool_calls"]


async def test_repeat_id_and_name_sends_both_in_every_piece(
    scripted_server: ScriptedServer,
) -> None:
    call = ToolCallSpec("Bash", {"command": "ls -la"}, id="call_ls")
    scripted_server.script(Turn(tool_calls=[call], argument_chunks=3, repeat_id_and_name=True))
    chunks = await stream_chunks(scripted_server)
    deltas = [d for c in chunks for d in c.choices[0].delta.tool_calls or []]
    assert len(deltas) == 3
    assert all(d.id == "call_ls" and d.function.name == "Bash" for d in deltas)
    assert "".join(d.function.arguments for d in deltas) == '{"command": "ls -la"}'


async def test_raw_arguments_are_sent_verbatim(scripted_server: ScriptedServer) -> None:
    broken = '{"file_path": "a.py", '
    scripted_server.script(Turn(tool_calls=[ToolCallSpec("Read", raw_arguments=broken)]))
    chunks = await stream_chunks(scripted_server)
    assert reassemble(chunks)[0]["arguments"] == broken


async def test_usage_chunk_only_when_asked(scripted_server: ScriptedServer) -> None:
    turn = Turn(text="Short answer here.")
    scripted_server.script(turn, turn)
    plain = await stream_chunks(scripted_server)
    counted = await stream_chunks(scripted_server, stream_options={"include_usage": True})
    assert all(c.usage is None for c in plain)
    assert all(c.usage is None for c in counted[:-1])
    assert counted[-1].choices == []
    prompt = estimate_prompt_tokens(USER)
    completion = estimate_completion_tokens(turn)
    assert (counted[-1].usage.prompt_tokens, counted[-1].usage.completion_tokens) == (
        prompt,
        completion,
    )
    assert counted[-1].usage.total_tokens == prompt + completion


# Non-streaming


async def test_completion_carries_message_and_usage(scripted_server: ScriptedServer) -> None:
    call = ToolCallSpec("Write", {"file_path": "notes.md", "content": "# Notes\n"})
    scripted_server.script(
        Turn(text="Writing it.", tool_calls=[call]), Turn(text="Done.", prompt_tokens=12345)
    )
    first = await complete(scripted_server)
    assert first.object == "chat.completion"
    message = first.choices[0].message
    assert message.content == "Writing it."
    assert message.tool_calls[0].id == "call_1_0"
    assert message.tool_calls[0].function.name == "Write"
    assert json.loads(message.tool_calls[0].function.arguments) == call.arguments
    assert first.choices[0].finish_reason == "tool_calls"
    assert first.usage.prompt_tokens == estimate_prompt_tokens(USER)
    second = await complete(scripted_server)
    assert second.choices[0].message.content == "Done."
    assert second.choices[0].finish_reason == "stop"
    assert second.usage.prompt_tokens == 12345


async def test_length_finish_reason(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Turn(text="cut sho", finish_reason="length"))
    assert finish_reasons(await stream_chunks(scripted_server)) == ["length"]


# Faults


@pytest.mark.parametrize("stream", [False, True])
async def test_server_error_reaches_sdk(scripted_server: ScriptedServer, stream: bool) -> None:
    scripted_server.script(Turn(status=500, error_message="The engine overheated."))
    async with sdk(scripted_server) as client:
        with pytest.raises(openai.InternalServerError) as caught:
            await client.chat.completions.create(model=DEFAULT_MODEL, messages=USER, stream=stream)
    assert caught.value.status_code == 500
    assert caught.value.body["message"] == "The engine overheated."


async def test_rate_limit_carries_retry_after(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Turn(status=429, headers={"Retry-After": "1"}))
    with pytest.raises(openai.RateLimitError) as caught:
        await stream_chunks(scripted_server)
    assert caught.value.response.headers["retry-after"] == "1"


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, openai.BadRequestError), (401, openai.AuthenticationError)],
)
async def test_scripted_status_becomes_sdk_error(
    scripted_server: ScriptedServer, status: int, error: type[openai.APIStatusError]
) -> None:
    scripted_server.script(Turn(status=status, error_message="scripted"))
    with pytest.raises(error):
        await complete(scripted_server)


def test_error_body_is_openai_shaped(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Turn(status=503))
    status, headers, body = raw_post(scripted_server, {"model": DEFAULT_MODEL, "messages": USER})
    assert status == 503
    assert headers["content-type"] == "application/json"
    error = json.loads(body)["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "server_error"
    assert "503" in error["message"]


async def test_drop_after_ends_stream_quietly(scripted_server: ScriptedServer) -> None:
    turn = Turn(text="one two three four five six seven eight nine", drop_after=3)
    scripted_server.script(turn, turn)
    chunks = await stream_chunks(scripted_server)
    assert len(chunks) == 3
    assert finish_reasons(chunks) == []
    request = {"model": DEFAULT_MODEL, "messages": USER, "stream": True}
    _, _, body = raw_post(scripted_server, request)
    assert body.count(b"data: ") == 3
    assert b"[DONE]" not in body


async def test_drop_after_never_reaches_finish_reason(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Turn(text="short", drop_after=1000))
    chunks = await stream_chunks(scripted_server)
    assert text_of(chunks) == "short"
    assert finish_reasons(chunks) == []


async def test_dropped_chunked_stream_is_a_connection_error(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.script(Turn(text="one two three four five six", drop_after=2, chunked=True))
    received: list[ChatCompletionChunk] = []
    async with sdk(scripted_server) as client:
        stream = await client.chat.completions.create(
            model=DEFAULT_MODEL, messages=USER, stream=True
        )
        with pytest.raises(openai.APIConnectionError):
            async for chunk in stream:
                received.append(chunk)
    assert len(received) == 2


async def test_drop_after_without_streaming_closes_unanswered(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.script(Turn(text="never sent", drop_after=0))
    with pytest.raises(openai.APIConnectionError):
        await complete(scripted_server)


async def test_empty_body(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Turn(empty_body=True), Turn(empty_body=True))
    assert await stream_chunks(scripted_server) == []
    status, _, body = raw_post(scripted_server, {"model": DEFAULT_MODEL, "messages": USER})
    assert (status, body) == (200, b"")


async def test_rejected_stream_options_keep_the_turn_for_the_retry(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.script(Turn(text="answer", reject_stream_options=True))
    with pytest.raises(openai.BadRequestError) as caught:
        await stream_chunks(scripted_server, stream_options={"include_usage": True})
    assert "stream_options" in caught.value.message
    assert scripted_server.remaining == 1
    assert text_of(await stream_chunks(scripted_server)) == "answer"
    assert scripted_server.remaining == 0
    assert not scripted_server.exhausted


# Strict request checks


async def test_dangling_tool_call_is_rejected_without_using_a_turn(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.script(Turn(text="after the fix"))
    dangling = calls_answered(("call_a", "file a"))
    dangling[1]["tool_calls"].append(
        {"id": "call_b", "type": "function", "function": {"name": "Read", "arguments": "{}"}}
    )
    dangling.append({"role": "user", "content": "go on"})
    with pytest.raises(openai.BadRequestError) as caught:
        await complete(scripted_server, dangling)
    assert "call_b" in caught.value.message
    assert "tool_call_id" in caught.value.message
    assert scripted_server.remaining == 1
    answer = await complete(scripted_server, calls_answered(("call_a", "a"), ("call_b", "b")))
    assert answer.choices[0].message.content == "after the fix"
    assert not scripted_server.exhausted
    assert len(scripted_server.chat_requests) == 2


def _conversation(case: str) -> list[dict[str, Any]]:
    answered = calls_answered(("call_a", "file a"))
    if case == "unanswered call at the end":
        return answered[:-1]
    if case == "tool message answering no call":
        return [*USER, {"role": "tool", "tool_call_id": "call_x", "content": "?"}]
    if case == "two results for one call":
        return [*answered, answered[-1]]
    if case == "result for a call of an earlier message":
        return [*answered, {"role": "user", "content": "and?"}, answered[-1]]
    if case == "unknown role":
        return [*USER, {"role": "robot", "content": "beep"}]
    if case == "arguments not a string":
        answered[1]["tool_calls"][0]["function"]["arguments"] = {"file_path": "a"}
        return answered
    if case == "assistant without content or calls":
        return [*USER, {"role": "assistant", "content": None}, *USER]
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    [
        "unanswered call at the end",
        "tool message answering no call",
        "two results for one call",
        "result for a call of an earlier message",
        "unknown role",
        "arguments not a string",
        "assistant without content or calls",
    ],
)
async def test_invalid_conversation_is_rejected(scripted_server: ScriptedServer, case: str) -> None:
    scripted_server.script(Turn(text="unused"))
    with pytest.raises(openai.BadRequestError):
        await complete(scripted_server, _conversation(case))
    assert scripted_server.remaining == 1


async def test_answered_tool_calls_are_accepted(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Turn(text="Both files read."))
    messages = calls_answered(("call_a", "contents of a"), ("call_b", "contents of b"))
    answer = await complete(scripted_server, messages)
    assert answer.choices[0].message.content == "Both files read."
    assert scripted_server.tool_results() == ["contents of a", "contents of b"]


async def test_stream_options_without_stream_is_rejected(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Turn(text="unused"))
    with pytest.raises(openai.BadRequestError):
        await complete(scripted_server, stream_options={"include_usage": True})
    assert scripted_server.remaining == 1


async def test_unknown_model_is_404(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Turn(text="unused"))
    async with sdk(scripted_server) as client:
        with pytest.raises(openai.NotFoundError) as caught:
            await client.chat.completions.create(model="gpt-nope", messages=USER)
    assert "The model 'gpt-nope' does not exist" in caught.value.message
    assert caught.value.code == "model_not_found"
    assert scripted_server.remaining == 1


async def test_wrong_api_key_is_401() -> None:
    with ScriptedServer([Turn(text="welcome")], api_key="secret") as server:
        async with sdk(server, api_key="wrong") as client:
            with pytest.raises(openai.AuthenticationError):
                await client.chat.completions.create(model=DEFAULT_MODEL, messages=USER)
            with pytest.raises(openai.AuthenticationError):
                await client.models.list()
        assert server.remaining == 1
        async with sdk(server, api_key="secret") as client:
            answer = await client.chat.completions.create(model=DEFAULT_MODEL, messages=USER)
        assert answer.choices[0].message.content == "welcome"


async def test_models_endpoint_lists_served_models() -> None:
    with ScriptedServer(models=["qwen3-coder", "org/other-model"]) as server:
        async with sdk(server) as client:
            listed = await client.models.list()
            assert [m.id for m in listed.data] == ["qwen3-coder", "org/other-model"]
            assert (await client.models.retrieve("org/other-model")).id == "org/other-model"
            with pytest.raises(openai.NotFoundError):
                await client.models.retrieve("scripted-model")
            with pytest.raises(openai.NotFoundError):
                await client.chat.completions.create(model=DEFAULT_MODEL, messages=USER)


# Script and recording


async def test_callable_turn_answers_from_the_last_tool_result(
    scripted_server: ScriptedServer,
) -> None:
    def judge(request: RecordedRequest) -> Turn:
        return Turn(text=f"The file says: {request.tool_results()[-1]}")

    scripted_server.script(judge)
    answer = await complete(scripted_server, calls_answered(("call_a", "hello world")))
    assert answer.choices[0].message.content == "The file says: hello world"


async def test_failing_callable_turn_is_a_500(
    scripted_server: ScriptedServer, capfd: pytest.CaptureFixture[str]
) -> None:
    def broken(request: RecordedRequest) -> Turn:
        raise LookupError("no tool result")

    scripted_server.script(broken)
    with pytest.raises(openai.InternalServerError) as caught:
        await complete(scripted_server)
    assert "no tool result" in caught.value.message
    assert "LookupError" in capfd.readouterr().err


async def test_exhausted_script_answers_a_placeholder(scripted_server: ScriptedServer) -> None:
    scripted_server.script("only one")
    assert text_of(await stream_chunks(scripted_server)) == "only one"
    assert not scripted_server.exhausted
    assert text_of(await stream_chunks(scripted_server)) == EXHAUSTED_TEXT
    assert scripted_server.exhausted
    scripted_server.script(Turn(text="fresh"))
    assert not scripted_server.exhausted


async def test_script_accepts_strings_dicts_lists_and_appends(
    scripted_server: ScriptedServer,
) -> None:
    scripted_server.script(["first", {"text": "second"}])
    scripted_server.add_turns(Turn(text="third"))
    assert scripted_server.remaining == 3
    answers = [text_of(await stream_chunks(scripted_server)) for _ in range(3)]
    assert answers == ["first", "second", "third"]


def test_turn_from_dict_builds_tool_calls_and_refuses_unknown_fields() -> None:
    turn = turn_from_dict(
        {"text": "t", "tool_calls": [{"name": "Read", "arguments": {"file_path": "a"}}]}
    )
    assert turn.tool_calls == [ToolCallSpec("Read", {"file_path": "a"})]
    assert turn.effective_finish_reason == "tool_calls"
    with pytest.raises(ValueError, match="txet"):
        turn_from_dict({"txet": "typo"})
    with pytest.raises(ValueError):
        ToolCallSpec("Read", {"a": 1}, raw_arguments="{}")


async def test_requests_are_recorded(scripted_server: ScriptedServer) -> None:
    scripted_server.script(Turn(text="ok"))
    tools = [{"type": "function", "function": {"name": "Read", "parameters": {"type": "object"}}}]
    async with sdk(scripted_server) as client:
        await client.models.list()
        stream = await client.chat.completions.create(
            model=DEFAULT_MODEL, messages=USER, tools=tools, stream=True
        )
        _ = [chunk async for chunk in stream]
        await client.models.list()
    methods = [(r.method, r.path) for r in scripted_server.requests]
    assert methods == [
        ("GET", "/v1/models"),
        ("POST", "/v1/chat/completions"),
        ("GET", "/v1/models"),
    ]
    last = scripted_server.last_request
    assert last is scripted_server.chat_requests[-1]
    assert last.stream
    assert last.model == DEFAULT_MODEL
    assert last.messages == USER
    assert last.tools == tools
    assert last.headers["authorization"] == "Bearer x"
    assert last.tool_results() == []


async def test_concurrent_requests_each_get_one_turn(scripted_server: ScriptedServer) -> None:
    count = 16
    scripted_server.script([Turn(text=f"answer {n}", token_delay=0.001) for n in range(count)])
    answers = await asyncio.gather(*(stream_chunks(scripted_server) for _ in range(count)))
    assert sorted(text_of(a) for a in answers) == sorted(f"answer {n}" for n in range(count))
    assert len(scripted_server.chat_requests) == count
    assert not scripted_server.exhausted


# Lifecycle


def test_client_leaving_mid_stream_is_silent(
    scripted_server: ScriptedServer, capfd: pytest.CaptureFixture[str]
) -> None:
    # Far more than the socket buffers hold, so the server is still writing when we leave.
    scripted_server.script(Turn(text="word " * 2_000_000, chunk_size=50_000), "still here")
    body = json.dumps({"model": DEFAULT_MODEL, "messages": USER, "stream": True}).encode()
    with socket.create_connection(("127.0.0.1", scripted_server.port), timeout=30) as sock:
        sock.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: test\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
    status, _, reply = raw_post(scripted_server, {"model": DEFAULT_MODEL, "messages": USER})
    assert (status, json.loads(reply)["choices"][0]["message"]["content"]) == (200, "still here")
    scripted_server.stop()
    assert capfd.readouterr().err == ""


def test_stop_closes_the_port_and_is_idempotent() -> None:
    server = ScriptedServer().start()
    port = server.port
    server.stop()
    server.stop()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


def test_stop_ends_a_request_waiting_on_a_delay() -> None:
    server = ScriptedServer([Turn(text="late", delay=600)]).start()
    outcome: list[BaseException] = []

    def ask() -> None:
        try:
            raw_post(server, {"model": DEFAULT_MODEL, "messages": USER})
        except (http.client.HTTPException, OSError) as error:
            outcome.append(error)

    asker = threading.Thread(target=ask)
    asker.start()
    deadline = time.monotonic() + 30
    while not server.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.requests
    server.stop()
    asker.join(timeout=60)
    assert not asker.is_alive()
    assert len(outcome) == 1


def test_fixed_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with ScriptedServer(["hi"], port=port) as server:
        assert server.base_url == f"http://127.0.0.1:{port}/v1"
        status, _, _ = raw_post(server, {"model": DEFAULT_MODEL, "messages": USER})
        assert status == 200


def test_fixture_starts_with_an_empty_script(scripted_server: ScriptedServer) -> None:
    assert scripted_server.remaining == 0
    assert scripted_server.requests == []
    assert scripted_server.base_url.startswith("http://127.0.0.1:")


async def test_command_line_serves_a_script_file(tmp_path: Path) -> None:
    script = tmp_path / "turns.json"
    script.write_text(
        json.dumps(
            [
                {"tool_calls": [{"name": "Read", "arguments": {"file_path": "a.py"}}]},
                "plain text turn",
            ]
        )
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.scripted_server", "--script", str(script)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("LISTENING http://127.0.0.1:"), line
        base_url = line.split()[1]
        async with openai.AsyncOpenAI(base_url=base_url, api_key="x", max_retries=0) as client:
            first = await client.chat.completions.create(model=DEFAULT_MODEL, messages=USER)
            assert first.choices[0].message.tool_calls[0].function.name == "Read"
            second = await client.chat.completions.create(
                model=DEFAULT_MODEL,
                messages=calls_answered((first.choices[0].message.tool_calls[0].id, "x")),
            )
            assert second.choices[0].message.content == "plain text turn"
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert stderr == ""
