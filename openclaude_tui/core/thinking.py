"""How much the model reasons: ``/think`` as request fields servers understand.

Two conventions cover the servers people run: ``reasoning_effort`` (``low``, ``medium``,
``high``: OpenAI's API, vLLM, SGLang, OpenRouter, recent llama.cpp) and the chat template's
``enable_thinking`` switch (``chat_template_kwargs``: Qwen3 and other hybrid models on vLLM,
SGLang and llama.cpp). A profile's ``extra_body`` may set either as the default; ``/think``
changes them for the rest of the session, from the next request on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openclaude_tui.core.session import Session

EFFORTS = ("low", "medium", "high")
CHOICES = ("on", "off", *EFFORTS, "default")
USAGE = "/think on | off | low | medium | high | default"
TEMPLATE_KEY = "chat_template_kwargs"


def thinking_fields(fields: dict[str, Any], choice: str) -> dict[str, Any]:
    """``fields`` (a request's extra fields) with the reasoning set as ``choice`` says.

    ``on``/``off`` switch the template's thinking (and drop an effort), an effort level sets
    ``reasoning_effort`` (thinking on), ``default`` drops both.

    Raises:
        ValueError: an unknown choice (the message lists them).
    """
    if choice not in CHOICES:
        raise ValueError(f"unknown choice {choice!r}; {USAGE}")
    result = {key: value for key, value in fields.items() if key != "reasoning_effort"}
    template = dict(result.pop(TEMPLATE_KEY, None) or {})
    template.pop("enable_thinking", None)
    if choice in EFFORTS:
        result["reasoning_effort"] = choice
    elif choice in ("on", "off"):
        template["enable_thinking"] = choice == "on"
    if template:
        result[TEMPLATE_KEY] = template
    return result


def describe_thinking(fields: dict[str, Any]) -> str:
    """The reasoning the fields ask for, in words."""
    effort = fields.get("reasoning_effort")
    if effort:
        return f"reasoning effort {effort}"
    enabled = (fields.get(TEMPLATE_KEY) or {}).get("enable_thinking")
    if enabled is None:
        return "the model's default reasoning"
    return "thinking on" if enabled else "thinking off"


def set_thinking(session: Session, choice: str) -> str:
    """Apply ``choice`` to the session's requests from the next one on; what it asks now.

    Raises:
        ValueError: an unknown choice.
    """
    session.config.extra_body = thinking_fields(session.config.extra_body, choice)
    if session.agent is not None:
        settings = session.agent.provider.settings
        settings.extra_body = thinking_fields(settings.extra_body, choice)
    return describe_thinking(session.config.extra_body)
