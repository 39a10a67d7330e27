"""Saved sessions: what a transcript holds, damaged lines, pruning, resuming after a
compaction, and the session id print mode reports. Real runs against the scripted server,
real files under a private OPENCLAUDE_HOME."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from openclaude_tui.core.events import (
    AssistantMessage,
    Event,
    Notice,
    ToolCallFinished,
    ToolCallStarted,
)
from openclaude_tui.core.permissions.policy import Decision, PermissionRequest
from openclaude_tui.core.session import Session
from openclaude_tui.core.sessions import store
from openclaude_tui.core.sessions.recorder import Recorder
from openclaude_tui.core.sessions.replay import ReplayedPrompt, replay
from openclaude_tui.core.sessions.transcript import read_transcript
from tests.helpers.print_mode import openclaude
from tests.helpers.sessions import notes_project, records, session_in, transcripts
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, ToolCallSpec, Turn


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return notes_project(tmp_path)


def _home() -> Path:
    return Path(os.environ["OPENCLAUDE_HOME"])


def _flags(server: ScriptedServer) -> list[str]:
    return ["--base-url", server.base_url, "-m", DEFAULT_MODEL]


async def _allow(request: PermissionRequest) -> Decision:
    return Decision("allow_once")


def _session(root: Path, server: ScriptedServer, events: list[Event]) -> Session:
    return session_in(root, server, events.append, _allow)


def test_a_run_is_saved_with_its_prompt_call_result_answer_and_how_it_ended(
    project: Path,
) -> None:
    read = ToolCallSpec("Read", {"file_path": "notes.txt"})
    with ScriptedServer([Turn(tool_calls=[read]), Turn(text="alpha and beta")]) as server:
        done = openclaude(project, _home(), "-p", "read notes.txt", *_flags(server))
    assert done.returncode == 0, done.stderr
    (path,) = transcripts(_home())
    kinds = [r["type"] for r in records(path)]
    assert kinds[:3] == ["session", "mode", "prompt"]
    assert kinds.count("message") == 3 and kinds[-1] == "turn_end"
    assert {"tool", "tool_done", "usage"} <= set(kinds)
    loaded = read_transcript(path)
    assert [m["role"] for m in loaded.messages] == ["user", "assistant", "tool", "assistant"]
    assert "beta" in loaded.messages[2]["content"]
    assert loaded.first_prompt == "read notes.txt" and loaded.model == DEFAULT_MODEL
    listed = store.list_sessions(project)
    assert [(s.id, s.messages, s.first_prompt) for s in listed] == [
        (path.stem, 4, "read notes.txt")
    ]


@pytest.mark.parametrize(
    ("tail", "said"),
    [
        ('{"type":"message","message":{"role":"assistant","con', "damaged"),
        ('{"type":"bookmark","files":[]}\n', "unknown record type 'bookmark'"),
        (b"\xff\xfe garbage\n".decode("latin-1"), "damaged"),
    ],
    ids=["torn", "unknown", "not-utf8"],
)
def test_a_damaged_or_unknown_last_line_is_skipped_with_a_notice_and_the_run_goes_on(
    project: Path, tail: str, said: str
) -> None:
    with ScriptedServer(["first answer", "second answer"]) as server:
        assert openclaude(project, _home(), "-p", "hello", *_flags(server)).returncode == 0
        (path,) = transcripts(_home())
        with path.open("ab") as stream:
            stream.write(tail.encode("latin-1"))
        done = openclaude(project, _home(), "-p", "--continue", "and now?", *_flags(server))
        sent = server.chat_requests[-1].messages
    assert done.returncode == 0, done.stderr
    assert said in done.stderr and "Traceback" not in done.stderr
    assert [m.get("content") for m in sent[1:]] == ["hello", "first answer", "and now?"]


def test_a_damaged_line_in_the_middle_loses_only_that_line(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    lines = [
        '{"type":"prompt","text":"one"}',
        "{not json",
        '{"type":"message","message":{"role":"assistant","content":"two"}}',
        "[1, 2]",
    ]
    path.write_text("\n".join(lines) + "\n")
    loaded = read_transcript(path)
    assert [m["content"] for m in loaded.messages] == ["one", "two"]
    assert [n.split(":")[1].strip()[:6] for n in loaded.notices] == ["line 2", "line 4"]


async def test_a_session_resumed_after_a_compaction_sends_the_summary_not_what_it_replaced(
    project: Path,
) -> None:
    read = ToolCallSpec("Read", {"file_path": "notes.txt"})
    turns = [
        Turn(tool_calls=[read]),
        Turn(text="It says alpha and beta. " + "x" * 600),
        Turn(text="Second answer. " + "y" * 600),
        Turn(text="SUMMARY: notes.txt holds alpha and beta."),
        Turn(text="Resumed."),
    ]
    events: list[Event] = []
    with ScriptedServer(turns) as server:
        first = _session(project, server, events)
        await first.run_turn("what does notes.txt say?")
        await first.run_turn("and then?")
        assert await first.compact() is not None
        assert first.agent is not None
        compacted = [dict(m) for m in first.agent.messages]
        session_id = first.session_id
        await first.close()

        again = _session(project, server, events)
        path = store.find_session(project, session_id)
        again.resume(path)
        finished = await again.run_turn("go on")
        await again.close()
        sent = server.chat_requests[-1].messages
    assert finished.reason == "end_turn" and finished.text == "Resumed."
    assert sent[1:] == [*compacted, {"role": "user", "content": "go on"}]
    text = json.dumps(sent)
    assert "SUMMARY: notes.txt holds alpha and beta." in text and "x" * 600 not in text
    assert any(r["type"] == "history" for r in records(path))


def _saved(project: Path, age_days: float) -> Path:
    """A saved session of ``project`` last changed ``age_days`` ago."""
    folder = store.project_dir(project)
    store.make_dirs(folder)
    session_id = store.new_session_id()
    path = store.transcript_path(folder, f"{session_id}-{age_days:g}")
    path.write_text('{"type":"prompt","text":"old"}\n')
    then = time.time() - age_days * store.DAY
    os.utime(path, (then, then))
    return path


def test_sessions_older_than_the_retention_are_pruned_at_start(project: Path) -> None:
    old, young = _saved(project, 31), _saved(project, 29)
    other_project = project.parent / "elsewhere"
    other_project.mkdir()
    other_old = _saved(other_project, 45)
    with ScriptedServer(["hi"]) as server:
        assert openclaude(project, _home(), "-p", "hello", *_flags(server)).returncode == 0
    assert not old.exists() and not other_old.exists() and young.exists()
    assert not other_old.parent.exists()


def test_the_retention_is_the_users_setting(project: Path) -> None:
    week_old = _saved(project, 7)
    config_dir = _home() / "config"
    config_dir.mkdir(parents=True)
    (config_dir / "config.toml").write_text("session_retention_days = 5\n")
    # A project cannot set it: it would delete the user's sessions of every project.
    (project / ".openclaude").mkdir()
    (project / ".openclaude" / "settings.toml").write_text("session_retention_days = 1\n")
    two_days_old = _saved(project, 2)
    with ScriptedServer(["hi"]) as server:
        done = openclaude(project, _home(), "-p", "hello", *_flags(server))
    assert done.returncode == 0, done.stderr
    assert "session_retention_days is read from your own config only" in done.stderr
    assert not week_old.exists() and two_days_old.exists()


@pytest.mark.parametrize("output_format", ["json", "stream-json"])
def test_print_mode_reports_the_session_id_and_resume_finds_it(
    project: Path, output_format: str
) -> None:
    with ScriptedServer(["one", "two"]) as server:
        done = openclaude(
            project, _home(), "-p", "hello", "--output-format", output_format, *_flags(server)
        )
        lines = [json.loads(line) for line in done.stdout.splitlines()]
        reported = [line["session_id"] for line in lines if "session_id" in line]
        (path,) = transcripts(_home())
        assert reported == [path.stem]
        again = openclaude(
            project, _home(), "--resume", path.stem[:17], "-p", "more", *_flags(server)
        )
        assert again.returncode == 0, again.stderr
        assert [m["content"] for m in server.chat_requests[-1].messages[1:]] == [
            "hello",
            "one",
            "more",
        ]


def test_resume_of_an_unknown_id_says_so(project: Path) -> None:
    done = openclaude(project, _home(), "--resume", "20990101-nothing", "-p", "hi")
    assert done.returncode == 2
    assert "no saved session '20990101-nothing'" in done.stderr and "Traceback" not in done.stderr


def test_notices_of_a_resumed_file_reach_the_sink(tmp_path: Path, project: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text('{"type":"prompt","text":"one"}\n{"type":"pro')
    events: list[Event] = []
    with ScriptedServer() as server:
        _session(project, server, events).resume(path)
    assert [type(e) for e in events] == [Notice] and "damaged" in str(events[0])


def test_a_call_the_process_died_in_is_shown_again_as_interrupted(project: Path) -> None:
    recorder = Recorder.new(project, DEFAULT_MODEL, ())
    recorder.prompt("run the tests")
    call = {"id": "c1", "type": "function", "function": {"name": "Bash", "arguments": "{}"}}
    messages: list[dict[str, object]] = [
        {"role": "user", "content": "run the tests"},
        {"role": "assistant", "content": "Running them.", "tool_calls": [call]},
    ]
    recorder.event(AssistantMessage("Running them.", 1), messages)
    recorder.event(ToolCallStarted("c1", "Bash", {}, "pytest -q"), messages)
    # No more: the process was killed while the command ran.
    shown = replay(read_transcript(store.transcript_path(recorder.folder, recorder.session_id)))
    assert shown[0] == ReplayedPrompt("run the tests")
    assert [type(event).__name__ for event in shown[1:]] == [
        "TextDelta",
        "AssistantMessage",
        "ToolCallStarted",
        "ToolCallFinished",
    ]
    last = shown[-1]
    assert isinstance(last, ToolCallFinished) and last.status == "interrupted"
