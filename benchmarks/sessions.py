"""Saved sessions benchmark: opening a long session, listing many, appending to a long one.

Sessions are written by the real recorder (``core.sessions.recorder``) under a temporary
``OPENCLAUDE_HOME``: each exchange is a prompt, an assistant message with a tool call, the
call's card, its result (2 KB of file text), the finished card, usage, and an answer.
Measured, as medians of a few runs:

* open: reading a transcript of 10, 1,000 and 2,000 messages and turning it into what the
  app shows (``read_transcript`` + ``replay``);
* list: the picker's listing of a project with 1,000 saved sessions (``list_sessions``);
* append: the cost of recording one event that adds a message (the line written, no fsync),
  early in a session and after 2,000 messages; if appending grew with the session, the
  second would be larger.

Run: ``python benchmarks/sessions.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openclaude_tui.core.events import (  # noqa: E402
    AssistantMessage,
    ToolCallFinished,
    ToolCallStarted,
    TurnFinished,
    Usage,
)
from openclaude_tui.core.sessions import store  # noqa: E402
from openclaude_tui.core.sessions.recorder import Recorder  # noqa: E402
from openclaude_tui.core.sessions.replay import replay  # noqa: E402
from openclaude_tui.core.sessions.transcript import read_transcript  # noqa: E402

FILE_TEXT = "".join(f"{n:6}\tdef function_{n}(value):  return value * {n}\n" for n in range(40))


def exchange(recorder: Recorder, messages: list[dict[str, Any]], n: int) -> None:
    """One prompt, a tool call with its result, and an answer: four messages."""
    prompt = f"question {n}: what does module_{n}.py do?"
    recorder.prompt(prompt)
    messages.append({"role": "user", "content": prompt})
    call_id = f"call_{n}"
    arguments = f'{{"file_path": "module_{n}.py"}}'
    call = {"id": call_id, "type": "function", "function": {"name": "Read", "arguments": arguments}}
    messages.append({"role": "assistant", "content": "", "tool_calls": [call]})
    recorder.event(Usage(5000 + n, 40, 5000 * n, 40 * n), messages)
    recorder.event(AssistantMessage("", 1), messages)
    recorder.event(ToolCallStarted(call_id, "Read", {}, f"module_{n}.py"), messages)
    messages.append({"role": "tool", "tool_call_id": call_id, "content": FILE_TEXT})
    recorder.event(ToolCallFinished(call_id, "Read", FILE_TEXT, "done", 0.01), messages)
    answer = f"module_{n}.py defines 40 small functions that multiply their argument."
    messages.append({"role": "assistant", "content": answer})
    recorder.event(AssistantMessage(answer, 0), messages)
    recorder.event(TurnFinished("end_turn", answer, 2), messages)


def saved_session(project: Path, message_count: int) -> tuple[Path, Recorder, list[Any]]:
    """A session of ``project`` with ``message_count`` messages, still open for appending."""
    recorder = Recorder.new(project, "bench-model", ())
    messages: list[dict[str, Any]] = []
    for n in range(message_count // 4):
        exchange(recorder, messages, n)
    path = store.transcript_path(recorder.folder, recorder.session_id)
    return path, recorder, messages


def open_seconds(path: Path) -> float:
    started = time.perf_counter()
    replay(read_transcript(path))
    return time.perf_counter() - started


def append_micros(recorder: Recorder, messages: list[dict[str, Any]], count: int = 400) -> float:
    """Mean microseconds to record one event that adds a message (no fsync)."""
    gc.collect()  # both start from a collected heap: a collection is not charged to one
    started = time.perf_counter()
    for n in range(count):
        messages.append({"role": "assistant", "content": f"note {n}"})
        recorder.event(AssistantMessage(f"note {n}", 0), messages)
    return (time.perf_counter() - started) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["OPENCLAUDE_HOME"] = home
        project = Path(home) / "project"
        project.mkdir()
        print("open (read + replay), median of", args.repeat)
        for size in (10, 1_000, 2_000):
            path, recorder, _ = saved_session(project, size)
            recorder.writer.close()
            kb = path.stat().st_size / 1024
            times = [open_seconds(path) for _ in range(args.repeat)]
            print(f"  {size:>5} messages ({kb:,.0f} KB): {statistics.median(times) * 1000:7.1f} ms")

        many = Path(home) / "many"
        many.mkdir()
        for _ in range(1_000):
            recorder = Recorder.new(many, "bench-model", ())
            exchange(recorder, [], 0)
            recorder.writer.close()
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            listed = store.list_sessions(many)
            times.append(time.perf_counter() - started)
        print(f"list {len(listed)} sessions: {statistics.median(times) * 1000:7.1f} ms")

        _, early, early_messages = saved_session(project, 8)
        _, late, late_messages = saved_session(project, 2_000)
        first = [append_micros(early, early_messages) for _ in range(args.repeat)]
        last = [append_micros(late, late_messages) for _ in range(args.repeat)]
        print(
            f"append one event: {statistics.median(first):6.1f} µs after 8 messages, "
            f"{statistics.median(last):6.1f} µs after 2,000 "
            f"(ratio {statistics.median(last) / statistics.median(first):.2f})"
        )


if __name__ == "__main__":
    main()
