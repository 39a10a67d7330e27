"""HTTP for the web tools: bounded in time and size, redirects kept to the same host.

``fetch`` reads one URL for WebFetch; ``get_json`` one JSON answer for a search backend.
Both stream the body and stop reading past a size limit (memory stays bounded whatever
the server sends), bound the whole exchange in time (a server trickling bytes is cut
off), and honour ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` (the client trusts the
environment) except for this machine's own servers, which are reached directly. No
credentials go out: no API key, no cookies kept between requests, no ``.netrc``.

httpx2 is the HTTP client the openai SDK already brings; it is imported on first use,
so starting the program does not pay for it.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from openclaude_tui.core.web_hosts import HostError, is_loopback, normal_host

if TYPE_CHECKING:
    import httpx2

MAX_BYTES = 10 * 1024 * 1024
# Seconds for connecting and for each wait for bytes, and for the whole exchange.
STEP_TIMEOUT = 20.0
TOTAL_TIMEOUT = 60.0
MAX_REDIRECTS = 5
MAX_URL_CHARS = 2000
USER_AGENT = "openclaude-tui (+WebFetch)"


class WebError(Exception):
    """A URL that cannot be fetched, or a fetch that failed; the message is for the model.

    ``status``: the HTTP status of an answer that was an error, if that was the failure.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Page:
    """What a fetch read.

    Attributes:
        url: The URL finally read (after same-host redirects and the https upgrade).
        status: The HTTP status.
        content_type: The media type, lower case, without parameters.
        charset: The charset the server named, if any.
        body: The body, at most the size limit.
        cut: Whether the body was longer than the limit and reading stopped there.
        notes: What the model should know about how it was read.
    """

    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    cut: bool = False
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Redirect:
    """A redirect to another host, reported instead of followed."""

    url: str
    location: str
    status: int


def check_url(text: str) -> str:
    """``text`` as a URL the tools may fetch: http(s), a host, no user name or password.

    Raises:
        WebError: the message says what is wrong.
    """
    url = text.strip()
    if len(url) > MAX_URL_CHARS:
        raise WebError(f"the URL is longer than {MAX_URL_CHARS:,} characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError as error:
        raise WebError(f"cannot read the URL {url!r}: {error}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise WebError(f"only http:// and https:// URLs are fetched, not {url!r}")
    if parts.username is not None or parts.password is not None:
        raise WebError("URLs with a user name or password are not fetched")
    url_host(url)
    return url


def url_host(url: str) -> str:
    """The normal host of a URL that ``check_url`` accepted.

    Raises:
        WebError: the URL names no usable host.
    """
    try:
        return normal_host(urlsplit(url).hostname or "")
    except (HostError, ValueError) as error:
        raise WebError(f"the URL {url!r} names no usable host: {error}") from None


async def fetch(url: str, *, max_bytes: int = MAX_BYTES) -> Page | Redirect:
    """GET ``url`` (checked by ``check_url``): the page, or a redirect to another host.

    Plain ``http://`` to a host other than this machine is tried over https first; if
    https cannot be reached it is read over http, and the page's notes say so.

    Raises:
        WebError: the host cannot be reached, too many redirects, or too slow.
    """
    parts = urlsplit(url)
    host = url_host(url)
    if parts.scheme.lower() == "http" and not is_loopback(host):
        secure = urlunsplit(parts._replace(scheme="https"))
        try:
            return await _fetch_following(secure, max_bytes)
        except _Unreachable:
            notes = ("https could not be reached, so the page was read over plain http",)
            result = await _fetch_following(url, max_bytes)
            if isinstance(result, Page):
                return replace(result, notes=notes + result.notes)
            return result
    return await _fetch_following(url, max_bytes)


async def get_json(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
    max_bytes: int = MAX_BYTES,
) -> Any:
    """GET (or POST ``body`` to) ``url`` and decode its JSON answer; no redirects followed.

    Raises:
        WebError: unreachable, an error status, or not JSON (the message says which).
    """
    import httpx2

    method = "GET" if body is None else "POST"
    try:
        async with asyncio.timeout(TOTAL_TIMEOUT), _client(url) as client:
            request = client.build_request(method, url, headers=headers, json=body)
            response = await client.send(request, stream=True)
            try:
                data, _ = await _read(response, max_bytes)
            finally:
                await response.aclose()
    except TimeoutError:
        raise WebError(f"{_origin(url)} did not answer within {TOTAL_TIMEOUT:.0f}s") from None
    except httpx2.HTTPError as error:
        raise WebError(f"{_origin(url)} could not be reached: {_reason(error)}") from None
    if not 200 <= response.status_code < 300:
        status = response.status_code
        raise WebError(f"{_origin(url)} answered HTTP {status}", status)
    try:
        return json.loads(data)
    except ValueError:
        raise WebError(f"{_origin(url)} did not answer with JSON") from None


class _Unreachable(WebError):
    """The host could not be connected to (no TLS there, refused, unknown)."""


async def _fetch_following(url: str, max_bytes: int) -> Page | Redirect:
    import httpx2

    host = url_host(url)
    current = url
    try:
        async with asyncio.timeout(TOTAL_TIMEOUT), _client(url) as client:
            for _ in range(MAX_REDIRECTS + 1):
                request = client.build_request("GET", current, headers=_HEADERS)
                response = await client.send(request, stream=True)
                try:
                    location = response.headers.get("location")
                    if response.is_redirect and location:
                        target = urljoin(current, location)
                        if _same_host(target, host):
                            current = target
                            continue
                        return Redirect(current, target, response.status_code)
                    body, cut = await _read(response, max_bytes)
                finally:
                    await response.aclose()
                media, charset = _media_type(response.headers.get("content-type", ""))
                return Page(current, response.status_code, media, charset, body, cut)
    except TimeoutError:
        raise WebError(f"{_origin(url)} did not answer within {TOTAL_TIMEOUT:.0f}s") from None
    except (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.ProxyError) as error:
        raise _Unreachable(f"{_origin(url)} could not be reached: {_reason(error)}") from None
    except httpx2.HTTPError as error:
        raise WebError(f"reading {_origin(url)} failed: {_reason(error)}") from None
    raise WebError(f"{url} redirected more than {MAX_REDIRECTS} times; not followed further")


_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/markdown, text/html;q=0.9, text/plain;q=0.8, */*;q=0.5",
}


def _client(url: str) -> httpx2.AsyncClient:
    """A client of its own for one exchange: nothing (cookies, connections) carries over.

    This machine's servers are reached directly: a proxy would answer for a server that
    is not there.
    """
    import httpx2

    direct = is_loopback(url_host(url))
    return httpx2.AsyncClient(
        timeout=httpx2.Timeout(STEP_TIMEOUT),
        follow_redirects=False,
        trust_env=not direct,
        headers={"User-Agent": USER_AGENT},
    )


async def _read(response: httpx2.Response, max_bytes: int) -> tuple[bytes, bool]:
    """The body, decoded from its transfer encoding, up to ``max_bytes``; and if it was cut."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        room = max_bytes - size
        if len(chunk) > room:
            chunks.append(chunk[:room])
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), False


def _same_host(url: str, host: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in ("http", "https") and url_host(url) == host
    except (WebError, ValueError):
        return False


def _media_type(header: str) -> tuple[str, str | None]:
    """``text/html; charset=UTF-8`` as ``("text/html", "utf-8")``."""
    media, _, rest = header.partition(";")
    charset = None
    for parameter in rest.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _reason(error: Exception) -> str:
    return str(error) or type(error).__name__
