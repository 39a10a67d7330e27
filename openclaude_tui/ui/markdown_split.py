"""Cutting a growing Markdown answer into settled blocks and a live tail.

A streamed answer is shown as blocks that are rendered once and never again, plus a tail
that is re-rendered as it grows. The splitter decides where a block may end: at a line
that starts a new top-level block after a blank line (outside code fences), or around a
fenced code block, which becomes a block of its own so it can be highlighted and copied
alone. Very long code blocks and very long lists are cut too, so the tail stays small
whatever the model writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

# Settle Markdown at every safe place: settled blocks cost nothing once drawn, while the
# tail is drawn again on every frame, so the smaller it stays the better.
CHUNK_SIZE = 1
# A code block still streaming is settled in pieces of about this size.
CODE_CHUNK_SIZE = 300
# Past this many chunk sizes, the tail may also be cut between the items of a tight list.
FORCED_CUT_FACTOR = 3

_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*([^`\s]*)[^`]*$")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])[ \t]")
_HEADING = re.compile(r"^#{1,6}(?:[ \t]|$)")


@dataclass(frozen=True)
class Block:
    """A settled part of an answer.

    Attributes:
        kind: ``markdown`` (Markdown source) or ``code`` (the inside of a fenced block).
        text: The Markdown source, or the code without its fences.
        language: The fence's info word for code (``python``), else "".
        continued: For code, whether this piece continues the block of the previous one.
        ends: For code, whether the block ends with this piece (else more pieces follow).
    """

    kind: Literal["markdown", "code"]
    text: str
    language: str = ""
    continued: bool = False
    ends: bool = True


@dataclass
class _Fence:
    marker: str
    length: int
    language: str
    opening: str
    body_start: int
    pieces: int = 0


class MarkdownSplitter:
    """Feeds on streamed text; hands back the blocks that can no longer change.

    Args:
        chunk_size: A Markdown block is settled once it is at least this long and a
            safe place to cut it has been seen.
        code_chunk_size: An unfinished code block is settled in pieces of about this size.
    """

    def __init__(self, chunk_size: int = CHUNK_SIZE, code_chunk_size: int = CODE_CHUNK_SIZE):
        self.chunk_size = chunk_size
        self.code_chunk_size = code_chunk_size
        self._text = ""
        self._scanned = 0
        self._fence: _Fence | None = None
        self._boundary = 0
        self._weak_boundary = 0
        self._previous_blank = True

    @property
    def tail(self) -> str:
        """The text not settled yet (an open fence keeps its opening line)."""
        return self._text

    @property
    def open_code(self) -> Block | None:
        """The tail as code when it is the inside of a fenced block still streaming."""
        fence = self._fence
        if fence is None:
            return None
        return _code(_without_closing(self._text[fence.body_start :], fence), fence, last=False)

    def feed(self, text: str) -> list[Block]:
        """Add streamed text; return the blocks it settled, in order."""
        self._text += text
        settled: list[Block] = []
        while True:
            end = self._text.find("\n", self._scanned)
            if end < 0:
                break
            start, self._scanned = self._scanned, end + 1
            line = self._text[start:end]
            if self._fence is not None:
                self._scan_fenced(line, start, settled)
            else:
                self._scan_line(line, start, settled)
        if self._fence is None:
            cut = self._boundary
            if not cut and len(self._text) >= self.chunk_size * FORCED_CUT_FACTOR:
                cut = self._weak_boundary
            if cut >= self.chunk_size:
                self._settle_markdown(cut, settled)
        return settled

    def finish(self) -> list[Block]:
        """The answer is complete: settle everything that is left."""
        settled: list[Block] = []
        fence = self._fence
        if fence is not None:
            # An answer may end on its closing fence without a newline after it.
            code = _without_closing(self._text[fence.body_start :], fence)
            settled.append(_code(code, fence))
        elif self._text.strip():
            settled.append(Block("markdown", self._text.strip("\n")))
        self._reset("")
        return settled

    def _scan_line(self, line: str, start: int, settled: list[Block]) -> None:
        opening = _FENCE_OPEN.match(line)
        if opening:
            # A fence starts a block of its own: what came before it is settled now.
            self._settle_markdown(start, settled)
            marker = opening[1]
            self._fence = _Fence(marker[0], len(marker), opening[2], line, len(line) + 1)
            return
        blank = not line.strip()
        top_level = not blank and not line[0].isspace()
        if start > 0 and top_level:
            if self._previous_blank or _HEADING.match(line):
                self._boundary = start
            elif _LIST_ITEM.match(line):
                self._weak_boundary = start
        self._previous_blank = blank

    def _scan_fenced(self, line: str, start: int, settled: list[Block]) -> None:
        fence = self._fence
        assert fence is not None
        if _fence_line(line, fence) >= fence.length:
            code = self._text[fence.body_start : start]
            settled.append(_code(code, fence))
            self._reset(self._text[self._scanned :])
            return
        if self._scanned - fence.body_start >= self.code_chunk_size:
            code = self._text[fence.body_start : self._scanned]
            settled.append(_code(code, fence, last=False))
            fence.pieces += 1
            rest = self._text[self._scanned :]
            self._text = fence.opening + "\n" + rest
            fence.body_start = self._scanned = len(fence.opening) + 1

    def _settle_markdown(self, cut: int, settled: list[Block]) -> None:
        """Settle ``self._text[:cut]`` as Markdown (if it holds anything) and drop it."""
        if cut <= 0:
            return
        source = self._text[:cut]
        if source.strip():
            settled.append(Block("markdown", source.strip("\n")))
        self._text = self._text[cut:]
        self._scanned -= cut
        self._boundary = 0
        self._weak_boundary = 0

    def _reset(self, text: str) -> None:
        self._text = text
        self._scanned = 0
        self._fence = None
        self._boundary = 0
        self._weak_boundary = 0
        self._previous_blank = True


def _fence_line(line: str, fence: _Fence) -> int:
    """How many of the fence's marks ``line`` is made of (0 when it holds anything else)."""
    stripped = line.strip()
    if len(line) - len(line.lstrip(" ")) > 3 or set(stripped) != {fence.marker}:
        return 0
    return len(stripped)


def _without_closing(code: str, fence: _Fence) -> str:
    """The code without an unfinished last line that is (the start of) the closing fence."""
    last = code[code.rfind("\n") + 1 :]
    return code[: len(code) - len(last)] if last and _fence_line(last, fence) else code


def _code(code: str, fence: _Fence, last: bool = True) -> Block:
    # A piece ends at a line's end; only the last piece loses the blank lines before the fence.
    text = code.rstrip("\n") if last else code.removesuffix("\n")
    return Block("code", text, fence.language, continued=fence.pieces > 0, ends=last)
