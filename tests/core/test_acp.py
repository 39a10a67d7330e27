"""`openclaude acp` driven as an editor drives it: a real process on stdio, a host built on the
`agent-client-protocol` package, the scripted server, a real git repo on disk."""

from __future__ import annotations

import asyncio
from pathlib import Path

import acp
from acp.schema import FileEditToolCallContent, ToolCallStart

from tests.helpers.acp import HostClient, acp_agent
from tests.helpers.print_mode import openclaude
from tests.helpers.repos import EDIT_AUTH, make_auth_repo
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

READ_AUTH = ToolCallSpec("Read", {"file_path": "src/auth.py"}, id="read-1")
EDIT = ToolCallSpec(EDIT_AUTH.name, EDIT_AUTH.arguments, id="edit-1")
FIXED = "return user.active\n"
BROKEN = "return user.is_active\n"


def _edit_script(closing: str) -> list[Turn]:
    return [
        Turn(text="Reading it first.", tool_calls=[READ_AUTH]),
        Turn(tool_calls=[EDIT]),
        Turn(text=closing),
    ]


async def _run_prompt(
    tmp_path: Path, turns: list[Turn], answers: list[str | None], text: str
) -> tuple[HostClient, str, Path]:
    """One prompt in a new session on the auth repo: the host, the stop reason, the repo."""
    repo = make_auth_repo(tmp_path / "repo")
    client = HostClient(answers)
    with ScriptedServer(turns) as server:
        flags = ("--base-url", server.base_url, "--model", "scripted-model")
        async with acp_agent(client, repo, tmp_path / "home", *flags) as conn:
            session = await conn.new_session(cwd=str(repo))
            done = await conn.prompt(session_id=session.session_id, prompt=[acp.text_block(text)])
    return client, done.stop_reason, repo


async def test_a_prompt_streams_its_answer_in_chunks(tmp_path: Path) -> None:
    answer = "The login check reads an attribute the user model does not define."
    client, stop, _ = await _run_prompt(tmp_path, [Turn(text=answer, chunk_size=8)], [], "why?")
    assert stop == "end_turn"
    assert client.answer_text() == answer
    assert client.message_chunks() > 1


async def test_an_allowed_edit_changes_the_file_and_reports_its_diff(tmp_path: Path) -> None:
    client, stop, repo = await _run_prompt(tmp_path, _edit_script("Fixed."), ["allow_once"], "fix")
    assert stop == "end_turn"
    assert (repo / "src" / "auth.py").read_text().endswith(FIXED)
    # The host was asked once, about the edit, with its diff and the answers it may give.
    [(asked, options)] = client.permission_requests
    assert asked.tool_call_id == "edit-1"
    [proposed] = [c for c in asked.content or [] if isinstance(c, FileEditToolCallContent)]
    assert proposed.path == str(repo / "src" / "auth.py")
    assert proposed.old_text is not None and proposed.old_text.endswith(BROKEN)
    assert proposed.new_text.endswith(FIXED)
    assert {option.kind for option in options} >= {"allow_once", "reject_once"}
    # The call is reported as it goes: started, running, completed with the diff it made.
    updates = client.tool_updates("edit-1")
    assert isinstance(updates[0], ToolCallStart) and updates[0].kind == "edit"
    assert [u.status for u in updates] == ["pending", "in_progress", "completed"]
    [made] = [c for c in updates[-1].content or [] if isinstance(c, FileEditToolCallContent)]
    assert made.path == str(repo / "src" / "auth.py") and made.new_text.endswith(FIXED)
    # The read asked nobody and completed.
    assert [u.status for u in client.tool_updates("read-1")][-1] == "completed"
    assert client.answer_text() == "Reading it first.Fixed."


async def test_a_rejected_edit_leaves_the_file_and_the_model_hears_it(tmp_path: Path) -> None:
    turns = _edit_script("I left it unchanged.")
    repo = make_auth_repo(tmp_path / "repo")
    client = HostClient(["reject_once"])
    with ScriptedServer(turns) as server:
        flags = ("--base-url", server.base_url, "--model", "scripted-model")
        async with acp_agent(client, repo, tmp_path / "home", *flags) as conn:
            session = await conn.new_session(cwd=str(repo))
            done = await conn.prompt(session_id=session.session_id, prompt=[acp.text_block("fix")])
        results = server.tool_results()
    assert done.stop_reason == "end_turn"
    assert (repo / "src" / "auth.py").read_text().endswith(BROKEN)
    assert len(client.permission_requests) == 1
    assert [u.status for u in client.tool_updates("edit-1")][-1] == "failed"
    assert "denied" in results[-1].lower()


async def test_cancel_stops_the_turn_waiting_on_a_permission(tmp_path: Path) -> None:
    repo = make_auth_repo(tmp_path / "repo")
    client = HostClient(["allow_once"])
    client.hold_permission = asyncio.Event()
    with ScriptedServer(_edit_script("Fixed.")) as server:
        flags = ("--base-url", server.base_url, "--model", "scripted-model")
        async with acp_agent(client, repo, tmp_path / "home", *flags) as conn:
            session = await conn.new_session(cwd=str(repo))
            prompt = asyncio.ensure_future(
                conn.prompt(session_id=session.session_id, prompt=[acp.text_block("fix")])
            )
            await client.asked.wait()
            await conn.cancel(session_id=session.session_id)
            done = await prompt
            # The host's late answer changes nothing: the turn is over.
            client.hold_permission.set()
        assert server.remaining == 1
    assert done.stop_reason == "cancelled"
    assert (repo / "src" / "auth.py").read_text().endswith(BROKEN)


async def test_a_session_in_a_missing_directory_is_refused(tmp_path: Path) -> None:
    client = HostClient()
    async with acp_agent(client, tmp_path, tmp_path / "home") as conn:
        try:
            await conn.new_session(cwd=str(tmp_path / "nowhere"))
        except acp.RequestError as error:
            assert "not an existing directory" in str(error.data)
        else:
            raise AssertionError("a session was made in a directory that does not exist")


async def test_the_api_key_never_reaches_a_command_the_host_allowed(tmp_path: Path) -> None:
    secret = "sk-acp-test-0123456789abcdef"
    repo = make_auth_repo(tmp_path / "repo")
    client = HostClient(["allow_once"])
    env_call = ToolCallSpec("Bash", {"command": "env > seen.txt"}, id="env-1")
    with ScriptedServer([Turn(tool_calls=[env_call]), Turn(text="Done.")]) as server:
        flags = ("--base-url", server.base_url, "--model", "scripted-model")
        home = tmp_path / "home"
        async with acp_agent(client, repo, home, *flags, env={"OPENAI_API_KEY": secret}) as conn:
            session = await conn.new_session(cwd=str(repo))
            await conn.prompt(session_id=session.session_id, prompt=[acp.text_block("env")])
        # The key was sent to the model server, as the user asked.
        assert server.chat_requests[0].headers["authorization"] == f"Bearer {secret}"
    seen = (repo / "seen.txt").read_text()
    assert "PATH=" in seen and secret not in seen


def test_a_wrong_setting_is_a_config_error_before_any_session(tmp_path: Path) -> None:
    (tmp_path / "home" / "config").mkdir(parents=True)
    (tmp_path / "home" / "config" / "config.toml").write_text('temperature = "hot"\n')
    done = openclaude(tmp_path, tmp_path / "home", "acp", stdin="")
    assert done.returncode == 2
    assert done.stderr.startswith("openclaude acp: config error: ") and "temperature" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


async def test_an_unreachable_server_is_said_in_the_answer(tmp_path: Path) -> None:
    client = HostClient()
    flags = ("--base-url", "http://127.0.0.1:9/v1", "--model", "scripted-model")
    async with acp_agent(client, tmp_path, tmp_path / "home", *flags) as conn:
        session = await conn.new_session(cwd=str(tmp_path))
        done = await conn.prompt(session_id=session.session_id, prompt=[acp.text_block("hi")])
    assert done.stop_reason == "end_turn"
    assert "openclaude: cannot reach http://127.0.0.1:9/v1" in client.answer_text()


async def test_always_allow_from_the_host_lets_later_edits_run_unasked(tmp_path: Path) -> None:
    second = ToolCallSpec(
        "Edit",
        {
            "file_path": "src/auth.py",
            "old_string": "def can_login(user: User) -> bool:",
            "new_string": "def can_login(user: User) -> bool:  # active users only",
        },
        id="edit-2",
    )
    turns = [Turn(tool_calls=[READ_AUTH]), Turn(tool_calls=[EDIT]), Turn(tool_calls=[second])]
    script = [*turns, Turn(text="Both.")]
    client, stop, repo = await _run_prompt(tmp_path, script, ["allow_always"], "fix")
    assert stop == "end_turn"
    # Asked once, with "always" offered; that answer covered the second edit.
    [(asked, options)] = client.permission_requests
    assert asked.tool_call_id == "edit-1" and "allow_always" in {o.kind for o in options}
    text = (repo / "src" / "auth.py").read_text()
    assert text.endswith(FIXED) and "# active users only" in text


async def test_the_host_picks_the_permission_mode(tmp_path: Path) -> None:
    repo = make_auth_repo(tmp_path / "repo")
    client = HostClient()
    with ScriptedServer(_edit_script("Fixed.")) as server:
        flags = ("--base-url", server.base_url, "--model", "scripted-model")
        async with acp_agent(client, repo, tmp_path / "home", *flags) as conn:
            session = await conn.new_session(cwd=str(repo))
            assert session.modes is not None and session.modes.current_mode_id == "default"
            offered = [mode.id for mode in session.modes.available_modes]
            assert offered == ["default", "acceptEdits", "plan"]
            # Bypass is offered only to a process started in it.
            try:
                await conn.set_session_mode(
                    session_id=session.session_id, mode_id="bypassPermissions"
                )
            except acp.RequestError as error:
                assert "only available when started with" in str(error.data)
            else:
                raise AssertionError("bypassPermissions was accepted")
            await conn.set_session_mode(session_id=session.session_id, mode_id="acceptEdits")
            done = await conn.prompt(session_id=session.session_id, prompt=[acp.text_block("fix")])
    assert done.stop_reason == "end_turn"
    # In acceptEdits the edit ran without a question to the host.
    assert client.permission_requests == []
    assert (repo / "src" / "auth.py").read_text().endswith(FIXED)


def test_an_unknown_tool_name_is_a_config_error_at_start(tmp_path: Path) -> None:
    done = openclaude(tmp_path, tmp_path / "home", "acp", "--tools", "Read,Teleport", stdin="")
    assert done.returncode == 2
    assert "no built-in tool is called 'Teleport'" in done.stderr
