"""How permission rules apply to Bash: what an allow rule covers, what a deny rule sees.

The gate is real (``PermissionPolicy`` with the real Bash tool); nothing runs here. The
effect of the same decisions on disk is proved by ``tests/security/test_bash_corpus.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.core.permissions.policy import PermissionPolicy
from openclaude_tui.core.permissions.rules import RuleSet
from openclaude_tui.core.tools.shell import Bash

BASH = Bash()


def _policy(root: Path, mode: str = "default", **rules: list[str]) -> PermissionPolicy:
    rule_set = RuleSet()
    for kind, texts in rules.items():
        for text in texts:
            rule_set.add(kind, text, "test")  # type: ignore[arg-type]
    return PermissionPolicy(root, mode, rule_set, remember_file=root / "remember.toml")  # type: ignore[arg-type]


def _action(policy: PermissionPolicy, root: Path, command: str) -> str:
    return policy.check(BASH, {"command": command}, root).action


@pytest.mark.parametrize(
    ("command", "action"),
    [
        ("git log --oneline", "allow"),
        ("git log -p -- src", "allow"),
        ("git log > out.txt", "ask"),
        ("git log --output=out.txt", "ask"),
        ("git log --outp=out.txt", "ask"),
        ("git -c core.pager=less log", "ask"),
        ("git log && touch x", "ask"),
        ("git log | head -3", "allow"),
        ("cd /tmp && git log", "ask"),
    ],
)
def test_an_allowed_prefix_covers_the_program_not_what_writes(
    tmp_path: Path, command: str, action: str
) -> None:
    policy = _policy(tmp_path, allow=["Bash(git log:*)", "Bash(npm test:*)"])
    assert _action(policy, tmp_path, command) == action


def test_an_allowed_program_still_asks_for_writes_and_outside_reads(tmp_path: Path) -> None:
    policy = _policy(tmp_path, allow=["Bash(sed:*)", "Bash(npm test:*)", "Bash(touch:*)"])
    assert _action(policy, tmp_path, "npm test") == "allow"
    assert _action(policy, tmp_path, "timeout 60 npm test") == "allow"
    assert _action(policy, tmp_path, "touch notes.txt") == "allow"
    assert _action(policy, tmp_path, "npm test > log.txt") == "ask"
    assert _action(policy, tmp_path, "sed -i s/a/b/ a.txt") == "ask"
    assert _action(policy, tmp_path, "sed --in-pl s/a/b/ a.txt") == "ask"
    assert _action(policy, tmp_path, "sed -n 1p /etc/hostname") == "ask"
    assert _action(policy, tmp_path, "GIT_PAGER=x npm test") == "ask"
    assert _action(policy, tmp_path, "cd /tmp && npm test") == "ask"
    assert _action(policy, tmp_path, "cd src; npm test") == "allow"


@pytest.mark.parametrize(
    "command",
    [
        "git push",
        "git -C . push origin main",
        "git --git-dir=.git push",
        "'git' \"push\"",
        "/usr/bin/git push",
        "timeout 5 git push",
        "env X=1 git push",
        "sh -c 'git push'",
        "echo main | xargs git push origin",
        "find . -maxdepth 0 -exec git push \\;",
        "setsid git push",
        "x=push; git $x",
        "$GIT push",
        'eval "$CMD"',
        'sh -c "$CMD"',
        "echo push | xargs git",
    ],
)
def test_a_deny_rule_sees_every_spelling_of_the_command(tmp_path: Path, command: str) -> None:
    policy = _policy(tmp_path, "bypassPermissions", deny=["Bash(git push:*)"])
    assert _action(policy, tmp_path, command) == "deny"


def test_a_deny_rule_leaves_commands_that_cannot_be_it_alone(tmp_path: Path) -> None:
    policy = _policy(tmp_path, "bypassPermissions", deny=["Bash(git push:*)"])
    for command in ("git status", "ls $HOME", "find . | xargs wc -l", "npm test -- $ARGS"):
        assert _action(policy, tmp_path, command) == "allow", command


def test_a_read_deny_rule_covers_bash_readers(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TOKEN=x\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("x\n")
    policy = _policy(tmp_path, deny=["Read(.env)"])
    denied = ("cat .env", "grep TOKEN .env", "head -1 ./.env", "grep -r TOKEN .", "rg --hidden x")
    for command in denied:
        assert _action(policy, tmp_path, command) == "deny", command
    git_readers = (
        "git show HEAD:.env",
        "git diff -- .env",
        "git log -p .env",
        "git grep --untracked x",
    )
    for command in git_readers:
        assert _action(policy, tmp_path, command) == "deny", command
    # Programs whose reads are not modelled read what they name.
    for command in ("cp .env /tmp/x", "base64 .env", "tar czf /tmp/x.tgz ."):
        assert _action(policy, tmp_path, command) == "deny", command
    # rg skips hidden files unless told otherwise; ls shows names, not content.
    for command in ("cat src/app.py", "grep -r x src", "rg x", "ls -a", "git log .env"):
        assert _action(policy, tmp_path, command) == "allow", command


def test_no_always_rule_is_offered_for_what_a_rule_would_not_cover(tmp_path: Path) -> None:
    policy = _policy(tmp_path)

    def always(command: str) -> str | None:
        return policy.request_for("c", BASH, {"command": command}, tmp_path, "r").always_rule

    assert always("npm install") == "Bash(npm install:*)"
    assert always("git -C . commit -m 'a b'") == "Bash(git commit:*)"
    assert always("npm install > log.txt") is None
    assert always("git log --output=x") is None
