"""The context window: configured > served (probed over real sockets) > known model > 32k."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from openclaude_tui.core.agent.compact import estimate_tokens
from openclaude_tui.core.agent.context_window import (
    DEFAULT_WINDOW,
    WindowInfo,
    known_window,
    resolve_context_window,
    truncation_warning,
)
from openclaude_tui.core.assembly import make_compactor, make_provider, resolve_window
from openclaude_tui.core.llm.provider import Provider, ProviderSettings
from openclaude_tui.core.settings.config import Config, ConfigError, Overrides, load_config
from tests.route_server import (
    LMSTUDIO_FALLBACK,
    RouteServer,
    llama_cpp_python_routes,
    llama_server_routes,
    lmstudio_routes,
    ollama_routes,
    vllm_routes,
)
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, Turn
from tests.security import processes

MODEL = "qwen2.5-coder:7b"


def free_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_ollama_default_is_what_it_serves_not_the_trained_maximum() -> None:
    with RouteServer(ollama_routes()) as server:
        info = await resolve_context_window(f"{server.url}/v1", MODEL, None)
    # model_info says 32768 (trained); Ollama serves its default.
    assert (info.tokens, info.source) == (4096, "Ollama")
    assert "OLLAMA_CONTEXT_LENGTH=32768 ollama serve" in info.note
    assert "PARAMETER num_ctx 32768" in info.note


async def test_ollama_before_0_6_7_served_2048_by_default() -> None:
    with RouteServer(ollama_routes(version="0.5.7")) as server:
        info = await resolve_context_window(f"{server.url}/v1", MODEL, None)
    assert info.tokens == 2048


async def test_ollama_num_ctx_in_the_modelfile_wins() -> None:
    parameters = 'num_ctx                        40960\nstop "<|im_end|>"'
    routes = ollama_routes(parameters=parameters, loaded={MODEL: 8192})
    with RouteServer(routes) as server:
        info = await resolve_context_window(f"{server.url}/v1", MODEL, None)
    assert (info.tokens, info.source, info.note) == (40960, "Ollama", "")


async def test_ollama_loaded_model_reports_its_context_length() -> None:
    # As after OLLAMA_CONTEXT_LENGTH=65536 ollama serve: only /api/ps knows.
    routes = ollama_routes(models=("qwen3",), loaded={"qwen3:latest": 65536})
    with RouteServer(routes) as server:
        info = await resolve_context_window(f"{server.url}/v1", "qwen3", None)
    assert (info.tokens, info.note) == (65536, "")


async def test_a_configured_window_larger_than_ollama_serves_is_asked_for() -> None:
    with RouteServer(ollama_routes()) as server:
        info = await resolve_context_window(
            f"{server.url}/v1", MODEL, 32768, configured_source="--context-window"
        )
    assert (info.tokens, info.source) == (32768, "--context-window")
    assert "Ollama serves qwen2.5-coder:7b with 4,096 tokens (its default)" in info.note
    assert "options.num_ctx" in info.note
    assert info.request_fields == {"options": {"num_ctx": 32768}}


async def test_other_servers_serving_less_get_the_way_to_raise_it() -> None:
    with RouteServer(llama_server_routes(n_ctx=8192)) as server:
        info = await resolve_context_window(f"{server.url}/v1", "smollm2", 32768)
    assert info.tokens == 32768 and info.request_fields == {}
    assert "restart llama-server with `-c 32768`" in info.note


def test_ollama_gets_num_ctx_with_every_request(tmp_path: Path) -> None:
    """End to end: print mode against an Ollama-shaped server asks for the window."""
    routes = {
        key: answer
        for key, answer in ollama_routes(models=(DEFAULT_MODEL,)).items()
        if key[1].startswith("/api/") and not callable(answer)
    }
    show = {"parameters": 'stop "<|im_end|>"', "model_info": {}, "details": {}}
    routes[("POST", "/api/show")] = (200, show)
    with ScriptedServer([Turn(text="Done.")], extra_routes=routes) as server:
        flags = ["--base-url", server.base_url, "-m", DEFAULT_MODEL, "--context-window", "16384"]
        done = processes.run(["-p", "hi", *flags], tmp_path, processes.clean_env(tmp_path / "h"))
        last = server.last_request
    assert done.returncode == 0, done.stderr
    assert last is not None and last.body is not None
    assert last.body["options"] == {"num_ctx": 16384}
    assert "options.num_ctx" in done.stderr


async def test_configured_window_within_what_is_served_has_no_note() -> None:
    with RouteServer(ollama_routes()) as server:
        info = await resolve_context_window(f"{server.url}/v1", MODEL, 4000)
    assert (info.tokens, info.note) == (4000, "")


async def test_vllm_max_model_len() -> None:
    with RouteServer(vllm_routes(max_model_len=24576)) as server:
        info = await resolve_context_window(
            f"{server.url}/v1", "Qwen/Qwen2.5-Coder-7B-Instruct", None
        )
    assert (info.tokens, info.source, info.note) == (24576, "vLLM", "")


async def test_llama_server_n_ctx_and_how_to_raise_it() -> None:
    with RouteServer(llama_server_routes(n_ctx=2048)) as server:
        info = await resolve_context_window(f"{server.url}/v1", "smollm2", None)
        configured = await resolve_context_window(f"{server.url}/v1", "smollm2", 8192)
    assert (info.tokens, info.source) == (2048, "llama.cpp")
    assert "-c 32768" in info.note
    assert configured.tokens == 8192 and "-c 8192" in configured.note


async def test_lmstudio_loaded_context_length() -> None:
    routes = lmstudio_routes(loaded_context=8192)
    with RouteServer(routes, fallback=LMSTUDIO_FALLBACK) as server:
        info = await resolve_context_window(f"{server.url}/v1", "qwen2.5-coder-7b-instruct", None)
    assert (info.tokens, info.source) == (8192, "LM Studio")


async def test_lmstudio_v1_api_loaded_instance() -> None:
    routes = {
        ("GET", "/api/v1/models"): (
            200,
            {
                "models": [
                    {
                        "type": "llm",
                        "key": "google/gemma-3-12b",
                        "loaded_instances": [
                            {"id": "google/gemma-3-12b", "config": {"context_length": 12000}}
                        ],
                        "max_context_length": 131072,
                    }
                ]
            },
        )
    }
    with RouteServer(routes, fallback=LMSTUDIO_FALLBACK) as server:
        info = await resolve_context_window(f"{server.url}/v1", "google/gemma-3-12b", None)
    assert (info.tokens, info.source) == (12000, "LM Studio")


async def test_lmstudio_model_not_loaded_falls_back_to_the_table_with_a_note() -> None:
    routes = lmstudio_routes(loaded_context=None)
    with RouteServer(routes, fallback=LMSTUDIO_FALLBACK) as server:
        info = await resolve_context_window(f"{server.url}/v1", "qwen2.5-coder-7b-instruct", None)
    assert (info.tokens, info.source) == (32768, "known model")
    assert "LM Studio has not loaded" in info.note and "--context-length 32768" in info.note


async def test_silent_server_uses_the_known_table_then_32k() -> None:
    with RouteServer(llama_cpp_python_routes()) as server:
        known = await resolve_context_window(f"{server.url}/v1", "llama-3.1-8b-instruct", None)
        unknown = await resolve_context_window(f"{server.url}/v1", "my-finetune", None)
    assert (known.tokens, known.source) == (131072, "known model")
    assert (unknown.tokens, unknown.source, unknown.note) == (DEFAULT_WINDOW, "default", "")


async def test_unreachable_server_still_resolves() -> None:
    info = await resolve_context_window(f"http://127.0.0.1:{free_port()}/v1", "qwen3:8b", None)
    assert (info.tokens, info.source) == (32768, "known model")


def test_known_table_matches_names_as_servers_spell_them() -> None:
    assert known_window("Qwen/Qwen3-Coder-30B-A3B-Instruct") == 262_144
    assert known_window("qwen3:8b") == 32_768
    assert known_window("meta-llama/Llama-3.1-8B-Instruct") == 131_072
    assert known_window("llama3:8b") == 8192
    assert known_window("hf.co/bartowski/gemma-3-12b-it-GGUF:Q4_K_M") == 131_072
    assert known_window("gpt-oss:20b") == 131_072
    assert known_window("totally-unknown") is None


def test_truncation_warning_thresholds() -> None:
    assert truncation_warning(10_000, 2_048) is not None
    assert "2,048 prompt tokens" in (truncation_warning(10_000, 2_048) or "")
    assert truncation_warning(10_000, 6_500) is None  # within what estimates differ by
    assert truncation_warning(900, 10) is None  # too small to judge


def test_configured_window_remembers_where_it_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path / "home"))
    project = tmp_path / "project"
    (project / ".openclaude").mkdir(parents=True)
    (project / ".openclaude" / "settings.toml").write_text(
        "context_window = 16384\ncompact_threshold = 0.7\n"
    )
    from_file = load_config(project, Overrides(), env={})
    assert (from_file.context_window, from_file.context_window_source) == (
        16384,
        ".openclaude/settings.toml",
    )
    assert (from_file.compact_threshold, from_file.auto_compact) == (0.7, True)
    from_env = load_config(project, Overrides(), env={"CONTEXT_WINDOW": "65536"})
    assert (from_env.context_window, from_env.context_window_source) == (65536, "CONTEXT_WINDOW")
    from_flag = load_config(
        project,
        Overrides(context_window=8192, no_auto_compact=True),
        env={"CONTEXT_WINDOW": "65536"},
    )
    assert (from_flag.context_window, from_flag.context_window_source) == (
        8192,
        "--context-window",
    )
    assert from_flag.auto_compact is False
    compactor = make_compactor(from_flag, WindowInfo(8192, "--context-window"))
    assert (compactor.window, compactor.enabled) == (8192, False)


def test_compact_threshold_must_be_a_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path / "home"))
    (tmp_path / ".openclaude").mkdir()
    (tmp_path / ".openclaude" / "settings.toml").write_text("compact_threshold = 80\n")
    with pytest.raises(ConfigError, match=r"compact_threshold: .* between 0 and 1, got 80"):
        load_config(tmp_path, Overrides(), env={})


async def test_the_runtime_resolves_the_window_of_the_configured_model(
    tmp_path: Path,
) -> None:
    with RouteServer(ollama_routes()) as server:
        config = Config(
            cwd=tmp_path,
            project_root=tmp_path,
            base_url=f"{server.url}/v1",
            model=MODEL,
            context_window=65536,
            context_window_source="CONTEXT_WINDOW",
        )
        info = await resolve_window(config, make_provider(config))
    assert (info.tokens, info.source) == (65536, "CONTEXT_WINDOW")
    assert info.request_fields == {"options": {"num_ctx": 65536}}


async def test_truncation_is_spotted_from_what_a_strict_server_reports(
    scripted_server: ScriptedServer,
) -> None:
    request = [
        {"role": "system", "content": "You are a coding agent."},
        {"role": "user", "content": "Summarise this log:\n" + "line of log output\n" * 2000},
    ]
    # The first answer counts what was sent; the second, like Ollama past num_ctx, far less.
    scripted_server.script(Turn(text="ok"), Turn(text="ok", prompt_tokens=2048))
    provider = Provider(ProviderSettings(scripted_server.base_url, "x", DEFAULT_MODEL))
    try:
        honest = await provider.complete(request, None, lambda event: None)
        cut = await provider.complete(request, None, lambda event: None)
    finally:
        await provider.close()
    sent = estimate_tokens(request)
    assert honest.prompt_tokens is not None and cut.prompt_tokens == 2048
    assert truncation_warning(sent, honest.prompt_tokens) is None
    warning = truncation_warning(sent, cut.prompt_tokens)
    assert warning is not None
    assert "counted 2,048 prompt tokens" in warning and "num_ctx" in warning
