"""Coordinator mode: the main agent is offered only what plans and delegates, its sub-agents
every tool (``--coordinator``; ``/coordinate`` in the app is tested in
``tests/ui/test_coordinate_command.py``).

Real print-mode processes against the scripted server; the files on disk and the requests
the server received show what each agent could do.
"""

from __future__ import annotations

from pathlib import Path

from openclaude_tui.core.agent.coordinator import COORDINATOR_TOOLS
from tests.helpers.print_mode import openclaude
from tests.helpers.subagents import Conversations, system_prompt, tool_names
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

PLAN = "Add a greeting module."
WORK = "Write hello.py with a greet() function."


def _task(prompt: str) -> ToolCallSpec:
    return ToolCallSpec(
        "Task",
        {"description": "write hello", "prompt": prompt, "subagent_type": "general-purpose"},
    )


def test_the_coordinator_delegates_and_its_worker_does_the_work(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    conversations = Conversations(
        {
            PLAN: [
                # Offered no Edit, the coordinator's own edit runs nothing.
                Turn(tool_calls=[ToolCallSpec("Write", {"file_path": "own.py", "content": "x"})]),
                Turn(tool_calls=[_task(WORK)]),
                Turn(text="The worker wrote hello.py."),
            ],
            WORK: [
                Turn(
                    tool_calls=[
                        ToolCallSpec(
                            "Write",
                            {"file_path": "hello.py", "content": "def greet():\n    return 'hi'\n"},
                        )
                    ]
                ),
                Turn(text="hello.py is written."),
            ],
        }
    )
    with ScriptedServer() as server:
        conversations.use(server)
        done = openclaude(
            project, tmp_path / "home", "-p", PLAN, "--base-url", server.base_url,
            "--coordinator", "--permission-mode", "acceptEdits",
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "The worker wrote hello.py."
    assert (project / "hello.py").read_text() == "def greet():\n    return 'hi'\n"
    assert not (project / "own.py").exists()
    coordinator, worker = conversations.requests[PLAN], conversations.requests[WORK]
    assert set(tool_names(coordinator[0])) <= set(COORDINATOR_TOOLS)
    assert "Task" in tool_names(coordinator[0])
    assert "# Coordinating" in system_prompt(coordinator[0])
    assert "Write" in coordinator[1].tool_results()[0]
    assert {"Write", "Edit", "Bash"} <= set(tool_names(worker[0]))
    assert "Task" not in tool_names(worker[0])
    assert "# Coordinating" not in system_prompt(worker[0])


def test_without_the_task_tool_there_is_nothing_to_coordinate(tmp_path: Path) -> None:
    with ScriptedServer([Turn(text="done")]) as server:
        done = openclaude(
            tmp_path, tmp_path / "home", "-p", "x", "--base-url", server.base_url,
            "--coordinator", "--tools", "Read,Edit",
        )  # fmt: skip
        offered = tool_names(server.chat_requests[0])
    assert done.returncode == 0, done.stderr
    assert "not coordinating" in done.stderr and "Task tool" in done.stderr
    assert offered == ["Read", "Edit"]
