"""Saved sessions through ACP (`session/load`, `session/list`): a real `openclaude acp`
process per editor run, the sessions saved on disk between them, the scripted model
server's request log."""

from __future__ import annotations

import json
from pathlib import Path

import acp
import pytest
from acp.schema import AgentThoughtChunk, FileEditToolCallContent, ToolCallStart

from openclaude_tui.acp_sessions import PAGE_SIZE, session_page
from openclaude_tui.core.sessions import store
from openclaude_tui.core.sessions.recorder import Recorder
from openclaude_tui.core.sessions.transcript import read_transcript
from tests.helpers.acp import HostClient, acp_agent
from tests.helpers.repos import EDIT_AUTH, make_auth_repo
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

READ_AUTH = ToolCallSpec("Read", {"file_path": "src/auth.py"}, id="read-1")
EDIT = ToolCallSpec(EDIT_AUTH.name, EDIT_AUTH.arguments, id="edit-1")
FIRST = "Where is the login check?"
SECOND = "And who calls it?"


def _flags(server: ScriptedServer) -> tuple[str, ...]:
    return ("--base-url", server.base_url, "--model", "scripted-model")


async def _first_session(repo: Path, home: Path) -> str:
    """An editor run: one prompt that reads a file and answers; the session's id."""
    turns = [Turn(text="Reading it.", tool_calls=[READ_AUTH]), Turn(text="In can_login.")]
    with ScriptedServer(turns) as server:
        async with acp_agent(HostClient(), repo, home, *_flags(server)) as conn:
            session = await conn.new_session(cwd=str(repo))
            await conn.prompt(session_id=session.session_id, prompt=[acp.text_block(FIRST)])
    return session.session_id


async def test_initialize_says_sessions_can_be_loaded_and_listed(tmp_path: Path) -> None:
    async with acp_agent(HostClient(), tmp_path, tmp_path / "home") as conn:
        answer = await conn.initialize(protocol_version=acp.PROTOCOL_VERSION)
    capabilities = answer.agent_capabilities
    assert capabilities is not None and capabilities.load_session is True
    sessions = capabilities.session_capabilities
    assert sessions is not None and sessions.list is not None


async def test_a_loaded_session_is_replayed_and_goes_on(tmp_path: Path) -> None:
    repo = make_auth_repo(tmp_path / "repo")
    home = tmp_path / "home"
    session_id = await _first_session(repo, home)
    client = HostClient()
    with ScriptedServer([Turn(text="Only login() does.")]) as server:
        async with acp_agent(client, repo, home, *_flags(server)) as conn:
            await conn.load_session(cwd=str(repo), session_id=session_id)
            # The conversation came back before the answer: prompt, answers, the call.
            assert client.user_text() == FIRST
            assert client.answer_text() == "Reading it.In can_login."
            [started, *_, ended] = client.tool_updates("read-1")
            assert isinstance(started, ToolCallStart) and started.title.startswith("Read(")
            assert ended.status == "completed" and ended.content
            replayed = len(client.updates)
            done = await conn.prompt(session_id=session_id, prompt=[acp.text_block(SECOND)])
            listed = await conn.list_sessions(cwd=str(repo))
        [request] = server.chat_requests
    assert done.stop_reason == "end_turn"
    assert client.answer_text()[len("Reading it.In can_login.") :] == "Only login() does."
    assert len(client.updates) > replayed
    # The model heard the earlier conversation, the file read included.
    said = [(m["role"], str(m.get("content") or "")) for m in request.messages]
    assert ("user", FIRST) in said and ("assistant", "In can_login.") in said
    assert any(role == "tool" and "def can_login" in text for role, text in said)
    assert said[-1] == ("user", SECOND)
    # It went on in the same saved session: one session, both prompts in its file.
    [info] = listed.sessions
    assert info.session_id == session_id and info.title == FIRST
    [saved] = home.rglob(f"{session_id}.jsonl")
    records = [json.loads(line) for line in saved.read_text().splitlines()]
    assert [r["text"] for r in records if r["type"] == "prompt"] == [FIRST, SECOND]


def _edits(update: object) -> list[FileEditToolCallContent]:
    content = getattr(update, "content", None) or []
    return [c for c in content if isinstance(c, FileEditToolCallContent)]


async def test_a_replayed_edit_shows_the_diff_it_made_live(tmp_path: Path) -> None:
    repo = make_auth_repo(tmp_path / "repo")
    home = tmp_path / "home"
    auth = repo / "src" / "auth.py"
    live = HostClient(["allow_once"])
    turns = [
        Turn(text="Reading it.", tool_calls=[READ_AUTH]),
        Turn(tool_calls=[EDIT]),
        Turn(text="Fixed."),
    ]
    with ScriptedServer(turns) as server:
        async with acp_agent(live, repo, home, *_flags(server)) as conn:
            session = await conn.new_session(cwd=str(repo))
            await conn.prompt(session_id=session.session_id, prompt=[acp.text_block("fix")])
    [live_start, *_, live_end] = live.tool_updates("edit-1")
    [made] = _edits(live_end)
    assert made.old_text is not None and made.old_text.endswith("return user.is_active\n")
    # Between the two editor runs the file changed again (the user, another tool).
    auth.write_text("def can_login(user) -> bool:\n    return True\n")
    loaded = HostClient()
    async with acp_agent(loaded, repo, home) as conn:
        await conn.load_session(cwd=str(repo), session_id=session.session_id)
    [start, *_, end] = loaded.tool_updates("edit-1")
    # The replayed call is the live one as the host showed it: its title and kind, the
    # file it points at, the texts before and after the edit (not what the disk holds now).
    assert isinstance(start, ToolCallStart)
    assert (start.title, start.kind) == (live_start.title, live_start.kind) != (None, None)
    assert _edits(end) == _edits(live_end) == [made]
    assert end.locations == live_end.locations and end.locations
    assert [location.path for location in end.locations] == [str(auth)]
    assert end.status == live_end.status == "completed"


async def test_a_replayed_session_says_its_earlier_messages_were_summarised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_auth_repo(tmp_path / "repo")
    home = tmp_path / "home"
    session_id = await _first_session(repo, home)
    # The conversation is then rewritten whole, as a compaction rewrites it.
    monkeypatch.setenv("OPENCLAUDE_HOME", str(home))
    [path] = home.rglob(f"{session_id}.jsonl")
    recorder = Recorder.resume(path, read_transcript(path), ())
    recorder.adopt(read_transcript(path).messages)
    summary = [{"role": "user", "content": "Summary: the login check is can_login."}]
    recorder.close(summary)
    client = HostClient()
    async with acp_agent(client, repo, home) as conn:
        await conn.load_session(cwd=str(repo), session_id=session_id)
    thoughts = [u.content.text for u in client.updates if isinstance(u, AgentThoughtChunk)]
    assert thoughts == ["openclaude: earlier messages were summarised to free context\n\n"]
    # It comes where it happened: after the answers of the first prompt.
    kinds = [type(update).__name__ for update in client.updates]
    assert kinds.index("AgentThoughtChunk") > max(
        i for i, kind in enumerate(kinds) if kind == "AgentMessageChunk"
    )


async def test_an_unknown_session_is_a_clear_error(tmp_path: Path) -> None:
    repo = make_auth_repo(tmp_path / "repo")
    home = tmp_path / "home"
    session_id = await _first_session(repo, home)
    async with acp_agent(HostClient(), repo, home) as conn:
        for wanted in ("20200101-000000-abcdef", "../../etc/passwd", session_id[:8]):
            try:
                await conn.load_session(cwd=str(repo), session_id=wanted)
            except acp.RequestError as error:
                assert f"no saved session {wanted!r}" in str(error.data)
            else:
                raise AssertionError(f"{wanted!r} was loaded")
        # The process is still there and answers.
        listed = await conn.list_sessions(cwd=str(repo))
    assert [info.session_id for info in listed.sessions] == [session_id]


async def test_the_list_is_of_this_project_only(tmp_path: Path) -> None:
    repo = make_auth_repo(tmp_path / "repo")
    other = make_auth_repo(tmp_path / "other")
    home = tmp_path / "home"
    session_id = await _first_session(repo, home)
    async with acp_agent(HostClient(), repo, home) as conn:
        here = await conn.list_sessions(cwd=str(repo))
        there = await conn.list_sessions(cwd=str(other))
        try:
            await conn.list_sessions(cwd=str(repo), cursor="page two")
        except acp.RequestError as error:
            assert "not a cursor of session/list: 'page two'" in str(error.data)
        else:
            raise AssertionError("a made-up cursor was taken")
    assert [info.session_id for info in here.sessions] == [session_id]
    assert here.sessions[0].cwd == str(repo.resolve()) and here.sessions[0].updated_at
    assert there.sessions == []


async def test_a_session_open_in_this_process_can_be_loaded_again(tmp_path: Path) -> None:
    repo = make_auth_repo(tmp_path / "repo")
    client = HostClient()
    turns = [Turn(text="In can_login."), Turn(text="Only login() does.")]
    with ScriptedServer(turns) as server:
        async with acp_agent(client, repo, tmp_path / "home", *_flags(server)) as conn:
            session = await conn.new_session(cwd=str(repo))
            await conn.prompt(session_id=session.session_id, prompt=[acp.text_block(FIRST)])
            await conn.load_session(cwd=str(repo), session_id=session.session_id)
            assert client.user_text() == FIRST
            await conn.prompt(session_id=session.session_id, prompt=[acp.text_block(SECOND)])
        second = server.chat_requests[-1]
    said = [(m["role"], str(m.get("content") or "")) for m in second.messages]
    assert ("assistant", "In can_login.") in said and said[-1] == ("user", SECOND)


def test_a_long_list_comes_in_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path / "home"))
    project = tmp_path / "project"
    project.mkdir()
    folder = store.project_dir(project)
    store.make_dirs(folder)
    made = [f"20260101-0000{n:02d}-abcdef" for n in range(PAGE_SIZE + 3)]
    for n, session_id in enumerate(made):
        store.transcript_path(folder, session_id).write_text("")
        store.write_info(folder, store.SessionInfo(session_id, n, n, f"prompt {n}"))
    first, cursor = session_page(project, None)
    assert cursor is not None
    rest, end = session_page(project, cursor)
    assert end is None
    # Newest first, each once.
    assert [info.session_id for info in first + rest] == made[::-1]
    assert first[0].title == f"prompt {PAGE_SIZE + 2}"
