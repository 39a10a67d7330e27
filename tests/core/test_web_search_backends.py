"""The search backends against local servers shaped like their APIs, and the tool's errors.

Brave's and Tavily's real services are not reached from tests: each backend is pointed at
a local server that answers as the service documents, and the test checks what the
backend sent (the key in its header, the query) and what it made of the answer.
"""

from __future__ import annotations

import json
from pathlib import Path

from openclaude_tui.core.tools.base import ToolContext
from openclaude_tui.core.tools.web_search import WebSearchTool
from openclaude_tui.core.tools.web_search_backends import (
    BraveBackend,
    SearxngBackend,
    TavilyBackend,
    configured_backend,
)
from tests.helpers.web import Reply, WebServer


def _json(data: object) -> Reply:
    return Reply(json.dumps(data).encode(), "application/json")


async def test_brave_sends_its_key_in_a_header_and_reads_web_results() -> None:
    answer = {"web": {"results": [{"title": "A", "url": "https://a.dev/", "description": "d"}]}}
    with WebServer({"/res/v1/web/search": _json(answer)}) as brave:
        backend = BraveBackend("brave-key-123", brave.url("/res/v1/web/search"))
        hits = await backend.search("textual release", 5)
        request = brave.log[0]
    assert request.path == "/res/v1/web/search?q=textual+release&count=5"
    assert request.headers["X-Subscription-Token"] == "brave-key-123"
    assert [(hit.title, hit.url, hit.snippet) for hit in hits] == [("A", "https://a.dev/", "d")]


async def test_tavily_posts_the_query_with_its_key_and_reads_results() -> None:
    answer = {"results": [{"title": "T", "url": "https://t.dev/x", "content": "snippet"}]}
    with WebServer({"/search": _json(answer)}) as tavily:
        hits = await TavilyBackend("tvly-key-456", tavily.url("/search")).search("q words", 3)
        request = tavily.log[0]
    assert request.method == "POST"
    assert request.headers["Authorization"] == "Bearer tvly-key-456"
    assert json.loads(request.body) == {"query": "q words", "max_results": 3}
    assert [hit.url for hit in hits] == ["https://t.dev/x"]


def test_the_backend_is_searxng_when_configured_else_by_the_keys_in_the_environment() -> None:
    assert configured_backend(None, {}) is None
    searx = configured_backend("http://127.0.0.1:8888", {"BRAVE_API_KEY": "b"})
    assert isinstance(searx, SearxngBackend)
    assert isinstance(configured_backend(None, {"BRAVE_API_KEY": "b"}), BraveBackend)
    assert isinstance(configured_backend(None, {"TAVILY_API_KEY": "t"}), TavilyBackend)


async def test_a_failing_search_service_is_a_result_the_model_can_act_on(tmp_path: Path) -> None:
    with WebServer({"/search": Reply(b"<html>busy</html>", status=503)}) as searx:
        tool = WebSearchTool(SearxngBackend(searx.url("")))
        args, _ = tool.validate({"query": "anything"})
        result = await tool.run(args, ToolContext(tmp_path, tmp_path), "c1")
    assert result.is_error
    assert result.text.startswith("WebSearch failed (SearXNG): ")
    assert "answered HTTP 503" in result.text


async def test_a_searxng_instance_without_its_json_api_is_named(tmp_path: Path) -> None:
    pages = {"/html/search": Reply(b"<html>results</html>"), "/search": Reply(status=403)}
    with WebServer(pages) as searx:
        tool = WebSearchTool(SearxngBackend(searx.url("/html")))
        args, _ = tool.validate({"query": "anything"})
        html = await tool.run(args, ToolContext(tmp_path, tmp_path), "c1")
        tool = WebSearchTool(SearxngBackend(searx.url("")))
        forbidden = await tool.run(args, ToolContext(tmp_path, tmp_path), "c2")
    assert html.is_error and "did not answer with JSON" in html.text
    assert forbidden.is_error and "the instance's JSON API is off" in forbidden.text
