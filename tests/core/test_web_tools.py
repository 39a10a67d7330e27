"""WebFetch and WebSearch through print mode, against real local web servers.

Each test runs `openclaude -p` against the scripted model server and a web server it
starts on a loopback port; what reached each server (its log) is the evidence: the side
request with the page, the final tool result, and requests that must never have been made.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openclaude_tui.core.tools.web_fetch import ASIDE_SYSTEM
from tests.helpers.print_mode import openclaude
from tests.helpers.web import Reply, WebServer, redirect
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

DOC = b"""<!doctype html>
<html><head><title>Widget docs</title><style>body { color: red }</style></head>
<body><script>track("visit")</script>
<h1>Installing</h1>
<p>Install the <b>widget</b> package:</p>
<pre><code>pip install widget==2.1</code></pre>
<ul><li>Python 3.11</li><li>Linux</li></ul>
</body></html>"""


def _fetch(url: str, prompt: str = "How is it installed?", **more: object) -> Turn:
    return Turn(tool_calls=[ToolCallSpec("WebFetch", {"url": url, "prompt": prompt, **more})])


def _run(tmp_path: Path, server: ScriptedServer, *args: str) -> str:
    done = openclaude(
        tmp_path, tmp_path / "home", "-p", "look it up", "--base-url", server.base_url, *args
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr


def test_a_page_is_converted_and_the_model_answers_about_it_in_a_side_request(
    tmp_path: Path,
) -> None:
    with WebServer({"/docs": Reply(DOC)}) as site:
        turns = [_fetch(site.url("/docs")), Turn(text="Run pip install widget==2.1."), "Done."]
        with ScriptedServer(turns) as server:
            _run(tmp_path, server, "--allow", "WebFetch(domain:127.0.0.1)")
            side, final = server.chat_requests[1], server.chat_requests[2]
    # The side request: no tools, our system prompt, the page as Markdown and the question.
    assert side.tools == []
    assert side.messages[0] == {"role": "system", "content": ASIDE_SYSTEM}
    asked = side.messages[1]["content"]
    assert "# Installing" in asked and "**widget**" in asked
    assert "```\npip install widget==2.1\n```" in asked
    assert "- Python 3.11" in asked
    assert "track(" not in asked and "color: red" not in asked
    assert asked.endswith("How is it installed?")
    # The model's answer is the tool's result, under a line saying what was read.
    result = final.tool_results()[0]
    assert result.startswith(f"Fetched {site.url('/docs')} “Widget docs”: HTTP 200")
    assert result.endswith("Run pip install widget==2.1.")
    assert [request.path for request in site.log] == ["/docs"]


def test_raw_returns_the_markdown_and_no_side_request_is_made(tmp_path: Path) -> None:
    with (
        WebServer({"/docs": Reply(DOC)}) as site,
        ScriptedServer([_fetch(site.url("/docs"), raw=True), "Done."]) as server,
    ):
        _run(tmp_path, server, "--allow", "WebFetch(domain:127.0.0.1)")
        requests = server.chat_requests
    assert len(requests) == 2
    assert "```\npip install widget==2.1\n```" in requests[1].tool_results()[0]


def test_failures_are_results_the_model_can_act_on(tmp_path: Path) -> None:
    pages = {
        "/docs": Reply(DOC),
        "/logo.png": Reply(b"\x89PNG\r\n\x1a\n" + bytes(100), content_type="image/png"),
    }
    with WebServer(pages) as site:
        turns = [
            Turn(
                tool_calls=[
                    ToolCallSpec("WebFetch", {"url": site.url("/gone"), "prompt": "?"}),
                    ToolCallSpec("WebFetch", {"url": site.url("/logo.png"), "prompt": "?"}),
                ]
            ),
            _fetch(site.url("/docs")),
            # The side request fails: the page itself is returned instead.
            Turn(status=400, error_message="context length exceeded"),
            "Done.",
        ]
        with ScriptedServer(turns) as server:
            _run(tmp_path, server, "--allow", "WebFetch(domain:127.0.0.1)")
            gone, logo, docs = server.tool_results()
    assert gone.startswith(f"Fetched {site.url('/gone')}: HTTP 404")
    assert logo.startswith(f"WebFetch failed: {site.url('/logo.png')} is image/png (108 bytes)")
    assert "The model could not be asked about the page" in docs
    assert "context length exceeded" in docs
    assert "```\npip install widget==2.1\n```" in docs


def test_a_redirect_to_another_host_is_reported_and_not_followed(tmp_path: Path) -> None:
    with WebServer({"/moved": Reply(b"the other host's page")}) as other:
        elsewhere = other.url("/moved", host="localhost")
        pages = {"/old": redirect(elsewhere), "/here": redirect("/docs"), "/docs": Reply(DOC)}
        with WebServer(pages) as site:
            turns = [_fetch(site.url("/old"), raw=True), _fetch(site.url("/here"), raw=True), "."]
            with ScriptedServer(turns) as server:
                _run(tmp_path, server, "--allow", "WebFetch(domain:127.0.0.1)")
                moved, same_host = server.tool_results()
        assert other.log == []
    assert moved.startswith(f"{site.url('/old')} redirects (HTTP 302) to another host: {elsewhere}")
    assert "It was not followed" in moved
    # A redirect on the same host is followed.
    assert same_host.startswith(f"Fetched {site.url('/docs')}")
    assert [request.path for request in site.log] == ["/old", "/here", "/docs"]


def test_a_20_mb_page_is_cut_at_the_size_limit_and_to_the_budget(tmp_path: Path) -> None:
    line = b"All work and no play makes Jack a dull boy.\n"
    huge = Reply(line, content_type="text/plain", repeat=20 * 1024 * 1024 // len(line) + 1)
    with (
        WebServer({"/huge": huge}) as site,
        ScriptedServer([_fetch(site.url("/huge"), raw=True), "."]) as server,
    ):
        _run(tmp_path, server, "--allow", "WebFetch(domain:127.0.0.1)")
        result = server.tool_results()[0]
    assert "HTTP 200, 10.0 MB" in result
    assert "Note: the page is larger than 10,485,760 bytes and was cut there." in result
    assert result.endswith("more characters of the page not shown]")
    assert len(result) < 31_000


def test_plain_http_is_tried_over_https_first_and_a_proxy_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = "http://docs.widget.test/install"
    with WebServer({page: Reply(DOC)}) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url(""))
        monkeypatch.setenv("HTTPS_PROXY", proxy.url(""))
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        with ScriptedServer([_fetch(page, raw=True), "."]) as server:
            _run(tmp_path, server, "--allow", "WebFetch(domain:widget.test)")
            result = server.tool_results()[0]
        log = [(request.method, request.path) for request in proxy.log]
    # The https tunnel was asked for first; the proxy has none, so plain http was read.
    assert log == [("CONNECT", "docs.widget.test:443"), ("GET", page)]
    assert result.startswith(f"Fetched {page} “Widget docs”: HTTP 200")
    assert "Note: https could not be reached, so the page was read over plain http." in result
    assert "pip install widget==2.1" in result


def test_a_deny_rule_by_domain_holds_and_nothing_reaches_the_server(tmp_path: Path) -> None:
    with WebServer({"/docs": Reply(DOC)}) as site:
        turns = [_fetch(site.url("/docs", host="localhost")), "Could not."]
        with ScriptedServer(turns) as server:
            _run(
                tmp_path, server,
                "--permission-mode", "bypassPermissions", "--deny", "WebFetch(domain:localhost)",
            )  # fmt: skip
            result = server.tool_results()[0]
        assert site.log == []
    assert "a deny rule forbids it: WebFetch(domain:localhost)" in result


def test_print_mode_names_the_domain_rule_that_would_allow_a_fetch(tmp_path: Path) -> None:
    with WebServer({"/docs": Reply(DOC)}) as site:
        with ScriptedServer([_fetch(site.url("/docs", host="LocalHost")), "."]) as server:
            stderr = _run(tmp_path, server)
        assert site.log == []
    assert "allow it with --allow 'WebFetch(domain:localhost)'" in stderr


def test_a_page_is_fetched_once_in_15_minutes(tmp_path: Path) -> None:
    with WebServer({"/docs": Reply(DOC)}) as site:
        turns = [
            _fetch(site.url("/docs")),
            Turn(text="First answer."),
            _fetch(site.url("/docs"), prompt="Which Python?"),
            Turn(text="Python 3.11."),
            "Done.",
        ]
        with ScriptedServer(turns) as server:
            _run(tmp_path, server, "--allow", "WebFetch(domain:127.0.0.1)")
            second_side = server.chat_requests[3]
            results = server.tool_results()
        assert len(site.log) == 1
    assert "pip install widget==2.1" in second_side.messages[1]["content"]
    assert results[1].endswith("Python 3.11.")


def test_a_url_holding_the_api_key_is_not_fetched(tmp_path: Path) -> None:
    key = "sk-test-0123456789abcdef"
    with WebServer({"/docs": Reply(DOC)}) as site:
        turns = [_fetch(site.url(f"/docs?k={key}")), "."]
        with ScriptedServer(turns, api_key=key) as server:
            _run(
                tmp_path, server,
                "--api-key", key, "--allow", "WebFetch(domain:127.0.0.1)",
            )  # fmt: skip
            result = server.tool_results()[0]
        assert site.log == []
    assert result.startswith("Not fetched: the URL holds one of the user's secrets")
    assert key not in result


def _searxng_answer() -> Reply:
    results = [
        {"title": "Widget 2.1 released", "url": "https://blog.widget.dev/2-1", "content": "New."},
        {"title": "Widget docs", "url": "https://docs.widget.dev/install", "content": "pip"},
        {"title": "Spam", "url": "https://spam.example/widget", "content": "Buy now"},
    ]
    return Reply(json.dumps({"query": "widget", "results": results}).encode(), "application/json")


def _search(**args: object) -> Turn:
    return Turn(tool_calls=[ToolCallSpec("WebSearch", {"query": "widget release", **args})])


def test_web_search_lists_a_searxng_instances_results_filtered_by_domain(tmp_path: Path) -> None:
    with WebServer({"/search": _searxng_answer()}) as searx:
        turns = [
            _search(allowed_domains=["widget.dev"]),
            _search(blocked_domains=["blog.widget.dev", "spam.example"]),
            "Done.",
        ]
        with ScriptedServer(turns) as server:
            _run(tmp_path, server, "--web-search-url", searx.url("/"))
            offered = [tool["function"]["name"] for tool in server.chat_requests[0].tools]
            allowed, blocked = server.tool_results()
    assert "WebSearch" in offered
    assert [request.path for request in searx.log] == ["/search?q=widget+release&format=json"] * 2
    assert allowed.startswith('2 results for "widget release" (SearXNG); 1 left out')
    assert "1. Widget 2.1 released\n   https://blog.widget.dev/2-1\n   New." in allowed
    assert "https://docs.widget.dev/install" in allowed and "spam" not in allowed.lower()
    assert blocked.startswith('1 result for "widget release"')
    assert "https://docs.widget.dev/install" in blocked and "blog." not in blocked


def test_without_a_search_backend_web_search_is_not_offered(tmp_path: Path) -> None:
    with ScriptedServer([_search(), "I cannot search."]) as server:
        done = openclaude(
            tmp_path, tmp_path / "home", "-p", "search", "--base-url", server.base_url
        )
        offered = [tool["function"]["name"] for tool in server.chat_requests[0].tools]
        result = server.tool_results()[0]
    assert done.returncode == 0, done.stderr
    assert "WebSearch" not in offered and "WebFetch" in offered
    assert result.startswith("Error: There is no tool named 'WebSearch'.")
