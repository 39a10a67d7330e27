"""Finding a model server on this machine, and listing the models a server offers.

Local servers listen on well-known ports (Ollama 11434, LM Studio 1234, llama.cpp's
llama-server 8080, vLLM and llama-cpp-python 8000), but any program may hold a port, so a
server is recognised by its answers:

- Ollama: ``GET /api/version`` or ``/api/tags``.
- llama-server: ``GET /props`` with ``default_generation_settings``.
- LM Studio: ``GET /api/v0/models`` whose entries carry ``state`` / ``max_context_length``
  (LM Studio answers unknown paths 200 with an ``error`` field, so shapes are checked).
- vLLM: ``/v1/models`` entries ``owned_by: vllm`` (or ``GET /version`` with ``max_model_len``).
- llama-cpp-python: ``/v1/models`` entries ``owned_by: me``.
- Anything else answering ``/v1/models``: a generic OpenAI-compatible server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from openclaude_tui.core.llm.http_json import entries, get_json, server_root

_log = logging.getLogger(__name__)

ServerKind = Literal["ollama", "lmstudio", "llama.cpp", "vllm", "llama-cpp-python", "openai"]

KIND_LABELS: dict[str, str] = {
    "ollama": "Ollama",
    "lmstudio": "LM Studio",
    "llama.cpp": "llama.cpp's llama-server",
    "vllm": "vLLM",
    "llama-cpp-python": "llama-cpp-python's server",
    "openai": "an OpenAI-compatible server",
}


@dataclass(frozen=True)
class Candidate:
    """A place a local server may listen.

    Attributes:
        label: The server usually found there, for the "tried …" sentence.
        port: The TCP port.
        host: The address (loopback by default).
    """

    label: str
    port: int
    host: str = "127.0.0.1"

    @property
    def root(self) -> str:
        """The server's root URL."""
        return f"http://{self.host}:{self.port}"


# Seconds a listening port has to answer. A port with nothing on it is refused at once, so
# this is only waited out when something listens; a busy machine or a server loading a
# model can take longer than half a second, and would then go unrecognised.
PROBE_TIMEOUT = 2.0
DEFAULT_CANDIDATES: tuple[Candidate, ...] = (
    Candidate("Ollama", 11434),
    Candidate("LM Studio", 1234),
    Candidate("llama.cpp", 8080),
    Candidate("vLLM", 8000),
)


@dataclass(frozen=True)
class Discovered:
    """A server found on this machine.

    Attributes:
        kind: What it is, recognised from its answers.
        base_url: Its OpenAI-compatible endpoint (``…/v1``).
        models: The models it offers, as it names them.
    """

    kind: ServerKind
    base_url: str
    models: tuple[str, ...]

    @property
    def label(self) -> str:
        """The server's name for messages (``Ollama``, ``vLLM``…)."""
        return KIND_LABELS[self.kind]


def describe_candidates(candidates: Sequence[Candidate]) -> str:
    """``Ollama :11434, LM Studio :1234, …`` for messages."""
    return ", ".join(f"{c.label} :{c.port}" for c in candidates)


async def discover_local_server(
    candidates: Sequence[Candidate] = DEFAULT_CANDIDATES, timeout: float = PROBE_TIMEOUT
) -> Discovered | None:
    """The first candidate, in order, where a model server answers; None when none does.

    Candidates are probed at the same time, so a search costs about one probe; a port
    with nothing listening is refused at once.
    """
    found = await asyncio.gather(*(_probe(c, timeout) for c in candidates))
    for candidate, server in zip(candidates, found, strict=True):
        _log.debug("probe %s: %s", candidate.root, server.label if server else "no server")
    return next((server for server in found if server is not None), None)


async def _probe(candidate: Candidate, timeout: float) -> Discovered | None:
    if not await _listening(candidate.host, candidate.port, timeout):
        return None
    return await identify_server(candidate.root, timeout=timeout)


async def _listening(host: str, port: int, timeout: float) -> bool:
    try:
        async with asyncio.timeout(timeout):
            _, writer = await asyncio.open_connection(host, port)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


async def identify_server(
    root: str, *, api_key: str | None = None, timeout: float = PROBE_TIMEOUT
) -> Discovered | None:
    """What kind of model server answers at ``root``; None when it is not one."""
    paths = ("/api/version", "/api/tags", "/props", "/api/v0/models", "/version", "/v1/models")
    answers = await asyncio.gather(
        *(get_json(root + path, api_key=api_key, timeout=timeout) for path in paths)
    )
    version, tags, props, lmstudio, vllm_version, listed = answers
    listed_ids = _ids(listed, "data", "id")
    owners = {str(e.get("owned_by", "")).lower() for e in entries(listed, "data")}
    base_url = f"{root}/v1"
    if _has_str(version, "version") or isinstance(_field(tags, "models"), list):
        return Discovered("ollama", base_url, _union(_ids(tags, "models", "name"), listed_ids))
    if isinstance(_field(props, "default_generation_settings"), dict):
        return Discovered("llama.cpp", base_url, listed_ids)
    lmstudio_entries = [
        e for e in entries(lmstudio, "data") if "state" in e or "max_context_length" in e
    ]
    if lmstudio_entries:
        chat = tuple(str(e["id"]) for e in lmstudio_entries if e.get("type") != "embeddings")
        return Discovered("lmstudio", base_url, chat or listed_ids)
    serves_lengths = any("max_model_len" in e for e in entries(listed, "data"))
    if "vllm" in owners or (_has_str(vllm_version, "version") and serves_lengths):
        return Discovered("vllm", base_url, listed_ids)
    if "me" in owners:
        return Discovered("llama-cpp-python", base_url, listed_ids)
    if isinstance(_field(listed, "data"), list):
        return Discovered("openai", base_url, listed_ids)
    return None


async def list_models(
    base_url: str, api_key: str | None = None, *, timeout: float = 10.0
) -> list[str] | None:
    """The models a server offers: ``/v1/models`` and, for Ollama, ``/api/tags``.

    Returns:
        Model names without repeats, or None when neither list could be read (the caller
        asks again through the provider to tell the user exactly why).
    """
    root = server_root(base_url)
    listed, tags = await asyncio.gather(
        get_json(f"{base_url.rstrip('/')}/models", api_key=api_key, timeout=timeout),
        get_json(f"{root}/api/tags", api_key=api_key, timeout=timeout),
    )
    if not isinstance(_field(listed, "data"), list) and not isinstance(
        _field(tags, "models"), list
    ):
        return None
    return list(_union(_ids(listed, "data", "id"), _ids(tags, "models", "name")))


def _field(answer: Any, key: str) -> Any:
    return answer.get(key) if isinstance(answer, dict) else None


def _has_str(answer: Any, key: str) -> bool:
    return isinstance(_field(answer, key), str)


def _ids(answer: Any, key: str, name: str) -> tuple[str, ...]:
    return tuple(str(e[name]) for e in entries(answer, key) if isinstance(e.get(name), str))


def _union(*groups: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for group in groups for name in group))
