"""``/cost`` as shown: a Markdown table of the last turns and the whole session."""

from __future__ import annotations

from openclaude_tui.core.sessions.usage import Tally, UsageReport
from openclaude_tui.ui.widgets.tool_card import format_duration

# The turns listed one a row (the session's row counts them all).
TURNS_SHOWN = 8
LABEL_WIDTH = 28
HEADER = "| Turn | Requests | In | Out | Model | Tools | Cost |\n|---|--:|--:|--:|--:|--:|--:|"
SUBAGENTS_NOTE = (
    "↳ rows: the part of the row above that sub-agents (Task calls) used, counted in it; "
    "their tools' time is in the Task calls'."
)
LEGEND = (
    "In and Out: tokens sent and received. Model: time spent waiting on the model; "
    "Tools: time the tools ran."
)


def cost_body(report: UsageReport, model: str, priced: bool) -> str:
    """The panel's Markdown: the table, then what the figures leave out.

    Args:
        report: The session's usage.
        model: The model in use now.
        priced: Whether the price table has a row for it.
    """
    turns = report.turns[-TURNS_SHOWN:]
    first = len(report.turns) - len(turns) + 1
    rows: list[str] = []
    if len(report.turns) > len(turns):
        rows.append(f"| … {first - 1} earlier turns | | | | | | |")
    for number, turn in enumerate(turns, start=first):
        rows += [_row(f"{number} · {_label(turn.label)}", turn), *_subagent_rows(turn)]
    rows += [_row("**This session**", report.session), *_subagent_rows(report.session)]
    notes = [LEGEND]
    if report.session.subagents:
        notes.append(SUBAGENTS_NOTE)
    if report.session.uncounted:
        notes.append(
            f"{report.session.uncounted} request(s) had no token counts from the server "
            "(left out of the tokens and the cost)."
        )
    if not priced:
        notes.append(
            f'No price for {model or "this model"}: cost is n/a. Add `[prices."{model}"]` '
            "with `input` and `output` (US dollars per million tokens) to your config."
        )
    return "\n".join([HEADER, *rows]) + "".join(f"\n\n{note}" for note in notes)


def _row(label: str, tally: Tally, tools: bool = True) -> str:
    cells = (
        label,
        f"{tally.requests:,}",
        f"{tally.tokens_in:,}",
        f"{tally.tokens_out:,}",
        format_duration(tally.model_seconds),
        format_duration(tally.tool_seconds) if tools else "",
        cost(tally),
    )
    return "| " + " | ".join(cells) + " |"


def _subagent_rows(tally: Tally) -> list[str]:
    """The row under ``tally``'s with the part of it its sub-agents used (none: no row)."""
    if not tally.subagents:
        return []
    part = Tally("sub-agents")
    for agent in tally.subagents.values():
        part.add(agent)
    names = ", ".join(sorted(tally.subagents))
    return [_row(f"↳ {_label(f'sub-agents: {names}')}", part, tools=False)]


def _label(prompt: str) -> str:
    line = " ".join(prompt.split())
    if len(line) > LABEL_WIDTH:
        line = line[: LABEL_WIDTH - 1] + "…"
    return line.replace("|", "\\|") or "(empty)"


def cost(tally: Tally) -> str:
    """``$0.0123``; ``n/a`` when no request had a price; ``≥ $…`` when only some had."""
    if not tally.priced:
        return "n/a"
    amount = f"${tally.cost:.4f}" if tally.cost < 1 else f"${tally.cost:,.2f}"
    return f"≥ {amount}" if tally.unpriced else amount
