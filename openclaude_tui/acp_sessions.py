"""What an ACP host brings to a session, and the saved sessions it may load or list.

``editor_servers`` turns the MCP servers a host offers in ``session/new`` or
``session/load`` into the settings' server specs, started beside the user's and the
project's (the editor is the user's own host, so its servers need no project trust).
``saved_transcript`` finds the saved session a host names by the id it was given (an ACP
session's id is its saved session's id); ``session_page`` lists the project's saved
sessions for ``session/list``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from acp.schema import (
    AcpMcpServer,
    HttpMcpServer,
    McpServerStdio,
    SessionInfo,
    SseMcpServer,
)

from openclaude_tui.core.sessions import store
from openclaude_tui.core.settings.mcp_servers import McpServerSpec, server_spec
from openclaude_tui.core.settings.values import ConfigError

# Where the editor's servers were configured, as the server list shows it.
EDITOR_SOURCE = "the editor"
# Sessions in one page of ``session/list``.
PAGE_SIZE = 50
# Characters of a session's first prompt kept as its title.
TITLE_LENGTH = 80
# What a saved session's id may hold (it names a file: no path may sneak in).
SESSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")

AcpServer = HttpMcpServer | SseMcpServer | AcpMcpServer | McpServerStdio


def editor_servers(
    servers: list[AcpServer] | None,
) -> tuple[tuple[McpServerSpec, ...], list[str]]:
    """The servers the host offered, as specs, and why each of the others cannot run."""
    specs: list[McpServerSpec] = []
    problems: list[str] = []
    for server in servers or []:
        try:
            specs.append(server_spec(server.name, _entry(server), EDITOR_SOURCE))
        except ConfigError as error:
            problems.append(str(error))
    return tuple(specs), problems


def _entry(server: AcpServer) -> dict[str, Any]:
    """The server as a ``.mcp.json`` entry (checked by the same code as the user's)."""
    if isinstance(server, McpServerStdio):
        env = {variable.name: variable.value for variable in server.env}
        return {"command": server.command, "args": list(server.args), "env": env}
    if isinstance(server, HttpMcpServer):
        headers = {header.name: header.value for header in server.headers}
        return {"type": "http", "url": server.url, "headers": headers}
    # Not advertised in mcpCapabilities, so a host should not offer them.
    raise ConfigError(
        f"{EDITOR_SOURCE}: mcp server {server.name!r}: the {server.type} transport is not "
        "supported (stdio and http are)"
    )


def saved_transcript(project_root: Path, session_id: str) -> Path | None:
    """The transcript of the project's saved session ``session_id`` (None: there is none)."""
    if not SESSION_ID.fullmatch(session_id):
        return None
    path = store.transcript_path(store.project_dir(project_root), session_id)
    return path if path.is_file() else None


def session_page(project_root: Path, cursor: str | None) -> tuple[list[SessionInfo], str | None]:
    """One page of the project's saved sessions (newest first) and the next page's cursor.

    Raises:
        ValueError: ``cursor`` is not one this function gave.
    """
    start = int(cursor) if cursor and cursor.isdigit() else 0
    if cursor and not cursor.isdigit():
        raise ValueError(f"not a cursor of session/list: {cursor!r}")
    listed = store.list_sessions(project_root)
    page = listed[start : start + PAGE_SIZE]
    end = start + len(page)
    infos = [
        SessionInfo(
            session_id=info.id,
            cwd=info.project or str(project_root),
            title=_title(info.first_prompt),
            updated_at=datetime.fromtimestamp(info.updated, UTC).isoformat(),
        )
        for info in page
    ]
    return infos, str(end) if end < len(listed) else None


def _title(first_prompt: str) -> str | None:
    line = first_prompt.strip().split("\n", 1)[0]
    if len(line) > TITLE_LENGTH:
        line = line[: TITLE_LENGTH - 1] + "…"
    return line or None
