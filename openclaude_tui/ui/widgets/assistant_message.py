"""A streamed answer in the chat pane: settled Markdown and code blocks plus a live tail.

``AnswerStream`` keeps text that arrives between two frames and hands it to the splitter
once per frame; every block the splitter settles becomes an entry of its own, rendered
once. Only the tail entry, the last unfinished block, renders again as it grows. Text may
also be given as a source to read at the next frame, so a sender can keep adding to it
until then.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.strip import Strip

from openclaude_tui.ui.markdown_split import Block, MarkdownSplitter
from openclaude_tui.ui.widgets.chat import ChatView
from openclaude_tui.ui.widgets.chat_item import ChatItem, RenderContext


class MarkdownItem(ChatItem):
    """A block of an answer, rendered as Markdown."""

    def __init__(self, text: str, answer: AnswerStream | None = None) -> None:
        super().__init__()
        self.text = text
        self.answer = answer
        # The tail's text when it is the inside of a fenced code block still streaming.
        self.open_code: Block | None = None

    @property
    def gap(self) -> int:
        return 1 if self.text.strip() else 0

    def render(self, context: RenderContext) -> list[Strip]:
        if not self.text.strip():
            return []
        if self.open_code is not None:
            code = self.open_code
            return code_block_lines(context, code.text, code.language, label=not code.continued)
        from openclaude_tui.ui.rich_markdown import ChatMarkdown  # see its docstring

        markdown = ChatMarkdown(self.text, context.code_theme, context.code_background)
        return _trim_blank(context.render(markdown))

    def copy_text(self) -> str:
        return self.answer.text if self.answer is not None else self.text

    def search_text(self) -> str:
        return self.text


class CodeItem(ChatItem):
    """A fenced code block of an answer, highlighted; ``c`` copies just the code.

    A long block arrives as several pieces, drawn as one block; each copies all of it.
    """

    def __init__(
        self,
        code: str,
        language: str = "",
        previous: CodeItem | None = None,
        ends: bool = True,
    ) -> None:
        super().__init__()
        self.code = code
        self.language = language
        self.pieces: list[CodeItem] = previous.pieces if previous is not None else []
        self.pieces.append(self)
        # Whether the block ends with this piece; pieces of one block sit without a gap.
        self.ends = ends

    @property
    def gap(self) -> int:
        return 1 if self.ends else 0

    def render(self, context: RenderContext) -> list[Strip]:
        return code_block_lines(context, self.code, self.language, label=self is self.pieces[0])

    def copy_text(self) -> str:
        return "\n".join(piece.code for piece in self.pieces)


def code_block_lines(context: RenderContext, code: str, language: str, label: bool) -> list[Strip]:
    """A code block's lines, highlighted, under a caption naming its language if ``label``."""
    # pygments is loaded when the first code block is drawn, not before the first frame.
    from openclaude_tui.ui.code_lines import code_lines, label_line

    lines = code_lines(code, language, context.code_theme, context.code_background, context.width)
    if label and language:
        caption = label_line(f" {language} ", context.styles["muted"], context.width)
        return [caption, *lines]
    return lines


def _trim_blank(lines: list[Strip]) -> list[Strip]:
    """Without blank lines at either end (Rich opens lists with one; entries have gaps)."""
    start, end = 0, len(lines)
    while start < end and not lines[start].text.strip():
        start += 1
    while end > start and not lines[end - 1].text.strip():
        end -= 1
    return lines[start:end]


class AnswerStream:
    """One assistant answer as it streams into the chat pane.

    Args:
        view: The chat pane.
        splitter: Decides where settled blocks end (a default one when omitted).
    """

    def __init__(self, view: ChatView, splitter: MarkdownSplitter | None = None) -> None:
        self.view = view
        self.splitter = splitter or MarkdownSplitter()
        self.parts: list[str] = []
        self.items: list[ChatItem] = []
        self._pending: list[str] = []
        self._sources: list[Callable[[], str]] = []
        self._scheduled = False
        self.tail = MarkdownItem("", self)
        self.finished = False
        view.add_item(self.tail)

    @property
    def text(self) -> str:
        """Everything received so far."""
        return "".join(self.parts)

    def append(self, text: str) -> None:
        """Add streamed text; it shows at the next frame."""
        if self.finished or not text:
            return
        self._pending.append(text)
        self._schedule()

    def append_source(self, source: Callable[[], str]) -> None:
        """Add the text ``source()`` gives at the next frame."""
        if self.finished:
            return
        self._sources.append(source)
        self._schedule()

    def _schedule(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            self.view.schedule(self._flush)

    def finish(self) -> None:
        """The answer is complete: settle what is left and drop the tail."""
        if self.finished:
            return
        self._flush()
        self._add_blocks(self.splitter.finish())
        self.view.remove_item(self.tail)
        self.finished = True
        # The end of an answer is drawn at once, not at the next frame.
        self.view.flush()

    def discard(self) -> None:
        """Take the whole answer off the pane (the server is asked again)."""
        for item in [*self.items, self.tail]:
            self.view.remove_item(item)
        self.items.clear()
        self._pending.clear()
        self._sources.clear()
        self.parts.clear()
        self.finished = True

    def _flush(self) -> None:
        self._scheduled = False
        if self.finished:
            return
        self._pending.extend(source() for source in self._sources)
        self._sources.clear()
        text = "".join(self._pending)
        self._pending.clear()
        if not text:
            return
        self.parts.append(text)
        self._add_blocks(self.splitter.feed(text))
        self.tail.text = self.splitter.tail
        self.tail.open_code = self.splitter.open_code
        self.view.update_item(self.tail)

    def _add_blocks(self, blocks: list[Block]) -> None:
        for block in blocks:
            item: ChatItem
            if block.kind == "code":
                last = self.items[-1] if self.items else None
                previous = last if block.continued and isinstance(last, CodeItem) else None
                item = CodeItem(block.text, block.language, previous, ends=block.ends)
            else:
                item = MarkdownItem(block.text, self)
            self.items.append(item)
            self.view.add_item(item, before=self.tail)
