"""Whether a turn in plan mode ended by presenting a plan (the app then offers to carry it out).

The rule: the turn's final answer (the model's last text, sent without tool calls) is a plan
when it lists at least ``MIN_STEPS`` steps (numbered or bulleted lines), or, when no call was
refused during the turn, when it is at least ``MIN_PROSE`` characters long. A short answer is
not a plan, nor is an answer about a refused call that lists no steps ("OK, the edit was
refused in plan mode; switch modes and I will make it"): carrying *that* out would run
changes nobody has read.
"""

from __future__ import annotations

import re

MIN_STEPS = 2
MIN_PROSE = 300
_STEP = re.compile(r"^[ \t]*(?:\d{1,2}[.)]|[-*+])[ \t]+\S", re.MULTILINE)


def presents_plan(answer: str, refused_calls: int) -> bool:
    """Whether ``answer``, a plan-mode turn's final answer, presents a plan.

    Args:
        answer: The text of the turn's final answer.
        refused_calls: How many tool calls were refused (denied) during the turn.
    """
    text = answer.strip()
    if len(_STEP.findall(text)) >= MIN_STEPS:
        return True
    return refused_calls == 0 and len(text) >= MIN_PROSE
