"""The agent loop against the strict scripted server, with real tools on real files."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from openclaude_tui.core.agent.compact import estimate_tokens
from openclaude_tui.core.agent.loop import INTERRUPTED
from openclaude_tui.core.events import (
    AgentError,
    PermissionAsked,
    TextDelta,
    ToolCallFinished,
    ToolCallRunning,
    ToolCallStarted,
    TurnFinished,
    Usage,
)
from openclaude_tui.core.permissions.policy import PLAN_MODE_REFUSAL, Decision
from tests.helpers.agent import Answers, call, finished, make_agent
from tests.scripted_server import RecordedRequest, ScriptedServer, ToolCallSpec, Turn


async def test_conversation_is_kept_across_prompts(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    scripted_server.script(Turn(text="Hi! I am ready."), Turn(text="You said hello."))
    agent, _ = make_agent(scripted_server, tmp_path)
    await agent.run_turn("hello")
    result = await agent.run_turn("what did I say?")
    await agent.close()
    assert result.reason == "end_turn" and result.text == "You said hello."
    roles = [m["role"] for m in scripted_server.last_request.messages]
    assert roles == ["system", "user", "assistant", "user"]
    assert scripted_server.last_request.messages[1]["content"] == "hello"


async def test_usage_is_estimated_when_the_server_reports_none(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    scripted_server.script(Turn(text="Unmetered.", omit_usage=True), Turn(text="Metered."))
    agent, events = make_agent(scripted_server, tmp_path)
    await agent.run_turn("first")
    await agent.run_turn("second")
    await agent.close()
    unmetered, metered = [event for event in events if isinstance(event, Usage)]
    sent = estimate_tokens(scripted_server.chat_requests[0].messages)
    # The tool definitions are part of the prompt too.
    assert unmetered.estimated and unmetered.prompt_tokens > sent + 500
    assert unmetered.total_prompt_tokens == 0, "an estimate is not added to the totals"
    assert not metered.estimated
    assert metered.prompt_tokens == metered.total_prompt_tokens > 0


async def test_tool_errors_go_back_to_the_model(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    scripted_server.script(
        Turn(
            tool_calls=[
                call("Read", file_path=str(tmp_path / "missing.py")),
                ToolCallSpec("Read", raw_arguments='{"file_path": "a.py", "limit": }'),
                call("Teleport", where="moon"),
                call("Read"),
            ]
        ),
        Turn(text="I see the errors."),
    )
    agent, events = make_agent(scripted_server, tmp_path)
    result = await agent.run_turn("read things")
    await agent.close()
    assert result.reason == "end_turn"
    results = scripted_server.tool_results()
    assert len(results) == 4
    assert "does not exist" in results[0] or "not found" in results[0].lower()
    assert "not valid JSON" in results[1]
    assert "no tool named 'Teleport'" in results[2]
    assert "missing the required parameter 'file_path'" in results[3]
    assert [e.status for e in finished(events)] == ["failed"] * 4
    # The card of the call with broken JSON still names its file.
    started = [e for e in events if isinstance(e, ToolCallStarted)]
    assert started[1].summary == "a.py"


async def test_read_only_calls_run_together_and_results_keep_the_model_order(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(f"content of {name}\n")
    scripted_server.script(
        Turn(
            tool_calls=[
                call("Read", "r1", file_path="a.txt"),
                call("Read", "r2", file_path="b.txt"),
                call("Write", "w1", file_path="new.txt", content="x\n"),
                call("Read", "r3", file_path="c.txt"),
            ]
        ),
        Turn(text="done"),
    )
    agent, events = make_agent(scripted_server, tmp_path, permission_mode="acceptEdits")
    await agent.run_turn("go")
    await agent.close()
    tool_messages = [m for m in scripted_server.last_request.messages if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in tool_messages] == ["r1", "r2", "w1", "r3"]
    assert "content of a" in tool_messages[0]["content"]
    assert "content of c" in tool_messages[3]["content"]
    # Both leading reads were started before either finished; the write waited for them.
    order = [
        (type(e).__name__, getattr(e, "call_id", ""))
        for e in events
        if isinstance(e, (ToolCallRunning, ToolCallFinished))
    ]
    assert order.index(("ToolCallRunning", "r2")) < order.index(("ToolCallFinished", "r1"))
    assert order.index(("ToolCallFinished", "r2")) < order.index(("ToolCallRunning", "w1"))
    assert (tmp_path / "new.txt").read_text() == "x\n"


async def test_a_call_that_keeps_failing_unchanged_is_called_out(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    missing = call("Read", file_path="nowhere.py")
    scripted_server.script(
        Turn(tool_calls=[missing]),
        Turn(tool_calls=[missing]),
        Turn(tool_calls=[call("Read", file_path="elsewhere.py")]),
        Turn(tool_calls=[missing]),
        Turn(text="I give up on that file."),
        Turn(tool_calls=[missing]),
        Turn(text="Still not there."),
    )
    agent, _ = make_agent(scripted_server, tmp_path)
    await agent.run_turn("read it")
    first, second, other, third = scripted_server.tool_results()
    assert "has now failed" not in first
    assert "has now failed 2 times in this turn" in second
    assert "has now failed" not in other, "another call is not a repeat"
    assert "has now failed 3 times in this turn" in third
    await agent.run_turn("try once more")
    await agent.close()
    assert "has now failed" not in scripted_server.tool_results()[-1], "a new turn starts afresh"


async def test_other_agents_tool_names_reach_our_tools_through_the_same_gate(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    (tmp_path / "app.py").write_text("LIMIT = 10\n")
    scripted_server.script(
        Turn(
            tool_calls=[
                call("read_file", path="app.py"),
                call("run_terminal_cmd", command="echo hi > out.txt"),
            ]
        ),
        Turn(text="Read it, and the command was refused."),
    )
    answers = Answers(Decision("deny", reason="not now"))
    agent, events = make_agent(scripted_server, tmp_path, answers)
    await agent.run_turn("look")
    await agent.close()
    read, command = scripted_server.tool_results()
    assert "LIMIT = 10" in read
    assert "read_file is called Read here" in read
    (asked,) = answers.requests
    assert asked.tool == "Bash", "a renamed shell call is still gated as Bash"
    assert "not now" in command and not (tmp_path / "out.txt").exists()
    assert [e.name for e in finished(events)] == ["Read", "Bash"]


async def test_arguments_with_the_usual_json_slips_are_repaired(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    # A raw newline inside a string and a trailing comma, as models write code.
    written = '{"file_path": "notes.txt", "content": "one\ntwo\n",}'
    scripted_server.script(
        Turn(tool_calls=[ToolCallSpec("Write", raw_arguments=written)]),
        Turn(text="Written."),
    )
    agent, events = make_agent(scripted_server, tmp_path, permission_mode="acceptEdits")
    await agent.run_turn("write notes")
    await agent.close()
    assert (tmp_path / "notes.txt").read_text() == "one\ntwo\n"
    assert [e.status for e in finished(events)] == ["done"]
    (assistant,) = [m for m in scripted_server.last_request.messages if m.get("tool_calls")]
    sent_back = assistant["tool_calls"][0]["function"]["arguments"]
    assert json.loads(sent_back) == {"file_path": "notes.txt", "content": "one\ntwo\n"}


async def test_a_call_the_user_denied_is_not_put_to_them_again_in_the_turn(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    write = call("Bash", command="echo hi > x.txt")
    scripted_server.script(
        Turn(tool_calls=[write]),
        Turn(tool_calls=[write]),
        Turn(text="Understood."),
        Turn(tool_calls=[write]),
        Turn(text="Asked again in the new turn."),
    )
    answers = Answers(Decision("deny", reason="no files please"), Decision("deny"))
    agent, events = make_agent(scripted_server, tmp_path, answers)
    await agent.run_turn("write x")
    first, second = scripted_server.tool_results()
    assert len(answers.requests) == 1
    assert "no files please" in first and "already denied" not in first
    assert "no files please" in second and "already denied this exact call" in second
    assert [e.status for e in finished(events)] == ["denied", "denied"]
    await agent.run_turn("and now?")
    await agent.close()
    assert len(answers.requests) == 2, "a new turn asks again"
    assert not (tmp_path / "x.txt").exists()


async def test_deny_with_reason_reaches_the_model(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    scripted_server.script(
        Turn(tool_calls=[call("Write", file_path="notes.txt", content="hello\n")]),
        Turn(text="Understood, I will not create it."),
    )
    answers = Answers(Decision("deny", reason="keep the tree clean"))
    agent, events = make_agent(scripted_server, tmp_path, answers)
    result = await agent.run_turn("make notes")
    await agent.close()
    assert result.reason == "end_turn"
    assert not (tmp_path / "notes.txt").exists()
    (request,) = answers.requests
    assert request.tool == "Write" and request.change is not None
    assert request.change.after == "hello\n"
    (text,) = scripted_server.tool_results()
    assert "denied" in text and "keep the tree clean" in text
    assert finished(events)[0].status == "denied"
    assert any(isinstance(e, PermissionAsked) for e in events)


async def test_a_change_that_would_fail_is_not_put_to_the_user(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    (tmp_path / "app.py").write_text("LIMIT = 10\n")
    (tmp_path / "notes.txt").write_text("old notes\n")
    scripted_server.script(
        # notes.txt was never read; the edit's old text is not in the file it read.
        Turn(tool_calls=[call("Write", file_path="notes.txt", content="new notes\n")]),
        Turn(tool_calls=[call("Read", file_path="app.py")]),
        Turn(
            tool_calls=[
                call("Edit", file_path="app.py", old_string="LIMIT = 99", new_string="LIMIT = 20")
            ]
        ),
        Turn(text="I will read first."),
    )
    answers = Answers()
    agent, events = make_agent(scripted_server, tmp_path, answers)
    await agent.run_turn("change things")
    await agent.close()
    assert answers.requests == [], "nobody was asked about calls that cannot succeed"
    assert not any(isinstance(e, PermissionAsked) for e in events)
    write_result, _read, edit_result = scripted_server.tool_results()
    assert "has not been read in this conversation" in write_result
    assert "old_string was not found" in edit_result
    assert [e.status for e in finished(events)] == ["failed", "done", "failed"]
    assert (tmp_path / "notes.txt").read_text() == "old notes\n"


async def test_allow_once_then_always(scripted_server: ScriptedServer, tmp_path: Path) -> None:
    scripted_server.script(
        Turn(tool_calls=[call("Bash", command="touch one.txt")]),
        Turn(tool_calls=[call("Bash", command="touch two.txt")]),
        Turn(tool_calls=[call("Bash", command="touch three.txt")]),
        Turn(text="all written"),
    )
    answers = Answers(Decision("allow_once"), Decision("allow_always"))
    agent, _ = make_agent(scripted_server, tmp_path, answers)
    await agent.run_turn("write files")
    await agent.close()
    assert len(answers.requests) == 2, "the third call matched the remembered rule"
    assert answers.requests[1].always_rule == "Bash(touch:*)"
    assert [p.name for p in sorted(tmp_path.glob("*.txt"))] == ["one.txt", "three.txt", "two.txt"]


async def test_plan_mode_refuses_edits_and_tells_the_model(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    target = tmp_path / "app.py"
    target.write_text("print('hi')\n")
    scripted_server.script(
        Turn(tool_calls=[call("Read", file_path="app.py")]),
        Turn(tool_calls=[call("Edit", file_path="app.py", old_string="hi", new_string="bye")]),
        Turn(text="Plan: change the greeting."),
    )
    answers = Answers()
    agent, _ = make_agent(scripted_server, tmp_path, answers, permission_mode="plan")
    result = await agent.run_turn("change the greeting")
    await agent.close()
    assert result.text == "Plan: change the greeting."
    assert target.read_text() == "print('hi')\n"
    assert answers.requests == []
    assert PLAN_MODE_REFUSAL in scripted_server.tool_results()[-1]
    assert "plan" in scripted_server.last_request.messages[0]["content"].lower()


async def test_max_turns_stops_with_a_reason(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("a\n")
    scripted_server.script(*[Turn(tool_calls=[call("Read", file_path="a.txt")])] * 3)
    agent, _ = make_agent(scripted_server, tmp_path, max_turns=3)
    result = await agent.run_turn("loop")
    await agent.close()
    assert result.reason == "max_turns"
    assert "3" in result.detail
    assert len(scripted_server.chat_requests) == 3
    assert not scripted_server.exhausted


async def test_a_cut_off_tool_call_is_reported_not_run(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    scripted_server.script(
        Turn(
            tool_calls=[ToolCallSpec("Write", raw_arguments='{"file_path": "x.txt", "cont')],
            finish_reason="length",
        ),
        Turn(text="next"),
    )
    agent, events = make_agent(scripted_server, tmp_path, permission_mode="acceptEdits")
    result = await agent.run_turn("write")
    assert result.reason == "length"
    assert "not run" in result.detail
    assert not (tmp_path / "x.txt").exists()
    assert finished(events) == []
    await agent.run_turn("continue")
    await agent.close()
    assert scripted_server.last_request.messages[-1]["content"] == "continue"


async def test_a_provider_error_ends_the_turn_with_one_sentence(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    scripted_server.script(Turn(status=400, error_message="context length exceeded"))
    agent, events = make_agent(scripted_server, tmp_path)
    result = await agent.run_turn("hi")
    await agent.close()
    assert result.reason == "error"
    (error,) = [e for e in events if isinstance(e, AgentError)]
    assert "context length exceeded" in error.message


async def test_cancelling_mid_stream_leaves_a_valid_history(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    scripted_server.script(
        Turn(text="a long answer " * 200, chunk_size=5, token_delay=0.02),
        Turn(text="fresh start"),
    )
    agent, events = make_agent(scripted_server, tmp_path)
    task = asyncio.create_task(agent.run_turn("talk"))
    while not any(isinstance(e, TextDelta) for e in events):
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert isinstance(events[-1], TurnFinished) and events[-1].reason == "interrupted"
    result = await agent.run_turn("again")
    await agent.close()
    assert result.text == "fresh start"
    roles = [m["role"] for m in scripted_server.last_request.messages]
    assert roles == ["system", "user", "assistant", "user"]


async def test_cancelling_a_running_command_answers_every_call(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    scripted_server.script(
        Turn(
            tool_calls=[
                call("Bash", "slow", command="sleep 30"),
                call("Bash", "never", command="echo never > never.txt"),
            ]
        ),
        Turn(text="ok, stopped"),
    )
    agent, events = make_agent(scripted_server, tmp_path, dangerously_skip_permissions=True)
    task = asyncio.create_task(agent.run_turn("run"))
    while not any(isinstance(e, ToolCallRunning) for e in events):
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 20)
    statuses = {e.call_id: e.status for e in finished(events)}
    assert statuses == {"slow": "interrupted", "never": "interrupted"}
    assert not (tmp_path / "never.txt").exists()
    # The strict server accepts the next request: every call has its result.
    result = await agent.run_turn("what now?")
    await agent.close()
    assert result.text == "ok, stopped"
    tool_messages = [m for m in scripted_server.last_request.messages if m["role"] == "tool"]
    assert [m["content"] for m in tool_messages] == [INTERRUPTED, INTERRUPTED]


async def test_denying_with_interrupt_stops_the_turn(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    scripted_server.script(
        Turn(
            tool_calls=[
                call("Write", "w1", file_path="a.txt", content="a"),
                call("Write", "w2", file_path="b.txt", content="b"),
            ]
        ),
        Turn(text="waiting for you"),
    )
    answers = Answers(Decision("deny", interrupt=True))
    agent, _ = make_agent(scripted_server, tmp_path, answers)
    result = await agent.run_turn("write two files")
    assert result.reason == "interrupted"
    assert len(answers.requests) == 1
    assert list(tmp_path.glob("*.txt")) == []
    follow = await agent.run_turn("never mind")
    await agent.close()
    assert follow.text == "waiting for you"
    contents = [m["content"] for m in scripted_server.last_request.messages if m["role"] == "tool"]
    assert "interrupted" in contents[0] and contents[1] == INTERRUPTED


async def test_dynamic_turns_see_the_tool_results(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    (tmp_path / "VERSION").write_text("4.2.0\n")

    def answer(request: RecordedRequest) -> Turn:
        return Turn(text=f"The version line was: {request.tool_results()[-1].splitlines()[0]}")

    scripted_server.script(Turn(tool_calls=[call("Read", file_path="VERSION")]), answer)
    agent, _ = make_agent(scripted_server, tmp_path)
    result = await agent.run_turn("version?")
    await agent.close()
    assert result.text.endswith("4.2.0")
    offered = {tool["function"]["name"] for tool in scripted_server.chat_requests[0].tools}
    assert {"Read", "Edit", "Write", "Bash", "Grep", "Glob", "TodoWrite"} <= offered


async def test_closing_the_agent_ends_background_jobs(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    scripted_server.script(
        Turn(tool_calls=[call("Bash", command="sleep 300 & echo $! > job.pid")]),
        Turn(text="started"),
    )
    agent, _ = make_agent(scripted_server, tmp_path, dangerously_skip_permissions=True)
    await agent.run_turn("start a job")
    pid = int((tmp_path / "job.pid").read_text())
    assert Path(f"/proc/{pid}").exists()
    await agent.close()
    status = Path(f"/proc/{pid}/status")
    assert not status.exists() or "zombie" in status.read_text()
