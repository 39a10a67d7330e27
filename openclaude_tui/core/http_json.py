"""Small JSON requests for probing servers (what they are, what window they serve).

Probes must never fail the caller: every problem (refused, timed out, not JSON, an
error status) comes back as ``None``. The standard library's ``urllib`` runs in a
worker thread, which keeps the half-second import of an HTTP client library out of
start-up.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import urllib.request
from typing import Any
from urllib.parse import urlsplit

DEFAULT_TIMEOUT = 2.0
MAX_BODY = 8 * 1024 * 1024
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})

# A proxy set in the environment must not see requests to this machine: it would answer
# for a server that is not there, or not at all.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_PROXIED = urllib.request.build_opener()


async def get_json(
    url: str, *, api_key: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Any:
    """GET ``url`` and parse the JSON answer.

    Returns:
        The decoded JSON of a 2xx answer, or None for any failure.
    """
    return await asyncio.to_thread(_request, url, None, api_key, timeout)


async def post_json(
    url: str, body: dict[str, Any], *, api_key: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Any:
    """POST ``body`` as JSON to ``url`` and parse the JSON answer.

    Returns:
        The decoded JSON of a 2xx answer, or None for any failure.
    """
    return await asyncio.to_thread(_request, url, body, api_key, timeout)


def _request(url: str, body: dict[str, Any] | None, api_key: str | None, timeout: float) -> Any:
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    request = urllib.request.Request(url, data=data, headers=headers)
    opener = _DIRECT if urlsplit(url).hostname in LOOPBACK_HOSTS else _PROXIED
    try:
        with opener.open(request, timeout=timeout) as response:
            raw = response.read(MAX_BODY + 1)
    except (OSError, ValueError, http.client.HTTPException):
        # URLError and HTTPError (any non-2xx status) are OSErrors; ValueError is a bad URL.
        return None
    if len(raw) > MAX_BODY:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def entries(answer: Any, key: str) -> list[dict[str, Any]]:
    """The objects in the list ``answer[key]`` (``data`` of ``/v1/models``…); [] if absent."""
    items = answer.get(key) if isinstance(answer, dict) else None
    if not isinstance(items, list):
        return []
    return [item for item in items if isinstance(item, dict)]


def server_root(base_url: str) -> str:
    """The server's root URL: ``http://host:11434/v1`` → ``http://host:11434``."""
    root = base_url.rstrip("/")
    return root.removesuffix("/v1")
