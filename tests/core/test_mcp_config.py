"""Where MCP servers are configured (`.mcp.json`, `--mcp-config`, `[mcp_servers]`), how their
permission rules read, and what a bad entry says. Real files in a temporary project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openclaude_tui.core.permissions.rules import Rule, RuleError
from openclaude_tui.core.settings.config import ConfigError, Overrides, load_config
from tests.helpers.mcp import write_servers
from tests.security import processes

STDIO = {"command": "srv-bin", "args": ["--flag"], "env": {"LEVEL": "2"}}


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    return project


def test_a_trusted_project_and_flag_files_are_merged_later_ones_winning(tmp_path: Path) -> None:
    project = _project(tmp_path)
    write_servers(project / ".mcp.json", {"a": STDIO, "b": STDIO})
    flag_file = write_servers(
        tmp_path / "more.json", {"b": {"type": "http", "url": "http://127.0.0.1:1/mcp"}}
    )
    config = load_config(project, Overrides(trust_project=True, mcp_config=[str(flag_file)]))
    by_name = {spec.name: spec for spec in config.mcp_servers}
    assert by_name["a"].transport == "stdio" and by_name["a"].args == ("--flag",)
    assert by_name["a"].env == {"LEVEL": "2"} and by_name["a"].project
    assert by_name["b"].transport == "http" and by_name["b"].url == "http://127.0.0.1:1/mcp"
    assert config.withheld == []


def test_an_untrusted_project_servers_are_held_back_and_named(tmp_path: Path) -> None:
    project = _project(tmp_path)
    write_servers(project / ".mcp.json", {"a": STDIO, "b": STDIO})
    config = load_config(project, Overrides())
    assert config.mcp_servers == ()
    assert config.withheld == [".mcp.json: mcpServers"]
    assert config.withheld_values[".mcp.json: mcpServers"].startswith("a, b (MCP servers")
    assert config.reload_trusted is not None
    assert [s.name for s in config.reload_trusted().mcp_servers] == ["a", "b"]


def test_servers_of_the_user_config_and_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path)
    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path / "home"))
    home_config = tmp_path / "home" / "config"
    home_config.mkdir(parents=True)
    (home_config / "config.toml").write_text(
        'mcp_timeout = 5\n[mcp_servers.mine]\ncommand = "x"\n'
        '[mcp_servers.web]\ntype = "http"\nurl = "https://example.com/mcp"\n'
        'headers = { Authorization = "Bearer t" }\n'
    )
    config = load_config(project, Overrides(), env={})
    assert config.mcp_timeout == 5
    assert [(s.name, s.transport) for s in config.mcp_servers] == [
        ("mine", "stdio"),
        ("web", "http"),
    ]
    # The header (a token, often) stays out of the repr.
    assert "Bearer" not in repr(config.mcp_servers)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON (line 1"),
        ('{"mcpServers": []}', 'expected {"mcpServers"'),
        ('{"mcpServers": {"a b": {"command": "x"}}}', "a server's name may hold"),
        ('{"mcpServers": {"a__b": {"command": "x"}}}', "a server's name may hold"),
        ('{"mcpServers": {"a": {"args": ["x"]}}}', "command: expected the command"),
        ('{"mcpServers": {"a": {"command": "x", "args": "y"}}}', "args: expected a list"),
        ('{"mcpServers": {"a": {"type": "sse", "url": "http://x"}}}', "sse is not supported"),
        ('{"mcpServers": {"a": {"type": "http", "url": "ftp://x"}}}', "expected an http://"),
        ('{"mcpServers": {"a": {"command": "x", "env": {"K": 1}}}}', "env: expected a table"),
    ],
)
def test_a_bad_file_is_a_config_error_naming_the_file_and_server(
    tmp_path: Path, content: str, message: str
) -> None:
    project = _project(tmp_path)
    path = tmp_path / "servers.json"
    path.write_text(content)
    with pytest.raises(ConfigError) as caught:
        load_config(project, Overrides(mcp_config=[str(path)]))
    assert f"--mcp-config {path}" in str(caught.value)
    assert message in str(caught.value)


def test_a_secret_env_value_is_not_shown_in_an_error(tmp_path: Path) -> None:
    project = _project(tmp_path)
    path = tmp_path / "servers.json"
    path.write_text(json.dumps({"mcpServers": {"a": {"command": "x", "env": ["TOKEN=s3cret"]}}}))
    with pytest.raises(ConfigError) as caught:
        load_config(project, Overrides(mcp_config=[str(path)]))
    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "tool", "covered"),
    [
        ("mcp__srv__add", "mcp__srv__add", True),
        ("mcp__srv__add", "mcp__srv__echo", False),
        ("mcp__srv", "mcp__srv__add", True),
        ("mcp__srv", "mcp__srvx__add", False),
        ("mcp__my-srv", "mcp__my-srv__add", True),
        ("mcp__srv", "Bash", False),
    ],
)
def test_mcp_rules_name_a_tool_or_a_whole_server(text: str, tool: str, covered: bool) -> None:
    assert Rule.parse(text).covers_tool(tool) is covered


@pytest.mark.parametrize("text", ["mcp__srv(x)", "mcp__", "mcp__srv__add(*)"])
def test_an_mcp_rule_with_a_specifier_or_no_server_is_refused(text: str) -> None:
    with pytest.raises(RuleError, match="an MCP rule is mcp__SERVER"):
        Rule.parse(text)


def test_openclaude_config_names_the_servers_but_not_their_env(tmp_path: Path) -> None:
    project = _project(tmp_path)
    entry = {"command": "x", "env": {"TOKEN": "s3cret-value"}}
    flag_file = write_servers(tmp_path / "servers.json", {"tracker": entry})
    home = tmp_path / "home"
    done = processes.run(
        ["config", "--mcp-config", str(flag_file)], project, processes.clean_env(home)
    )
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("mcp_servers"))
    assert f"tracker (command line: --mcp-config {flag_file})" in line
    assert "s3cret-value" not in done.stdout
