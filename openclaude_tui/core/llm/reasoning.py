"""Reasoning that models write inline, in ``<think>`` tags, kept apart from the answer.

Servers that do not parse reasoning themselves (no ``reasoning_content``) pass the tags
through in the content. ``split_reasoning`` separates a whole message; ``ThinkStreamSplitter``
does the same while it streams, so the reasoning can be shown apart as it arrives.
"""

from __future__ import annotations

import re
from typing import Literal

_OPEN_TAGS = ("<think>", "<thinking>")
_CLOSE_TAGS = ("</think>", "</thinking>")
_ANY_TAG = re.compile(r"</?think(?:ing)?>")
_OPEN_TAG = re.compile(r"<think(?:ing)?>")
_CLOSE_TAG = re.compile(r"</think(?:ing)?>")

Kind = Literal["reasoning", "text"]


def split_reasoning(text: str) -> tuple[str, str]:
    """Separate ``<think>``/``<thinking>`` reasoning from the answer.

    Blocks are removed from the answer and joined (stripped, a blank line apart) as the
    reasoning. An unclosed opening tag makes the rest reasoning. A closing tag before any
    opening tag (templates that put ``<think>`` in the prompt) makes everything before it
    reasoning. Tags inside reasoning, and closing tags after that point, are literal text.

    Returns:
        (reasoning, answer), both stripped.
    """
    blocks: list[str] = []
    answer: list[str] = []
    position = 0
    first = _ANY_TAG.search(text)
    if first is not None and first.group().startswith("</"):
        blocks.append(text[: first.start()])
        position = first.end()
    while True:
        opening = _OPEN_TAG.search(text, position)
        if opening is None:
            answer.append(text[position:])
            break
        answer.append(text[position : opening.start()])
        closing = _CLOSE_TAG.search(text, opening.end())
        if closing is None:
            blocks.append(text[opening.end() :])
            break
        blocks.append(text[opening.end() : closing.start()])
        position = closing.end()
    reasoning = "\n\n".join(block.strip() for block in blocks if block.strip())
    return reasoning, "".join(answer).strip()


class ThinkStreamSplitter:
    """``split_reasoning`` for a streamed answer, piece by piece.

    A tag split across pieces is held back until it can be told from text, and whitespace
    that ``split_reasoning`` would strip is held until more content follows. Concatenating
    the pieces of each kind gives what ``split_reasoning`` gives for the whole text, however
    it was chunked, with one exception that only hindsight can fix: a closing tag that
    comes before any opening tag turns the text already streamed as answer into reasoning.
    The splitter then sets ``stray_close``, and the caller should re-split the whole text.
    """

    def __init__(self) -> None:
        self.stray_close = False
        self._buffer = ""
        self._reasoning = False
        self._seen_tag = False
        self._answer_started = False
        self._answer_space = ""
        self._any_reasoning = False
        self._block_started = False
        self._block_space = ""
        self._out: list[tuple[Kind, str]] = []

    def feed(self, piece: str) -> list[tuple[Kind, str]]:
        """Take the next piece of the stream; return what can be shown now, in order."""
        self._buffer += piece
        self._scan(final=False)
        return self._take_output()

    def flush(self) -> list[tuple[Kind, str]]:
        """The stream ended: return whatever was held back."""
        self._scan(final=True)
        return self._take_output()

    def _scan(self, final: bool) -> None:
        buffer = self._buffer
        position = 0
        hold = len(buffer)
        search = buffer.find("<")
        while search != -1:
            tags = self._tags()
            tag = next((t for t in tags if buffer.startswith(t, search)), None)
            if tag is not None:
                self._emit(buffer[position:search])
                self._on_tag(tag)
                position = search + len(tag)
                search = buffer.find("<", position)
                continue
            if not final and any(t.startswith(buffer[search:]) for t in tags):
                hold = search
                break
            search = buffer.find("<", search + 1)
        self._emit(buffer[position:hold])
        self._buffer = buffer[hold:]

    def _tags(self) -> tuple[str, ...]:
        if self._reasoning:
            return _CLOSE_TAGS
        return _OPEN_TAGS if self._seen_tag else _OPEN_TAGS + _CLOSE_TAGS

    def _on_tag(self, tag: str) -> None:
        if tag in _CLOSE_TAGS and not self._reasoning:
            self.stray_close = True
        self._seen_tag = True
        self._reasoning = tag in _OPEN_TAGS
        self._block_started = False
        self._block_space = ""

    def _emit(self, segment: str) -> None:
        if not segment:
            return
        if self._reasoning:
            if not self._block_started:
                segment = segment.lstrip()
                if not segment:
                    return
                self._block_started = True
                if self._any_reasoning:
                    self._block_space = "\n\n"
                self._any_reasoning = True
            self._block_space = self._push("reasoning", self._block_space, segment)
        else:
            if not self._answer_started:
                segment = segment.lstrip()
                if not segment:
                    return
                self._answer_started = True
            self._answer_space = self._push("text", self._answer_space, segment)

    def _push(self, kind: Kind, held: str, segment: str) -> str:
        """Output ``held + segment`` but its trailing whitespace, which is returned."""
        body = segment.rstrip()
        if not body:
            return held + segment
        if self._out and self._out[-1][0] == kind:
            self._out[-1] = (kind, self._out[-1][1] + held + body)
        else:
            self._out.append((kind, held + body))
        return segment[len(body) :]

    def _take_output(self) -> list[tuple[Kind, str]]:
        out, self._out = self._out, []
        return out
