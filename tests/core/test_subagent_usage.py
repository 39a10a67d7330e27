"""What a sub-agent's requests use counts where the user sees usage: the session's totals,
the transcript's ``usage`` records (``/cost``, priced by the sub-agent's own model), a
resumed session and print mode's output; never the parent's context figure."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
from pathlib import Path

import pytest

from openclaude_tui.core.events import Event, SubagentUsage, TextDelta, Usage
from openclaude_tui.core.sessions.playback import steps
from openclaude_tui.core.sessions.replay import replay, timeline
from openclaude_tui.core.sessions.transcript import read_transcript
from openclaude_tui.core.sessions.usage import usage_report
from openclaude_tui.core.settings.prices import Price
from tests.helpers.print_mode import openclaude
from tests.helpers.sessions import allow_everything, notes_project, session_in, transcripts
from tests.helpers.subagents import (
    PARENT_TURNS,
    SMALL_MODEL,
    SUBAGENT_TURNS,
    TASK_PROMPT,
    TASK_TURNS,
    define_quick_agent,
)
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, Turn
from tests.scripted_server.protocol import estimate_completion_tokens

MODELS = (DEFAULT_MODEL, SMALL_MODEL)
# The sub-agent's model costs far less than the parent's: a price taken from the wrong
# model shows in the cost.
PRICES = {DEFAULT_MODEL: Price(input=3.0, output=15.0), SMALL_MODEL: Price(0.1, 0.2)}
PARENT_OUT = [estimate_completion_tokens(turn) for turn in PARENT_TURNS]
SUBAGENT_OUT = [estimate_completion_tokens(turn) for turn in SUBAGENT_TURNS]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = notes_project(tmp_path)
    define_quick_agent(root)
    return root


def _home() -> Path:
    return Path(os.environ["OPENCLAUDE_HOME"])


async def _task_turn(project: Path, events: list[Event]) -> tuple[int | None, int, int]:
    """Run the turn whose Task call a ``quick`` sub-agent answers; the session's usage."""
    ticks = itertools.count(0.0, 1.0)  # a request takes 1 s
    with ScriptedServer(TASK_TURNS, models=MODELS) as server:
        session = session_in(project, server, events.append, allow_everything, lambda: next(ticks))
        finished = await session.run_turn(TASK_PROMPT)
        usage = session.usage
        await session.close()
        models = [request.body["model"] for request in server.chat_requests]
    assert finished.reason == "end_turn", finished.detail
    assert models == [DEFAULT_MODEL, SMALL_MODEL, SMALL_MODEL, DEFAULT_MODEL]
    return usage


async def test_a_sub_agents_requests_count_in_the_totals_but_not_in_the_context(
    project: Path,
) -> None:
    events: list[Event] = []
    last_prompt, tokens_in, tokens_out = await _task_turn(project, events)
    # The parent's own requests: the context figure is its last prompt's.
    own = [e for e in events if isinstance(e, Usage)]
    assert [e.prompt_tokens for e in own] == [1_000, 1_500]
    # The sub-agent's, each its own event naming the Task call, its type and its model, and
    # counted in the session's totals as it comes.
    theirs = [e for e in events if isinstance(e, SubagentUsage)]
    assert [(e.call_id, e.agent, e.model) for e in theirs] == [("task-1", "quick", SMALL_MODEL)] * 2
    requests = [e.usage for e in theirs]
    assert [(u.prompt_tokens, u.completion_tokens) for u in requests] == list(
        zip([400, 600], SUBAGENT_OUT, strict=True)
    )
    assert [u.total_prompt_tokens for u in requests] == [1_400, 2_000]
    assert [u.seconds for u in requests] == [1.0, 1.0]
    out = sum(PARENT_OUT) + sum(SUBAGENT_OUT)
    assert (own[-1].total_prompt_tokens, own[-1].total_completion_tokens) == (3_500, out)
    assert (last_prompt, tokens_in, tokens_out) == (1_500, 3_500, out)


async def test_cost_counts_a_sub_agents_requests_in_its_turn_priced_by_its_model(
    project: Path,
) -> None:
    await _task_turn(project, [])
    (path,) = transcripts(_home())
    records = read_transcript(path).records
    theirs = [r for r in records if r["type"] == "usage" and "agent" in r]
    assert [(r["agent"], r["call_id"], r["model"], r["prompt_tokens"]) for r in theirs] == [
        ("quick", "task-1", SMALL_MODEL, 400),
        ("quick", "task-1", SMALL_MODEL, 600),
    ]
    report = usage_report(records, PRICES)
    (turn,) = report.turns
    parent_cost = PRICES[DEFAULT_MODEL].cost(2_500, sum(PARENT_OUT))
    subagent_cost = PRICES[SMALL_MODEL].cost(1_000, sum(SUBAGENT_OUT))
    assert (turn.label, turn.requests, turn.tokens_in) == (TASK_PROMPT, 4, 3_500)
    assert turn.tokens_out == sum(PARENT_OUT) + sum(SUBAGENT_OUT)
    assert turn.model_seconds == 4.0
    assert turn.cost == pytest.approx(parent_cost + subagent_cost)
    # The turn's share of its sub-agents, by type.
    (quick,) = turn.subagents.values()
    assert (quick.label, quick.requests, quick.tokens_in) == ("quick", 2, 1_000)
    assert (quick.tokens_out, quick.model_seconds) == (sum(SUBAGENT_OUT), 2.0)
    assert quick.cost == pytest.approx(subagent_cost)
    assert report.session.subagents["quick"].requests == 2
    assert report.session.cost == pytest.approx(turn.cost) and report.session.unpriced == 0


async def test_a_resumed_session_shows_and_goes_on_from_the_totals_with_sub_agents(
    project: Path,
) -> None:
    await _task_turn(project, [])
    (path,) = transcripts(_home())
    transcript = read_transcript(path)
    # The conversation rebuilt is the parent's alone: the sub-agent's is not in it.
    assert [m["role"] for m in transcript.messages] == ["user", "assistant", "tool", "assistant"]
    assert transcript.messages[2]["content"] == "Its first line is alpha."
    # Shown again: the parent's last usage (its context, the session's totals) only.
    shown = replay(transcript)
    usages = [item for item in shown if isinstance(item, Usage | SubagentUsage)]
    assert len(usages) == 1 and isinstance(usages[0], Usage)
    assert (usages[0].prompt_tokens, usages[0].total_prompt_tokens) == (1_500, 3_500)
    # Played back: the sub-agent's requests are steps of their own, no answer's text.
    played = [step.item for step in steps(timeline(transcript))]
    assert sum(isinstance(item, SubagentUsage) for item in played) == 2
    answer = "".join(item.text for item in played if isinstance(item, TextDelta))
    assert answer == "notes.txt starts with alpha."
    # Going on, the totals count from the first turn, the sub-agent's requests included.
    with ScriptedServer([Turn(text="ok", prompt_tokens=200)], models=MODELS) as server:
        resumed = session_in(project, server, lambda event: None, allow_everything)
        resumed.resume(path)
        await resumed.run_turn("thanks")
        usage = resumed.usage
        await resumed.close()
    assert usage[:2] == (200, 3_700)


async def test_a_turn_stopped_after_a_sub_agents_request_resumes_with_its_totals(
    project: Path,
) -> None:
    turns = [*TASK_TURNS[:3], Turn(keep_alive_forever=True)]
    with ScriptedServer(turns, models=MODELS) as server:
        session = session_in(project, server, lambda event: None, allow_everything)
        running = asyncio.ensure_future(session.run_turn(TASK_PROMPT))
        # The parent's request after the Task call: the sub-agent's are recorded.
        while len(server.chat_requests) < 4:
            await asyncio.sleep(0.02)
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        await session.close()
    (path,) = transcripts(_home())
    shown = replay(read_transcript(path))
    usage, totals = shown[-2:]
    # The context is the parent's first prompt; the totals the sub-agent's last left.
    assert isinstance(usage, Usage) and usage.prompt_tokens == 1_000
    assert isinstance(totals, SubagentUsage) and totals.usage.total_prompt_tokens == 2_000


def test_print_mode_reports_a_sub_agents_tokens(project: Path, tmp_path: Path) -> None:
    with ScriptedServer(TASK_TURNS + TASK_TURNS, models=MODELS) as server:
        flags = (
            "-p",
            TASK_PROMPT,
            "--base-url",
            server.base_url,
            "--model",
            DEFAULT_MODEL,
            "--output-format",
        )
        whole = openclaude(project, tmp_path / "home", *flags, "json")
        streamed = openclaude(project, tmp_path / "home", *flags, "stream-json")
    assert whole.returncode == 0, whole.stderr
    result = json.loads(whole.stdout)
    assert result["usage"] == {
        "prompt_tokens": 3_500,
        "completion_tokens": sum(PARENT_OUT) + sum(SUBAGENT_OUT),
    }
    assert streamed.returncode == 0, streamed.stderr
    lines = [json.loads(line) for line in streamed.stdout.splitlines()]
    theirs = [line for line in lines if line["type"] == "subagent_usage"]
    assert [(t["agent"], t["model"], t["usage"]["prompt_tokens"]) for t in theirs] == [
        ("quick", SMALL_MODEL, 400),
        ("quick", SMALL_MODEL, 600),
    ]
    assert [line["prompt_tokens"] for line in lines if line["type"] == "usage"] == [1_000, 1_500]
