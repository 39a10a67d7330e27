"""The agent with what open models really do: calls written as text, reasoning, silent
truncation, a full context window. All against the strict scripted server."""

from __future__ import annotations

from pathlib import Path

from openclaude_tui.core.agent.compact import SUMMARY_PREFIX, Compactor
from openclaude_tui.core.assembly import start_agent
from openclaude_tui.core.events import Notice, ReasoningDelta, ToolCallFinished
from openclaude_tui.core.settings.config import Overrides, load_config
from tests.helpers.agent import Answers, call, make_agent
from tests.scripted_server import RecordedRequest, ScriptedServer, ToolCallSpec, Turn


async def test_a_call_written_as_text_runs_and_is_recorded_as_a_real_call(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = demo\n")
    scripted_server.script(
        Turn(
            text=(
                "I'll look at the package metadata first.\n\n"
                '<tool_call>\n{"name": "Read", "arguments": {"file_path": "setup.cfg"}}\n'
                "</tool_call>"
            )
        ),
        Turn(text="The package is called demo."),
    )
    agent, events = make_agent(scripted_server, tmp_path)
    result = await agent.run_turn("what is the package name?")
    await agent.close()
    assert result.text == "The package is called demo."
    (finished,) = [e for e in events if isinstance(e, ToolCallFinished)]
    assert finished.name == "Read" and finished.status == "done"
    sent = scripted_server.last_request.messages
    assistant = sent[2]
    assert assistant["content"] == "I'll look at the package metadata first."
    assert assistant["tool_calls"][0]["function"]["name"] == "Read"
    assert sent[3]["role"] == "tool" and "name = demo" in sent[3]["content"]


async def test_json_in_prose_is_not_taken_for_a_call(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    answer = 'Your package.json should start with {"name": "my-package", "version": "1.0.0"}.'
    scripted_server.script(Turn(text=answer))
    agent, events = make_agent(scripted_server, tmp_path)
    result = await agent.run_turn("how do I start package.json?")
    await agent.close()
    assert result.text == answer
    assert not [e for e in events if isinstance(e, ToolCallFinished)]


async def test_a_model_without_native_tools_still_uses_them(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    (tmp_path / "notes.md").write_text("remember the milk\n")

    def answer_with_the_result(request: RecordedRequest) -> Turn:
        assert "tools" not in request.body
        last = request.messages[-1]
        assert last["role"] == "user" and last["content"].startswith("[tool result for Read")
        return Turn(text="The note says to remember the milk.")

    scripted_server.script(
        Turn(status=400, error_message="model gemma:2b does not support tools"),
        Turn(
            text='<tool_call>{"name": "Read", "arguments": {"file_path": "notes.md"}}</tool_call>'
        ),
        answer_with_the_result,
    )
    agent, events = make_agent(scripted_server, tmp_path)
    result = await agent.run_turn("what does the note say?")
    await agent.close()
    assert result.reason == "end_turn", result.detail
    assert result.text == "The note says to remember the milk."
    assert any(isinstance(e, Notice) and "native tool calls" in e.message for e in events)
    assert not scripted_server.exhausted


async def test_reasoning_is_shown_apart_and_not_sent_back(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    scripted_server.script(
        Turn(text="<think>Short question, short answer.</think>Forty-two."),
        Turn(reasoning="Still easy.", text="Yes."),
        Turn(text="ok"),
    )
    agent, events = make_agent(scripted_server, tmp_path)
    await agent.run_turn("answer?")
    await agent.run_turn("sure?")
    await agent.run_turn("thanks")
    await agent.close()
    reasoning = "".join(e.text for e in events if isinstance(e, ReasoningDelta))
    assert "Short question" in reasoning and "Still easy." in reasoning
    sent = scripted_server.last_request.messages
    assert [m["content"] for m in sent if m["role"] == "assistant"] == ["Forty-two.", "Yes."]
    assert all("reasoning_content" not in m for m in sent)


async def test_silent_truncation_is_reported(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    (tmp_path / "big.txt").write_text("word " * 8000)
    scripted_server.script(
        Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "big.txt"})]),
        Turn(text="I read it.", prompt_tokens=300),
    )
    agent, events = make_agent(scripted_server, tmp_path)
    await agent.run_turn("read big.txt")
    await agent.close()
    warnings = [e for e in events if isinstance(e, Notice) and e.level == "warning"]
    assert len(warnings) == 1
    assert "300" in warnings[0].message


async def test_compaction_mid_turn_keeps_the_history_valid(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    for index in range(6):
        (tmp_path / f"part{index}.txt").write_text(f"part {index}\n" + "lorem ipsum dolor\n" * 300)
    reads = [Turn(tool_calls=[call("Read", file_path=f"part{i}.txt")]) for i in range(6)]

    def summary_or_answer(request: RecordedRequest) -> Turn:
        if "tools" not in request.body:
            return Turn(text="Read parts 0 to 4; each is lorem ipsum.")
        return Turn(text="All six parts are lorem ipsum.")

    scripted_server.script(*reads, *[summary_or_answer] * 4)
    agent, events = make_agent(scripted_server, tmp_path)
    agent.compactor = Compactor(8000)
    result = await agent.run_turn("read every part")
    await agent.close()
    assert result.text == "All six parts are lorem ipsum."
    notices = [e.message for e in events if isinstance(e, Notice)]
    assert any("ompact" in message for message in notices), notices
    sent = scripted_server.last_request.messages
    assert sent[1] == {"role": "user", "content": "read every part"}
    assert any(SUMMARY_PREFIX in (m.get("content") or "") for m in sent)
    assert len(sent) < 2 + 6 * 2


async def test_start_agent_settles_model_and_window(tmp_path: Path) -> None:
    with ScriptedServer([Turn(text="hi")], models=["qwen2.5-coder:7b"]) as server:
        config = load_config(tmp_path, Overrides(base_url=server.base_url), env={})
        started = await start_agent(config, Answers())
        await started.agent.run_turn("hello")
        await started.agent.close()
    assert started.agent.provider.settings.model == "qwen2.5-coder:7b"
    assert started.window.tokens > 0
    assert started.agent.compactor is not None
