"""Checkpoints and rewind in the core: real sessions against the strict scripted server,
real files on disk (CRLF, bytes that are not UTF-8, binary), the transcript on disk read
back by a resumed session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from openclaude_tui.core.agent.history import History
from openclaude_tui.core.events import Event, ToolCallStarted
from openclaude_tui.core.permissions.policy import Decision, PermissionRequest
from openclaude_tui.core.session import Session
from openclaude_tui.core.sessions import store
from openclaude_tui.core.sessions.checkpoints import blobs_dir
from openclaude_tui.core.sessions.export import to_markdown
from openclaude_tui.core.sessions.recorder import Recorder
from openclaude_tui.core.sessions.replay import ReplayedPrompt, replay
from openclaude_tui.core.sessions.rewind import Rewinder, RewindPlan
from openclaude_tui.core.sessions.transcript import read_transcript
from tests.helpers.sessions import session_in
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

CRLF = b"one\r\ntwo\r\nthree\r\n"
# Not UTF-8 (latin-1 bytes, a lone CR): the agent may edit it, and it must come back whole.
LEGACY = b"LIMIT=1\n\xff\xfe\x80 caf\xe9\rend\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "crlf.txt").write_bytes(CRLF)
    (root / "legacy.cfg").write_bytes(LEGACY)
    return root


async def _allow(request: PermissionRequest) -> Decision:
    return Decision("allow_once")


def _session(root: Path, server: ScriptedServer, events: list[Event] | None = None) -> Session:
    return session_in(root, server, (events if events is not None else []).append, _allow)


def _read(name: str) -> ToolCallSpec:
    return ToolCallSpec("Read", {"file_path": name})


def _edit(name: str, old: str, new: str) -> ToolCallSpec:
    return ToolCallSpec("Edit", {"file_path": name, "old_string": old, "new_string": new})


# The agent's second prompt reads both files, edits them and creates a new one.
CHANGES = [
    Turn(tool_calls=[_read("crlf.txt"), _read("legacy.cfg")]),
    Turn(
        tool_calls=[
            _edit("crlf.txt", "two", "TWO"),
            _edit("legacy.cfg", "LIMIT=1", "LIMIT=2"),
            ToolCallSpec("Write", {"file_path": "made/new.txt", "content": "fresh\n"}),
        ]
    ),
    Turn(text="Changed both and made new.txt."),
]


def _rewinder(session: Session) -> Rewinder:
    rewinder = session.rewinder()
    assert rewinder is not None
    return rewinder


def _plan_back_to(rewinder: Rewinder, prompts: list[str], index: int) -> RewindPlan:
    """The plan back to the ``index``-th of the prompts offered, which must be ``prompts``;
    it must restore the three files the agent's changes touch."""
    points = rewinder.points()
    assert [point.text for point in points] == prompts
    plan = rewinder.plan(points[index])
    assert sorted(item.path.name for item in plan.files) == ["crlf.txt", "legacy.cfg", "new.txt"]
    return plan


async def test_rewinding_code_and_conversation_restores_bytes_removes_created_files_and_the_strict_server_takes_the_next_request(  # noqa: E501
    project: Path,
) -> None:
    turns = [Turn(text="Hello."), *CHANGES, Turn(text="Starting over.")]
    with ScriptedServer(turns) as server:
        session = _session(project, server)
        await session.run_turn("hi")
        await session.run_turn("change the files")
        assert (project / "crlf.txt").read_bytes() == b"one\r\nTWO\r\nthree\r\n"
        assert (project / "legacy.cfg").read_bytes().startswith(b"LIMIT=2\n\xff\xfe")
        assert (project / "made" / "new.txt").is_file()

        rewinder = _rewinder(session)
        plan = _plan_back_to(rewinder, ["change the files", "hi"], 0)
        assert plan.user_changed == []
        result = rewinder.apply(plan, code=True, conversation=True)

        assert (project / "crlf.txt").read_bytes() == CRLF
        assert (project / "legacy.cfg").read_bytes() == LEGACY
        assert not (project / "made").exists()
        assert sorted(path.name for path in result.restored) == ["crlf.txt", "legacy.cfg"]
        assert [path.name for path in result.removed] == ["new.txt"]
        assert [point.text for point in rewinder.points()] == ["hi"]

        await session.run_turn("say it again")
        sent = server.chat_requests[-1].messages
        await session.close()
    assert [(m["role"], m["content"]) for m in sent[1:]] == [
        ("user", "hi"),
        ("assistant", "Hello."),
        ("user", "say it again"),
    ]


async def test_a_resumed_session_continues_the_rewound_conversation_and_can_rewind_its_code(
    project: Path,
) -> None:
    turns = [Turn(text="Hello."), *CHANGES, Turn(text="Fine."), Turn(text="Resumed.")]
    with ScriptedServer(turns) as server:
        first = _session(project, server)
        await first.run_turn("hi")
        await first.run_turn("change the files")
        rewinder = _rewinder(first)
        # Only the conversation: the files stay changed, to be restored after resuming.
        rewinder.apply(rewinder.plan(rewinder.points()[0]), code=False, conversation=True)
        await first.run_turn("another thing")
        await first.close()
        assert (project / "crlf.txt").read_bytes() != CRLF
        path = store.find_session(project, first.session_id)

        exported = to_markdown(read_transcript(path))
        assert "*Rewound the conversation to before prompt 2.*" in exported
        # Shown again as the rewind left it: the rewound prompt and its cards are gone.
        shown = replay(read_transcript(path))
        assert [item.text for item in shown if isinstance(item, ReplayedPrompt)] == [
            "hi",
            "another thing",
        ]
        assert not [item for item in shown if isinstance(item, ToolCallStarted)]
        second = _session(project, server)
        second.resume(path)
        await second.start()
        resumed = _rewinder(second)
        # "hi"'s turn changed nothing; the rewound prompt's edits came after it.
        plan = _plan_back_to(resumed, ["another thing", "hi"], 1)
        resumed.apply(plan, code=True, conversation=False)
        await second.run_turn("and now?")
        sent = server.chat_requests[-1].messages
        await second.close()
    assert (project / "crlf.txt").read_bytes() == CRLF
    assert (project / "legacy.cfg").read_bytes() == LEGACY
    assert not (project / "made" / "new.txt").exists()
    assert [m["content"] for m in sent[1:]] == [
        "hi",
        "Hello.",
        "another thing",
        "Fine.",
        "and now?",
    ]


async def test_a_file_the_user_changed_since_is_kept_unless_confirmed(project: Path) -> None:
    with ScriptedServer(CHANGES) as server:
        session = _session(project, server)
        await session.run_turn("change the files")
        mine = b"my own\r\nversion\r\n"
        (project / "crlf.txt").write_bytes(mine)
        rewinder = _rewinder(session)
        point = rewinder.points()[0]
        plan = rewinder.plan(point)
        assert [path.name for path in plan.user_changed] == ["crlf.txt"]

        kept = rewinder.apply(plan, code=True, conversation=False)
        assert [path.name for path in kept.kept] == ["crlf.txt"]
        assert (project / "crlf.txt").read_bytes() == mine
        assert (project / "legacy.cfg").read_bytes() == LEGACY
        assert not (project / "made" / "new.txt").exists()

        again = rewinder.plan(point)
        assert [path.name for path in again.user_changed] == ["crlf.txt"]
        confirmed = rewinder.apply(again, code=True, conversation=False, overwrite_changed=True)
        await session.close()
    assert [path.name for path in confirmed.restored] == ["crlf.txt"]
    assert (project / "crlf.txt").read_bytes() == CRLF


def test_binary_content_comes_back_and_each_version_is_stored_once(project: Path) -> None:
    """Through the checkpoint hook a tool's run is wrapped in: a binary file written fifty
    times over with two contents is kept as three versions, and restored byte for byte."""
    recorder = Recorder.new(project, "scripted-model", ())
    recorder.prompt("leave it alone")
    recorder.prompt("rewrite the image")
    image = project / "image.bin"
    original = bytes(range(256)) * 4
    image.write_bytes(original)
    for count in range(50):
        after = recorder.checkpoints.before_edit([image], lambda text: None)
        image.write_bytes(b"\x00\x01" * (count % 2 + 1))
        after()
    blobs = blobs_dir(recorder.folder, recorder.session_id)
    assert len(os.listdir(blobs)) == 3
    rewinder = Rewinder(recorder, History())
    point = rewinder.points()[0]
    assert point.text == "rewrite the image"
    rewinder.apply(rewinder.plan(point), code=True, conversation=False)
    recorder.close([])
    assert image.read_bytes() == original


def test_pruning_a_session_deletes_its_file_versions(project: Path) -> None:
    recorder = Recorder.new(project, "scripted-model", ())
    recorder.prompt("change it")
    recorder.checkpoints.before_edit([project / "crlf.txt"], lambda text: None)()
    recorder.close([])
    blobs = blobs_dir(recorder.folder, recorder.session_id)
    assert blobs.is_dir()
    old = 1_000_000.0
    os.utime(store.transcript_path(recorder.folder, recorder.session_id), (old, old))
    assert store.prune(30) == 1
    assert not blobs.exists()


async def test_the_transcript_ties_each_checkpoint_to_its_prompt(project: Path) -> None:
    with ScriptedServer([Turn(text="Hello."), *CHANGES]) as server:
        session = _session(project, server)
        await session.run_turn("hi")
        await session.run_turn("change the files")
        await session.close()
        path = store.find_session(project, session.session_id)
    records = read_transcript(path).records
    kept = [r for r in records if r["type"] == "checkpoint"]
    assert {(Path(r["path"]).name, r["turn"]) for r in kept} == {
        ("crlf.txt", 1),
        ("legacy.cfg", 1),
        ("new.txt", 1),
    }
    assert [r["before"] for r in kept if r["path"].endswith("new.txt")] == [None]


async def test_a_change_allowed_in_part_is_rewound_too(project: Path) -> None:
    original = "".join(f"line {i}\n" for i in range(1, 41))
    (project / "long.txt").write_text(original)
    proposed = original.replace("line 3\n", "line three\n").replace("line 37\n", "line 37!\n")
    turns = [
        Turn(tool_calls=[_read("long.txt")]),
        Turn(tool_calls=[ToolCallSpec("Write", {"file_path": "long.txt", "content": proposed})]),
        Turn(text="Partly written."),
    ]

    async def first_hunk_only(request: PermissionRequest) -> Decision:
        return Decision("allow_once", hunks=(0,))

    with ScriptedServer(turns) as server:
        session = session_in(project, server, lambda event: None, first_hunk_only)
        await session.run_turn("rename two lines")
        assert (project / "long.txt").read_text() == original.replace("line 3\n", "line three\n")
        rewinder = _rewinder(session)
        rewinder.apply(rewinder.plan(rewinder.points()[0]), code=True, conversation=False)
        await session.close()
    assert (project / "long.txt").read_text() == original
