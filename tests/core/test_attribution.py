"""Git attribution: a commit the agent makes through Bash carries the co-author trailer,
unless ``attribution = false``; the repository's own hooks still run."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from openclaude_tui.core.tools.attribution import TRAILER
from tests.helpers.print_mode import openclaude
from tests.helpers.repos import git
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn


def _repo(root: Path) -> Path:
    root.mkdir()
    git(root, "init", "-q")
    git(root, "config", "user.name", "Test User")
    git(root, "config", "user.email", "test@example.com")
    (root / "a.txt").write_text("a\n")
    git(root, "add", "a.txt")
    return root


def _commit_through_bash(repo: Path, home: Path, command: str) -> str:
    """Have the scripted model run ``command``; the last commit's message."""
    turns = [Turn(tool_calls=[ToolCallSpec("Bash", {"command": command})]), Turn(text="Done.")]
    with ScriptedServer(turns) as server:
        done = openclaude(
            repo, home, "-p", "commit", "--base-url", server.base_url,
            "--model", "scripted-model", "--permission-mode", "bypassPermissions",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "Exit code" not in server.tool_results()[0], server.tool_results()
    return subprocess.run(
        ["git", "log", "-1", "--format=%B"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(
    "command",
    [
        "git commit -q -m 'Add a'",
        "git -C . -c core.quotepath=false commit -q -m 'Add a'",
        "cd .. && git -C repo --no-pager commit -q -m 'Add a'",
    ],
)
def test_a_commit_through_bash_carries_the_trailer(tmp_path: Path, command: str) -> None:
    repo = _repo(tmp_path / "repo")
    message = _commit_through_bash(repo, tmp_path / "home", command)
    assert message.strip().splitlines() == ["Add a", "", TRAILER]


def test_attribution_false_leaves_the_message_alone(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    config = tmp_path / "home" / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("attribution = false\n")
    message = _commit_through_bash(repo, tmp_path / "home", "git commit -q -m 'Add a'")
    assert message.strip() == "Add a"


def test_the_repositorys_commit_hooks_still_run_and_other_commands_are_untouched(
    tmp_path: Path,
) -> None:
    repo = _repo(tmp_path / "repo")
    hook = repo / ".git" / "hooks" / "commit-msg"
    hook.write_text('#!/bin/sh\ncp "$1" seen-message\n')
    hook.chmod(0o755)
    command = "git commit -q -m 'Add a' && git log --format=%s > subjects"
    message = _commit_through_bash(repo, tmp_path / "home", command)
    assert TRAILER in message
    # The hook saw the message with the trailer, as git wrote it.
    assert TRAILER in (repo / "seen-message").read_text()
    assert (repo / "subjects").read_text() == "Add a\n"
