"""The Task tool: sub-agents against the strict scripted server, with real tools on real
files, through the same permission gate as the main agent."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from openclaude_tui.core.agent.history import INTERRUPTED
from openclaude_tui.core.agent.subagent import ROLE
from openclaude_tui.core.events import SubagentProgress, ToolCallStarted, ToolOutput
from openclaude_tui.core.extensions.agents import load_agents
from openclaude_tui.core.permissions.policy import Decision
from tests.helpers.agent import Answers, call, finished, make_agent
from tests.helpers.sessions import session_in
from tests.helpers.subagents import Conversations, system_prompt, tool_names
from tests.scripted_server import ScriptedServer, Turn

PARENT = "split the work"
TASK_A = "Read a.txt and report its first line."
TASK_B = "Read b.txt and report its first line."


def task(call_id: str, prompt: str, kind: str | None = None) -> object:
    """A scripted Task call."""
    arguments = {"description": f"task {call_id}", "prompt": prompt}
    if kind is not None:
        arguments["subagent_type"] = kind
    return call("Task", call_id, **arguments)


async def test_two_sub_agents_run_in_parallel_and_answer_the_parent(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("alpha\n")
    (tmp_path / "b.txt").write_text("beta\n")
    script = Conversations(
        {
            PARENT: [
                Turn(tool_calls=[task("ta", TASK_A), task("tb", TASK_B)]),
                Turn(text="Both done."),
            ],
            TASK_A: [
                Turn(tool_calls=[call("Read", "ra", file_path="a.txt")]),
                Turn(text="a.txt says alpha"),
            ],
            TASK_B: [
                Turn(tool_calls=[call("Read", "rb", file_path="b.txt")]),
                Turn(text="b.txt says beta"),
            ],
        }
    )
    # Each sub-agent's first answer waits for the other's first request.
    script.wait_for(TASK_A, TASK_B)
    script.wait_for(TASK_B, TASK_A)
    script.use(scripted_server)
    agent, events = make_agent(scripted_server, tmp_path)
    result = await agent.run_turn(PARENT)
    await agent.close()
    assert result.reason == "end_turn" and result.text == "Both done."
    # Each sub-agent had its own history: system, its task, its call and result, its answer.
    for key, content in ((TASK_A, "alpha"), (TASK_B, "beta")):
        first, second = script.requests[key]
        assert [m["role"] for m in first.messages] == ["system", "user"]
        assert system_prompt(first).startswith(ROLE)
        assert [m["role"] for m in second.messages] == ["system", "user", "assistant", "tool"]
        assert content in second.tool_results()[0]
        assert PARENT not in str(second.messages)
    # The parent's continuation carries each sub-agent's final answer as the Task result.
    continuation = script.requests[PARENT][1]
    assert continuation.tool_results() == ["a.txt says alpha", "b.txt says beta"]
    # The parent's events show the sub-agents' calls under their Task calls only.
    assert {e.call_id for e in events if isinstance(e, ToolCallStarted)} == {"ta", "tb"}
    progress = [e for e in events if isinstance(e, SubagentProgress)]
    assert {(e.call_id, e.calls, e.action) for e in progress} == {
        ("ta", 1, "Read a.txt"),
        ("tb", 1, "Read b.txt"),
    }
    lines = {e.call_id: e.text for e in events if isinstance(e, ToolOutput)}
    assert lines == {"ta": "→ Read a.txt\n", "tb": "→ Read b.txt\n"}


async def test_a_denied_call_inside_a_sub_agent_is_its_tool_result(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me\n")
    script = Conversations(
        {
            PARENT: [
                Turn(tool_calls=[task("ta", TASK_A), task("tb", TASK_B)]),
                Turn(text="Reported."),
            ],
            TASK_A: [Turn(text="nothing to do")],
            TASK_B: [
                Turn(tool_calls=[call("Bash", "wb", command="echo overwritten > notes.txt")]),
                Turn(text="I was not allowed to write notes.txt"),
            ],
        }
    )
    script.use(scripted_server)
    approver = Answers(Decision("deny", reason="leave my notes alone"))
    agent, _ = make_agent(scripted_server, tmp_path, approver)
    result = await agent.run_turn(PARENT)
    await agent.close()
    assert result.reason == "end_turn"
    assert target.read_text() == "keep me\n"
    # The same approver was asked, and told which agent asks.
    (request,) = approver.requests
    assert request.tool == "Bash" and request.agent == "general-purpose"
    denied = script.requests[TASK_B][1].tool_results()
    assert len(denied) == 1 and "leave my notes alone" in denied[0]
    assert script.requests[PARENT][1].tool_results() == [
        "nothing to do",
        "I was not allowed to write notes.txt",
    ]


async def test_a_deny_rule_holds_inside_a_sub_agent(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    script = Conversations(
        {
            PARENT: [Turn(tool_calls=[task("ta", TASK_A)]), Turn(text="ok")],
            TASK_A: [
                Turn(tool_calls=[call("Bash", "ba", command="touch made.txt")]),
                Turn(text="could not"),
            ],
        }
    )
    script.use(scripted_server)
    agent, _ = make_agent(
        scripted_server, tmp_path, dangerously_skip_permissions=True, deny=["Bash"]
    )
    await agent.run_turn(PARENT)
    await agent.close()
    assert not (tmp_path / "made.txt").exists()
    assert "Permission denied" in script.requests[TASK_A][1].tool_results()[0]


async def test_interrupting_stops_every_sub_agent_and_leaves_the_parent_valid(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    script = Conversations(
        {
            PARENT: [
                Turn(tool_calls=[task("ta", TASK_A), task("tb", TASK_B)]),
                Turn(text="Stopped, as you asked."),
            ],
            TASK_A: [Turn(keep_alive_forever=True)],
            TASK_B: [Turn(keep_alive_forever=True)],
        }
    )
    script.use(scripted_server)
    agent, events = make_agent(scripted_server, tmp_path)
    running = asyncio.create_task(agent.run_turn(PARENT))
    while not (script.requests[TASK_A] and script.requests[TASK_B]):
        await asyncio.sleep(0.01)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(running, 20)
    statuses = {e.call_id: e.status for e in finished(events)}
    assert statuses == {"ta": "interrupted", "tb": "interrupted"}
    # The strict server accepts the next request: both Task calls have their result.
    result = await agent.run_turn("what now?")
    await agent.close()
    assert result.text == "Stopped, as you asked."
    assert scripted_server.tool_results() == [INTERRUPTED, INTERRUPTED]
    # Neither sub-agent asked again after the interruption.
    assert len(script.requests[TASK_A]) == len(script.requests[TASK_B]) == 1


async def test_deny_and_stop_inside_a_sub_agent_stops_the_whole_turn(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    script = Conversations(
        {
            PARENT: [
                Turn(tool_calls=[task("ta", TASK_A), task("tb", TASK_B)]),
                Turn(text="Understood, I stopped."),
            ],
            TASK_A: [
                Turn(tool_calls=[call("Bash", "ba", command="touch made.txt")]),
                Turn(text="never asked for"),
            ],
            TASK_B: [Turn(keep_alive_forever=True)],
        }
    )
    script.wait_for(TASK_A, TASK_B)
    script.use(scripted_server)
    approver = Answers(Decision("deny", interrupt=True))
    agent, events = make_agent(scripted_server, tmp_path, approver)
    result = await asyncio.wait_for(agent.run_turn(PARENT), 30)
    assert result.reason == "interrupted"
    assert not (tmp_path / "made.txt").exists()
    statuses = {e.call_id: e.status for e in finished(events)}
    assert statuses == {"ta": "interrupted", "tb": "interrupted"}
    # Neither sub-agent nor the parent asked the model again; the next prompt is accepted.
    assert len(script.requests[TASK_A]) == len(script.requests[TASK_B]) == 1
    assert len(script.requests[PARENT]) == 1
    after = await agent.run_turn("what now?")
    await agent.close()
    assert after.text == "Understood, I stopped."
    assert scripted_server.tool_results() == [INTERRUPTED, INTERRUPTED]


async def test_an_agent_definition_from_claude_agents(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "reviewer.md").write_text(
        "---\nname: reviewer\ndescription: Reviews code for bugs\ntools: Read, Grep\n"
        "model: inherit\n---\nYou review code and list the bugs you find.\n"
    )
    script = Conversations(
        {
            PARENT: [Turn(tool_calls=[task("ta", TASK_A, "reviewer")]), Turn(text="ok")],
            TASK_A: [Turn(text="no bugs")],
        }
    )
    script.use(scripted_server)
    agent, _ = make_agent(scripted_server, tmp_path)
    await agent.run_turn(PARENT)
    await agent.close()
    parent_request = script.requests[PARENT][0]
    (task_tool,) = [t for t in parent_request.tools if t["function"]["name"] == "Task"]
    assert "- reviewer: Reviews code for bugs" in task_tool["function"]["description"]
    (child,) = script.requests[TASK_A]
    assert tool_names(child) == ["Read", "Grep"]
    assert "You review code and list the bugs you find." in system_prompt(child)
    assert script.requests[PARENT][1].tool_results() == ["no bugs"]


async def test_an_agent_definition_may_name_another_model_of_the_server(tmp_path: Path) -> None:
    agents = tmp_path / ".openclaude" / "agents"
    agents.mkdir(parents=True)
    (agents / "quick.md").write_text("---\nmodel: small-model\n---\nBe quick.\n")
    with ScriptedServer(models=("scripted-model", "small-model")) as server:
        script = Conversations(
            {
                PARENT: [Turn(tool_calls=[task("ta", TASK_A, "quick")]), Turn(text="ok")],
                TASK_A: [Turn(text="quick answer")],
            }
        )
        script.use(server)
        agent, _ = make_agent(server, tmp_path)
        await agent.run_turn(PARENT)
        await agent.close()
    models = [request.body["model"] for request in server.chat_requests]
    assert models == ["scripted-model", "small-model", "scripted-model"]
    assert script.requests[PARENT][1].tool_results() == ["quick answer"]


async def test_the_tools_setting_offers_task_only_when_it_names_it(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    scripted_server.script(Turn(text="one"), Turn(text="two"))
    without, _ = make_agent(scripted_server, tmp_path, tools="Read,Grep")
    await without.run_turn("hi")
    await without.close()
    with_task, _ = make_agent(scripted_server, tmp_path, tools="Read,task")
    await with_task.run_turn("hi")
    await with_task.close()
    offered = [tool_names(request) for request in scripted_server.chat_requests]
    assert offered == [["Read", "Grep"], ["Read", "Task"]]


async def test_an_unknown_agent_type_is_an_error_naming_the_known_ones(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    scripted_server.script(
        Turn(tool_calls=[task("ta", TASK_A, "wizard")]), Turn(text="I will use another.")
    )
    agent, events = make_agent(scripted_server, tmp_path)
    await agent.run_turn(PARENT)
    await agent.close()
    (done,) = finished(events)
    assert done.status == "failed"
    assert "no agent type 'wizard'" in done.result and "general-purpose" in done.result
    assert len(scripted_server.chat_requests) == 2, "no sub-agent was started"


async def test_a_sub_agent_is_not_offered_the_task_tool(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    script = Conversations(
        {
            PARENT: [Turn(tool_calls=[task("ta", TASK_A)]), Turn(text="ok")],
            TASK_A: [
                Turn(tool_calls=[task("nested", TASK_B)]),
                Turn(text="I could not delegate"),
            ],
            TASK_B: [Turn(text="a grandchild ran")],
        }
    )
    script.use(scripted_server)
    agent, _ = make_agent(scripted_server, tmp_path)
    await agent.run_turn(PARENT)
    await agent.close()
    first, second = script.requests[TASK_A]
    assert "Task" in tool_names(script.requests[PARENT][0])
    assert "Task" not in tool_names(first)
    assert "Unknown tool" in second.tool_results()[0] or "no tool" in second.tool_results()[0]
    assert script.requests[TASK_B] == [], "the nested Task call started nothing"
    assert script.requests[PARENT][1].tool_results() == ["I could not delegate"]


def test_agent_files_the_first_place_wins_and_unusable_files_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    project = tmp_path / "repo"
    files = {
        project / ".openclaude" / "agents" / "reviewer.md": "---\ndescription: ours\n---\nA.\n",
        project / ".claude" / "agents" / "reviewer.md": "---\ndescription: theirs\n---\nB.\n",
        project / ".claude" / "agents" / "empty.md": "---\ndescription: no prompt\n---\n",
        tmp_path / "home" / ".claude" / "agents" / "helper.md": (
            "---\ntools: '*'\nmodel: qwen3:8b\n---\nHelp.\n"
        ),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    catalogue = load_agents(project)
    assert catalogue.names() == ["general-purpose", "reviewer", "helper"]
    reviewer, helper = catalogue.agents[1:]
    assert (reviewer.description, reviewer.source) == ("ours", "project")
    assert (helper.tools, helper.model, helper.source) == (None, "qwen3:8b", "user (~/.claude)")
    assert helper.description == "Help."
    assert any("reviewer from" in n and "hidden by the project one" in n for n in catalogue.notices)
    assert any(n.startswith("agent empty skipped") for n in catalogue.notices)


async def test_rewind_restores_what_a_sub_agent_changed(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("alpha\n")
    script = Conversations(
        {
            PARENT: [Turn(tool_calls=[task("ta", TASK_A)]), Turn(text="Changed.")],
            TASK_A: [
                Turn(tool_calls=[call("Read", file_path="a.txt")]),
                Turn(
                    tool_calls=[
                        call("Edit", file_path="a.txt", old_string="alpha", new_string="ALPHA")
                    ]
                ),
                Turn(text="a.txt now says ALPHA"),
            ],
        }
    )
    script.use(scripted_server)
    session = session_in(tmp_path, scripted_server, lambda event: None, Answers())
    session.policy.mode = "acceptEdits"
    await session.run_turn(PARENT)
    assert (tmp_path / "a.txt").read_text() == "ALPHA\n"
    # The session's review sees the sub-agent's change, and /rewind takes it back.
    assert [change.path.name for change in session.changes] == ["a.txt"]
    rewinder = session.rewinder()
    assert rewinder is not None
    (point,) = rewinder.points()
    plan = rewinder.plan(point)
    rewinder.apply(plan, code=True, conversation=True)
    await session.close()
    assert (tmp_path / "a.txt").read_text() == "alpha\n"
