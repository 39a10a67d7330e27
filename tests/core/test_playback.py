"""A saved session's pace for ``openclaude replay``: answers stream over the time their
request took, long pauses are cut short, and the player pauses and changes speed."""

from __future__ import annotations

import asyncio

import pytest

from openclaude_tui.core.events import (
    AssistantMessage,
    TextDelta,
    ToolCallFinished,
    ToolCallRunning,
    ToolCallStarted,
    Usage,
)
from openclaude_tui.core.sessions.playback import (
    LONGEST_PAUSE,
    SPEEDS,
    UNTIMED_PAUSE,
    Player,
    Step,
    steps,
)
from openclaude_tui.core.sessions.replay import Moment, Replayed, ReplayedPrompt, timeline
from openclaude_tui.core.sessions.transcript import Transcript

USAGE = Usage(100, 10, 100, 10)


def test_an_answer_streams_over_the_time_its_request_took() -> None:
    moments = [
        Moment(10.0, ReplayedPrompt("hi")),
        Moment(13.0, USAGE),
        Moment(13.0, TextDelta("one two three four")),
        Moment(13.0, AssistantMessage("one two three four", 0)),
    ]
    paced = steps(moments)
    texts = [step for step in paced if isinstance(step.item, TextDelta)]
    assert "".join(step.item.text for step in texts) == "one two three four"  # type: ignore[union-attr]
    assert len(texts) == 4
    assert sum(step.delay for step in texts) == pytest.approx(3.0)
    # The usage follows its answer's text, at once.
    assert [type(step.item) for step in paced[-2:]] == [Usage, AssistantMessage]
    assert [step.delay for step in paced[-2:]] == [0.0, 0.0]


def test_a_long_pause_is_cut_short_and_a_transcript_without_times_gets_a_steady_pace() -> None:
    started = ToolCallStarted("c1", "Bash", {}, "make")
    timed = steps(
        [
            Moment(0.0, ReplayedPrompt("build")),
            Moment(1.0, started),
            Moment(3_600.0, ToolCallFinished("c1", "Bash", "ok", "done", 3_599.0)),
        ]
    )
    assert [step.delay for step in timed] == [0.0, 1.0, 0.0, LONGEST_PAUSE]
    # The card runs while the call did (the transcript keeps no such step).
    assert timed[2].item == ToolCallRunning("c1")
    untimed = steps([Moment(None, ReplayedPrompt("a")), Moment(None, AssistantMessage("", 0))])
    assert [step.delay for step in untimed] == [0.0, UNTIMED_PAUSE]


def test_the_timeline_of_a_transcript_keeps_each_records_time() -> None:
    transcript = Transcript(
        records=[
            {"type": "prompt", "text": "hi", "at": 5.0},
            {
                "type": "usage",
                "prompt_tokens": 9,
                "completion_tokens": 1,
                "total_prompt_tokens": 9,
                "total_completion_tokens": 1,
                "seconds": 1.5,
                "at": 6.5,
            },
            {"type": "message", "message": {"role": "assistant", "content": "yo"}, "at": 6.5},
        ]
    )
    moments = timeline(transcript)
    assert [(m.at, type(m.item).__name__) for m in moments] == [
        (5.0, "ReplayedPrompt"),
        (6.5, "Usage"),
        (6.5, "TextDelta"),
        (6.5, "AssistantMessage"),
    ]
    assert moments[1].item == Usage(9, 1, 9, 1, False, 1.5)


async def test_a_paused_player_shows_nothing_until_it_goes_on() -> None:
    shown: list[Replayed] = []
    player = Player([Step(0.0, ReplayedPrompt("a")), Step(0.01, ReplayedPrompt("b"))], shown.append)
    player.toggle_pause()
    playing = asyncio.create_task(player.play())
    for _ in range(20):
        await asyncio.sleep(0)
    assert shown == [] and player.paused and not player.finished
    player.toggle_pause()
    await playing
    assert shown == [ReplayedPrompt("a"), ReplayedPrompt("b")] and player.finished


def test_the_speed_steps_through_the_listed_speeds_and_stops_at_either_end() -> None:
    changes: list[float] = []
    player = Player([], lambda item: None, speed=1.0, changed=lambda: changes.append(player.speed))
    assert [player.faster() for _ in range(len(SPEEDS))][-1] == SPEEDS[-1]
    assert [player.slower() for _ in range(len(SPEEDS) + 1)][-1] == SPEEDS[0]
    assert changes[:2] == [2.0, 4.0]
