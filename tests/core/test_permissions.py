"""The permission gate: modes, rule parsing and precedence, remembered answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openclaude_tui.core.permissions.policy import PLAN_MODE_REFUSAL, PermissionPolicy
from openclaude_tui.core.permissions.rules import Rule, RuleError, glob_matches
from openclaude_tui.core.tomlfile import read_toml
from tests.helpers.policy import check_action, make_policy, tool_named


def test_rule_parsing() -> None:
    assert Rule.parse("Bash") == Rule("Bash", None)
    assert Rule.parse("Bash(npm run test:*)") == Rule("Bash", "npm run test:*")
    assert Rule.parse(" Edit( src/** ) ") == Rule("Edit", "src/**")
    assert Rule.parse("Read(*)") == Rule("Read", None)
    assert str(Rule.parse("Bash(git log:*)")) == "Bash(git log:*)"
    with pytest.raises(RuleError, match="Tool or Tool"):
        Rule.parse("Bash(oops")
    with pytest.raises(RuleError):
        Rule.parse("(x)")


def test_bash_prefix_rules_match_whole_words() -> None:
    rule = Rule.parse("Bash(npm run test:*)")
    assert rule.matches_command("npm run test")
    assert rule.matches_command("npm  run test -- --watch")
    assert not rule.matches_command("npm run testing")
    assert not rule.matches_command("npm run build")
    exact = Rule.parse("Bash(make check)")
    assert exact.matches_command("make check")
    assert not exact.matches_command("make check-all")


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("src/**", "src/a.py", True),
        ("src/**", "src/deep/er/a.py", True),
        ("src/**", "lib/src/a.py", False),
        ("*.py", "a.py", True),
        ("*.py", "deep/a.py", True),
        ("/*.py", "deep/a.py", False),
        ("src/*.py", "src/deep/a.py", False),
        ("**/secret*", "a/b/secret.txt", True),
        ("docs/", "docs/x/y.md", True),
        ("a?.txt", "ab.txt", True),
        ("a?.txt", "a/.txt", False),
    ],
)
def test_gitignore_style_globs(pattern: str, path: str, expected: bool) -> None:
    assert glob_matches(pattern, path) is expected


def test_default_mode(tmp_path: Path) -> None:
    policy = make_policy(tmp_path)
    assert check_action(policy, "Read", tmp_path, file_path="a.py") == "allow"
    assert check_action(policy, "Grep", tmp_path, pattern="x") == "allow"
    edit = {"old_string": "a", "new_string": "b"}
    assert check_action(policy, "Edit", tmp_path, file_path="a.py", **edit) == "ask"
    assert check_action(policy, "Write", tmp_path, file_path="a.py", content="") == "ask"
    assert check_action(policy, "Bash", tmp_path, command="git status") == "allow"
    assert check_action(policy, "Bash", tmp_path, command="touch x") == "ask"


def test_asking_says_why(tmp_path: Path) -> None:
    policy = make_policy(tmp_path)

    def reason(tool: str, **args: Any) -> str:
        validated, _ = tool_named(tool).validate(args)
        return policy.check(tool_named(tool), validated, tmp_path).reason

    edit = {"file_path": "a.py", "old_string": "a", "new_string": "b"}
    assert reason("Edit", **edit) == "default mode asks before each change to a file"
    assert reason("Bash", command="echo hi > x.txt") == "writes to x.txt"
    assert reason("Bash", command="make") == "make is not known to be read-only"


def test_accept_edits_mode_allows_edits_inside_the_project_only(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    policy = make_policy(project, "acceptEdits")
    assert check_action(policy, "Write", project, file_path="new.py", content="x") == "allow"
    outside = tmp_path / "elsewhere.py"
    assert check_action(policy, "Write", project, file_path=str(outside), content="x") == "ask"
    assert check_action(policy, "Read", project, file_path=str(outside)) == "ask"
    assert check_action(policy, "Bash", project, command="touch x") == "ask"


def test_plan_mode_refuses_everything_mutating(tmp_path: Path) -> None:
    policy = make_policy(tmp_path, "plan", allow=["Bash(touch:*)", "Edit"])
    args = {"file_path": "a.py", "old_string": "a", "new_string": "b"}
    validated, _ = tool_named("Edit").validate(args)
    result = policy.check(tool_named("Edit"), validated, tmp_path)
    assert result.action == "deny"
    assert result.reason == PLAN_MODE_REFUSAL
    assert check_action(policy, "Bash", tmp_path, command="touch x") == "deny"
    assert check_action(policy, "Bash", tmp_path, command="ls -la") == "allow"
    assert check_action(policy, "Read", tmp_path, file_path="a.py") == "allow"


def test_bypass_allows_everything_but_deny_rules(tmp_path: Path) -> None:
    policy = make_policy(tmp_path, "bypassPermissions", deny=["Bash(curl:*)"])
    assert check_action(policy, "Bash", tmp_path, command="rm -rf /tmp/x") == "allow"
    assert check_action(policy, "Write", tmp_path, file_path="/etc/x", content="") == "allow"
    assert check_action(policy, "Bash", tmp_path, command="curl http://example.test") == "deny"


def test_rule_precedence_deny_over_ask_over_allow(tmp_path: Path) -> None:
    policy = make_policy(
        tmp_path,
        allow=["Bash(npm:*)", "Edit(src/**)"],
        ask=["Bash(npm publish:*)"],
        deny=["Bash(npm unpublish:*)", "Edit(src/secret.py)"],
    )
    assert check_action(policy, "Bash", tmp_path, command="npm install") == "allow"
    assert check_action(policy, "Bash", tmp_path, command="npm publish") == "ask"
    assert check_action(policy, "Bash", tmp_path, command="npm unpublish x") == "deny"
    edit = {"old_string": "a", "new_string": "b"}
    assert check_action(policy, "Edit", tmp_path, file_path="src/ok.py", **edit) == "allow"
    assert check_action(policy, "Write", tmp_path, file_path="src/ok.py", content="x") == "allow"
    assert check_action(policy, "Edit", tmp_path, file_path="src/secret.py", **edit) == "deny"
    assert check_action(policy, "Edit", tmp_path, file_path="lib/other.py", **edit) == "ask"


def test_an_allow_rule_does_not_approve_a_chained_command(tmp_path: Path) -> None:
    policy = make_policy(tmp_path, allow=["Bash(npm run test:*)"])
    assert check_action(policy, "Bash", tmp_path, command="npm run test") == "allow"
    assert check_action(policy, "Bash", tmp_path, command="npm run test && touch x") == "ask"
    assert check_action(policy, "Bash", tmp_path, command="npm run test; rm -rf build") == "ask"
    assert check_action(policy, "Bash", tmp_path, command="echo $(touch x)") == "ask"
    # A read-only neighbour needs no rule of its own.
    assert check_action(policy, "Bash", tmp_path, command="npm run test | tail -5") == "allow"


def test_a_deny_rule_catches_a_command_hidden_in_a_chain(tmp_path: Path) -> None:
    policy = make_policy(tmp_path, "bypassPermissions", deny=["Bash(git push:*)"])
    assert (
        check_action(policy, "Bash", tmp_path, command="git add . && git push origin main")
        == "deny"
    )


def test_destructive_commands_ask_even_when_allowed(tmp_path: Path) -> None:
    policy = make_policy(tmp_path, allow=["Bash(rm:*)"])
    assert check_action(policy, "Bash", tmp_path, command="rm build.log") == "allow"
    assert check_action(policy, "Bash", tmp_path, command="rm -rf /") == "ask"


def test_always_allow_for_bash_is_kept_in_the_project(tmp_path: Path) -> None:
    policy = make_policy(tmp_path)
    bash = tool_named("Bash")
    args, _ = bash.validate({"command": "python -m pytest -q tests"})
    assert policy.check(bash, args, tmp_path).action == "ask"
    request = policy.request_for("c1", bash, args, tmp_path, "needs approval")
    assert request.always_rule == "Bash(python -m pytest:*)"
    assert "python -m pytest" in request.always_label
    assert policy.remember(request) == "Bash(python -m pytest:*)"
    assert policy.check(bash, args, tmp_path).action == "allow"
    stored = read_toml(tmp_path / ".openclaude" / "settings.local.toml")
    assert stored == {"permissions": {"allow": ["Bash(python -m pytest:*)"]}}
    # A new session reads the answer back.
    again = make_policy(tmp_path)
    assert again.check(bash, args, tmp_path).action == "allow"
    assert again.remove_rule("allow", Rule.parse("Bash(python -m pytest:*)"))
    assert read_toml(tmp_path / ".openclaude" / "settings.local.toml")["permissions"] == {
        "allow": []
    }


def test_always_allow_for_edits_lasts_for_the_session_only(tmp_path: Path) -> None:
    policy = make_policy(tmp_path)
    write = tool_named("Write")
    args, _ = write.validate({"file_path": "a.py", "content": "x"})
    request = policy.request_for("c1", write, args, tmp_path, "needs approval")
    assert request.always_label == "Always allow edits in this project for this session"
    policy.remember(request)
    assert policy.check(write, args, tmp_path).action == "allow"
    assert not (tmp_path / ".openclaude" / "settings.local.toml").exists()
    assert make_policy(tmp_path).check(write, args, tmp_path).action == "ask"


def test_mode_cycle_includes_bypass_only_when_enabled(tmp_path: Path) -> None:
    policy = make_policy(tmp_path)
    assert [policy.cycle_mode() for _ in range(3)] == ["acceptEdits", "plan", "default"]
    policy = PermissionPolicy(tmp_path, "default", bypass_available=True)
    assert [policy.cycle_mode() for _ in range(4)] == [
        "acceptEdits",
        "plan",
        "bypassPermissions",
        "default",
    ]
