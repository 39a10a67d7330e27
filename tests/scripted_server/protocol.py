"""The OpenAI chat completions protocol as the scripted server speaks it.

Scripted answers (``Turn``, ``ToolCallSpec``), the record of a request
(``RecordedRequest``), the strict request checks OpenAI applies, and the exact
``chat.completion`` / ``chat.completion.chunk`` objects sent back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

DEFAULT_MODEL = "scripted-model"
EXHAUSTED_TEXT = "(script exhausted)"
FINISH_REASONS = ("stop", "tool_calls", "length", "content_filter")
ROLES = ("system", "developer", "user", "assistant", "tool")


@dataclass
class ToolCallSpec:
    """One tool call the scripted assistant makes.

    Attributes:
        name: Function name sent in ``function.name``.
        arguments: Arguments, serialised to a JSON string.
        raw_arguments: Sent verbatim instead of ``arguments`` (for malformed JSON).
        id: Call id; by default ``call_<turn number>_<index>``.
    """

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    raw_arguments: str | None = None
    id: str | None = None

    def __post_init__(self) -> None:
        if self.raw_arguments is not None and self.arguments:
            raise ValueError("give ToolCallSpec either arguments or raw_arguments, not both")

    def argument_string(self) -> str:
        """The exact ``function.arguments`` string the server sends."""
        if self.raw_arguments is not None:
            return self.raw_arguments
        return json.dumps(self.arguments)


@dataclass
class Turn:
    """One scripted answer to a chat completion request; every field is optional.

    Attributes:
        text: Assistant text (``delta.content``).
        reasoning: Reasoning text (``delta.reasoning_content``), streamed before the text.
        tool_calls: Tool calls, streamed after the text.
        finish_reason: Defaults to "tool_calls" when there are tool calls, else "stop".
        chunk_size: Characters of text per chunk; by default three words per chunk.
        argument_chunks: Pieces each tool call's argument string is split into.
        repeat_id_and_name: Send the call id and function name in every argument chunk,
            as some servers do, instead of only in the first.
        prompt_tokens: Reported prompt tokens instead of the estimate.
        delay: Seconds to wait before the first byte of the answer.
        token_delay: Seconds to wait between streamed chunks.
        status: HTTP status; 400 and above answers an OpenAI-shaped error body.
        error_message: Message of that error body.
        headers: Extra response headers (e.g. ``{"Retry-After": "1"}`` with status 429).
        drop_after: Stream this many chunks (the role chunk counts; the chunk carrying the
            finish reason is never reached), then close the connection without ``[DONE]``.
            Without streaming, close the connection before answering.
        empty_body: Answer 200 with an empty body, as llama.cpp sometimes does.
        reject_stream_options: Answer 400 when the request carries ``stream_options``.
            The rejection does not use up the turn: the client's retry gets it.
        chunked: Frame the stream with ``Transfer-Encoding: chunked`` (as vLLM, Ollama and
            llama.cpp do) instead of ending it by closing the connection. A dropped
            chunked stream is an incomplete body, which the client's HTTP library reports
            as an error; a dropped close-framed stream ends quietly.
        stream_error: Instead of the chunk with the finish reason, send an event whose
            data is ``{"error": {"message": stream_error}}`` (as vLLM and hosted routers
            do when generation fails after the answer began), then ``[DONE]``.
        keep_alive: Send an SSE comment line (``: keep-alive``) before every chunk, as
            hosted routers do while a model is slow.
        omit_finish_reason: Stream the answer and ``[DONE]`` but never a finish reason, as
            some servers do.
        ignore_stream: Answer a streamed request with one plain JSON completion, as some
            servers and proxies do.
        omit_usage: Report no usage, even when the request asks for it, as llama-cpp-python's
            server does while streaming.
        stall_after: Stream this many chunks (the role chunk counts), then send nothing more
            while holding the connection open, as a server whose model hung does.
        endless: After the text, keep streaming text chunks (one per ``token_delay``, at
            least every 0.05 s) and never finish.
        keep_alive_forever: Open the stream and send only ``: keep-alive`` comments, every
            0.05 s, never a token.
        raw_event: Sent verbatim as the data of one event after the first chunk (malformed
            JSON, for instance); the answer goes on normally after it.
        long_line: After the first chunk, send one ``data:`` line this many bytes long that
            never ends, then close the connection.
    """

    text: str = ""
    reasoning: str = ""
    tool_calls: list[ToolCallSpec] = field(default_factory=list)
    finish_reason: str | None = None
    chunk_size: int | None = None
    argument_chunks: int = 3
    repeat_id_and_name: bool = False
    prompt_tokens: int | None = None
    delay: float = 0.0
    token_delay: float = 0.0
    status: int = 200
    error_message: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    drop_after: int | None = None
    empty_body: bool = False
    reject_stream_options: bool = False
    chunked: bool = False
    stream_error: str | None = None
    keep_alive: bool = False
    omit_finish_reason: bool = False
    ignore_stream: bool = False
    omit_usage: bool = False
    stall_after: int | None = None
    endless: bool = False
    keep_alive_forever: bool = False
    raw_event: str | None = None
    long_line: int = 0

    def __post_init__(self) -> None:
        if self.finish_reason is not None and self.finish_reason not in FINISH_REASONS:
            raise ValueError(f"finish_reason must be one of {FINISH_REASONS}")
        if self.chunk_size is not None and self.chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        if self.argument_chunks < 1:
            raise ValueError("argument_chunks must be at least 1")

    @property
    def effective_finish_reason(self) -> str:
        """The finish reason sent with the last chunk."""
        if self.finish_reason is not None:
            return self.finish_reason
        return "tool_calls" if self.tool_calls else "stop"


TurnSource = Turn | Callable[["RecordedRequest"], Turn]
"""A scripted answer: a fixed ``Turn`` or a callable that builds one from the request."""

TurnLike = TurnSource | str | dict[str, Any]
"""What a script accepts: a ``Turn``, a callable, plain text, or a ``Turn`` as a dict."""


def turn_from_dict(data: dict[str, Any]) -> Turn:
    """Build a ``Turn`` from plain JSON data (tool calls as dicts).

    Raises:
        ValueError: On a key that is not a ``Turn`` field.
    """
    known = {f.name for f in fields(Turn)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"unknown Turn field(s) {unknown}; known: {sorted(known)}")
    values = dict(data)
    values["tool_calls"] = [ToolCallSpec(**call) for call in data.get("tool_calls", [])]
    return Turn(**values)


def as_turn_sources(items: Iterable[TurnLike | Sequence[TurnLike]]) -> list[TurnSource]:
    """Normalise a script: lists are flattened, strings and dicts become ``Turn`` objects.

    Raises:
        TypeError: On an item that is none of the accepted kinds.
    """
    sources: list[TurnSource] = []
    for item in items:
        if isinstance(item, list | tuple):
            sources.extend(as_turn_sources(item))
        elif isinstance(item, str):
            sources.append(Turn(text=item))
        elif isinstance(item, dict):
            sources.append(turn_from_dict(item))
        elif isinstance(item, Turn) or callable(item):
            sources.append(item)
        else:
            raise TypeError(f"a script holds Turns, callables, str or dict, not {item!r}")
    return sources


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request the server received.

    Attributes:
        method: "GET" or "POST".
        path: Request path without the query string.
        headers: Header values by lower-case name.
        body: Parsed JSON body, or None when there was none or it did not parse.
        client_port: The client's port: requests on one kept-alive connection share it.
    """

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    client_port: int = 0

    def _field(self, name: str) -> Any:
        return self.body.get(name) if isinstance(self.body, dict) else None

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The request's messages (empty when absent)."""
        value = self._field("messages")
        return value if isinstance(value, list) else []

    @property
    def tools(self) -> list[dict[str, Any]]:
        """The request's tool definitions (empty when absent)."""
        value = self._field("tools")
        return value if isinstance(value, list) else []

    @property
    def stream(self) -> bool:
        """Whether the client asked for a streamed answer."""
        return self._field("stream") is True

    @property
    def model(self) -> str | None:
        """The requested model name."""
        return self._field("model")

    def tool_results(self) -> list[str]:
        """Contents of the request's tool messages, in order."""
        return [content_text(m.get("content")) for m in self.messages if m.get("role") == "tool"]


def content_text(content: Any) -> str:
    """Text of a message content: a string, or the text parts of a content list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def estimate_prompt_tokens(messages: Sequence[dict[str, Any]]) -> int:
    """The prompt tokens the server reports: characters of the messages // 4, at least 1.

    Counted characters are every message's text content plus its tool calls' names and
    argument strings, so tests can predict the figure exactly.
    """
    chars = 0
    for message in messages:
        chars += len(content_text(message.get("content")))
        for call in message.get("tool_calls") or []:
            function = call.get("function") or {}
            chars += len(str(function.get("name", ""))) + len(str(function.get("arguments", "")))
    return max(1, chars // 4)


def estimate_completion_tokens(turn: Turn) -> int:
    """The completion tokens the server reports for a turn: characters produced // 4."""
    chars = len(turn.text) + len(turn.reasoning)
    chars += sum(len(str(c.name)) + len(c.argument_string()) for c in turn.tool_calls)
    return chars // 4


class ApiError(Exception):
    """A request the server refuses, answered with an OpenAI-shaped error body."""

    def __init__(
        self, status: int, message: str, *, code: str | None = None, param: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param

    def body(self) -> dict[str, Any]:
        """The JSON error body OpenAI would send."""
        return error_body(self.status, self.message, code=self.code, param=self.param)


def error_body(
    status: int, message: str, *, code: str | None = None, param: str | None = None
) -> dict[str, Any]:
    """An OpenAI error body: ``{"error": {"message", "type", "param", "code"}}``."""
    if status == 429:
        kind, code = "requests", code or "rate_limit_exceeded"
    elif status >= 500:
        kind = "server_error"
    else:
        kind = "invalid_request_error"
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def validate_chat_request(body: Any, models: Sequence[str]) -> None:
    """Refuse what OpenAI's chat completions endpoint refuses.

    Raises:
        ApiError: With the status and message OpenAI would answer.
    """
    if not isinstance(body, dict):
        raise ApiError(400, "We could not parse the JSON body of your request.")
    model = body.get("model")
    if not model:
        raise ApiError(400, "you must provide a model parameter", param="model")
    if model not in models:
        raise ApiError(
            404,
            f"The model '{model}' does not exist or you do not have access to it.",
            code="model_not_found",
        )
    if "stream_options" in body and not isinstance(body["stream_options"], dict | None):
        raise ApiError(400, "'stream_options' must be an object.", param="stream_options")
    if body.get("stream_options") is not None and body.get("stream") is not True:
        raise ApiError(
            400,
            "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
            param="stream_options",
        )
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ApiError(400, "'messages' must be a non-empty array.", param="messages")
    _validate_messages(messages)


def _unanswered(pending: dict[str, int]) -> ApiError:
    return ApiError(
        400,
        "An assistant message with 'tool_calls' must be followed by tool messages "
        "responding to each 'tool_call_id'. The following tool_call_ids did not have "
        f"response messages: {', '.join(pending)}",
        param=f"messages.[{min(pending.values())}].role",
    )


def _validate_messages(messages: list[Any]) -> None:
    pending: dict[str, int] = {}  # unanswered call id -> index of its assistant message
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        if not isinstance(message, dict):
            raise ApiError(400, f"Invalid type for '{where}': expected an object.", param=where)
        role = message.get("role")
        if role not in ROLES:
            supported = ", ".join(f"'{r}'" for r in ROLES)
            raise ApiError(
                400,
                f"Invalid value: '{role}'. Supported values are: {supported}.",
                param=f"{where}.role",
            )
        if role == "tool":
            call_id = message.get("tool_call_id")
            if call_id not in pending:
                raise ApiError(
                    400,
                    "Invalid parameter: messages with role 'tool' must be a response to a "
                    f"preceding message with 'tool_calls' (tool_call_id {call_id!r} answers "
                    "no unanswered call; each call gets exactly one tool message).",
                    param=f"{where}.tool_call_id",
                )
            del pending[call_id]
            continue
        if pending:
            raise _unanswered(pending)
        if role == "assistant":
            pending = _assistant_call_ids(message, index)
    if pending:
        raise _unanswered(pending)


def _assistant_call_ids(message: dict[str, Any], index: int) -> dict[str, int]:
    calls = message.get("tool_calls") or []
    if not calls and message.get("content") is None:
        raise ApiError(
            400,
            f"Invalid value for 'messages[{index}].content': expected a string, got null "
            "(an assistant message needs content or tool_calls).",
            param=f"messages[{index}].content",
        )
    ids: dict[str, int] = {}
    for n, call in enumerate(calls):
        where = f"messages[{index}].tool_calls[{n}]"
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict) or not isinstance(call.get("id"), str):
            raise ApiError(400, f"'{where}' needs an 'id' and a 'function'.", param=where)
        if call.get("type") != "function" or not isinstance(function.get("name"), str):
            raise ApiError(400, f"'{where}' needs type 'function' and a name.", param=where)
        if not isinstance(function.get("arguments"), str):
            raise ApiError(
                400,
                f"Invalid type for '{where}.function.arguments': expected a string.",
                param=f"{where}.function.arguments",
            )
        ids[call["id"]] = index
    return ids


def _text_pieces(text: str, chunk_size: int | None) -> list[str]:
    if chunk_size is not None:
        return [text[i : i + chunk_size] for i in range(0, len(text), chunk_size)]
    if not text:
        return []
    words = text.split(" ")
    # Three words per chunk, each keeping the space that follows it, so pieces rejoin exactly.
    return [
        " ".join(words[i : i + 3]) + (" " if i + 3 < len(words) else "")
        for i in range(0, len(words), 3)
    ]


def _split_even(text: str, parts: int) -> list[str]:
    size = max(1, -(-len(text) // parts))
    return [text[i : i + size] for i in range(0, len(text), size)]


def _call_ids(turn: Turn, turn_number: int) -> list[str]:
    return [c.id or f"call_{turn_number}_{i}" for i, c in enumerate(turn.tool_calls)]


def stream_chunks(
    turn: Turn, *, completion_id: str, model: str, turn_number: int, usage: dict[str, int] | None
) -> list[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects streamed for a turn.

    Args:
        turn: The scripted answer.
        completion_id: The ``id`` every chunk carries.
        model: The model name echoed in every chunk.
        turn_number: Number of the turn in the script, used for default call ids.
        usage: When given, a last chunk with empty choices carries it (``include_usage``).
    """
    base = {"id": completion_id, "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model}  # fmt: skip
    if usage is not None:
        base["usage"] = None  # OpenAI marks every chunk but the last when usage is asked

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return {**base, "choices": [choice]}

    chunks = [chunk({"role": "assistant", "content": ""})]
    for key, text in (("reasoning_content", turn.reasoning), ("content", turn.text)):
        chunks += [chunk({key: piece}) for piece in _text_pieces(text, turn.chunk_size)]
    call_ids = _call_ids(turn, turn_number)
    for index, (spec, call_id) in enumerate(zip(turn.tool_calls, call_ids, strict=True)):
        head = {"index": index, "id": call_id, "type": "function"}
        pieces = _split_even(spec.argument_string(), turn.argument_chunks)
        if turn.repeat_id_and_name:
            named = [{"name": spec.name, "arguments": p} for p in pieces or [""]]
            calls = [{**head, "function": function} for function in named]
        else:
            calls = [{**head, "function": {"name": spec.name, "arguments": ""}}]
            calls += [{"index": index, "function": {"arguments": p}} for p in pieces]
        chunks += [chunk({"tool_calls": [call]}) for call in calls]
    chunks.append(chunk({}, None if turn.omit_finish_reason else turn.effective_finish_reason))
    if usage is not None:
        chunks.append({**base, "choices": [], "usage": usage})
    return chunks


def completion_body(
    turn: Turn, *, completion_id: str, model: str, turn_number: int, usage: dict[str, int]
) -> dict[str, Any]:
    """The non-streamed ``chat.completion`` object for a turn."""
    message: dict[str, Any] = {"role": "assistant", "content": turn.text or None}
    if turn.reasoning:
        message["reasoning_content"] = turn.reasoning
    if turn.tool_calls:
        message["tool_calls"] = [
            {"id": call_id, "type": "function",
             "function": {"name": spec.name, "arguments": spec.argument_string()}}
            for spec, call_id in zip(turn.tool_calls, _call_ids(turn, turn_number), strict=True)
        ]  # fmt: skip
    elif message["content"] is None:
        message["content"] = ""
    choice = {"index": 0, "message": message, "logprobs": None,
              "finish_reason": turn.effective_finish_reason}  # fmt: skip
    return {"id": completion_id, "object": "chat.completion", "created": int(time.time()),
            "model": model, "choices": [choice], "usage": usage}  # fmt: skip
