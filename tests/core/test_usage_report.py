"""What a saved session used, as ``/cost`` counts it: each turn's requests, tokens, the
model's and the tools' seconds and cost, read from a real run's transcript, and a resumed
session counted from its first turn."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from openclaude_tui.core.events import Event
from openclaude_tui.core.permissions.policy import Decision, PermissionRequest
from openclaude_tui.core.sessions.transcript import read_transcript
from openclaude_tui.core.sessions.usage import usage_report
from openclaude_tui.core.settings.prices import Price
from tests.helpers.sessions import notes_project, session_in, transcripts
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, ToolCallSpec, Turn
from tests.scripted_server.protocol import estimate_completion_tokens

READ = ToolCallSpec("Read", {"file_path": "notes.txt"})
PRICES = {DEFAULT_MODEL: Price(input=2.0, output=10.0)}


async def _allow(request: PermissionRequest) -> Decision:
    return Decision("allow_once")


def _ticking() -> itertools.count[float]:
    """A clock one second further at every reading: a request or a call takes 1 s."""
    return itertools.count(0.0, 1.0)


def _home() -> Path:
    return Path(os.environ["OPENCLAUDE_HOME"])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return notes_project(tmp_path)


async def test_each_turn_counts_its_requests_tokens_times_and_cost(project: Path) -> None:
    turns = [
        Turn(tool_calls=[READ], prompt_tokens=1_000),
        Turn(text="alpha and beta", prompt_tokens=1_200),
        Turn(text="done", prompt_tokens=1_500),
    ]
    events: list[Event] = []
    ticks = _ticking()
    with ScriptedServer(turns) as server:
        session = session_in(project, server, events.append, _allow, lambda: next(ticks))
        await session.run_turn("read notes.txt")
        await session.run_turn("thanks")
        await session.close()
    (path,) = transcripts(_home())
    report = usage_report(read_transcript(path).records, PRICES)
    first, second = report.turns
    out = [estimate_completion_tokens(turn) for turn in turns]
    assert (first.label, first.requests, first.tokens_in, first.tokens_out) == (
        "read notes.txt",
        2,
        2_200,
        out[0] + out[1],
    )
    assert (first.model_seconds, first.tool_seconds) == (2.0, 1.0)
    assert (second.requests, second.tokens_in, second.tokens_out) == (1, 1_500, out[2])
    assert (second.model_seconds, second.tool_seconds) == (1.0, 0.0)
    whole = report.session
    assert (whole.requests, whole.tokens_in, whole.tokens_out) == (3, 3_700, sum(out))
    assert whole.cost == pytest.approx((3_700 * 2.0 + sum(out) * 10.0) / 1_000_000)
    assert whole.priced and whole.unpriced == 0
    # No price for the model: nothing is priced, the counts stay.
    unpriced = usage_report(read_transcript(path).records, {}).session
    assert not unpriced.priced and unpriced.tokens_in == 3_700


async def test_a_resumed_session_counts_every_turn_since_it_began(project: Path) -> None:
    turns = [Turn(text="one", prompt_tokens=100), Turn(text="two", prompt_tokens=300)]
    events: list[Event] = []
    with ScriptedServer(turns) as server:
        first = session_in(project, server, events.append, _allow)
        await first.run_turn("first")
        await first.close()
        (path,) = transcripts(_home())
        resumed = session_in(project, server, events.append, _allow)
        resumed.resume(path)
        await resumed.run_turn("second")
        # The status bar's totals are the whole session's too.
        assert resumed.usage[1] == 400
        saved = resumed.saved()
        await resumed.close()
    assert saved is not None
    report = usage_report(saved.records, PRICES)
    assert [turn.label for turn in report.turns] == ["first", "second"]
    assert (report.session.requests, report.session.tokens_in) == (2, 400)


def test_requests_without_token_counts_are_neither_counted_nor_priced() -> None:
    records = [
        {"type": "session", "model": DEFAULT_MODEL},
        {"type": "prompt", "text": "hi"},
        {"type": "usage", "prompt_tokens": 900, "completion_tokens": 0, "estimated": True,
         "seconds": 2.5},
        {"type": "model", "model": "local-model"},
        {"type": "usage", "prompt_tokens": 50, "completion_tokens": 5, "seconds": 0.5},
    ]  # fmt: skip
    tally = usage_report(records, PRICES).session
    assert (tally.requests, tally.uncounted, tally.tokens_in, tally.tokens_out) == (2, 1, 50, 5)
    assert tally.model_seconds == 3.0
    # Neither the uncounted request nor the unpriced model's cost anything known.
    assert (tally.unpriced, tally.priced) == (2, False)
