"""A whole session without Textual: turns, the user's own shell command, modes, rules and
compaction, through the real agent, gate and tools against the scripted server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openclaude_tui.core.events import Event, PermissionAsked, ToolCallFinished, TurnFinished
from openclaude_tui.core.permissions.policy import Decision, PermissionRequest
from openclaude_tui.core.session import Session
from tests.helpers.sessions import notes_project, session_in
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, ToolCallSpec, Turn


class Recorder:
    """The session's sink and approver: keeps every event, allows what it is asked."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.asked: list[PermissionRequest] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    async def approve(self, request: PermissionRequest) -> Decision:
        self.asked.append(request)
        return Decision("allow")

    def finished(self) -> dict[str, str]:
        """Each tool call's final status."""
        return {e.call_id: e.status for e in self.events if isinstance(e, ToolCallFinished)}


def _session(root: Path, server: ScriptedServer, recorder: Recorder) -> Session:
    return session_in(root, server, recorder, recorder.approve)


def _user_texts(request: Any) -> list[str]:
    return [str(m.get("content")) for m in request.messages if m.get("role") == "user"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return notes_project(tmp_path)


async def test_a_whole_session_without_the_app(project: Path) -> None:
    read = ToolCallSpec("Read", {"file_path": "notes.txt"})
    edit = ToolCallSpec(
        "Edit", {"file_path": "notes.txt", "old_string": "beta", "new_string": "gamma"}
    )
    turns = [
        Turn(tool_calls=[read]),
        Turn(text="It says alpha and beta. " + "x" * 600),
        Turn(tool_calls=[edit]),
        Turn(text="Refused in plan mode."),
        Turn(text="Summary: read notes.txt; an edit was refused."),
    ]
    recorder = Recorder()
    with ScriptedServer(turns) as server:
        session = _session(project, server, recorder)
        # The gate exists before the server has answered: the mode can change already.
        assert session.agent is None and session.mode == "default"
        assert session.cycle_mode() == "acceptEdits"
        assert session.set_mode("default") == "default"
        with pytest.raises(ValueError, match="bypassPermissions is only available"):
            session.set_mode("bypassPermissions")

        finished = await session.run_turn("what does notes.txt say?")
        assert isinstance(finished, TurnFinished) and finished.reason == "end_turn"
        assert session.model == DEFAULT_MODEL and session.usage[1] > 0
        assert list(recorder.finished().values()) == ["done"]

        # The user's own command goes through the gate and reaches the model next turn.
        assert await session.run_user_shell("echo from-the-user") == "done"
        assert recorder.finished()["user-shell-1"] == "done"

        session.set_mode("plan")
        finished = await session.run_turn("change beta to gamma")
        assert finished.reason == "end_turn"
        assert (project / "notes.txt").read_text() == "alpha\nbeta\n"
        assert list(recorder.finished().values())[-1] == "denied"
        sent = _user_texts(server.chat_requests[2])
        assert "echo from-the-user" in sent[-1] and "from-the-user\n" in sent[-1]

        compacted = await session.compact("what was read")
        assert compacted is not None and compacted.tokens_after < compacted.tokens_before
        assert "what was read" in str(server.chat_requests[-1].messages)
        await session.close()


async def test_rules_added_and_removed_in_the_session_apply_at_once(project: Path) -> None:
    recorder = Recorder()
    with ScriptedServer([]) as server:
        session = _session(project, server, recorder)
        rule = session.add_rule("deny", "Bash(echo:*)")
        assert str(rule) == "Bash(echo:*)"
        rows = session.rules()
        assert [(r.kind, r.text, r.source) for r in rows] == [
            ("deny", "Bash(echo:*)", "this session")
        ]
        assert await session.run_user_shell("echo blocked") == "denied"
        assert session.remove_rule(rows[0])
        assert session.rules() == []
        assert await session.run_user_shell("echo allowed") == "done"
        assert recorder.finished() == {"user-shell-1": "denied", "user-shell-2": "done"}
        # Neither command asked: a deny rule refuses, echo is read-only.
        assert not any(isinstance(e, PermissionAsked) for e in recorder.events)
        await session.close()


async def test_the_users_own_command_that_would_ask_is_put_to_the_user_as_theirs(
    project: Path,
) -> None:
    recorder = Recorder()
    with ScriptedServer([]) as server:
        session = _session(project, server, recorder)
        assert await session.run_user_shell("touch made-by-user") == "done"
        assert [r.by_user for r in recorder.asked] == [True]
        assert (project / "made-by-user").exists()
        await session.close()
