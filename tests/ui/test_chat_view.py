"""The chat pane on its own: following the end, pruning, streaming blocks into entries."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App, ComposeResult

from openclaude_tui.ui.widgets.assistant_message import AnswerStream, CodeItem, MarkdownItem
from openclaude_tui.ui.widgets.chat import ChatView
from openclaude_tui.ui.widgets.chat_items import NoticeItem


class ChatApp(App[None]):
    def __init__(self, max_lines: int = 20_000) -> None:
        super().__init__()
        self.max_lines = max_lines

    def compose(self) -> ComposeResult:
        yield ChatView(max_lines=self.max_lines)


def stream_answer(
    view: ChatView, text: str, each_frame: Callable[[AnswerStream], None] = lambda _: None
) -> AnswerStream:
    """Stream ``text`` into the pane seven characters a frame, then finish the answer."""
    view.live = True
    answer = AnswerStream(view)
    for start in range(0, len(text), 7):
        answer.append(text[start : start + 7])
        view.flush()
        each_frame(answer)
    answer.finish()
    view.live = False
    view.flush()
    return answer


def visible_text(view: ChatView) -> str:
    return "\n".join(view.render_line(y).text for y in range(view.size.height))


async def test_the_pane_follows_the_end_unless_the_user_scrolled_up() -> None:
    app = ChatApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(ChatView)
        for number in range(30):
            view.add_item(NoticeItem(f"notice {number}"))
        view.flush()
        await pilot.pause()
        assert "notice 29" in visible_text(view)
        view.scroll_to(y=0, animate=False, immediate=True)
        await pilot.pause()
        view.add_item(NoticeItem("notice 30"))
        view.flush()
        await pilot.pause()
        assert view.scroll_offset.y == 0
        assert "notice 0" in visible_text(view)
        view.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        view.add_item(NoticeItem("notice 31"))
        view.flush()
        await pilot.pause()
        assert "notice 31" in visible_text(view)


async def test_a_long_transcript_drops_its_oldest_entries() -> None:
    app = ChatApp(max_lines=100)
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(ChatView)
        for number in range(200):
            view.add_item(NoticeItem(f"notice {number}"))
            if number % 20 == 0:
                view.flush()
        view.flush()
        await pilot.pause()
        assert view.pruned > 0
        assert len(view.items) + view.pruned == 200
        assert view.virtual_size.height <= 100
        assert view.items[-1].copy_text() == "notice 199"
        assert "notice 199" in visible_text(view)


async def test_a_stream_becomes_settled_entries_and_its_text_stays_whole() -> None:
    app = ChatApp()
    async with app.run_test(size=(80, 30)) as pilot:
        view = app.query_one(ChatView)
        text = "First paragraph.\n\n```python\nprint(1)\n```\n\nLast paragraph."
        answer = stream_answer(view, text)
        await pilot.pause()
        kinds = [type(item) for item in view.items]
        assert kinds == [MarkdownItem, CodeItem, MarkdownItem]
        assert answer.text == text
        assert view.items[0].copy_text() == text
        assert view.items[1].copy_text() == "print(1)"
        shown = visible_text(view)
        assert "First paragraph." in shown and "print(1)" in shown and "Last paragraph." in shown


async def test_an_open_code_block_streams_highlighted_as_one_block() -> None:
    app = ChatApp()
    async with app.run_test(size=(80, 30)) as pilot:
        view = app.query_one(ChatView)
        code = "".join(f"value_{n} = compute({n})\n" for n in range(30))
        seen = {"highlighted tail": False, "captioned tail": False}

        def check(answer: AnswerStream) -> None:
            pieces = [item for item in view.items if isinstance(item, CodeItem)]
            if answer.splitter.open_code is not None:
                assert not any(piece.gap for piece in pieces), "no gap inside the open block"
            tail = view.lines_of(answer.tail)
            styles = {segment.style for line in tail for segment in line if segment.text.strip()}
            seen["highlighted tail"] |= len(styles) > 2
            seen["captioned tail"] |= bool(pieces) and any("python" in line.text for line in tail)

        stream_answer(view, "```python\n" + code + "```\n", check)
        assert seen["highlighted tail"], "the open block is highlighted while it streams"
        assert not seen["captioned tail"], "the caption is drawn once, above the first piece"
        await pilot.pause()
        blocks = [item for item in view.items if isinstance(item, CodeItem)]
        assert len(blocks) > 1
        assert [block.gap for block in blocks] == [0] * (len(blocks) - 1) + [1]
        assert blocks[0].copy_text() == code.rstrip("\n")


async def test_control_characters_are_drawn_as_symbols() -> None:
    app = ChatApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(ChatView)
        view.add_item(NoticeItem("before \x1b[2J\x1b]0;title\x07 after"))
        view.add_item(NoticeItem("plain"))
        view.flush()
        await pilot.pause()
        line = view.lines_of(view.items[-2])[0]
        assert "\x1b" not in line.text and "\x07" not in line.text
        assert "before ␛[2J␛]0;title" in line.text and "after" in line.text
        assert line.cell_length == view.lines_of(view.items[-1])[0].cell_length
