"""Rules parsed strictly, and what a rule on a path covers: files that change what runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from openclaude_tui.core.permissions.policy import PermissionPolicy
from openclaude_tui.core.permissions.rules import RULE_TOOLS, Rule, RuleError
from openclaude_tui.core.settings.config import ConfigError, Overrides, load_config
from openclaude_tui.core.tools import default_tools
from openclaude_tui.core.tools.paths import protection
from openclaude_tui.core.tools.web_search_backends import SearxngBackend
from tests.helpers.policy import make_policy

# Every tool there can be: WebSearch is offered only with a search backend.
TOOLS = default_tools(web_search=SearxngBackend("http://127.0.0.1:9"))


def test_rules_can_name_every_tool_and_nothing_else() -> None:
    assert set(RULE_TOOLS) == set(TOOLS.names())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("read(.env)", 'unknown tool "read" (did you mean Read?)'),
        ("BASH", 'unknown tool "BASH" (did you mean Bash?)'),
        ("Reed(src/**)", 'unknown tool "Reed" (did you mean Read?)'),
        ("WebFech(x)", 'unknown tool "WebFech" (did you mean WebFetch?)'),
        ("Curl(x)", 'unknown tool "Curl"; rules name one of Bash, Read'),
        ("WebFetch(example.com)", "WebFetch rules name a domain, e.g. WebFetch(domain:example"),
        ("WebFetch(domain:)", "no host given"),
        ("WebFetch(domain:https://x.org/a)", "is a URL; give the host alone"),
        ("WebFetch(domain:x.org:8080)", "names a port"),
        ("WebFetch(domain:*.x.org)", "a domain already covers its subdomains"),
        ("WebFetch(domain:a..org)", "is not a host name"),
        ("WebSearch(x)", "WebSearch takes no specifier"),
        ("Bash()", "empty specifier; write Bash for every call"),
        ("Bash(:*)", "names no command"),
        ("Bash(git:* log)", "':*' matches only at the end"),
        ("Read(../secret)", "rules match paths inside the project"),
        ("Read(~/.ssh/**)", "rules match paths inside the project"),
        ("Edit(//etc/passwd)", "rules match paths inside the project"),
        ("Read(./)", "names no path"),
        ("TodoWrite(x)", "TodoWrite takes no specifier"),
        ("Bash(oops", "write Tool or Tool(specifier)"),
    ],
)
def test_a_rule_that_could_never_match_is_refused(text: str, message: str) -> None:
    with pytest.raises(RuleError) as raised:
        Rule.parse(text)
    assert message in str(raised.value)


def test_rules_are_normalised() -> None:
    assert Rule.parse("Read(./.env)") == Rule("Read", ".env")
    assert Rule.parse("Edit(././src/**)") == Rule("Edit", "src/**")
    assert Rule.parse("Bash( git   log :*)") == Rule("Bash", "git log:*")
    assert Rule.parse("Edit(**)") == Rule("Edit")
    assert Rule.parse("WebFetch( domain:Docs.Python.ORG. )") == Rule(
        "WebFetch", "domain:docs.python.org"
    )


def test_a_domain_rule_covers_the_host_and_its_subdomains_only() -> None:
    rule = Rule.parse("WebFetch(domain:example.com)")
    assert rule.matches_domain("example.com")
    assert rule.matches_domain("docs.example.com")
    assert not rule.matches_domain("badexample.com")
    assert not rule.matches_domain("example.com.evil.org")
    address = Rule.parse("WebFetch(domain:10.0.0.1)")
    assert address.matches_domain("10.0.0.1") and not address.matches_domain("110.0.0.1")


def _write_settings(root: Path, text: str, name: str = "settings.toml") -> None:
    (root / ".openclaude").mkdir(parents=True, exist_ok=True)
    (root / ".openclaude" / name).write_text(text)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ('[permissions]\nallow = "Bash"\n', "permissions.allow: expected a list of rules"),
        (
            '[permissions]\nallow = ["Read(src/**)", "read(.env)"]\n',
            'permissions.allow[1]: unknown tool "read" (did you mean Read?)',
        ),
        ("[permissions]\ndeny = [1]\n", "permissions.deny[0]: expected a rule as a string"),
        ('[permissions]\nallows = ["Bash"]\n', "permissions.allows: unknown key"),
        ('permissions = "x"\n', "permissions: expected a table"),
    ],
)
def test_bad_rules_in_a_settings_file_are_config_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: str, message: str
) -> None:
    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path / "home"))
    _write_settings(tmp_path, settings)
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path, Overrides())
    assert str(raised.value).startswith(f".openclaude/settings.toml: {message}")


def test_bad_rules_in_the_local_settings_file_are_config_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path / "home"))
    _write_settings(tmp_path, '[permissions]\nallow = ["Bash(:*)"]\n', "settings.local.toml")
    with pytest.raises(ConfigError, match=r"settings.local.toml: permissions.allow\[0\]: "):
        load_config(tmp_path, Overrides())


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "openclaude_tui", *args],
        cwd=cwd,
        env={"OPENCLAUDE_HOME": str(cwd / "home"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_openclaude_exits_2_on_a_dead_rule_flag(tmp_path: Path) -> None:
    done = _cli(tmp_path, "-p", "hi", "--deny", "read(.env)")
    assert done.returncode == 2
    assert done.stderr == (
        "openclaude: config error: --deny: 'read(.env)': "
        'unknown tool "read" (did you mean Read?)\n'
    )


def test_openclaude_exits_2_on_a_rule_list_written_as_a_string(tmp_path: Path) -> None:
    # The user's own config: trusted, so nothing skips its rules.
    user_config = tmp_path / "home" / "config" / "config.toml"
    user_config.parent.mkdir(parents=True)
    user_config.write_text('[permissions]\nallow = "Bash"\n')
    done = _cli(tmp_path, "-p", "hi")
    assert done.returncode == 2
    assert done.stderr == (
        f"openclaude: config error: {user_config}: permissions.allow: "
        "expected a list of rules like [\"Bash(git log:*)\"], got 'Bash'\n"
    )


def _gate(policy: PermissionPolicy, tool: str, **args: Any) -> tuple[str, str]:
    found = TOOLS.get(tool)
    assert found is not None
    validated, _ = found.validate(args)
    result = policy.check(found, validated, policy.project_root)
    return result.action, result.reason


def test_a_read_rule_covers_grep_and_glob(tmp_path: Path) -> None:
    policy = make_policy(tmp_path, deny=["Read(./.env)"])
    assert _gate(policy, "Grep", pattern="x", path=".env")[0] == "deny"
    assert _gate(policy, "Glob", pattern=".env")[0] == "allow"  # its root is the project
    assert not policy.shows("Grep", tmp_path / ".env")
    assert not policy.shows("Glob", tmp_path / "sub" / ".env")
    assert policy.shows("Grep", tmp_path / "src" / "app.py")


@pytest.mark.parametrize(
    ("relative", "why"),
    [
        (".git/hooks/pre-commit", "git hooks and config"),
        (".git/config", "git hooks and config"),
        ("vendor/lib/.git/hooks/post-checkout", "git hooks and config"),
        (".GIT/HOOKS/pre-commit", "git hooks and config"),
        (".openclaude/settings.toml", "this program's settings and permission rules"),
        (".openclaude/settings.local.toml", "this program's settings and permission rules"),
        (".claude/settings.json", "agent settings and hooks"),
        (".mcp.json", "the MCP servers an agent starts"),
        (".envrc", "direnv runs it on entering the directory"),
        (".vscode/tasks.json", "editor tasks and settings"),
        (".vscode/launch.json", "editor tasks and settings"),
        (".devcontainer/devcontainer.json", "the dev container's set-up commands"),
        (".pre-commit-config.yaml", "commit hooks"),
        (".husky/pre-push", "commit hooks"),
        (".bashrc", "shell start-up files"),
        (".zshenv", "shell start-up files"),
        (".profile", "shell start-up files"),
        (".npmrc", "package manager settings"),
        (".ssh/authorized_keys", "ssh keys and config"),
    ],
)
def test_files_that_change_what_runs(relative: str, why: str) -> None:
    assert protection(relative) == why


@pytest.mark.parametrize(
    "relative",
    [
        "src/app.py",
        ".gitignore",
        ".github/workflows/ci.yml",
        "repo.git/config",
        ".vscode/extensions.json",
        "Makefile",
        "package.json",
        "docs/.profile.md",
    ],
)
def test_ordinary_files_are_not_protected(relative: str) -> None:
    assert protection(relative) is None


def test_writing_a_protected_file_asks_in_every_mode_but_bypass(tmp_path: Path) -> None:
    hook = {"file_path": ".git/hooks/pre-commit", "content": "#!/bin/sh\n"}
    for mode in ("default", "acceptEdits"):
        policy = make_policy(tmp_path, mode, allow=["Edit(**)", "Write"])
        action, reason = _gate(policy, "Write", **hook)
        assert (action, reason) == (
            "ask",
            "writing .git/hooks/pre-commit changes what runs: git hooks and config",
        )
    assert _gate(make_policy(tmp_path, "plan"), "Write", **hook)[0] == "deny"
    assert _gate(make_policy(tmp_path, "bypassPermissions"), "Write", **hook)[0] == "allow"
    # Reading it is reading a file of the project.
    assert _gate(make_policy(tmp_path), "Read", file_path=".git/config")[0] == "allow"
    # Through a link, the file written is the hook.
    (tmp_path / ".git" / "hooks").mkdir(parents=True)
    (tmp_path / "h").symlink_to(tmp_path / ".git" / "hooks")
    policy = make_policy(tmp_path, "acceptEdits")
    assert _gate(policy, "Write", file_path="h/pre-push", content="")[0] == "ask"
