"""A tiny real HTTP server that answers fixed JSON per route, to stand in for local LLM servers.

Each test starts one on a free loopback port and gives it the answers a kind of server
(Ollama, llama.cpp, LM Studio, vLLM…) really sends, so probes are tested over real sockets.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.helpers.web import LoopbackServer


@dataclass(frozen=True)
class Endless:
    """A body that never ends: ``start``, then one space every ``every`` seconds."""

    start: bytes = b'{"data": ['
    every: float = 0.05


# A route's answer: (status, JSON payload, a raw string, or an ``Endless`` body), or a
# callable building it from the request body.
Answer = tuple[int, Any] | Callable[[Any], tuple[int, Any]]


class RouteServer(LoopbackServer):
    """Answers ``routes[(method, path)]``; anything else gets ``fallback`` (404 by default).

    Args:
        routes: Answers by ``("GET" | "POST", path)``.
        fallback: The answer to every other request.
    """

    def __init__(
        self,
        routes: dict[tuple[str, str], Answer],
        fallback: tuple[int, Any] = (404, {"error": "not found"}),
    ) -> None:
        self.routes = routes
        self.fallback = fallback
        self.requests: list[tuple[str, str, Any]] = []
        super().__init__(_make_handler(self))

    @property
    def url(self) -> str:
        """Its root URL."""
        return f"http://127.0.0.1:{self.port}"

    def answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        """The status and payload for one request (recorded)."""
        self.requests.append((method, path, body))
        route = self.routes.get((method, path), self.fallback)
        return route(body) if callable(route) else route


def _make_handler(server: RouteServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet."""

        def do_GET(self) -> None:
            """Answer a GET."""
            self._reply(None)

        def do_POST(self) -> None:
            """Answer a POST."""
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            kind = self.headers.get("Content-Type") or ""
            if kind.startswith("multipart/form-data"):
                self._reply(multipart_fields(kind, raw))
                return
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            self._reply(body)

        def _reply(self, body: Any) -> None:
            status, payload = server.answer(self.command, self.path.split("?")[0], body)
            if isinstance(payload, Endless):
                self._trickle(status, payload)
                return
            data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _trickle(self, status: int, body: Endless) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                self.wfile.write(body.start)
                while True:  # until the client hangs up
                    self.wfile.flush()
                    time.sleep(body.every)
                    self.wfile.write(b" ")
            except OSError:
                return

    return Handler


def multipart_fields(content_type: str, raw: bytes) -> dict[str, Any]:
    """A form upload's fields: text as ``str``, a file as ``{"filename", "data"}``."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + raw)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        filename = part.get_filename()
        fields[str(name)] = {"filename": filename, "data": data} if filename else data.decode()
    return fields


def transcription_routes(text: str) -> dict[tuple[str, str], Answer]:
    """A speech-to-text server (whisper.cpp's, speaches): ``POST /v1/audio/transcriptions``
    takes a WAV upload and a model name and answers ``{"text": ...}``; anything that is not
    a WAV file is refused as such servers refuse it."""

    def transcribe(fields: Any) -> tuple[int, Any]:
        upload = (fields or {}).get("file")
        if not isinstance(upload, dict) or not upload["data"].startswith(b"RIFF"):
            return 400, {"error": {"message": "failed to read audio data", "type": "invalid"}}
        if not (fields or {}).get("model"):
            return 400, {"error": {"message": "model is required", "type": "invalid"}}
        return 200, {"text": text}

    return {("POST", "/v1/audio/transcriptions"): transcribe}


# What each kind of local server answers, trimmed to the fields the probes read plus a few
# neighbours, as the servers send them.


def ollama_routes(
    models: tuple[str, ...] = ("qwen2.5-coder:7b",),
    *,
    parameters: str = 'stop "<|im_start|>"\nstop "<|im_end|>"',
    loaded: dict[str, int] | None = None,
    version: str = "0.9.6",
) -> dict[tuple[str, str], Answer]:
    """Ollama: ``/api/version``, ``/api/tags``, ``/api/show``, ``/api/ps`` and ``/v1/models``."""

    def show(body: Any) -> tuple[int, Any]:
        name = (body or {}).get("model", "")
        if name not in models and f"{name}:latest" not in models:
            return 404, {"error": f"model '{name}' not found"}
        return 200, {
            "modelfile": f'# Modelfile generated by "ollama show"\nFROM {name}\n',
            "parameters": parameters,
            "template": "{{ .Prompt }}",
            "details": {"format": "gguf", "family": "qwen2", "parameter_size": "7.6B"},
            # The trained maximum: not what the server serves.
            "model_info": {"general.architecture": "qwen2", "qwen2.context_length": 32768},
            "capabilities": ["completion", "tools"],
        }

    running = [
        {"name": name, "model": name, "size": 6_000_000_000, "context_length": tokens}
        for name, tokens in (loaded or {}).items()
    ]
    return {
        ("GET", "/api/version"): (200, {"version": version}),
        ("GET", "/api/tags"): (
            200,
            {"models": [{"name": m, "model": m, "size": 4_683_087_332} for m in models]},
        ),
        ("POST", "/api/show"): show,
        ("GET", "/api/ps"): (200, {"models": running}),
        ("GET", "/v1/models"): (
            200,
            {
                "object": "list",
                "data": [
                    {"id": m, "object": "model", "created": 1, "owned_by": "library"}
                    for m in models
                ],
            },
        ),
    }


def llama_server_routes(n_ctx: int = 8192, alias: str = "smollm2") -> dict[tuple[str, str], Answer]:
    """llama.cpp's llama-server: ``/health``, ``/props``, ``/v1/models``."""
    return {
        ("GET", "/health"): (200, {"status": "ok"}),
        ("GET", "/props"): (
            200,
            {
                "default_generation_settings": {"n_ctx": n_ctx, "params": {"n_predict": -1}},
                "total_slots": 1,
                "model_path": f"/models/{alias}.gguf",
                "chat_template": "{{ messages }}",
            },
        ),
        ("GET", "/v1/models"): (
            200,
            {
                "object": "list",
                "data": [{"id": alias, "object": "model", "created": 1, "owned_by": "llamacpp"}],
            },
        ),
    }


def lmstudio_routes(
    model: str = "qwen2.5-coder-7b-instruct", loaded_context: int | None = 4096
) -> dict[tuple[str, str], Answer]:
    """LM Studio: ``/api/v0/models``, ``/v1/models``; unknown endpoints answer 200 with an error."""
    entry: dict[str, Any] = {
        "id": model,
        "object": "model",
        "type": "llm",
        "publisher": "lmstudio-community",
        "arch": "qwen2",
        "state": "loaded" if loaded_context else "not-loaded",
        "max_context_length": 32768,
    }
    if loaded_context:
        entry["loaded_context_length"] = loaded_context
    embedding = {
        "id": "text-embedding-nomic-embed-text-v1.5",
        "object": "model",
        "type": "embeddings",
        "state": "not-loaded",
        "max_context_length": 2048,
    }
    listed = [
        {"id": e["id"], "object": "model", "owned_by": "organization_owner"}
        for e in (entry, embedding)
    ]
    return {
        ("GET", "/api/v0/models"): (200, {"object": "list", "data": [entry, embedding]}),
        ("GET", "/v1/models"): (200, {"object": "list", "data": listed}),
    }


LMSTUDIO_FALLBACK = (200, {"error": "Unexpected endpoint or method. (GET /api/version)"})


def vllm_routes(
    model: str = "Qwen/Qwen2.5-Coder-7B-Instruct", max_model_len: int = 32768
) -> dict[tuple[str, str], Answer]:
    """vLLM: ``/version``, ``/health`` (empty), ``/v1/models`` with ``max_model_len``."""
    return {
        ("GET", "/version"): (200, {"version": "0.8.5"}),
        ("GET", "/health"): (200, ""),
        ("GET", "/v1/models"): (
            200,
            {
                "object": "list",
                "data": [
                    {
                        "id": model,
                        "object": "model",
                        "created": 1,
                        "owned_by": "vllm",
                        "root": model,
                        "parent": None,
                        "max_model_len": max_model_len,
                        "permission": [],
                    }
                ],
            },
        ),
    }


def llama_cpp_python_routes(model: str = "smollm2") -> dict[tuple[str, str], Answer]:
    """llama-cpp-python's server: ``/v1/models`` owned by ``me``, nothing else of note."""
    return {
        ("GET", "/v1/models"): (
            200,
            {
                "object": "list",
                "data": [{"id": model, "object": "model", "owned_by": "me", "permissions": []}],
            },
        )
    }
