"""The splitter that turns a streamed answer into settled blocks and a live tail."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from openclaude_tui.ui.markdown_split import Block, MarkdownSplitter


def split_all(text: str, pieces: list[int] | None = None, **options: int) -> list[Block]:
    splitter = MarkdownSplitter(**options)
    blocks: list[Block] = []
    position = 0
    for size in pieces or []:
        blocks += splitter.feed(text[position : position + size])
        position += size
    blocks += splitter.feed(text[position:])
    return blocks + splitter.finish()


def test_code_fence_becomes_its_own_block() -> None:
    text = "Intro line.\n\n```python\ndef f():\n    return 1\n```\n\nAfter the code.\n"
    assert split_all(text) == [
        Block("markdown", "Intro line."),
        Block("code", "def f():\n    return 1", "python"),
        Block("markdown", "After the code."),
    ]


def test_short_answer_stays_in_the_tail_until_finished() -> None:
    splitter = MarkdownSplitter(chunk_size=50)
    assert splitter.feed("A short paragraph.\n\nAnother one.\n") == []
    assert splitter.tail == "A short paragraph.\n\nAnother one.\n"
    assert splitter.finish() == [Block("markdown", "A short paragraph.\n\nAnother one.")]


def test_long_markdown_is_cut_only_before_a_paragraph() -> None:
    paragraph = ("word " * 20 + "\n") * 3
    splitter = MarkdownSplitter(chunk_size=100)
    blocks = splitter.feed((paragraph + "\n") * 4)
    assert blocks, "a long answer with blank lines must settle something"
    for block in blocks:
        assert block.text.count("\n") % 4 == 2, "a block holds whole three-line paragraphs"


def test_a_fence_in_the_tail_is_not_cut_at_its_blank_lines() -> None:
    code = "".join(f"line {n}\n\nmore {n}\n" for n in range(30))
    splitter = MarkdownSplitter(chunk_size=20, code_chunk_size=10_000)
    assert splitter.feed("```\n" + code) == []
    assert splitter.tail.startswith("```\n")


def test_a_very_long_code_block_is_settled_in_pieces_that_keep_the_language() -> None:
    code = "".join(f"x = {n}\n" for n in range(400))
    splitter = MarkdownSplitter(code_chunk_size=500)
    blocks = splitter.feed("```python\n" + code)
    assert len(blocks) > 3
    assert {block.language for block in blocks} == {"python"}
    assert [block.continued for block in blocks] == [False] + [True] * (len(blocks) - 1)
    assert splitter.tail.startswith("```python\n")
    rest = splitter.finish()
    assert rest[0].continued
    assert "".join(block.text + "\n" for block in blocks + rest) == code


def test_blank_lines_where_a_long_code_block_is_cut_are_kept() -> None:
    code = "".join(f"x = {n}\n\n" for n in range(100))
    splitter = MarkdownSplitter(code_chunk_size=50)
    blocks = splitter.feed("```\n" + code + "```\n")
    assert "\n".join(block.text for block in blocks) == code.rstrip("\n")


def test_a_long_tight_list_is_cut_between_items() -> None:
    text = "".join(f"{n}. item number {n} with some words\n" for n in range(1, 400))
    splitter = MarkdownSplitter(chunk_size=200)
    blocks = splitter.feed(text)
    assert blocks
    assert all(block.text[0].isdigit() for block in blocks)
    assert len(splitter.tail) < 200 * 4


def test_unclosed_fence_is_settled_as_code_at_the_end() -> None:
    blocks = split_all("Text\n\n~~~bash\necho hi\n")
    assert blocks == [Block("markdown", "Text"), Block("code", "echo hi", "bash")]


def test_a_shorter_fence_line_does_not_close_a_longer_fence() -> None:
    blocks = split_all("````md\n```\ninner\n```\n````\n")
    assert blocks == [Block("code", "```\ninner\n```", "md")]


MARKDOWN_LINES = st.sampled_from(
    [
        "",
        "plain words here",
        "# Heading",
        "- item one",
        "1. first",
        "    indented code",
        "```python",
        "```",
        "~~~",
        "| a | b |",
        "> quote",
    ]
)
FENCES = {"```python", "```", "~~~"}


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(MARKDOWN_LINES, max_size=60),
    cuts=st.lists(st.integers(min_value=1, max_value=40), max_size=30),
)
def test_any_stream_split_keeps_every_word_in_order(lines: list[str], cuts: list[int]) -> None:
    text = "\n".join(lines) + "\n"
    blocks = split_all(text, cuts, chunk_size=30, code_chunk_size=40)
    original = [word for word in text.split() if word not in FENCES]
    kept = [word for block in blocks for word in block.text.split() if word not in FENCES]
    assert kept == original


def test_the_open_fence_of_the_tail_is_known_as_code() -> None:
    splitter = MarkdownSplitter(code_chunk_size=40)
    splitter.feed("Intro.\n\n```python\nx = 1\ny")
    assert splitter.open_code == Block("code", "x = 1\ny", "python", ends=False)
    blocks = splitter.feed(" = 2\n" + "".join(f"z_{n} = {n}\n" for n in range(6)))
    assert blocks[-1].kind == "code" and not blocks[-1].ends
    code = splitter.open_code
    assert code is not None and code.continued and code.language == "python"
    assert splitter.feed("```\n")[-1].ends
    assert splitter.open_code is None
