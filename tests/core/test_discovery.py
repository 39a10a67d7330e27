"""Local discovery: servers recognised by their answers over real sockets, not by their port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from openclaude_tui.core.assembly import apply_discovery
from openclaude_tui.core.llm.discovery import (
    Candidate,
    discover_local_server,
    identify_server,
    list_models,
)
from openclaude_tui.core.settings.config import Config
from tests.route_server import (
    LMSTUDIO_FALLBACK,
    RouteServer,
    llama_cpp_python_routes,
    llama_server_routes,
    lmstudio_routes,
    ollama_routes,
    vllm_routes,
)
from tests.scripted_server import ScriptedServer


def free_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_each_kind_is_recognised_from_its_answers() -> None:
    kinds = {
        "ollama": (RouteServer(ollama_routes(("qwen2.5-coder:7b", "llama3.2:3b")))),
        "llama.cpp": RouteServer(llama_server_routes(alias="smollm2")),
        "lmstudio": RouteServer(lmstudio_routes(), fallback=LMSTUDIO_FALLBACK),
        "vllm": RouteServer(vllm_routes()),
        "llama-cpp-python": RouteServer(llama_cpp_python_routes()),
    }
    expected_models = {
        "ollama": ("qwen2.5-coder:7b", "llama3.2:3b"),
        "llama.cpp": ("smollm2",),
        # LM Studio's embedding model is not offered for chat.
        "lmstudio": ("qwen2.5-coder-7b-instruct",),
        "vllm": ("Qwen/Qwen2.5-Coder-7B-Instruct",),
        "llama-cpp-python": ("smollm2",),
    }
    for kind, server in kinds.items():
        with server:
            # One label for all: the port and the label say nothing about the kind.
            found = await discover_local_server([Candidate("somewhere", server.port)])
        assert found is not None, kind
        assert (found.kind, found.base_url, found.models) == (
            kind,
            f"{server.url}/v1",
            expected_models[kind],
        )


async def test_a_generic_openai_compatible_server(scripted_server: ScriptedServer) -> None:
    found = await identify_server(scripted_server.url)
    assert found is not None
    assert (found.kind, found.models) == ("openai", ("scripted-model",))
    assert found.label == "an OpenAI-compatible server"


async def test_lmstudio_is_not_taken_for_ollama_though_it_answers_every_path() -> None:
    # LM Studio answers /api/version and /api/tags with 200 and an "error" field.
    with RouteServer(lmstudio_routes(), fallback=LMSTUDIO_FALLBACK) as server:
        found = await identify_server(server.url)
    assert found is not None and found.kind == "lmstudio"


async def test_a_port_held_by_something_else_or_by_nothing_is_skipped() -> None:
    web_app = RouteServer({("GET", "/"): (200, "<html>hello</html>")})
    with web_app, RouteServer(vllm_routes()) as vllm, RouteServer(ollama_routes()) as ollama:
        candidates = [
            Candidate("Ollama", free_port()),
            Candidate("LM Studio", web_app.port),
            Candidate("llama.cpp", vllm.port),
            Candidate("vLLM", ollama.port),
        ]
        found = await discover_local_server(candidates)
        # First in the candidates' order wins, not the first to answer.
        assert found is not None and (found.kind, found.base_url) == ("vllm", f"{vllm.url}/v1")
        nothing = await discover_local_server([Candidate("Ollama", free_port())])
    assert nothing is None
    # Only the HTTP server was asked anything; the dead port was refused at connect.
    assert web_app.requests


async def test_list_models_combines_v1_models_and_ollama_tags() -> None:
    routes = ollama_routes(("qwen2.5-coder:7b",))
    # An Ollama whose OpenAI list misses a model its own API lists.
    routes[("GET", "/api/tags")] = (
        200,
        {"models": [{"name": "qwen2.5-coder:7b"}, {"name": "nomic-embed-text:latest"}]},
    )
    with RouteServer(routes) as server:
        models = await list_models(f"{server.url}/v1")
    assert models == ["qwen2.5-coder:7b", "nomic-embed-text:latest"]
    assert await list_models(f"http://127.0.0.1:{free_port()}/v1") is None


async def test_apply_discovery_uses_the_first_server_found() -> None:
    with RouteServer(ollama_routes()) as server:
        config = Config(cwd=Path.cwd(), project_root=Path.cwd())
        sentence = await apply_discovery(config, [Candidate("Ollama", server.port)])
    assert sentence == f"using Ollama at {server.url}/v1"
    assert config.base_url == f"{server.url}/v1"
    assert config.base_url_source == "found Ollama"


async def test_apply_discovery_says_what_it_tried_when_nothing_answers() -> None:
    config = Config(cwd=Path.cwd(), project_root=Path.cwd())
    ports = (free_port(), free_port())
    candidates = [Candidate("Ollama", ports[0]), Candidate("vLLM", ports[1])]
    sentence = await apply_discovery(config, candidates)
    assert sentence == (
        f"no local server found (tried Ollama :{ports[0]}, vLLM :{ports[1]}); "
        "using http://localhost:11434/v1"
    )
    assert config.base_url == "http://localhost:11434/v1"


async def test_a_given_base_url_is_never_replaced() -> None:
    with RouteServer(ollama_routes()) as server:
        config = Config(
            cwd=Path.cwd(),
            project_root=Path.cwd(),
            base_url="http://example.test/v1",
            base_url_source="OPENAI_BASE_URL",
        )
        assert await apply_discovery(config, [Candidate("Ollama", server.port)]) is None
        assert not server.requests
    assert config.base_url == "http://example.test/v1"


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``openclaude`` as a user runs it, with a private home."""
    env = {k: v for k, v in os.environ.items() if k not in ("MODEL", "OPENAI_BASE_URL")}
    env["OPENCLAUDE_HOME"] = str(tmp_path / "home")
    return subprocess.run(
        [sys.executable, "-m", "openclaude_tui", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_list_models_command_against_the_scripted_server(tmp_path: Path) -> None:
    with ScriptedServer(models=("qwen2.5-coder:7b", "llama3.1:8b")) as server:
        done = run_cli(tmp_path, "--list-models", "--base-url", server.base_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["qwen2.5-coder:7b", "llama3.1:8b"]
    assert done.stderr == ""


def test_list_models_command_explains_an_unreachable_server(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    done = run_cli(tmp_path, "--list-models", "--base-url", url)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith(f"openclaude: cannot reach {url}")
