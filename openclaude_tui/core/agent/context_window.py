"""How many tokens the conversation may use: the configured window, else what the server serves.

Order: a configured value (flag, environment, settings) > what the server reports >
a table of popular open models > 32k. Servers report their window in their own ways:

- Ollama: ``POST /api/show`` (``num_ctx`` in the model's parameters), ``GET /api/ps``
  (``context_length`` of a loaded model), else its default (2048 tokens before 0.6.7,
  4096 since). The model's trained maximum in ``model_info`` is *not* what it serves,
  and its OpenAI-compatible endpoint cannot ask for more.
- vLLM (and SGLang): ``max_model_len`` of the ``/v1/models`` entries.
- llama.cpp's ``llama-server``: ``/props`` → ``default_generation_settings.n_ctx``.
- LM Studio: ``/api/v1/models`` (``loaded_instances[].config.context_length``) or
  ``/api/v0/models`` (``loaded_context_length``) for a loaded model.

A server that serves less than the conversation holds often cuts it silently;
``truncation_warning`` spots that from the ``prompt_tokens`` the server reports.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field, replace
from typing import Any

from openclaude_tui.core.llm.http_json import entries, get_json, post_json, server_root
from openclaude_tui.core.llm.image_support import said_of_images

DEFAULT_WINDOW = 32_768
OLLAMA_DEFAULT = 4096
OLLAMA_OLD_DEFAULT = 2048
# Below this, a coding agent's system prompt and a few file reads already fill the window.
SMALL_WINDOW = 16_384
SUGGESTED_WINDOW = 32_768
TRUNCATION_RATIO = 0.6
TRUNCATION_MIN_ESTIMATE = 1000

# Windows of popular open models by name (first match wins, so specific names come first).
# These are what the models were trained for; a server may still serve less.
KNOWN_WINDOWS: tuple[tuple[str, int], ...] = (
    (r"qwen-?3.*2507", 262_144),
    (r"qwen-?3-?coder", 262_144),
    (r"qwen-?3", 32_768),
    (r"qwen-?2\.5-?coder", 32_768),
    (r"qwen", 32_768),
    (r"llama-?3\.[123]", 131_072),
    (r"llama-?4", 131_072),
    (r"llama-?3", 8192),
    (r"codellama", 16_384),
    (r"devstral", 131_072),
    (r"mistral-?nemo", 131_072),
    (r"mistral-?small-?3\.[12]", 131_072),
    (r"codestral", 32_768),
    (r"mistral|mixtral", 32_768),
    (r"deepseek-?coder-?v2", 163_840),
    (r"deepseek-?(r1|v3|chat|reasoner)", 131_072),
    (r"deepseek-?coder", 16_384),
    (r"gpt-?oss", 131_072),
    (r"gemma-?3", 131_072),
    (r"gemma", 8192),
    (r"phi-?4", 16_384),
    (r"granite-?3", 131_072),
    (r"glm-?4", 131_072),
    (r"smollm", 8192),
)


@dataclass(frozen=True)
class WindowInfo:
    """The context window to plan with.

    Attributes:
        tokens: The window in tokens.
        source: Where it came from: the setting's origin (e.g. ``--context-window``), the
            server that reported it (``Ollama``, ``vLLM``…), ``known model`` or ``default``.
        note: A sentence for the user when something needs their attention (the server
            serves less than configured, or a small window), else empty.
        request_fields: Fields each chat request must carry for the server to serve the
            window (Ollama's ``options.num_ctx``), else empty.
    """

    tokens: int
    source: str
    note: str = ""
    request_fields: dict[str, Any] = field(default_factory=dict)
    # What the same probe heard of the model's images (``core.llm.image_support``).
    takes_images: bool | None = None


@dataclass(frozen=True)
class ServedWindow:
    """What a server says it serves for one model.

    Attributes:
        server: The server's name as the user knows it (``Ollama``, ``llama.cpp``…).
        tokens: The window it serves, or None when it will only know once the model loads.
        origin: How the figure was found, for messages (``its default``…).
    """

    server: str
    tokens: int | None
    origin: str = ""

    def how_to_raise(self, model: str, tokens: int) -> str:
        """One sentence saying how to make this server serve ``tokens``."""
        if self.server == "Ollama":
            return (
                f"Ollama's OpenAI endpoint cannot ask for a larger window: build a model with it "
                f"(a Modelfile with `FROM {model}` and `PARAMETER num_ctx {tokens}`, then "
                f"`ollama create {_ollama_variant(model, tokens)} -f Modelfile`) or restart "
                f"the server with `OLLAMA_CONTEXT_LENGTH={tokens} ollama serve`"
            )
        if self.server == "llama.cpp":
            return f"restart llama-server with `-c {tokens}` (--ctx-size)"
        if self.server == "vLLM":
            return f"restart vLLM with `--max-model-len {tokens}`"
        if self.server == "SGLang":
            return f"restart SGLang with `--context-length {tokens}`"
        if self.server == "LM Studio":
            return (
                f"load the model with a larger context length (`lms load {model} "
                f"--context-length {tokens}` or the model's settings in LM Studio)"
            )
        return f"raise the server's context length to {tokens}"


async def resolve_context_window(
    base_url: str,
    model: str,
    configured: int | None,
    *,
    configured_source: str = "configured",
    api_key: str | None = None,
    timeout: float = 2.0,
) -> WindowInfo:
    """The window to plan with: configured > served > known model > 32k.

    The server is probed even when a window is configured, to say so when it serves less.

    Args:
        base_url: The OpenAI-compatible endpoint (``…/v1``).
        model: The model's name as sent in requests.
        configured: The window from flag, environment or settings, if any.
        configured_source: Where ``configured`` came from, for ``WindowInfo.source``.
        api_key: Sent as a Bearer token (vLLM and LM Studio may require it).
        timeout: Seconds each probe may take.
    """
    served, takes_images = await _probe(base_url, model, api_key, timeout)
    info = _planned(model, configured, configured_source, served)
    return replace(info, takes_images=takes_images)


def _planned(
    model: str, configured: int | None, configured_source: str, served: ServedWindow | None
) -> WindowInfo:
    """The window to plan with, from the configured one and what the server serves."""
    if configured is not None and _ollama_short(served, configured):
        assert served is not None
        # Ollama's OpenAI endpoint takes its native options too: ask for the window with
        # each request instead of only warning that it is smaller.
        asked = (
            f"each request asks it for the {configured:,} tokens configured "
            f"({configured_source}) with options.num_ctx"
        )
        if served.tokens is None:
            note = f"Ollama has not loaded {model} yet; {asked}"
        else:
            note = f"Ollama serves {model} with {served.tokens:,} tokens ({served.origin}); {asked}"
        fields = {"options": {"num_ctx": configured}}
        return WindowInfo(configured, configured_source, note, fields)
    if configured is not None:
        note = ""
        if served is not None and served.tokens is not None and configured > served.tokens:
            note = (
                f"{served.server} serves {model} with {served.tokens:,} tokens ({served.origin}), "
                f"fewer than the {configured:,} configured ({configured_source}), and may cut "
                f"longer conversations silently; {served.how_to_raise(model, configured)}"
            )
        return WindowInfo(configured, configured_source, note)
    if served is not None and served.tokens is not None:
        note = ""
        if served.tokens < SMALL_WINDOW:
            note = (
                f"{served.server} serves {model} with only {served.tokens:,} tokens "
                f"({served.origin}), small for a coding agent; "
                f"{served.how_to_raise(model, SUGGESTED_WINDOW)}"
            )
        return WindowInfo(served.tokens, served.server, note)
    note = ""
    if served is not None:
        note = (
            f"{served.server} has not loaded {model} yet, so its window is unknown until it "
            f"does; {served.how_to_raise(model, SUGGESTED_WINDOW)}"
        )
    known = known_window(model)
    if known is not None:
        return WindowInfo(known, "known model", note)
    return WindowInfo(DEFAULT_WINDOW, "default", note)


def _ollama_short(served: ServedWindow | None, configured: int) -> bool:
    """Whether an Ollama serves less than ``configured``, or has not said what it serves."""
    if served is None or served.server != "Ollama":
        return False
    return served.tokens is None or configured > served.tokens


def known_window(model: str) -> int | None:
    """The trained window of a popular open model, from its name; None when unknown."""
    name = model.lower().replace("_", "-").replace(" ", "-")
    for pattern, tokens in KNOWN_WINDOWS:
        if re.search(pattern, name):
            return tokens
    return None


async def probe_served_window(
    base_url: str, model: str, *, api_key: str | None = None, timeout: float = 2.0
) -> ServedWindow | None:
    """Ask the server what window it serves ``model`` with; None when it does not say."""
    served, _ = await _probe(base_url, model, api_key, timeout)
    return served


async def _probe(
    base_url: str, model: str, api_key: str | None, timeout: float
) -> tuple[ServedWindow | None, bool | None]:
    """The window the server serves ``model`` with, and whether it says the model takes
    images, from one round of requests."""
    root = server_root(base_url)
    show, models, props, lmstudio_v1, lmstudio_v0 = await asyncio.gather(
        post_json(f"{root}/api/show", {"model": model}, api_key=api_key, timeout=timeout),
        get_json(f"{root}/v1/models", api_key=api_key, timeout=timeout),
        get_json(f"{root}/props", api_key=api_key, timeout=timeout),
        get_json(f"{root}/api/v1/models", api_key=api_key, timeout=timeout),
        get_json(f"{root}/api/v0/models", api_key=api_key, timeout=timeout),
    )
    takes_images = said_of_images(model, show, props, lmstudio_v0)
    if _is_ollama_show(show):
        return await _ollama_window(root, model, show, api_key, timeout), takes_images
    served = (
        _llama_server_window(props)
        or _lmstudio_window(lmstudio_v1, lmstudio_v0, model)
        or _listed_window(models, model)
    )
    return served, takes_images


def _is_ollama_show(answer: Any) -> bool:
    return isinstance(answer, dict) and any(
        key in answer for key in ("modelfile", "model_info", "details", "template")
    )


async def _ollama_window(
    root: str, model: str, show: dict[str, Any], api_key: str | None, timeout: float
) -> ServedWindow:
    parameters = show.get("parameters")
    if isinstance(parameters, str):
        match = re.search(r"^\s*num_ctx\s+(\d{1,10})\s*$", parameters, re.MULTILINE)
        tokens = _positive_int(int(match.group(1))) if match else None
        if tokens is not None:
            return ServedWindow("Ollama", tokens, "num_ctx in its Modelfile")
    running, version = await asyncio.gather(
        get_json(f"{root}/api/ps", api_key=api_key, timeout=timeout),
        get_json(f"{root}/api/version", api_key=api_key, timeout=timeout),
    )
    for entry in entries(running, "models"):
        names = {entry.get("name"), entry.get("model")}
        if _ollama_name(model) in {_ollama_name(str(n)) for n in names if n}:
            loaded = _positive_int(entry.get("context_length"))
            if loaded is not None:
                return ServedWindow("Ollama", loaded, "as loaded now")
    if isinstance(version, dict) and _version_below(str(version.get("version", "")), (0, 6, 7)):
        return ServedWindow("Ollama", OLLAMA_OLD_DEFAULT, "its default")
    return ServedWindow("Ollama", OLLAMA_DEFAULT, "its default")


def _ollama_name(name: str) -> str:
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


def _ollama_variant(model: str, tokens: int) -> str:
    base = model.rsplit("/", 1)[-1].replace(":", "-")
    return f"{base}-{tokens // 1024}k"


def _version_below(text: str, limit: tuple[int, ...]) -> bool:
    numbers = re.findall(r"\d+", text)[:3]
    if not numbers:
        return False
    return tuple(int(n) for n in numbers) < limit


def _llama_server_window(props: Any) -> ServedWindow | None:
    if not isinstance(props, dict):
        return None
    settings = props.get("default_generation_settings")
    n_ctx = _positive_int(settings.get("n_ctx")) if isinstance(settings, dict) else None
    if n_ctx is None:
        return None
    return ServedWindow("llama.cpp", n_ctx, "its -c setting")


def _lmstudio_window(v1: Any, v0: Any, model: str) -> ServedWindow | None:
    found = False
    for entry in entries(v1, "models"):
        loaded = entry.get("loaded_instances")
        instances = [i for i in loaded if isinstance(i, dict)] if isinstance(loaded, list) else []
        if model not in {entry.get("key"), *(i.get("id") for i in instances)}:
            continue
        found = True
        for instance in instances:
            config = instance.get("config")
            tokens = (
                _positive_int(config.get("context_length")) if isinstance(config, dict) else None
            )
            if tokens is not None:
                return ServedWindow("LM Studio", tokens, "as loaded now")
    for entry in entries(v0, "data"):
        if entry.get("id") != model or "max_context_length" not in entry:
            continue
        found = True
        tokens = _positive_int(entry.get("loaded_context_length"))
        if tokens is not None:
            return ServedWindow("LM Studio", tokens, "as loaded now")
    return ServedWindow("LM Studio", None) if found else None


def _listed_window(models: Any, model: str) -> ServedWindow | None:
    sized = [e for e in entries(models, "data") if _positive_int(e.get("max_model_len"))]
    chosen = [e for e in sized if e.get("id") == model] or (sized if len(sized) == 1 else [])
    if not chosen:
        return None
    entry = chosen[0]
    server = "SGLang" if str(entry.get("owned_by", "")).lower() == "sglang" else "vLLM"
    return ServedWindow(server, _positive_int(entry["max_model_len"]), "its --max-model-len")


# No server serves more; a larger figure (``1e300``, ``Infinity`` in JSON) is nonsense.
MAX_SERVED_WINDOW = 1 << 30


def _positive_int(value: Any) -> int | None:
    """A window size as a server should report it; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 0 < value <= MAX_SERVED_WINDOW:  # also false for NaN and infinities
        return None
    return int(value)


def truncation_warning(sent_estimate: int, reported_prompt_tokens: int) -> str | None:
    """A warning when the server counted far fewer prompt tokens than were sent.

    Servers such as Ollama and older llama.cpp drop the start of a prompt that does not
    fit their window without saying so; the only trace is a ``prompt_tokens`` far below
    the size of what was sent.

    Args:
        sent_estimate: Estimated tokens of the request's messages.
        reported_prompt_tokens: ``usage.prompt_tokens`` of the server's answer.

    Returns:
        The warning, or None when the figures agree well enough.
    """
    if sent_estimate <= TRUNCATION_MIN_ESTIMATE:
        return None
    if reported_prompt_tokens >= sent_estimate * TRUNCATION_RATIO:
        return None
    return (
        f"the server counted {reported_prompt_tokens:,} prompt tokens but about "
        f"{sent_estimate:,} were sent: it probably cut the conversation to fit its context "
        "window without saying so, and the model no longer sees all of it. Raise the "
        "server's window (Ollama: `PARAMETER num_ctx N` in a Modelfile, or "
        "`OLLAMA_CONTEXT_LENGTH=N ollama serve`; llama-server: `-c N`), or set "
        "--context-window to what it serves so that compaction starts in time"
    )
