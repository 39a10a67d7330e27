"""Tool calls that open models write as text, and reasoning written inline.

Servers without native tool calling (or with it switched off) hand back a model's call as
plain content, in whatever form its chat template taught it: Hermes ``<tool_call>`` JSON,
Qwen3-Coder's ``<function=…>`` markup, a fenced JSON block or a bare JSON object. This module
turns those into real ``ToolCall`` objects, only for offered tools whose arguments validate,
so that a JSON example in prose stays prose. It also writes the text protocol used with such
servers: the tool list for the system prompt, and calls and results as plain text.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from openclaude_tui.core.llm.calls import ToolCall
from openclaude_tui.core.llm.json_repair import loads_lenient
from openclaude_tui.core.llm.text_protocol import TAG_CLOSE, TAG_OPEN
from openclaude_tui.core.tools.arguments import TOOL_NAME_ALIASES, validate_arguments

_DECODER = json.JSONDecoder()
_FUNCTION = re.compile(r"<function=([^>\n]+)>")
_FUNCTION_CLOSE = "</function>"
_PARAMETER = re.compile(r"<parameter=([^>\n]+)>")
_PARAMETER_CLOSE = "</parameter>"
# An opening fence at the start of a line, its language, its body, and a closing fence line
# (or the end of the message, which a model may reach before closing it).
_FENCE = re.compile(
    r"^[ \t]*```[ \t]*([\w+.-]*)[^\n]*\n(.*?)(?:^[ \t]*```[ \t]*$|\Z)", re.DOTALL | re.MULTILINE
)
_JSON_LANGUAGES = frozenset({"", "json", "jsonc", "json5"})
# Only a `{` opening a key, or a `[` opening a list of objects, can start a call; testing
# that first keeps the scan of long answers full of code cheap.
_JSON_START = re.compile(r"\{\s*\"|\[\s*\{")
# Markers some templates put in front of a call written as JSON.
_CALL_PREFIXES = ("[TOOL_CALLS]", "<|python_tag|>")
# Keys an OpenAI-style call object may carry besides the name and arguments.
_ENVELOPE_KEYS = frozenset({"type", "id"})
# (name key, argument keys) of each shape models write a call in.
_SHAPES = (("name", ("arguments", "parameters")), ("tool", ("tool_input", "input")))
_SCALAR_KINDS = frozenset({"integer", "number", "boolean", "array", "object"})

_Call = tuple[str, dict[str, Any]]
_Span = tuple[int, int]


@dataclass(frozen=True)
class TextCalls:
    """What ``extract_tool_calls`` found.

    Attributes:
        text: The message without the recognised call markup (prose kept, whitespace tidied);
            the original text, untouched, when nothing was recognised.
        calls: The calls in the order they were written, each with a fresh unique id and its
            arguments as JSON text.
    """

    text: str
    calls: tuple[ToolCall, ...]


def extract_tool_calls(
    text: str,
    tools: Mapping[str, dict[str, Any]],
    aliases: Mapping[str, dict[str, str]] | None = None,
) -> TextCalls:
    """Find the tool calls a model wrote as text in its answer.

    Recognised: Hermes/Qwen2.5 ``<tool_call>{"name": …, "arguments": …}</tool_call>``,
    Qwen3-Coder ``<function=NAME><parameter=P>value</parameter></function>`` (with or
    without the ``<tool_call>`` wrapper), a fenced JSON block and a bare JSON object or list
    of objects shaped ``{"name": …, "arguments"|"parameters": …}`` (also
    ``{"function": {…}}`` and ``{"tool": …, "tool_input"|"input": …}``). Only offered tools
    (names matched exactly, else case-insensitively) whose arguments validate are taken;
    anything else stays text.

    Args:
        text: The assistant's answer, reasoning already split off.
        tools: Offered tool name to its JSON parameters schema.
        aliases: Tool name to the argument aliases it accepts (see ``Tool.aliases``).

    Returns:
        The remaining text and the recognised calls.
    """
    finder = _Finder(text, tools, aliases or {})
    try:
        finder.tagged()
        finder.bare_functions()
        finder.fenced()
        finder.bare_json()
    except RecursionError:
        # JSON nested deeper than the parser can follow is no call anyone meant.
        return TextCalls(text, ())
    if not finder.found:
        return TextCalls(text, ())
    finder.found.sort(key=lambda item: item[0])
    calls = tuple(
        ToolCall(
            f"textcall_{number}_{secrets.token_hex(3)}",
            name,
            json.dumps(arguments, ensure_ascii=False),
        )
        for number, (_, name, arguments) in enumerate(finder.found)
    )
    return TextCalls(_cut(text, finder.removals()), calls)


class _Finder:
    """The passes over one message; each skips what an earlier pass took."""

    def __init__(
        self,
        text: str,
        tools: Mapping[str, dict[str, Any]],
        aliases: Mapping[str, dict[str, str]],
    ) -> None:
        self.text = text
        self.tools = tools
        self.aliases = aliases
        self._folded = {name.casefold(): name for name in tools}
        self.found: list[tuple[int, str, dict[str, Any]]] = []
        self._taken: list[_Span] = []
        # Regions later passes must not look into: code fences in other languages, and
        # <tool_call> blocks.
        self._blocked: list[_Span] = []
        self._fences: list[tuple[_Span, _Span]] = []

    def tagged(self) -> None:
        """``<tool_call>…</tool_call>`` blocks holding JSON or Qwen3-Coder markup."""
        text = self.text
        start = text.find(TAG_OPEN)
        while start != -1:
            body_start = start + len(TAG_OPEN)
            close = text.find(TAG_CLOSE, body_start)
            next_open = text.find(TAG_OPEN, body_start)
            # A model may leave the last block (or one before the next) unclosed.
            body_end = min((i for i in (close, next_open) if i != -1), default=len(text))
            closed = body_end == close
            end = close + len(TAG_CLOSE) if closed else body_end
            body = text[body_start:body_end]
            parsed = self._tagged_body(body, closed)
            if parsed is not None:
                calls, used = parsed
                if used < len(body):
                    # Unclosed, with prose after the JSON: take the tag and the JSON only.
                    end = body_start + used
                self._take(start, end, calls)
            if body.lstrip()[:1] in ("{", "[", "<"):
                # Judged as a whole: later passes must not take part of a rejected block.
                self._blocked.append((start, end))
            start = next_open

    def _tagged_body(self, body: str, closed: bool) -> tuple[list[_Call], int] | None:
        stripped = body.lstrip()
        if stripped.startswith("<function="):
            functions = list(_functions(body))
            found = [self._function_call(name, params) for _, _, name, params in functions]
            if not found or None in found:
                return None
            return [call for call in found if call is not None], len(body)
        try:
            value, used = loads_lenient(body), len(body)
        except ValueError:
            if closed:
                return None
            try:
                value, used = _DECODER.raw_decode(body, len(body) - len(stripped))
            except json.JSONDecodeError:
                return None
        calls = self._check_all(value, strict=False)
        return None if calls is None else (calls, used)

    def bare_functions(self) -> None:
        """Qwen3-Coder ``<function=…>`` markup written without the ``<tool_call>`` wrapper."""
        for start, end, name, params in _functions(self.text):
            if not self._free(start, end):
                continue
            call = self._function_call(name, params)
            if call is not None:
                self._take(start, end, [call])

    def fenced(self) -> None:
        """Code fences: a JSON fence holding exactly a call (or a list of calls) is one, when
        such fences are the whole answer; a fence beside prose is an example, not a call."""
        found: list[tuple[_Span, list[_Call]]] = []
        for match in _FENCE.finditer(self.text):
            span = (match.start(), match.end())
            self._fences.append((span, (match.start(2), match.end(2))))
            if match.group(1).lower() not in _JSON_LANGUAGES:
                self._blocked.append(span)
                continue
            if not self._free(*span):
                continue
            try:
                value = loads_lenient(match.group(2))
            except ValueError:
                continue
            calls = self._check_all(value, strict=True)
            if calls is not None:
                found.append((span, calls))
        self._take_if_alone(found)

    def bare_json(self) -> None:
        """JSON objects (or lists of them) shaped exactly as a call, when they are the whole
        answer: JSON in prose stays prose."""
        found: list[tuple[_Span, list[_Call]]] = []
        text = self.text
        position = 0
        while (match := _JSON_START.search(text, position)) is not None:
            start = match.start()
            position = start + 1
            covering = self._covering(start)
            if covering is not None:
                position = covering
                continue
            try:
                value, end = _DECODER.raw_decode(text, start)
            except json.JSONDecodeError:
                continue
            # A decoded value that is not a call is passed over whole: objects nested in it
            # (a config, an API response) are data, not calls.
            position = end
            calls = self._check_all(value, strict=True)
            if calls is not None and self._free(start, end):
                found.append(((start, end), calls))
        self._take_if_alone(found)

    def _take_if_alone(self, found: list[tuple[_Span, list[_Call]]]) -> None:
        """Take ``found`` when nothing but them (and earlier calls) is in the answer."""
        if not found:
            return
        rest = _uncovered(self.text, self._taken + [span for span, _ in found], 0, len(self.text))
        for marker in (*_CALL_PREFIXES, "`"):
            rest = rest.replace(marker, "")
        if rest.strip():
            return
        for (start, end), calls in found:
            self._take(start, end, calls)

    def removals(self) -> list[_Span]:
        """The spans to cut, widened over what the calls leave behind."""
        text = self.text
        spans: list[_Span] = []
        for start, end in self._taken:
            before = text[:start].rstrip()
            for prefix in _CALL_PREFIXES:
                if before.endswith(prefix):
                    start = len(before) - len(prefix)
            if text[start - 1 : start] == "`" and text[end : end + 1] == "`":
                start, end = start - 1, end + 1
            after = text[end:].lstrip()
            if after.startswith(TAG_CLOSE):
                # A closing tag whose opening the template had already written.
                end = len(text) - len(after) + len(TAG_CLOSE)
            spans.append((start, end))
        for fence, (body_start, body_end) in self._fences:
            left = _uncovered(text, spans, body_start, body_end)
            if not left.strip() and any(body_start <= s and e <= body_end for s, e in spans):
                spans.append(fence)
        return spans

    def _take(self, start: int, end: int, calls: list[_Call]) -> None:
        self._taken.append((start, end))
        self.found.extend((start, name, arguments) for name, arguments in calls)

    def _free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self._taken + self._blocked)

    def _covering(self, position: int) -> int | None:
        ends = [e for s, e in self._taken + self._blocked if s <= position < e]
        return max(ends) if ends else None

    def _check_all(self, value: Any, strict: bool) -> list[_Call] | None:
        """The calls in a decoded value, or None unless every item is a valid call."""
        items = value if isinstance(value, list) else [value]
        calls: list[_Call] = []
        for item in items:
            parts = _call_parts(item, strict)
            call = None if parts is None else self._check(*parts)
            if call is None:
                return None
            calls.append(call)
        return calls or None

    def _function_call(self, name: str, params: dict[str, str]) -> _Call | None:
        real = self._resolve(name)
        if real is None:
            return None
        properties = self.tools[real].get("properties", {})
        aliases = self.aliases.get(real, {})
        arguments = {
            key: _typed(value, properties.get(key) or properties.get(aliases.get(key, "")))
            for key, value in params.items()
        }
        return self._check(real, arguments)

    def _check(self, name: Any, arguments: Any) -> _Call | None:
        real = self._resolve(name)
        if real is None or not isinstance(arguments, dict):
            return None
        try:
            validate_arguments(real, self.tools[real], arguments, self.aliases.get(real))
        except (ValueError, TypeError, ArithmeticError):
            # The text is arbitrary: anything that does not fit the schema is not a call.
            return None
        return real, arguments

    def _resolve(self, name: Any) -> str | None:
        if not isinstance(name, str):
            return None
        if name in self.tools:
            return name
        # `run_shell:` and `functions.Read` are slips seen from real servers and models.
        cleaned = name.strip().rstrip(":").strip().removeprefix("functions.")
        folded = cleaned.casefold()
        return self._folded.get(folded) or self._folded.get(
            TOOL_NAME_ALIASES.get(folded, "").casefold()
        )


def _call_parts(obj: Any, strict: bool) -> tuple[Any, Any] | None:
    """The (name, arguments) an object spells, in any of the shapes models use.

    Strict (for JSON found in prose): the object must have exactly the call's keys.
    Lenient (inside ``<tool_call>``): arguments may be missing or spread beside the name.
    """
    if not isinstance(obj, dict):
        return None
    if strict and obj.get("type", "function") != "function":
        return None
    inner = obj.get("function")
    if isinstance(inner, dict):
        if strict and set(obj) - {"function"} - _ENVELOPE_KEYS:
            return None
        obj = inner
    for name_key, argument_keys in _SHAPES:
        if name_key not in obj:
            continue
        present = [key for key in argument_keys if key in obj]
        extra = set(obj) - {name_key, *argument_keys} - _ENVELOPE_KEYS
        if strict and (len(present) != 1 or extra):
            return None
        if present:
            return obj[name_key], _arguments(obj[present[0]])
        return obj[name_key], {key: obj[key] for key in extra}
    return None


def _arguments(value: Any) -> Any:
    """Arguments as an object: models also send them JSON-encoded, or empty."""
    if value is None:
        return {}
    if isinstance(value, str):
        if not value.strip():
            return {}
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return None
    return value


def _functions(source: str) -> Iterator[tuple[int, int, str, dict[str, str]]]:
    """Each ``<function=NAME>…</function>`` in ``source``: start, end, name, raw parameters.

    A missing ``</function>`` ends the function at the next one or at the end of the text.
    """
    matches = list(_FUNCTION.finditer(source))
    for index, match in enumerate(matches):
        limit = matches[index + 1].start() if index + 1 < len(matches) else len(source)
        close = source.find(_FUNCTION_CLOSE, match.end(), limit)
        body_end = limit if close == -1 else close
        end = limit if close == -1 else close + len(_FUNCTION_CLOSE)
        params = _parameters(source[match.end() : body_end])
        yield match.start(), end, _unquote(match.group(1)), params


def _parameters(body: str) -> dict[str, str]:
    """Raw parameter values; the template puts one newline after the tag and one before
    the closing tag, so exactly those are dropped."""
    matches = list(_PARAMETER.finditer(body))
    values: dict[str, str] = {}
    for index, match in enumerate(matches):
        limit = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        close = body.find(_PARAMETER_CLOSE, match.end(), limit)
        value = body[match.end() : limit if close == -1 else close]
        values[_unquote(match.group(1))] = value.removeprefix("\n").removesuffix("\n")
    return values


def _unquote(name: str) -> str:
    return name.strip().strip("\"'").strip()


def _typed(value: str, spec: Mapping[str, Any] | None) -> Any:
    """A raw parameter value converted to what its schema asks for."""
    kind = (spec or {}).get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if "string" in kinds or not kinds & _SCALAR_KINDS:
        return value
    try:
        return json.loads(value.strip())
    except json.JSONDecodeError:
        # `True`, ` 5 ` and the like: validation coerces them or explains what is wrong.
        return value


def _merged(spans: list[_Span]) -> list[_Span]:
    merged: list[_Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _uncovered(text: str, spans: list[_Span], start: int, end: int) -> str:
    """What of ``text[start:end]`` the spans leave."""
    kept: list[str] = []
    position = start
    for span_start, span_end in _merged(spans):
        if span_end <= position or span_start >= end:
            continue
        kept.append(text[position:span_start])
        position = max(position, span_end)
    kept.append(text[position:end])
    return "".join(kept)


def _cut(text: str, spans: list[_Span]) -> str:
    """The message without the spans, each cut closed up like a human editor would."""
    pieces: list[str] = []
    position = 0
    for start, end in _merged(spans):
        pieces.append(text[position:start])
        position = end
    pieces.append(text[position:])
    result = pieces[0]
    for piece in pieces[1:]:
        result = _join(result, piece)
    return result.strip()


def _join(left: str, right: str) -> str:
    left, right = left.rstrip(" \t"), right.lstrip(" \t")
    if not left or not right or left.endswith("\n") or right.startswith("\n"):
        # The cut was a block of its own: leave one blank line between paragraphs.
        left, right = left.rstrip(), right.lstrip()
        return left + ("\n\n" if left and right else "") + right
    return left + ("" if right[0] in ".,;:!?)" else " ") + right
