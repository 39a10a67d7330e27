"""MCP servers as the settings name them: ``.mcp.json``, ``--mcp-config`` and ``[mcp_servers]``.

``.mcp.json`` (at the project root) and ``--mcp-config FILE`` use Claude Code's format::

    {"mcpServers": {"NAME": {"command": "...", "args": [...], "env": {...}},
                    "OTHER": {"type": "http", "url": "https://...", "headers": {...}}}}

The user's ``config.toml`` says the same in TOML: ``[mcp_servers.NAME]`` with ``command``,
``args`` and ``env``, or ``type = "http"``, ``url`` and ``headers``. Every problem is a
``ConfigError`` naming the file and the server.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from openclaude_tui.core.settings.values import ConfigError, fail

# The project's own file, beside its root (Claude Code's name).
PROJECT_MCP_FILE = ".mcp.json"
# Characters a tool name the model sees may hold (OpenAI's function names); the server's
# name is part of it.
SERVER_NAME = re.compile(r"[A-Za-z0-9_-]+")

Transport = Literal["stdio", "http"]


@dataclass(frozen=True)
class McpServerSpec:
    """One MCP server to start or reach.

    Attributes:
        name: Its name (``mcp__NAME__tool``).
        source: Where it was configured (a file, or ``--mcp-config FILE``).
        transport: ``stdio`` (a command this program starts) or ``http`` (streamable HTTP).
        project: Configured by the project itself, so it runs only once the project is
            trusted.
    """

    name: str
    source: str
    transport: Transport = "stdio"
    command: str = ""
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    url: str = ""
    # Out of the repr: headers often carry a token.
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    project: bool = False


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise fail(where, "expected a list of strings", value)
    return tuple(value)


def _string_table(value: Any, where: str, *, secret: bool = False) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(key, str) and isinstance(item, str) for key, item in value.items()
    ):
        raise fail(where, "expected a table of strings", value, show=not secret)
    return dict(value)


def server_spec(name: Any, entry: Any, source: str, *, project: bool = False) -> McpServerSpec:
    """One server's entry, checked.

    Raises:
        ConfigError: ``SOURCE: mcp server NAME: what is wrong``.
    """
    where = f"{source}: mcp server {name!r}"
    if not isinstance(name, str) or not SERVER_NAME.fullmatch(name) or "__" in name:
        raise fail(where, "a server's name may hold letters, digits, - and single _ only")
    if not isinstance(entry, dict):
        raise fail(where, "expected a table with command (and args, env) or type and url", entry)
    kind = entry.get("type", "http" if "url" in entry else "stdio")
    if kind in ("http", "streamable-http", "streamable_http"):
        url = entry.get("url")
        if not isinstance(url, str) or not re.match(r"https?://", url):
            raise fail(f"{where}: url", "expected an http:// or https:// URL", url)
        headers = _string_table(entry.get("headers", {}), f"{where}: headers", secret=True)
        return McpServerSpec(name, source, "http", url=url, headers=headers, project=project)
    if kind != "stdio":
        raise fail(f"{where}: type", "expected stdio or http (sse is not supported)", kind)
    command = entry.get("command")
    if not isinstance(command, str) or not command.strip():
        raise fail(f"{where}: command", "expected the command that starts the server", command)
    args = _strings(entry.get("args", []), f"{where}: args")
    env = _string_table(entry.get("env", {}), f"{where}: env", secret=True)
    return McpServerSpec(name, source, "stdio", command, args, env, project=project)


def server_table(value: Any, where: str) -> tuple[McpServerSpec, ...]:
    """The ``[mcp_servers]`` table of a settings file (the check of its setting)."""
    source = where.rsplit(": ", 1)[0]
    if not isinstance(value, dict):
        raise fail(where, "expected a table of servers ([mcp_servers.NAME])", value)
    return tuple(server_spec(name, entry, source) for name, entry in value.items())


def read_mcp_json(path: Path, source: str, *, project: bool = False) -> tuple[McpServerSpec, ...]:
    """The servers of a ``.mcp.json``-style file; () when the file does not exist.

    Raises:
        ConfigError: the file cannot be read, is not JSON, or an entry is wrong.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if project:
            return ()
        raise ConfigError(f"{source}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{source}: cannot read it: {error}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"{source}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    servers = data.get("mcpServers", {}) if isinstance(data, dict) else None
    if not isinstance(servers, dict):
        raise ConfigError(f'{source}: expected {{"mcpServers": {{"NAME": {{...}}}}}}')
    return tuple(server_spec(n, e, source, project=project) for n, e in servers.items())


def merged(*groups: tuple[McpServerSpec, ...]) -> tuple[McpServerSpec, ...]:
    """The servers of all groups, a later one replacing an earlier one of the same name."""
    by_name: dict[str, McpServerSpec] = {}
    for group in groups:
        for spec in group:
            by_name.pop(spec.name, None)
            by_name[spec.name] = spec
    return tuple(by_name.values())
