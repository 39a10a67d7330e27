"""Skills: found in the project and the user's config, listed in the system prompt, and loaded
by the Skill tool into a tool result the model reads (print mode, the scripted server)."""

from __future__ import annotations

from pathlib import Path

from openclaude_tui.core.extensions.skills import load_skills
from openclaude_tui.core.prompt.system import PromptEnvironment, build_system_prompt
from tests.helpers.print_mode import openclaude
from tests.helpers.repos import git
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn


def _skill(directory: Path, text: str, **files: str) -> None:
    directory.mkdir(parents=True)
    (directory / "SKILL.md").write_text(text)
    for name, content in files.items():
        (directory / name).write_text(content)


def _project(root: Path) -> Path:
    root.mkdir(parents=True)
    git(root, "init", "-q")
    _skill(
        root / ".openclaude" / "skills" / "release",
        "---\nname: release\ndescription: How to cut a release of this project\n---\n"
        "1. Bump the version in VERSION.\n2. Tag it v<version>.\n",
        **{"checklist.md": "- changelog\n"},
    )
    return root


def test_the_skill_tool_loads_a_skill_and_the_prompt_lists_skills(tmp_path: Path) -> None:
    project = _project(tmp_path / "repo")
    home = tmp_path / "home"
    _skill(
        home / "config" / "skills" / "pdf",
        "---\ndescription: Fill in PDF forms\n---\nUse pdftk.\n",
    )
    turns = [
        Turn(tool_calls=[ToolCallSpec("Skill", {"skill": "release"})]),
        Turn(tool_calls=[ToolCallSpec("Skill", {"skill": "deploy"})]),
        Turn(text="Following the release skill."),
    ]
    with ScriptedServer(turns) as server:
        done = openclaude(project, home, "-p", "cut a release", "--base-url", server.base_url)
        results = server.tool_results()
        first = server.chat_requests[0]
    assert done.returncode == 0, done.stderr
    system = first.messages[0]["content"]
    assert "# Skills" in system
    assert "- release: How to cut a release of this project" in system
    assert "- pdf: Fill in PDF forms" in system
    assert "Skill" in [tool["function"]["name"] for tool in first.tools]
    loaded, unknown = results
    assert "1. Bump the version in VERSION.\n2. Tag it v<version>." in loaded
    assert str(project / ".openclaude" / "skills" / "release" / "checklist.md") in loaded
    assert unknown == "There is no skill named 'deploy'. Skills available: release, pdf."


def test_without_skills_there_is_no_skill_tool_and_no_list(tmp_path: Path) -> None:
    project = tmp_path / "repo"
    project.mkdir()
    git(project, "init", "-q")
    with ScriptedServer(["hello"]) as server:
        done = openclaude(project, tmp_path / "home", "-p", "hi", "--base-url", server.base_url)
        first = server.chat_requests[0]
    assert done.returncode == 0, done.stderr
    assert "Skill" not in [tool["function"]["name"] for tool in first.tools]
    assert "# Skills" not in first.messages[0]["content"]


def test_claude_code_skills_are_found_and_the_first_source_wins(tmp_path: Path) -> None:
    project = _project(tmp_path / "repo")
    _skill(
        project / ".claude" / "skills" / "release",
        "---\nname: release\ndescription: another\n---\nx\n",
    )
    _skill(project / ".claude" / "skills" / "lint", "---\ndescription: Lint it\n---\nRun ruff.\n")
    catalogue = load_skills(project)
    assert [(s.name, s.description) for s in catalogue.skills] == [
        ("release", "How to cut a release of this project"),
        ("lint", "Lint it"),
    ]
    assert "hidden by the project one" in catalogue.notices[0]


def test_the_list_of_skills_keeps_to_its_budget(tmp_path: Path) -> None:
    skills = [(f"skill{i}", "d" * 1000) for i in range(100)]
    environment = PromptEnvironment(tmp_path, tmp_path, "default", ["Skill"], skills=skills)
    prompt = build_system_prompt(environment)
    section = prompt.split("# Skills", 1)[1].split("\n# ", 1)[0]
    assert len(section) < 7000
    assert "- skill0: " + "d" * 249 + "…" in section
    assert "more (the Skill tool names them all)" in section
