"""Whether the server says a model takes images, from the answers the start-up probe
already has (``core.agent.context_window`` asks once for both the window and this).

Local servers say it where they describe a model:

- Ollama: ``POST /api/show`` lists ``"vision"`` among the model's ``capabilities``.
- llama.cpp's server: ``GET /props`` has ``modalities.vision`` (true when started with
  a multimodal projector).
- LM Studio: ``GET /api/v0/models`` gives the model the ``type`` ``"vlm"``.

Hosted APIs and other servers say nothing: the ``vision`` setting decides for them (and
wins over what a server says, when the user set it).
"""

from __future__ import annotations

from typing import Any

from openclaude_tui.core.llm.http_json import entries


def said_of_images(model: str, show: Any, props: Any, lmstudio: Any) -> bool | None:
    """True or False when one of the answers says whether ``model`` takes images; None
    when none says."""
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
