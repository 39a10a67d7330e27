"""HTTP plumbing of the scripted server: the socket server and the request handler."""

from __future__ import annotations

import contextlib
import http
import json
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from tests.scripted_server.protocol import (
    ApiError,
    RecordedRequest,
    Turn,
    completion_body,
    error_body,
    estimate_completion_tokens,
    estimate_prompt_tokens,
    stream_chunks,
    validate_chat_request,
)

if TYPE_CHECKING:
    from tests.scripted_server import ScriptedServer

# Errors a peer causes by going away: the exchange simply ends, nothing is worth a traceback.
_PEER_GONE = (ConnectionError, TimeoutError)


def _model_object(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": 0, "owned_by": "scripted"}


class ScriptedHTTPServer(ThreadingHTTPServer):
    """The socket server; it tracks open connections so ``stop`` can cut idle keep-alives."""

    daemon_threads = True
    block_on_close = True
    # socketserver's default backlog of 5 resets connections when a client opens many at once.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], owner: ScriptedServer) -> None:
        self.owner = owner
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, a DNS lookup that can stall startup.
        # A fixed port must be reusable at once, while the last run's connections linger.
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(self.server_address)
        self.server_address = self.socket.getsockname()
        self.server_name, self.server_port = self.server_address[:2]

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every handler blocked on a socket so the server can close at once."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):  # the handler may have closed it meanwhile
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], _PEER_GONE):
            super().handle_error(request, client_address)


def _chunk_json(chunk: dict[str, Any]) -> str:
    """A chunk in raw UTF-8 as llama.cpp and vLLM send it, escaped where UTF-8 cannot hold it
    (an unpaired surrogate), as every server must."""
    text = json.dumps(chunk, separators=(",", ":"), ensure_ascii=False)
    try:
        text.encode()
    except UnicodeEncodeError:
        return json.dumps(chunk, separators=(",", ":"))
    return text


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ScriptedHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Keep quiet: tests read stderr."""

    def do_GET(self) -> None:
        """Answer a GET request."""
        self._handle()

    def do_POST(self) -> None:
        """Answer a POST request."""
        self._handle()

    def _handle(self) -> None:
        owner = self.server.owner
        try:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            path = urlsplit(self.path).path.rstrip("/")
            headers = {name.lower(): value for name, value in self.headers.items()}
            request = RecordedRequest(self.command, path, headers, body, self.client_address[1])
            owner._record(request)
            try:
                self._route(request)
            except ApiError as error:
                self._send_json(error.status, error.body())
        except _PEER_GONE:
            self.close_connection = True

    def _route(self, request: RecordedRequest) -> None:
        owner = self.server.owner
        owner._check_key(request.headers.get("authorization", ""))
        method, path = request.method, request.path
        if method == "GET" and path == "/v1/models":
            models = [_model_object(name) for name in owner.models]
            self._send_json(200, {"object": "list", "data": models})
        elif method == "GET" and path.startswith("/v1/models/"):
            name = unquote(path.removeprefix("/v1/models/"))
            if name not in owner.models:
                message = f"The model '{name}' does not exist or you do not have access to it."
                raise ApiError(404, message, code="model_not_found")
            self._send_json(200, _model_object(name))
        elif method == "POST" and path == "/v1/chat/completions":
            self._chat(request)
        elif (method, path) in owner.extra_routes:
            status, answer = owner.extra_routes[(method, path)]
            self._send_json(status, answer)
        else:
            raise ApiError(404, f"Unknown request URL: {method} {path}.", code="unknown_url")

    def _chat(self, request: RecordedRequest) -> None:
        owner = self.server.owner
        validate_chat_request(request.body, owner.models)
        turn, number = owner._take_turn(request)
        if turn.reject_stream_options and "stream_options" in request.body:
            owner._give_back(turn)
            message = "Unrecognized request argument supplied: stream_options"
            raise ApiError(400, message, param="stream_options")
        if not owner._pause(turn.delay) or (turn.drop_after is not None and not request.stream):
            self.close_connection = True
            return
        if turn.status >= 400:
            phrase = http.HTTPStatus(turn.status).phrase
            message = turn.error_message or f"Scripted failure: {turn.status} {phrase}."
            self._send_json(turn.status, error_body(turn.status, message), turn.headers)
            return
        if turn.empty_body:
            streamed = request.stream and not turn.ignore_stream
            kind = "text/event-stream" if streamed else "application/json"
            self._send_bytes(turn.status, b"", kind, turn.headers)
            return
        prompt = turn.prompt_tokens
        if prompt is None:
            prompt = estimate_prompt_tokens(request.messages)
        completion = estimate_completion_tokens(turn)
        usage = {"prompt_tokens": prompt, "completion_tokens": completion,
                 "total_tokens": prompt + completion}  # fmt: skip
        ids = {"completion_id": f"chatcmpl-scripted-{number}", "model": request.model or "",
               "turn_number": number}  # fmt: skip
        if not request.stream or turn.ignore_stream:
            self._send_json(turn.status, completion_body(turn, usage=usage, **ids), turn.headers)
            return
        include_usage = (request.body.get("stream_options") or {}).get("include_usage") is True
        include_usage = include_usage and not turn.omit_usage
        self._stream(turn, stream_chunks(turn, usage=usage if include_usage else None, **ids))

    def _stream(self, turn: Turn, chunks: list[dict[str, Any]]) -> None:
        self.send_response(turn.status)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        if turn.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")  # the body ends when the socket closes
        for name, value in turn.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self._fault(turn, chunks):
            return
        limit = len(chunks)
        # The chunk with the finish reason (the last answer chunk when there is none).
        finish_at = next(
            (i for i, c in enumerate(chunks) if c["choices"] and c["choices"][0]["finish_reason"]),
            len([c for c in chunks if c["choices"]]) - 1,
        )
        if turn.drop_after is not None:
            limit = min(turn.drop_after, finish_at)
        elif turn.stream_error is not None:
            limit = finish_at
        for index, chunk in enumerate(chunks[:limit]):
            if index and not self.server.owner._pause(turn.token_delay):
                self.close_connection = True
                return
            if turn.keep_alive:
                self._write_raw(b": keep-alive\n\n", turn.chunked)
            # Raw UTF-8, as llama.cpp and vLLM send it (U+2028 and emoji unescaped).
            self._write_event(_chunk_json(chunk), turn.chunked)
        if turn.stream_error is not None:
            self._write_event(json.dumps({"error": {"message": turn.stream_error}}), turn.chunked)
        if turn.drop_after is not None:
            # Closing mid-body is the fault: no finish reason, no [DONE], no chunked terminator.
            self.close_connection = True
            return
        self._write_event("[DONE]", turn.chunked)
        if turn.chunked:
            self.wfile.write(b"0\r\n\r\n")

    def _fault(self, turn: Turn, chunks: list[dict[str, Any]]) -> bool:
        """Play the turn's stream fault, if it has one; True when the answer ends here."""
        owner = self.server.owner
        if turn.keep_alive_forever:
            while owner._pause(0.05):
                self._write_raw(b": keep-alive\n\n", turn.chunked)
            return True
        first = json.dumps(chunks[0], separators=(",", ":"))
        if turn.long_line:
            self._write_event(first, turn.chunked)
            self._write_raw(b"data: ", turn.chunked)
            piece = b"x" * 65536
            for _ in range(turn.long_line // len(piece) + 1):
                self._write_raw(piece, turn.chunked)
            self.close_connection = True
            return True
        if turn.raw_event is not None:
            self._write_event(first, turn.chunked)
            self._write_event(turn.raw_event, turn.chunked)
            chunks[:] = chunks[1:]
            return False
        if turn.stall_after is not None:
            for chunk in chunks[: turn.stall_after]:
                self._write_event(json.dumps(chunk, separators=(",", ":")), turn.chunked)
            owner._pause(3600)  # until the server stops, or the client gives up
            self.close_connection = True
            return True
        if turn.endless:
            template = next(c for c in chunks if c["choices"] and c["choices"][0]["delta"])
            for chunk in chunks[:2]:
                self._write_event(json.dumps(chunk, separators=(",", ":")), turn.chunked)
            while owner._pause(max(turn.token_delay, 0.05)):
                choice = {**template["choices"][0], "delta": {"content": " more"}}
                event = {**template, "choices": [choice]}
                self._write_event(json.dumps(event, separators=(",", ":")), turn.chunked)
            self.close_connection = True
            return True
        return False

    def _write_event(self, data: str, chunked: bool) -> None:
        self._write_raw(f"data: {data}\n\n".encode(), chunked)

    def _write_raw(self, payload: bytes, chunked: bool) -> None:
        if chunked:
            payload = b"%x\r\n%s\r\n" % (len(payload), payload)
        self.wfile.write(payload)

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send_bytes(status, json.dumps(payload).encode(), "application/json", headers or {})

    def _send_bytes(self, status: int, data: bytes, kind: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
