"""Reading a model's answer: the chunks of a stream, or one whole completion, as they come.

Text and reasoning are handed on as events while they arrive; tool calls are assembled
from their pieces. Everything here works on decoded JSON objects.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openclaude_tui.core.events import Event, ReasoningDelta, TextDelta
from openclaude_tui.core.llm.calls import ToolCall
from openclaude_tui.core.llm.reasoning import Kind, ThinkStreamSplitter, split_reasoning


@dataclass
class ToolCallAssembler:
    """Joins streamed tool-call deltas into whole calls, keyed by their ``index``.

    Some servers repeat ``id`` and ``name`` in every chunk: they are taken once, and only
    ``arguments`` is concatenated.
    """

    _calls: dict[int, dict[str, Any]] = field(default_factory=dict)

    def feed(self, deltas: list[Any]) -> None:
        """Add the ``tool_calls`` of one chunk's delta (decoded JSON objects)."""
        for position, delta in enumerate(deltas):
            index = _field(delta, "index")
            if not isinstance(index, int) or isinstance(index, bool):
                index = position
            call = self._calls.setdefault(index, {"id": "", "name": "", "arguments": ""})
            call_id = _field(delta, "id")
            if isinstance(call_id, str) and call_id and not call["id"]:
                call["id"] = call_id
            function = _field(delta, "function")
            if function is None:
                continue
            name = _field(function, "name")
            if name is not None and not isinstance(name, str):
                # A list, a number or an object is no tool's name: keep it as the model
                # sent it, so the call is answered "no such tool" and the model can see why.
                name = json.dumps(name, ensure_ascii=False)
            if name and not call["name"]:
                call["name"] = name
            arguments = _field(function, "arguments")
            if isinstance(arguments, dict | list):
                # Some servers send the arguments already parsed, whole, in one chunk.
                arguments = json.dumps(arguments)
            if arguments:
                call["arguments"] += str(arguments)

    def calls(self) -> list[ToolCall]:
        """The assembled calls in index order; missing ids are made up, uniquely."""
        result: list[ToolCall] = []
        seen: set[str] = set()
        for number, index in enumerate(sorted(self._calls)):
            call = self._calls[index]
            call_id = call["id"]
            if not call_id or call_id in seen:
                call_id = f"call_{number}_{int(time.time() * 1000) % 100000}"
            seen.add(call_id)
            # llama-cpp-python's function calling can leave the colon of its
            # "functions.NAME:" prompt format on the name.
            name = call["name"].strip().removesuffix(":").rstrip()
            result.append(ToolCall(call_id, name, call["arguments"]))
        return result


def _field(obj: Any, name: str) -> Any:
    """A field of a decoded JSON object (None when it is not an object)."""
    return obj.get(name) if isinstance(obj, dict) else None


class AnswerText:
    """One answer's text and reasoning, emitted as they arrive.

    Reasoning comes either in its own field (``reasoning_content``) or inline in
    ``<think>`` tags, which are split off the answer as the text streams.
    """

    def __init__(self, emit: Callable[[Event], None]) -> None:
        self._emit = emit
        self._splitter = ThinkStreamSplitter()
        self._content: list[str] = []
        self._text: list[str] = []
        self._reasoning: list[str] = []

    def add_reasoning(self, piece: Any) -> None:
        """Take a piece of reasoning (anything but a non-empty string is ignored)."""
        if piece and isinstance(piece, str):
            piece = without_surrogates(piece)
            self._reasoning.append(piece)
            self._emit(ReasoningDelta(piece))

    def add_content(self, piece: Any) -> None:
        """Take a piece of the answer's text (anything but a non-empty string is ignored)."""
        if piece and isinstance(piece, str):
            piece = without_surrogates(piece)
            self._content.append(piece)
            self._route(self._splitter.feed(piece))

    def finish(self) -> tuple[str, str]:
        """The answer's text and reasoning."""
        self._route(self._splitter.flush())
        if self._splitter.stray_close:
            # A closing tag with no opening one: only now is it known the text before it
            # was reasoning.
            inline, text = split_reasoning("".join(self._content))
            return text, "".join(self._reasoning) + inline
        return "".join(self._text), "".join(self._reasoning)

    def _route(self, parts: list[tuple[Kind, str]]) -> None:
        for kind, part in parts:
            if kind == "reasoning":
                self.add_reasoning(part)
            else:
                self._text.append(part)
                self._emit(TextDelta(part))


def _reasoning_of(message: Any) -> str | None:
    # llama.cpp, vLLM and DeepSeek say reasoning_content; newer vLLM and Ollama say reasoning.
    return _field(message, "reasoning_content") or _field(message, "reasoning")


@dataclass
class AnswerReading:
    """What the chunks of one answer have said so far."""

    answer: AnswerText
    assembler: ToolCallAssembler = field(default_factory=ToolCallAssembler)
    chunks: int = 0
    # Whether the stream's closing ``[DONE]`` came.
    done: bool = False
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    def add(self, chunk: dict[str, Any]) -> int:
        """Take in one chunk (a decoded JSON object); returns how many came so far."""
        self.chunks += 1
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            self.prompt_tokens = _count(usage.get("prompt_tokens"))
            self.completion_tokens = _count(usage.get("completion_tokens"))
        choices = chunk.get("choices")
        for choice in choices if isinstance(choices, list) else ():
            if not isinstance(choice, dict):
                continue
            delta = choice.get("delta")
            if isinstance(delta, dict):
                self.answer.add_reasoning(_reasoning_of(delta))
                self.answer.add_content(delta.get("content"))
                if isinstance(delta.get("tool_calls"), list):
                    self.assembler.feed(delta["tool_calls"])
            if choice.get("finish_reason") and isinstance(choice["finish_reason"], str):
                self.finish_reason = choice["finish_reason"]
        return self.chunks


def _count(value: Any) -> int | None:
    """A token count as servers should send it: a non-negative integer, else unknown."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def completion_as_chunk(completion: dict[str, Any]) -> dict[str, Any]:
    """A whole (non-streamed) completion in the shape of one streamed chunk."""
    choices = [
        {"delta": choice.get("message") or {}, "finish_reason": choice.get("finish_reason")}
        for choice in _list(completion.get("choices"))
        if isinstance(choice, dict)
    ]
    return {"choices": choices, "usage": completion.get("usage")}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds an unpaired surrogate."""
    return _SURROGATE.search(text) is not None


def without_surrogates(text: str) -> str:
    """``text`` with each unpaired surrogate (which no terminal or file can take) as U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)
