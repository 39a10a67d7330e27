"""The conversation: the messages sent to the model, in OpenAI's chat format, and the rules
that keep them valid.

Strict servers refuse a history in which an assistant's tool call has no result, or a
result follows no call. ``History`` is the one place that knows how calls and results
belong together: it appends them, finds the calls left unanswered, closes them after an
interruption, and splits the conversation into groups that must stay whole (an assistant
message with its tool results) for compaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from openclaude_tui.core.llm.calls import ToolCall

Message = dict[str, Any]
INTERRUPTED = "Interrupted by user"
INTERRUPTED_ANSWER = "[interrupted by the user]"


@dataclass(frozen=True)
class CallRef:
    """A tool call in the history: its id and the tool's name."""

    id: str
    name: str


class History:
    """The messages of one conversation, without the system prompt.

    ``messages`` is the list itself (what a request sends after the system prompt); change it
    through the methods, which keep calls and results together.
    """

    def __init__(self, messages: Iterable[Message] = ()) -> None:
        self.messages: list[Message] = list(messages)

    def __len__(self) -> int:
        return len(self.messages)

    def __iter__(self) -> Iterator[Message]:
        return iter(self.messages)

    def append_user(self, text: str, images: Sequence[str] = ()) -> None:
        """Add the user's prompt, with the images attached to it (data URLs)."""
        self.messages.append({"role": "user", "content": user_content(text, images)})

    def append_images(self, caption: str, images: Sequence[str]) -> None:
        """Add images the tools read (data URLs) as a user message: servers take images in
        user messages only, never in tool results."""
        if images:
            self.messages.append({"role": "user", "content": user_content(caption, images)})

    def append_assistant(
        self, text: str, calls: Sequence[ToolCall] = (), reasoning: str = ""
    ) -> None:
        """Add the model's answer and the tool calls it made."""
        # Some servers answer 500 to "content": null, so an empty string is sent instead.
        message: Message = {"role": "assistant", "content": text or ""}
        if calls:
            message["tool_calls"] = [call.to_message() for call in calls]
            if reasoning:
                # Sent back only to servers that require it (the provider strips it otherwise).
                message["reasoning_content"] = reasoning
        self.messages.append(message)

    def add_result(self, call_id: str, text: str) -> None:
        """Add the result of the tool call ``call_id``."""
        self.messages.append({"role": "tool", "tool_call_id": call_id, "content": text})

    def replace(self, messages: Iterable[Message]) -> None:
        """Put ``messages`` in place of the whole conversation (after a compaction)."""
        self.messages[:] = list(messages)

    def clear(self) -> None:
        """Forget the conversation."""
        self.messages.clear()

    def answered_ids(self) -> set[str]:
        """Ids of the calls of the last assistant message that already have a result."""
        answered: set[str] = set()
        for message in reversed(self.messages):
            if message.get("role") != "tool":
                break
            answered.add(str(message.get("tool_call_id")))
        return answered

    def unanswered_calls(self) -> list[CallRef]:
        """The calls of the last assistant message that have no result yet, in order."""
        answered = self.answered_ids()
        for message in reversed(self.messages):
            if message.get("role") == "assistant":
                return [
                    call
                    for call in map(_call_ref, message.get("tool_calls") or ())
                    if call.id not in answered
                ]
            if message.get("role") != "tool":
                return []
        return []

    def close_interrupted(self, partial_answer: str = "") -> list[CallRef]:
        """Leave a history a strict server accepts after a turn stopped half way.

        Every call left without a result is answered as interrupted; a prompt left without
        an answer gets the text streamed so far, marked as interrupted, so user and
        assistant keep alternating for chat templates that insist on it.

        Returns:
            The calls that were answered here.
        """
        last = self.messages[-1] if self.messages else None
        closed = self.unanswered_calls()
        for call in closed:
            self.add_result(call.id, INTERRUPTED)
        if last is not None and last.get("role") == "user":
            self.messages.append(
                {
                    "role": "assistant",
                    "content": (partial_answer + "\n\n" + INTERRUPTED_ANSWER).strip(),
                }
            )
        return closed

    def groups(self) -> list[tuple[int, int]]:
        """(start, end) of each group that must stay whole: see ``call_groups``."""
        return call_groups(self.messages)


def call_groups(messages: Sequence[Message]) -> list[tuple[int, int]]:
    """(start, end) of each group: an assistant message with its tool results, or one message."""
    groups: list[tuple[int, int]] = []
    index = 0
    while index < len(messages):
        end = index + 1
        if messages[index].get("role") == "assistant" and messages[index].get("tool_calls"):
            while end < len(messages) and messages[end].get("role") == "tool":
                end += 1
        groups.append((index, end))
        index = end
    return groups


def user_content(text: str, images: Sequence[str]) -> str | list[dict[str, Any]]:
    """A user message's content: the text alone, or the text and ``image_url`` parts."""
    if not images:
        return text
    parts: list[dict[str, Any]] = [{"type": "text", "text": text}]
    parts += [{"type": "image_url", "image_url": {"url": url}} for url in images]
    return parts


def results_by_call(messages: Iterable[Message]) -> dict[str, str]:
    """Each tool result's text, by the id of the call it answers."""
    return {
        str(message.get("tool_call_id")): message_text(message)
        for message in messages
        if message.get("role") == "tool"
    }


def message_text(message: Message) -> str:
    """The text of a message's content: a string, or the text parts of a content list."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def _call_ref(raw: dict[str, Any]) -> CallRef:
    function = raw.get("function") or {}
    return CallRef(str(raw.get("id")), str(function.get("name", "")))
