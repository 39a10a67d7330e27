"""Small JSON requests for probing servers (what they are, what window they serve).

Probes must never fail the caller: every problem (refused, timed out, not JSON, an
error status, a body too large or too slow) comes back as ``None``. ``timeout`` bounds the
whole probe, not only each wait for bytes: a server trickling an endless body is cut off
on time. The standard library's ``urllib`` runs in a
worker thread, which keeps the half-second import of an HTTP client library out of
start-up.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import time
import urllib.request
from typing import Any
from urllib.parse import urlsplit

DEFAULT_TIMEOUT = 2.0
MAX_BODY = 8 * 1024 * 1024
_READ_SIZE = 64 * 1024
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})

# A proxy set in the environment must not see requests to this machine: it would answer
# for a server that is not there, or not at all.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_PROXIED = urllib.request.build_opener()


async def get_json(
    url: str, *, api_key: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Any:
    """GET ``url`` and parse the JSON answer, within ``timeout`` seconds in all.

    Cancelling the caller (Ctrl+C) returns at once; the worker thread ends by the deadline.

    Returns:
        The decoded JSON of a 2xx answer, or None for any failure.
    """
    return await asyncio.to_thread(_request, url, None, api_key, timeout)


async def post_json(
    url: str, body: dict[str, Any], *, api_key: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Any:
    """POST ``body`` as JSON to ``url`` and parse the JSON answer, within ``timeout`` seconds.

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
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            raw = _read_until(response, deadline)
    except (OSError, ValueError, http.client.HTTPException):
        # URLError and HTTPError (any non-2xx status) are OSErrors; ValueError is a bad URL.
        return None
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
        return None


def _read_until(response: http.client.HTTPResponse, deadline: float) -> bytes | None:
    """The body, or None when it passes ``MAX_BODY`` or is still coming at ``deadline``."""
    body = bytearray()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        # Each read waits at most until the deadline (the socket's own timeout is per read).
        if response.fp is not None and hasattr(response.fp, "raw"):
            sock = getattr(response.fp.raw, "_sock", None)
            if sock is not None:
                sock.settimeout(left)
        chunk = response.read1(_READ_SIZE)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > MAX_BODY:
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
