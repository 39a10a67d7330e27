"""The MCP servers an editor offers in `session/new`, as Zed offers them: the real test MCP
server (tests/mcp_server) over stdio and HTTP, a real `openclaude acp` process driven by a
host built on the `agent-client-protocol` package, the scripted model server's request log."""

from __future__ import annotations

import sys
from pathlib import Path

import acp
from acp.schema import EnvVariable, HttpHeader, HttpMcpServer, McpServerStdio, SseMcpServer

from tests.helpers.acp import HostClient, acp_agent
from tests.helpers.mcp import REPO, http_server, stdio_entry, write_servers
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

ADD = ToolCallSpec("mcp__editor__add", {"a": 2, "b": 40}, id="add-1")


def _stdio(name: str, *flags: str) -> McpServerStdio:
    """The test server over stdio, as an editor describes it."""
    env = [EnvVariable(name="PYTHONPATH", value=str(REPO))]
    return McpServerStdio(
        name=name, command=sys.executable, args=["-m", "tests.mcp_server", *flags], env=env
    )


def _offered(tools: list[dict[str, object]]) -> set[str]:
    return {str(tool["function"]["name"]) for tool in tools}  # type: ignore[index]


async def test_initialize_advertises_the_mcp_transports_it_can_reach(tmp_path: Path) -> None:
    async with acp_agent(HostClient(), tmp_path, tmp_path / "home") as conn:
        answer = await conn.initialize(protocol_version=acp.PROTOCOL_VERSION)
    mcp = answer.agent_capabilities and answer.agent_capabilities.mcp_capabilities
    assert mcp is not None and mcp.http is True and mcp.sse is False


async def test_the_editors_stdio_server_runs_and_its_tool_asks_the_host(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    # The project's own server waits for trust (this project is not trusted); the editor's
    # needs none.
    write_servers(project / ".mcp.json", {"proj": stdio_entry()})
    client = HostClient(["allow_once"])
    with ScriptedServer([Turn(tool_calls=[ADD]), Turn(text="It is 42.")]) as server:
        flags = ("--base-url", server.base_url, "--model", "scripted-model")
        async with acp_agent(client, project, tmp_path / "home", *flags) as conn:
            session = await conn.new_session(cwd=str(project), mcp_servers=[_stdio("editor")])
            done = await conn.prompt(session_id=session.session_id, prompt=[acp.text_block("add")])
        results = server.tool_results()
        offered = _offered(server.chat_requests[0].tools)
    assert done.stop_reason == "end_turn"
    # The call reached the server, and its answer the model.
    assert results == ["2 + 40 = 42"]
    assert {"mcp__editor__add", "mcp__editor__echo"} <= offered
    assert not any(name.startswith("mcp__proj__") for name in offered)
    # It went through the gate: the host was asked about it, and allowed it.
    [(asked, _)] = client.permission_requests
    assert asked.tool_call_id == "add-1" and (asked.title or "").startswith("mcp__editor__add")
    assert [u.status for u in client.tool_updates("add-1")][-1] == "completed"
    assert client.answer_text() == "It is 42."


async def test_the_editors_http_server_gets_its_headers_and_calls(tmp_path: Path) -> None:
    client = HostClient(["allow_once"])
    with http_server() as url, ScriptedServer([Turn(tool_calls=[ADD]), Turn(text="42")]) as server:
        web = HttpMcpServer(
            type="http", name="editor", url=url, headers=[HttpHeader(name="X-Test", value="yes")]
        )
        flags = ("--base-url", server.base_url, "--model", "scripted-model")
        async with acp_agent(client, tmp_path, tmp_path / "home", *flags) as conn:
            session = await conn.new_session(cwd=str(tmp_path), mcp_servers=[web])
            done = await conn.prompt(session_id=session.session_id, prompt=[acp.text_block("add")])
        results = server.tool_results()
    assert done.stop_reason == "end_turn"
    assert results == ["2 + 40 = 42"]


async def test_a_broken_server_is_told_and_the_session_still_works(tmp_path: Path) -> None:
    client = HostClient()
    broken = _stdio("broken", "--crash-at-start")
    sse = SseMcpServer(type="sse", name="old", url="http://127.0.0.1:9/sse", headers=[])
    with ScriptedServer([Turn(text="Still here.")]) as server:
        flags = ("--base-url", server.base_url, "--model", "scripted-model")
        async with acp_agent(client, tmp_path, tmp_path / "home", *flags) as conn:
            session = await conn.new_session(cwd=str(tmp_path), mcp_servers=[broken, sse])
            done = await conn.prompt(session_id=session.session_id, prompt=[acp.text_block("hi")])
        offered = _offered(server.chat_requests[0].tools)
    assert done.stop_reason == "end_turn"
    answer = client.answer_text()
    assert "openclaude: MCP server broken failed:" in answer
    assert "test server: refusing to start" in answer
    assert "mcp server 'old': the sse transport is not supported" in answer
    assert answer.endswith("Still here.")
    assert not any(name.startswith("mcp__") for name in offered)
