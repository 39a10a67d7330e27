"""Compaction: replace the older part of a conversation with a summary so it fits the window.

What stays: every user message, verbatim and in order (they are the task's constraints),
and the recent messages, intact. What goes: the older assistant and tool messages, replaced
by one summary the model writes (or, when it cannot, a mechanical one built from the tool
log). The cut falls only between complete groups, so an assistant message with tool calls
always keeps its tool results right after it.

The summary is an assistant message (it is the assistant's own account of its work), placed
after the kept user messages; when the recent part starts with an assistant message the
summary opens that message instead, so no two assistant messages follow each other.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openclaude_tui.core.agent.history import Message, call_groups, message_text, results_by_call

if TYPE_CHECKING:
    from openclaude_tui.core.llm.provider import Provider

SUMMARY_PREFIX = "[Summary of earlier work]"
DEFAULT_THRESHOLD = 0.8
DEFAULT_KEEP_RECENT_SHARE = 0.25
# Chat templates wrap every message in a few tokens of their own.
MESSAGE_OVERHEAD = 4
# A compaction that does not free this share of the conversation is not worth a request.
MIN_GAIN = 0.1

Summarise = Callable[[list[Message], str | None], Awaitable[str]]
"""``async (older_messages, focus) -> summary text``; may raise or return "" on failure."""


def estimate_text_tokens(text: str) -> int:
    """Roughly how many tokens ``text`` takes: characters / 4."""
    return math.ceil(len(text) / 4)


def estimate_tokens(messages: Sequence[Message]) -> int:
    """Roughly how many tokens ``messages`` take: characters / 4, tool calls included."""
    chars = 0
    for message in messages:
        chars += len(message_text(message))
        chars += len(message.get("reasoning_content") or "")
        for call in message.get("tool_calls") or ():
            function = call.get("function") or {}
            chars += len(function.get("name") or "") + len(function.get("arguments") or "")
    return math.ceil(chars / 4) + MESSAGE_OVERHEAD * len(messages)


def should_compact(
    last_prompt_tokens: int | None,
    messages: Sequence[Message],
    window: int,
    threshold: float = DEFAULT_THRESHOLD,
    extra_tokens: int = 0,
) -> bool:
    """Whether the next request would fill more than ``threshold`` of the window.

    Args:
        last_prompt_tokens: The server's count for the previous request, when it sent one.
            It misses what was added since, so the larger of it and the estimate counts.
        messages: The next request's messages (system prompt included).
        window: The context window in tokens.
        threshold: Share of the window that triggers compaction.
        extra_tokens: What the request carries besides its messages (the tool definitions).
    """
    used = max(last_prompt_tokens or 0, estimate_tokens(messages) + extra_tokens)
    return used >= window * threshold


@dataclass
class CompactResult:
    """A compacted conversation.

    Attributes:
        messages: The new conversation (without the system prompt).
        summary: The summary's text (without the prefix).
        mechanical: True when the summary was built from the tool log, not by the model.
        tokens_before: Estimated tokens before.
        tokens_after: Estimated tokens after.
    """

    messages: list[Message]
    summary: str
    mechanical: bool
    tokens_before: int
    tokens_after: int

    def describe(self) -> str:
        """One line for the user saying what happened."""
        how = (
            "from the tool log (the model's summary failed)" if self.mechanical else "by the model"
        )
        saved = self.tokens_before - self.tokens_after
        return (
            f"compacted the conversation: about {self.tokens_before:,} → {self.tokens_after:,} "
            f"tokens ({saved:,} saved); the earlier work was summarised {how}"
        )


def split_for_compaction(
    messages: Sequence[Message], keep_recent_tokens: int
) -> tuple[list[Message], list[Message]]:
    """Split into (older, recent) at a group boundary.

    ``recent`` is the longest run of complete groups at the end that fits in
    ``keep_recent_tokens``, and at least the last group.
    """
    groups = call_groups(messages)
    cut = len(messages)
    budget = keep_recent_tokens
    for start, end in reversed(groups):
        size = estimate_tokens(messages[start:end])
        if cut < len(messages) and size > budget:
            break
        budget -= size
        cut = start
    return list(messages[:cut]), list(messages[cut:])


def _is_summary(message: Message) -> bool:
    return message_text(message).startswith(SUMMARY_PREFIX)


def _kept(message: Message) -> bool:
    """User messages survive compaction; summaries made earlier are summarised again."""
    return message.get("role") == "user" and not _is_summary(message)


def removable_tokens(messages: Sequence[Message], keep_recent_tokens: int) -> int:
    """Estimated tokens a compaction would replace by a summary."""
    older, _ = split_for_compaction(messages, keep_recent_tokens)
    return estimate_tokens([m for m in older if not _kept(m)])


async def compact(
    messages: Sequence[Message],
    summarise: Summarise,
    *,
    keep_recent_tokens: int,
    focus: str | None = None,
) -> CompactResult:
    """Summarise the older part of ``messages`` (the conversation, system prompt excluded).

    Args:
        messages: The conversation as OpenAI-shaped message dicts.
        summarise: Writes the summary; when it raises or returns nothing, a mechanical
            summary is used instead.
        keep_recent_tokens: How much of the end to keep untouched (at least the last group).
        focus: What the user wants the summary to concentrate on (``/compact focus``).

    Returns:
        The compacted conversation; the same messages when nothing is old enough.
    """
    before = estimate_tokens(messages)
    older, recent = split_for_compaction(messages, keep_recent_tokens)
    replaced = [m for m in older if not _kept(m)]
    if not replaced:
        return CompactResult(list(messages), "", False, before, before)
    mechanical = False
    try:
        summary = _clean(await summarise(older, focus))
    except Exception:
        # Any failure of the summary request (server down, refused, malformed) has the
        # same remedy, and compaction must not stop the turn.
        summary = ""
    if not summary:
        summary, mechanical = mechanical_summary(older), True
    result = _assemble([m for m in older if _kept(m)], summary, recent)
    return CompactResult(result, summary, mechanical, before, estimate_tokens(result))


def _assemble(users: list[Message], summary: str, recent: list[Message]) -> list[Message]:
    text = f"{SUMMARY_PREFIX}\n{summary}"
    if recent and recent[0].get("role") == "assistant" and users:
        first = dict(recent[0])
        first["content"] = f"{text}\n\n{message_text(first)}".rstrip()
        return [*users, first, *recent[1:]]
    # With no user message before it, the summary cannot open with an assistant message.
    role = "assistant" if users else "user"
    return [*users, {"role": role, "content": text}, *recent]


def _clean(summary: str) -> str:
    """The summary without reasoning blocks some models write into the answer."""
    summary = re.sub(r"<think>.*?</think>", "", summary or "", flags=re.DOTALL)
    return summary.strip()


class Compactor:
    """Decides when to compact and refuses to compact twice in a row without progress.

    Args:
        window: The context window in tokens.
        threshold: Share of the window that triggers automatic compaction.
        keep_recent_share: Share of the window kept as recent messages.
        enabled: False turns automatic compaction off (``--no-auto-compact``);
            ``compact`` still works on request.
    """

    def __init__(
        self,
        window: int,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        keep_recent_share: float = DEFAULT_KEEP_RECENT_SHARE,
        enabled: bool = True,
    ) -> None:
        self.window = window
        self.threshold = threshold
        self.keep_recent_tokens = max(1, int(window * keep_recent_share))
        self.enabled = enabled
        self.reason = ""
        self._size_after_last: int | None = None

    def due(
        self,
        last_prompt_tokens: int | None,
        request_messages: Sequence[Message],
        extra_tokens: int = 0,
    ) -> bool:
        """Whether to compact before sending ``request_messages`` (system prompt included)
        and ``extra_tokens`` of tool definitions."""
        if not self.enabled:
            return False
        if not should_compact(
            last_prompt_tokens, request_messages, self.window, self.threshold, extra_tokens
        ):
            return False
        conversation = [m for m in request_messages if m.get("role") != "system"]
        if self._size_after_last is not None:
            grown = estimate_tokens(conversation) - self._size_after_last
            if grown < self.window * MIN_GAIN:
                self.reason = "the conversation has not grown since the last compaction"
                return False
        return True

    async def compact(
        self,
        messages: Sequence[Message],
        summarise: Summarise,
        *,
        focus: str | None = None,
        requested: bool = False,
    ) -> CompactResult | None:
        """Compact ``messages`` (without the system prompt), or None when it would not help.

        When None is returned, ``reason`` says why.

        Args:
            messages: The conversation.
            summarise: Writes the summary.
            focus: What the summary should concentrate on.
            requested: The user asked (``/compact``): everything but the last exchange is
                summarised, and any saving is worth it.
        """
        size = estimate_tokens(messages)
        keep = 0 if requested else self.keep_recent_tokens
        removable = removable_tokens(messages, keep)
        if removable == 0 or (not requested and removable < size * MIN_GAIN):
            self.reason = "too little is old enough to summarise"
            self._size_after_last = size
            return None
        result = await compact(messages, summarise, keep_recent_tokens=keep, focus=focus)
        least_gain = 0.0 if requested else MIN_GAIN
        if result.tokens_after >= size * (1 - least_gain):
            self.reason = "the summary would not make the conversation meaningfully smaller"
            self._size_after_last = size
            return None
        self.reason = ""
        self._size_after_last = result.tokens_after
        return result


# The mechanical summary: what the tool log says, without the model.

_PATH_TOOLS = {"Read": "read", "Write": "written", "Edit": "edited", "MultiEdit": "edited"}
_EXIT = re.compile(r"exit(?:ed)?(?: with)?(?: code| status)?[ :=]+(-?\d+)", re.IGNORECASE)
_ERROR_START = ("Error", "error:", "Permission denied", "The user denied", "Interrupted")
_EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b")
MAX_LINE = 200


def mechanical_summary(messages: Sequence[Message]) -> str:
    """A summary built from the messages alone: files touched, commands, errors, notes."""
    results = results_by_call(messages)
    files: dict[str, list[str]] = {}
    searches: list[str] = []
    commands: list[str] = []
    errors: list[str] = []
    notes: list[str] = []
    earlier: list[str] = []
    for message in messages:
        if _is_summary(message):
            earlier.append(message_text(message).removeprefix(SUMMARY_PREFIX).strip())
            continue
        if message.get("role") != "assistant":
            continue
        if message_text(message).strip():
            notes.append(_line(message_text(message)))
        for call in message.get("tool_calls") or ():
            name, args = _call_parts(call)
            result = results.get(str(call.get("id")), "")
            path = args.get("file_path") or args.get("path")
            if name in _PATH_TOOLS and isinstance(path, str):
                actions = files.setdefault(path, [])
                if _PATH_TOOLS[name] not in actions:
                    actions.append(_PATH_TOOLS[name])
            elif name == "Bash" and isinstance(args.get("command"), str):
                match = _EXIT.search(result)
                status = f" → exit {match.group(1)}" if match else ""
                commands.append(f"`{_line(args['command'])}`{status}")
            elif name in ("Grep", "Glob") and isinstance(args.get("pattern"), str):
                where = f" in {args['path']}" if isinstance(args.get("path"), str) else ""
                searches.append(f"{name} {args['pattern']!r}{where}")
            if _looks_failed(result):
                errors.append(f"{name}: {_error_line(result)}")
    sections = ["(made from the tool log: the model's summary was not available)"]
    if earlier:
        sections.append("Earlier summary:\n" + "\n".join(earlier))
    if files:
        lines = [f"- {path} ({', '.join(actions)})" for path, actions in files.items()]
        sections.append("Files:\n" + "\n".join(lines))
    listed = (
        ("Searches", searches),
        ("Commands run", commands),
        ("Errors seen", errors),
        ("Assistant notes", notes[-3:]),
    )
    for title, items in listed:
        if items:
            sections.append(f"{title}:\n" + "\n".join(f"- {item}" for item in items))
    return "\n\n".join(sections)


def _call_parts(call: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    function = call.get("function") or {}
    try:
        args = json.loads(function.get("arguments") or "{}")
    except (ValueError, RecursionError):  # arguments nested too deep to parse
        args = {}
    return str(function.get("name") or "?"), args if isinstance(args, dict) else {}


def _looks_failed(result: str) -> bool:
    text = result.lstrip()
    return text.startswith(_ERROR_START) or "Traceback (most recent call last)" in text


def _error_line(result: str) -> str:
    """The line that says what went wrong: a traceback's exception, else the first line."""
    lines = [line for line in result.strip().splitlines() if line.strip()]
    raised = [line for line in lines if _EXCEPTION.match(line)]
    if "Traceback (most recent call last)" in result and raised:
        return _line(raised[-1])
    return _line(lines[0] if lines else result)


def _line(text: str) -> str:
    first = " ".join(text.split())
    return first if len(first) <= MAX_LINE else first[: MAX_LINE - 1] + "…"


# The model's summary.

SUMMARISER_SYSTEM = (
    "You write the summary that replaces the earlier part of a coding session, so that the "
    "assistant can carry on the work without it. Write plain text or short lists; no preamble."
)
SUMMARISER_REQUEST = (
    "Summarise the work above for the assistant who continues it. Keep what the user asked "
    "for and every constraint they set; the files read and what matters in them; the files "
    "changed and how; the commands run and their results; errors and how they were resolved; "
    "decisions taken; what remains to do. Keep exact paths, names, commands and error "
    "messages. The user's messages are kept word for word elsewhere: do not repeat them."
)
# Share of the window the summary request may fill; the rest is left for the answer.
SUMMARY_INPUT_SHARE = 0.6
ENTRY_LIMITS = (2000, 800, 300, 120)


def model_summariser(provider: Provider, window: int) -> Summarise:
    """A ``Summarise`` that asks the provider's model, in one request without tools.

    The older messages go as one transcript inside a user message, so the request is valid
    for any server whatever the messages held, and long tool results are cut to fit
    ``SUMMARY_INPUT_SHARE`` of ``window``.
    """

    async def summarise(messages: list[Message], focus: str | None) -> str:
        budget = int(window * SUMMARY_INPUT_SHARE) * 4 - len(SUMMARISER_SYSTEM)
        request = SUMMARISER_REQUEST
        if focus:
            request += f"\n\nThe user asked the summary to focus on: {focus}"
        transcript = render_transcript(messages, budget - len(request))
        prompt = f"<transcript>\n{transcript}\n</transcript>\n\n{request}"
        from openclaude_tui.core.llm.side_request import ask_aside

        return await ask_aside(provider, SUMMARISER_SYSTEM, prompt)

    return summarise


def render_transcript(messages: Sequence[Message], max_chars: int) -> str:
    """The messages as readable text, long entries cut so the whole fits ``max_chars``."""
    names = {
        call.get("id"): _call_parts(call)[0]
        for message in messages
        for call in message.get("tool_calls") or ()
    }
    entries: list[tuple[str, str]] = []
    for message in messages:
        role = message.get("role")
        text = message_text(message)
        if role == "tool":
            entries.append(
                (f"[result of {names.get(message.get('tool_call_id'), 'a tool')}]", text)
            )
            continue
        calls = [
            f"→ {name}({json.dumps(args, ensure_ascii=False)})"
            for name, args in map(_call_parts, message.get("tool_calls") or ())
        ]
        body = "\n".join(part for part in (text.strip(), *calls) if part)
        entries.append((f"[{role}]", body))
    for limit in ENTRY_LIMITS:
        rendered = [f"{head}\n{_cut(body, limit)}" for head, body in entries]
        if sum(len(r) + 2 for r in rendered) <= max_chars:
            return "\n\n".join(rendered)
    return _drop_middle(rendered, max_chars)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n[… {len(text) - 2 * half:,} characters left out …]\n{text[-half:]}"


def _drop_middle(rendered: list[str], max_chars: int) -> str:
    """Keep the first entry (the task) and as many of the last ones as fit."""
    head = rendered[0]
    tail: list[str] = []
    if len(rendered) == 1:
        return head[:max_chars]
    room = max_chars - len(head) - 60
    for entry in reversed(rendered[1:]):
        if len(entry) + 2 > room:
            break
        tail.insert(0, entry)
        room -= len(entry) + 2
    gap = f"[… {len(rendered) - 1 - len(tail)} earlier entries left out …]"
    return "\n\n".join([head[:max_chars], gap, *tail])
