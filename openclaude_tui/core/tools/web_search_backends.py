"""Where WebSearch sends a query: a SearXNG instance, or Brave's or Tavily's API.

A backend turns a query into hits (title, URL, snippet). Which one is used:
``web_search_url`` (a SearXNG instance, its JSON API) when it is set; else Brave's API
when ``BRAVE_API_KEY`` is in the environment; else Tavily's when ``TAVILY_API_KEY`` is.
With none of them, WebSearch is not offered, and ``/help`` says how to enable it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from openclaude_tui.core.tools.web_http import WebError, get_json

BRAVE_URL = "https://api.search.brave.com/res/v1/web/search"
TAVILY_URL = "https://api.tavily.com/search"
ENABLE_HINT = (
    "Web search is off: set `web_search_url` to a SearXNG instance whose JSON API is on "
    "(`--web-search-url`, `WEB_SEARCH_URL` or the settings file), or put `BRAVE_API_KEY` "
    "or `TAVILY_API_KEY` in the environment, to give the model the WebSearch tool."
)


@dataclass(frozen=True)
class SearchHit:
    """One search result."""

    title: str
    url: str
    snippet: str


class SearchBackend(ABC):
    """A search service."""

    name: str

    @abstractmethod
    async def search(self, query: str, limit: int) -> list[SearchHit]:
        """Up to ``limit`` hits for ``query``, best first.

        Raises:
            WebError: the service failed (the message says how).
        """


class SearxngBackend(SearchBackend):
    """A SearXNG instance's JSON API (``/search?q=…&format=json``; JSON must be enabled)."""

    name = "SearXNG"

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    async def search(self, query: str, limit: int) -> list[SearchHit]:
        """Ask the instance; its ``results`` list holds title, url and content."""
        endpoint = self.url if self.url.endswith("/search") else f"{self.url}/search"
        try:
            data = await get_json(f"{endpoint}?{urlencode({'q': query, 'format': 'json'})}")
        except WebError as error:
            if error.status == 403:
                # What SearXNG answers when its JSON output is not enabled.
                raise WebError(
                    f"{error}: the instance's JSON API is off (its settings.yml needs "
                    "`search: formats: [html, json]`)"
                ) from None
            raise
        return _hits(data, "results", "content", limit, self.name)


class _KeyedBackend(SearchBackend, ABC):
    """A paid service's API, reached at ``url`` with the user's ``key``."""

    default_url: str

    def __init__(self, key: str, url: str | None = None) -> None:
        self._key = key
        self.url = url or self.default_url


class BraveBackend(_KeyedBackend):
    """Brave's Web Search API, with the key from ``BRAVE_API_KEY``."""

    name = "Brave"
    default_url = BRAVE_URL

    async def search(self, query: str, limit: int) -> list[SearchHit]:
        """Ask the API; ``web.results`` holds title, url and description."""
        params = urlencode({"q": query, "count": min(limit, 20)})
        data = await get_json(
            f"{self.url}?{params}",
            headers={"Accept": "application/json", "X-Subscription-Token": self._key},
        )
        web = data.get("web") if isinstance(data, dict) else None
        return _hits(web, "results", "description", limit, self.name)


class TavilyBackend(_KeyedBackend):
    """Tavily's search API, with the key from ``TAVILY_API_KEY``."""

    name = "Tavily"
    default_url = TAVILY_URL

    async def search(self, query: str, limit: int) -> list[SearchHit]:
        """Ask the API; its ``results`` list holds title, url and content."""
        data = await get_json(
            self.url,
            headers={"Authorization": f"Bearer {self._key}"},
            body={"query": query, "max_results": min(limit, 20)},
        )
        return _hits(data, "results", "content", limit, self.name)


def configured_backend(web_search_url: str | None, env: Mapping[str, str]) -> SearchBackend | None:
    """The backend the settings and the environment choose, or None for none."""
    if web_search_url:
        return SearxngBackend(web_search_url)
    if env.get("BRAVE_API_KEY"):
        return BraveBackend(env["BRAVE_API_KEY"])
    if env.get("TAVILY_API_KEY"):
        return TavilyBackend(env["TAVILY_API_KEY"])
    return None


def _hits(data: Any, key: str, snippet_key: str, limit: int, service: str) -> list[SearchHit]:
    """Hits from ``data[key]``, a list of objects with title, url and a snippet."""
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise WebError(f"{service} answered without a {key!r} list")
    hits: list[SearchHit] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            continue
        title = item.get("title")
        snippet = item.get(snippet_key)
        hits.append(
            SearchHit(
                " ".join(str(title or item["url"]).split()),
                item["url"],
                " ".join(str(snippet or "").split()),
            )
        )
        if len(hits) >= limit:
            break
    return hits
