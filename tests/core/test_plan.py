"""When a plan-mode turn presented a plan (the app then offers to carry it out)."""

from __future__ import annotations

from openclaude_tui.core.agent.plan import MIN_PROSE, presents_plan


def test_a_list_of_steps_is_a_plan_even_after_a_refused_call() -> None:
    answer = "I could not edit in plan mode. The plan:\n\n1. Raise LIMIT.\n2. Run the tests.\n"
    assert presents_plan(answer, refused_calls=1)
    assert presents_plan("- read auth.py\n- rename the attribute\n", refused_calls=0)


def test_a_short_answer_is_not_a_plan() -> None:
    assert not presents_plan("Done.", refused_calls=0)
    assert not presents_plan("1. Only one step.", refused_calls=0)


def test_an_answer_about_a_refused_call_is_not_a_plan() -> None:
    answer = "OK, the edit was refused in plan mode. " * 10
    assert len(answer) >= MIN_PROSE
    assert not presents_plan(answer, refused_calls=1)
    assert presents_plan(answer, refused_calls=0)  # the same length of prose, nothing refused
