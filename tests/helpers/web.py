"""A real web server on a loopback port for the web tools' tests: pages, redirects, a log.

Each test starts one (``with WebServer({...}) as site:``) and gives it what to answer by
path; every request it receives is recorded in ``site.log`` (method, path with its query,
headers), so a test checks what really reached the server: nothing, once, or the query.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


@dataclass(frozen=True)
class Reply:
    """One answer: a status, a content type, a body (or ``repeat`` copies of it), headers."""

    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # The body is sent this many times over, chunk by chunk (a large page without holding
    # it whole in memory).
    repeat: int = 1


def redirect(location: str, status: int = 302) -> Reply:
    """A redirect to ``location``."""
    return Reply(status=status, headers={"Location": location})


@dataclass(frozen=True)
class Request:
    """A request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


class LoopbackServer:
    """An HTTP server on a free loopback port, serving in a thread inside a ``with``."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> None:
        self._httpd = ThreadingHTTPServer((host, 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self._httpd.server_address[1])

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


class WebServer(LoopbackServer):
    """Answers ``pages[path]`` (the path without its query); 404 for any other path.

    As a proxy (``HTTP_PROXY`` pointing at it) it answers ``pages[URL]`` for a request of a
    whole URL, and refuses ``CONNECT`` (no tunnel: https cannot be reached through it).

    Args:
        pages: Replies by path (or by whole URL, for a proxy).
        host: The address to listen on.
    """

    def __init__(self, pages: dict[str, Reply] | None = None, host: str = "127.0.0.1") -> None:
        self.pages = dict(pages or {})
        self.host = host
        self._log: list[Request] = []
        self._lock = threading.Lock()
        super().__init__(_handler(self), host)

    def url(self, path: str = "/", host: str | None = None) -> str:
        """The URL of ``path`` here, by address or by another name for it (``localhost``)."""
        return f"http://{host or self.host}:{self.port}{path}"

    @property
    def log(self) -> list[Request]:
        """Every request received, in order (a copy)."""
        with self._lock:
            return list(self._log)

    def record(self, request: Request) -> None:
        """Note a request."""
        with self._lock:
            self._log.append(request)


def _handler(server: WebServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet: the log is ``server.log``."""

        def do_CONNECT(self) -> None:
            """Refuse to tunnel (a proxy that lets only plain http through)."""
            server.record(Request("CONNECT", self.path, dict(self.headers.items())))
            self.send_response(403)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            """Answer from the pages, as a GET would be."""
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            self._answer(Request("POST", self.path, dict(self.headers.items()), body))

        def do_GET(self) -> None:
            """Answer from the pages."""
            self._answer(Request("GET", self.path, dict(self.headers.items())))

        def _answer(self, request: Request) -> None:
            server.record(request)
            reply = server.pages.get(self.path.split("?")[0], Reply(b"not found", status=404))
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body) * reply.repeat))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                for _ in range(reply.repeat):
                    self.wfile.write(reply.body)
            except OSError:
                return  # the client stopped reading: what a size limit does

    return Handler
