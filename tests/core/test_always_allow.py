""" "Always allow" and print mode's hint name rules that really allow the call; the local
settings file they are kept in is git-ignored and not offered by ``@`` completion."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from openclaude_tui.core.permissions.policy import PermissionPolicy, PermissionRequest
from openclaude_tui.core.project_files import list_project_files
from openclaude_tui.core.tools import default_tools
from tests.helpers.policy import check_action, make_policy
from tests.helpers.print_mode import openclaude
from tests.helpers.repos import make_auth_repo
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

TOOLS = default_tools()
LOCAL = ".openclaude/settings.local.toml"


def _git_repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    return root


def _request(policy: PermissionPolicy, tool: str, **args: Any) -> PermissionRequest:
    found = TOOLS.get(tool)
    assert found is not None
    validated, _ = found.validate(args)
    gate = policy.check(found, validated, policy.project_root)
    assert gate.action == "ask", gate
    return policy.request_for("call", found, validated, policy.project_root, gate.reason)


def _action(policy: PermissionPolicy, tool: str, **args: Any) -> str:
    return check_action(policy, tool, policy.project_root, **args)


def test_always_allow_for_a_compound_command_saves_a_rule_for_every_part(tmp_path: Path) -> None:
    command = "npm run test && make build && git status"
    policy = make_policy(tmp_path)
    request = _request(policy, "Bash", command=command)
    assert request.always_rules == ("Bash(npm run test:*)", "Bash(make:*)")
    assert request.always_label == (
        "Always allow `Bash(npm run test:*)` and `Bash(make:*)` in this project"
    )
    policy.remember(request)
    assert _action(policy, "Bash", command=command) == "allow"
    # Saved for the next session too.
    assert _action(make_policy(tmp_path), "Bash", command=command) == "allow"


def test_no_always_offer_when_no_rule_would_allow_the_call(tmp_path: Path) -> None:
    policy = make_policy(tmp_path, ask=["Bash(make:*)"])
    # An ask rule wins over any allow rule, so offering Bash(make:*) would be a lie.
    assert _request(policy, "Bash", command="make build").always_rules == ()
    assert _request(policy, "Bash", command="npm test && git push --force").always_rules == ()
    hook = {"file_path": ".git/hooks/pre-commit", "content": "x"}
    assert _request(policy, "Write", **hook).always_rules == ()
    outside = {"file_path": str(tmp_path.parent / "elsewhere.txt"), "content": "x"}
    assert _request(policy, "Write", **outside).always_rules == ()
    inside = {"file_path": "notes.txt", "content": "x"}
    assert _request(policy, "Write", **inside).always_rules == ("Edit",)


def test_the_local_settings_file_is_git_ignored_when_it_is_written(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path / "repo")
    (repo / ".openclaude").mkdir()
    (repo / ".openclaude" / ".gitignore").write_text("cache/\n")
    policy = make_policy(repo)
    policy.remember(_request(policy, "Bash", command="make build"))
    policy.remember(_request(policy, "Bash", command="npm run lint"))
    assert (repo / LOCAL).exists()
    ignored = subprocess.run(["git", "check-ignore", "-q", LOCAL], cwd=repo)
    assert ignored.returncode == 0
    assert (repo / ".openclaude" / ".gitignore").read_text() == "cache/\nsettings.local.toml\n"


async def test_at_completion_does_not_offer_the_local_settings_file(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path / "repo")
    plain = tmp_path / "plain"
    for root in (repo, plain):
        (root / ".openclaude").mkdir(parents=True)
        (root / LOCAL).write_text("[permissions]\nallow = []\n")
        (root / ".openclaude" / "settings.toml").write_text("")
        offered = await list_project_files(root)
        assert ".openclaude/settings.toml" in offered
        assert LOCAL not in offered


def test_print_mode_names_every_rule_a_compound_command_needs(tmp_path: Path) -> None:
    repo = make_auth_repo(tmp_path / "repo")
    turns = [
        Turn(tool_calls=[ToolCallSpec("Bash", {"command": "npm run test && make build"})]),
        Turn(tool_calls=[ToolCallSpec("Bash", {"command": "npm run test && git push -f"})]),
        Turn(text="Neither ran."),
    ]
    with ScriptedServer(turns) as server:
        done = openclaude(repo, tmp_path / "home", "-p", "go", "--base-url", server.base_url)
    assert done.returncode == 0, done.stderr
    assert (
        "print mode cannot ask; allow it with --allow 'Bash(npm run test:*)' "
        "--allow 'Bash(make:*)'\n"
    ) in done.stderr
    assert "some part of it always asks whatever the rules say" in done.stderr
