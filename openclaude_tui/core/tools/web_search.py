"""WebSearch: search the web through the configured backend (Claude Code's contract).

Results come as title, URL and snippet, filtered by ``allowed_domains`` and
``blocked_domains`` (a domain covers its subdomains). The tool changes nothing and runs
without asking, as Claude Code's does: the query goes to the search service the user
configured, and nothing else of the conversation does.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlsplit

from openclaude_tui.core.tools.arguments import ToolInputError
from openclaude_tui.core.tools.base import Tool, ToolContext, ToolResult
from openclaude_tui.core.tools.web_http import WebError
from openclaude_tui.core.tools.web_search_backends import SearchBackend, SearchHit
from openclaude_tui.core.web_hosts import HostError, host_in_domain, normal_host

MAX_RESULTS = 10
# Hits asked of the backend, so that filtering by domain still leaves enough.
FETCHED_RESULTS = 50
MAX_SNIPPET_CHARS = 300
MAX_QUERY_CHARS = 500


class WebSearchTool(Tool):
    """Search the web and return the hits."""

    name = "WebSearch"
    description = (
        "Search the web. Returns up to 10 results, each a title, a URL and a snippet. Use it "
        "for information newer than what you know (releases, changelogs, error messages, "
        "documentation), then read a result with WebFetch.\n"
        "- allowed_domains: only results from these domains (and their subdomains).\n"
        "- blocked_domains: never results from these domains.\n"
        "- Cite the URLs you relied on in your answer."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "The search query (2 characters or more)."},
            "allowed_domains": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Only include results from these domains, e.g. docs.python.org.",
            },
            "blocked_domains": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Never include results from these domains.",
            },
        },
        "required": ["query"],
    }
    read_only = True
    aliases: ClassVar[dict[str, str]] = {"q": "query", "search": "query"}

    def __init__(self, backend: SearchBackend) -> None:
        self.backend = backend

    def validate(self, raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """The arguments, the query checked and the domains in their normal spelling."""
        args, notes = super().validate(raw)
        query = " ".join(str(args["query"]).split())
        if len(query) < 2:
            raise ToolInputError("WebSearch: the query must have at least 2 characters")
        if len(query) > MAX_QUERY_CHARS:
            raise ToolInputError(f"WebSearch: keep the query under {MAX_QUERY_CHARS} characters")
        args["query"] = query
        for key in ("allowed_domains", "blocked_domains"):
            try:
                args[key] = [normal_host(str(domain)) for domain in args.get(key) or []]
            except HostError as error:
                raise ToolInputError(f"WebSearch: {key}: {error}") from None
        if args["allowed_domains"] and args["blocked_domains"]:
            raise ToolInputError("WebSearch: give allowed_domains or blocked_domains, not both")
        return args, notes

    def summary(self, args: dict[str, Any]) -> str:
        """The query."""
        return str(args.get("query", ""))[:200]

    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        """Ask the backend, keep the hits the domain lists let through, list them."""
        query = args["query"]
        try:
            hits = await self.backend.search(query, FETCHED_RESULTS)
        except WebError as error:
            return ToolResult(
                f"WebSearch failed ({self.backend.name}): {error}. Try again later, or "
                "answer from what you know and say the search failed.",
                is_error=True,
            )
        kept = [
            hit
            for hit in hits
            if _passes(hit, args.get("allowed_domains") or [], args.get("blocked_domains") or [])
        ][:MAX_RESULTS]
        filtered = len(hits) - len(kept) if len(kept) < MAX_RESULTS else 0
        head = (
            f'{len(kept)} result{"s" if len(kept) != 1 else ""} for "{query}" ({self.backend.name})'
        )
        if filtered:
            head += f"; {filtered} left out by the domain lists"
        if not kept:
            return ToolResult(f"{head}. Try other words, or fewer domain limits.")
        lines = [head + ":"]
        for number, hit in enumerate(kept, start=1):
            lines.append(f"\n{number}. {hit.title}\n   {hit.url}")
            if hit.snippet:
                lines.append(f"   {_cut(hit.snippet)}")
        return ToolResult("\n".join(lines))


def _passes(hit: SearchHit, allowed: list[str], blocked: list[str]) -> bool:
    """Whether the hit's host is in an allowed domain (when any) and in no blocked one."""
    try:
        parts = urlsplit(hit.url)
        if parts.scheme not in ("http", "https"):
            return False
        host = normal_host(parts.hostname or "")
    except (HostError, ValueError):
        return False
    if allowed and not any(host_in_domain(host, domain) for domain in allowed):
        return False
    return not any(host_in_domain(host, domain) for domain in blocked)


def _cut(snippet: str) -> str:
    if len(snippet) <= MAX_SNIPPET_CHARS:
        return snippet
    return snippet[: MAX_SNIPPET_CHARS - 1].rstrip() + "…"


def web_search_tools(backend: SearchBackend | None) -> list[Tool]:
    """WebSearch through ``backend``; nothing when no backend is configured."""
    return [WebSearchTool(backend)] if backend is not None else []
