"""What the model's proposed learnings become: list items on one line each, nothing the
memory files already say, no repeats, a bounded number of bounded lines."""

from __future__ import annotations

from openclaude_tui.core.agent.learnings import LEARNING_CHARS, MOST_LEARNINGS, parse_learnings


def test_only_list_items_are_proposals() -> None:
    answer = "Sure! These:\n\n- one\n* two\n1. three\n2) four\nNot an item\n  - five  \n"
    assert parse_learnings(answer) == ["one", "two", "three", "four", "five"]


def test_none_and_what_memory_says_are_not_proposed() -> None:
    assert parse_learnings("NONE") == []
    memory = "# Rules\n- Use  TABS.\nBuild with make\n"
    answer = "- use tabs.\n- build with make\n- Run `make check`\n- run `make check`\n"
    assert parse_learnings(answer, memory) == ["Run `make check`"]


def test_long_lines_are_cut_and_the_count_is_bounded() -> None:
    answer = "\n".join(f"- item {n} " + "x" * 400 for n in range(20))
    proposals = parse_learnings(answer)
    assert len(proposals) == MOST_LEARNINGS
    assert all(len(p) == LEARNING_CHARS and p.endswith("…") for p in proposals)
