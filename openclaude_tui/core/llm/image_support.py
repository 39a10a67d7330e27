"""Whether the server says a model takes images.

Local servers say it where they describe a model:

- Ollama: ``POST /api/show`` lists ``"vision"`` among the model's ``capabilities``.
- llama.cpp's server: ``GET /props`` has ``modalities.vision`` (true when started with
  a multimodal projector).
- LM Studio: ``GET /api/v0/models`` gives the model the ``type`` ``"vlm"``.

Hosted APIs and other servers say nothing: the ``vision`` setting decides for them (and
wins over what a server says, when the user set it).
"""

from __future__ import annotations

import asyncio
from typing import Any

from openclaude_tui.core.llm.http_json import entries, get_json, post_json, server_root


async def served_image_support(
    base_url: str, model: str, *, api_key: str | None = None, timeout: float = 2.0
) -> bool | None:
    """True or False when the server says whether ``model`` takes images; None when it
    does not say (or cannot be asked)."""
    root = server_root(base_url)
    show, props, lmstudio = await asyncio.gather(
        post_json(f"{root}/api/show", {"model": model}, api_key=api_key, timeout=timeout),
        get_json(f"{root}/props", api_key=api_key, timeout=timeout),
        get_json(f"{root}/api/v0/models", api_key=api_key, timeout=timeout),
    )
    for answer in (_ollama(show), _llama_cpp(props), _lmstudio(lmstudio, model)):
        if answer is not None:
            return answer
    return None


def _ollama(show: Any) -> bool | None:
    capabilities = show.get("capabilities") if isinstance(show, dict) else None
    if not isinstance(capabilities, list):
        return None
    return "vision" in capabilities


def _llama_cpp(props: Any) -> bool | None:
    modalities = props.get("modalities") if isinstance(props, dict) else None
    if not isinstance(modalities, dict) or not isinstance(modalities.get("vision"), bool):
        return None
    return bool(modalities["vision"])


def _lmstudio(listing: Any, model: str) -> bool | None:
    for entry in entries(listing, "data"):
        if entry.get("id") == model and isinstance(entry.get("type"), str):
            return entry["type"] == "vlm"
    return None
