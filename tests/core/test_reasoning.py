"""Reasoning in <think> tags, split from the answer whole and while streaming."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from openclaude_tui.core.llm.reasoning import ThinkStreamSplitter, split_reasoning


def stream(pieces: list[str]) -> tuple[str, str, bool]:
    """Feed the pieces; return the reasoning and answer shown, and the stray-close flag."""
    splitter = ThinkStreamSplitter()
    shown: dict[str, list[str]] = {"reasoning": [], "text": []}
    for piece in pieces:
        for kind, text in splitter.feed(piece):
            shown[kind].append(text)
    for kind, text in splitter.flush():
        shown[kind].append(text)
    return "".join(shown["reasoning"]), "".join(shown["text"]), splitter.stray_close


def test_no_tags_is_all_answer() -> None:
    assert split_reasoning("  Just the answer.\n") == ("", "Just the answer.")


def test_think_block_first() -> None:
    text = "<think>\nThe user wants X.\nCheck Y.\n</think>\n\nHere is X."
    assert split_reasoning(text) == ("The user wants X.\nCheck Y.", "Here is X.")


def test_thinking_tag_and_several_blocks_are_joined() -> None:
    text = "<thinking>first</thinking>Part one. <think> second </think>Part two."
    assert split_reasoning(text) == ("first\n\nsecond", "Part one. Part two.")


def test_unclosed_think_makes_the_rest_reasoning() -> None:
    assert split_reasoning("<think>still going, then cut off") == ("still going, then cut off", "")


def test_stray_close_makes_everything_before_it_reasoning() -> None:
    text = "The prompt opened the block.\nSo I reason here.\n</think>\n\nThe answer."
    assert split_reasoning(text) == (
        "The prompt opened the block.\nSo I reason here.",
        "The answer.",
    )


def test_tags_after_the_reasoning_are_literal_in_the_answer() -> None:
    text = "<think>a</think>Close a block with </think>."
    assert split_reasoning(text) == ("a", "Close a block with </think>.")


def test_tag_split_across_pieces_is_held_back() -> None:
    splitter = ThinkStreamSplitter()
    assert splitter.feed("<thi") == []
    assert splitter.feed("nk>Plan: read") == [("reasoning", "Plan: read")]
    assert splitter.feed(" it.</th") == [("reasoning", " it.")]
    assert splitter.feed("ink>\nDone <") == [("text", "Done")]
    assert splitter.feed("3") == [("text", " <3")]
    assert splitter.flush() == []
    assert not splitter.stray_close


def test_stray_close_is_flagged_for_a_resplit() -> None:
    text = "reasoning the prompt opened</think>answer"
    reasoning, answer, stray = stream(list(text))
    assert stray
    assert (reasoning, answer) == ("", "reasoning the prompt openedanswer")
    assert split_reasoning(text) == ("reasoning the prompt opened", "answer")


_FRAGMENTS = st.sampled_from(
    [
        "<think>",
        "</think>",
        "<thinking>",
        "</thinking>",
        "<think",
        "</thi",
        "<",
        ">",
        "think",
        "a",
        "b c",
        "x < y",
        " ",
        "\n",
        "\n\n",
        "\t",
    ]
)
_TEXTS = st.lists(_FRAGMENTS, max_size=30).map("".join)


@given(text=_TEXTS, data=st.data())
def test_any_chunking_gives_the_same_split(text: str, data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.sets(st.integers(0, len(text)))))
    bounds = [0, *cuts, len(text)]
    pieces = [text[start:end] for start, end in itertools.pairwise(bounds)]
    streamed = stream(pieces)
    assert streamed == stream([text])
    if not streamed[2]:
        assert streamed[:2] == split_reasoning(text)


@given(
    answer=_TEXTS.filter(lambda text: "</think" not in text),
    data=st.data(),
)
def test_answers_streamed_after_reasoning_match(answer: str, data: st.DataObject) -> None:
    text = "<think>" + answer + "</think>" + answer
    cuts = sorted(data.draw(st.sets(st.integers(0, len(text)))))
    bounds = [0, *cuts, len(text)]
    reasoning, shown, stray = stream([text[start:end] for start, end in itertools.pairwise(bounds)])
    assert not stray
    assert (reasoning, shown) == split_reasoning(text)
