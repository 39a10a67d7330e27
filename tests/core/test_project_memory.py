"""The project's memory file as `/init` and `# note` write it, and `/init` and the Task tool
in print mode: a real process, a real project, the scripted server's request log."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.core.prompt.memory_file import (
    MemoryFileError,
    memory_file,
    memory_note,
    remember,
    user_memory_file,
)
from openclaude_tui.paths import config_dir
from tests.helpers.agent import call
from tests.helpers.print_mode import openclaude
from tests.helpers.repos import git
from tests.helpers.subagents import Conversations
from tests.scripted_server import ScriptedServer, Turn


def _project(root: Path) -> Path:
    root.mkdir(parents=True)
    git(root, "init", "-q")
    return root


@pytest.mark.parametrize(
    ("prompt", "note"),
    [
        ("# use uv", "use uv"),
        ("#use uv  ", "use uv"),
        ("## use uv", "use uv"),
        ("#", ""),
        ("# Title\nbody", None),
        ("use # uv", None),
    ],
)
def test_which_prompts_are_notes(prompt: str, note: str | None) -> None:
    assert memory_note(prompt) == note


def test_the_file_a_note_goes_to_follows_the_project(tmp_path: Path) -> None:
    project = _project(tmp_path / "repo")
    assert memory_file(project) == project / "AGENTS.md"
    (project / "CLAUDE.md").write_text("no newline at the end")
    assert memory_file(project) == project / "CLAUDE.md"
    remember(project, "first")
    remember(project, "second")
    assert (project / "CLAUDE.md").read_text() == "no newline at the end\n- first\n- second\n"
    (project / "AGENTS.md").write_text("")
    assert memory_file(project) == project / "AGENTS.md"


def test_a_memory_file_that_is_a_directory_is_not_written(tmp_path: Path) -> None:
    project = _project(tmp_path / "repo")
    (project / "CLAUDE.md").symlink_to(project / "docs", target_is_directory=True)
    (project / "docs").mkdir()
    # A link to a directory is not a memory file: a new AGENTS.md is written.
    assert remember(project, "note") == (project / "AGENTS.md").resolve()
    (project / "AGENTS.md").unlink()
    (project / "AGENTS.md").mkdir()
    with pytest.raises(MemoryFileError, match="not a file"):
        remember(project, "note")


def test_notes_for_the_user_go_to_the_config_folder_whatever_the_project_holds(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path / "repo")
    (project / "AGENTS.md").write_text("project rules\n")
    assert not config_dir().exists() or not user_memory_file().exists()
    path = remember(project, ["prefer pathlib", "answer briefly"], "user")
    assert path == (config_dir() / "AGENTS.md").resolve()
    assert path.read_text() == "- prefer pathlib\n- answer briefly\n"
    assert (project / "AGENTS.md").read_text() == "project rules\n"
    # The user's own CLAUDE.md, when they keep one, is the file written.
    path.unlink()
    (config_dir() / "CLAUDE.md").write_text("mine")
    assert remember(project, "one more", "user").read_text() == "mine\n- one more\n"


def test_print_mode_init_writes_agents_md_when_edits_are_accepted(tmp_path: Path) -> None:
    project = _project(tmp_path / "repo")
    content = "# repo\n\nBuild: `make`.\n"
    script = [
        Turn(tool_calls=[call("Write", file_path="AGENTS.md", content=content)]),
        Turn(text="Wrote AGENTS.md."),
    ]
    with ScriptedServer(script) as server:
        done = openclaude(
            project,
            tmp_path / "home",
            "-p",
            "/init",
            "--base-url",
            server.base_url,
            "-m",
            "scripted-model",
            "--permission-mode",
            "acceptEdits",
        )
        prompt = server.chat_requests[0].messages[-1]["content"]
    assert done.returncode == 0, done.stderr
    assert "write AGENTS.md in its root directory" in prompt
    assert (project / "AGENTS.md").read_text() == content


def test_print_mode_refuses_a_sub_agent_call_that_would_ask(tmp_path: Path) -> None:
    project = _project(tmp_path / "repo")
    task = "Create done.txt with touch."
    with ScriptedServer() as server:
        script = Conversations(
            {
                "make a file": [
                    Turn(tool_calls=[call("Task", description="make it", prompt=task)]),
                    Turn(text="The sub-agent could not."),
                ],
                task: [
                    Turn(tool_calls=[call("Bash", command="touch done.txt")]),
                    Turn(text="touch was refused"),
                ],
            }
        )
        script.use(server)
        done = openclaude(
            project,
            tmp_path / "home",
            "-p",
            "make a file",
            "--base-url",
            server.base_url,
            "-m",
            "scripted-model",
        )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "The sub-agent could not."
    assert not (project / "done.txt").exists()
    refusal = script.requests[task][1].tool_results()[0]
    assert "nobody can be asked in this non-interactive run" in refusal
    assert "⊘ not run:" in done.stderr and "Bash(touch" in done.stderr
    assert script.requests["make a file"][1].tool_results() == ["touch was refused"]
