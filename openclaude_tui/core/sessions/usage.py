"""What a saved session used: requests, tokens in and out, the time spent waiting on the
model and on tools, and what it cost, per turn and for the whole session (``/cost``).

Read from the transcript's records, so a resumed session counts from its first turn: each
``usage`` record is one model request (its tokens, its seconds), each ``tool_done`` one
tool call (its duration), each ``prompt`` starts a turn, and the ``session`` and ``model``
records say which model a request went to, hence its price. A sub-agent's request (a
``usage`` record with an ``agent``) counts in the turn of its Task call, priced by the
model it names, and in the turn's share of its agent type (``Tally.subagents``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from openclaude_tui.core.settings.prices import Price


@dataclass
class Tally:
    """What one turn (or the whole session) used.

    Attributes:
        label: What it is (the turn's prompt, or "session").
        requests: Model requests made.
        tokens_in: Prompt tokens the server reported.
        tokens_out: Answer tokens the server reported.
        uncounted: Requests the server reported no tokens for (their tokens are left out).
        model_seconds: Seconds spent waiting for the model's answers.
        tool_seconds: Seconds the tool calls ran.
        cost: US dollars, for the requests whose model has a price.
        unpriced: Requests whose model has no price (or whose tokens were not counted).
        subagents: Of all that, what sub-agents used, by agent type (their tools' time
            is in the Task calls' time).
    """

    label: str
    requests: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    uncounted: int = 0
    model_seconds: float = 0.0
    tool_seconds: float = 0.0
    cost: float = 0.0
    unpriced: int = 0
    subagents: dict[str, Tally] = field(default_factory=dict)

    def add(self, other: Tally) -> None:
        """Count ``other`` in too."""
        self.requests += other.requests
        self.tokens_in += other.tokens_in
        self.tokens_out += other.tokens_out
        self.uncounted += other.uncounted
        self.model_seconds += other.model_seconds
        self.tool_seconds += other.tool_seconds
        self.cost += other.cost
        self.unpriced += other.unpriced
        for agent, part in other.subagents.items():
            self.subagents.setdefault(agent, Tally(agent)).add(part)

    @property
    def priced(self) -> bool:
        """Whether any request of it had a price (else its cost is "n/a")."""
        return self.requests > self.unpriced


@dataclass
class UsageReport:
    """A session's usage: each turn's, and the whole session's."""

    turns: list[Tally] = field(default_factory=list)
    session: Tally = field(default_factory=lambda: Tally("session"))


def usage_report(records: Iterable[dict[str, Any]], prices: Mapping[str, Price]) -> UsageReport:
    """Count ``records`` (a transcript's, in order) with the models' ``prices``."""
    report = UsageReport()
    model = ""
    turn: Tally | None = None
    for record in records:
        kind = record.get("type")
        if kind in ("session", "model"):
            model = str(record.get("model") or model)
            continue
        if kind == "prompt":
            turn = Tally(str(record.get("text", "")))
            report.turns.append(turn)
            continue
        if kind not in ("usage", "tool_done"):
            continue
        if turn is None:
            # Used before any prompt (a user's ! command): a turn of its own.
            turn = Tally("(before the first prompt)")
            report.turns.append(turn)
        if kind == "usage":
            price = prices.get(str(record.get("model") or model))
            _count_request(turn, record, price)
            agent = record.get("agent")
            if agent is not None:
                part = turn.subagents.setdefault(str(agent), Tally(str(agent)))
                _count_request(part, record, price)
        elif kind == "tool_done":
            turn.tool_seconds += _number(record.get("duration"))
    for tally in report.turns:
        report.session.add(tally)
    return report


def _count_request(turn: Tally, record: dict[str, Any], price: Price | None) -> None:
    turn.requests += 1
    turn.model_seconds += _number(record.get("seconds"))
    if record.get("estimated"):
        # The server said nothing of this request's tokens: neither counted nor priced.
        turn.uncounted += 1
        turn.unpriced += 1
        return
    tokens_in = int(_number(record.get("prompt_tokens")))
    tokens_out = int(_number(record.get("completion_tokens")))
    turn.tokens_in += tokens_in
    turn.tokens_out += tokens_out
    if price is None:
        turn.unpriced += 1
    else:
        turn.cost += price.cost(tokens_in, tokens_out)


def _number(value: Any) -> float:
    """A record's number (0 when a damaged or older record lacks it)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    return float(value)
