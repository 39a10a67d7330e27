"""The text protocol for servers without native tool calls.

The tools are described in the system prompt, the model writes its calls as
``<tool_call>`` blocks (read back by ``textcalls``), and earlier calls and their results
travel as plain assistant and user text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from openclaude_tui.core.llm.calls import ToolCall

TAG_OPEN = "<tool_call>"
TAG_CLOSE = "</tool_call>"


def as_text_protocol(
    messages: list[dict[str, Any]], tools: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The conversation for a server without native tool calls.

    The tools are described in the system prompt, earlier calls are written into the
    assistant's text the way the model is told to write them, and results come back as user
    messages (consecutive results in one message, so roles keep alternating).
    """
    names: dict[str, str] = {}
    converted: list[dict[str, Any]] = []
    previous_was_result = False
    for message in messages:
        role = message.get("role")
        if role == "system":
            prompt = f"{message.get('content') or ''}\n\n{describe_tools_for_prompt(tools)}"
            converted.append({"role": "system", "content": prompt})
        elif role == "assistant" and message.get("tool_calls"):
            parts = [message.get("content") or ""]
            for raw in message["tool_calls"]:
                call = ToolCall(raw["id"], raw["function"]["name"], raw["function"]["arguments"])
                names[call.id] = call.name
                parts.append(format_tool_call_as_text(call))
            converted.append({"role": "assistant", "content": "\n".join(p for p in parts if p)})
        elif role == "tool":
            call_id = message.get("tool_call_id", "")
            text = format_tool_result_as_text(
                names.get(call_id, "tool"), call_id, str(message.get("content") or "")
            )
            if previous_was_result:
                converted[-1]["content"] += "\n\n" + text
            else:
                converted.append({"role": "user", "content": text})
            previous_was_result = True
            continue
        else:
            converted.append(message)
        previous_was_result = False
    return converted


def describe_tools_for_prompt(tools: list[dict[str, Any]]) -> str:
    """The system-prompt section that teaches a model without native tool calling our tools.

    Args:
        tools: OpenAI ``tools`` entries (``{"type": "function", "function": {…}}``) or the
            bare function objects (name, description, parameters).
    """
    lines = [
        "# Tools",
        "",
        "You can use the tools listed below. To call one, write a block exactly like this,"
        " with the tool's name and a JSON object of its arguments:",
        "",
        '<tool_call>{"name": "TOOL_NAME", "arguments": {"PARAMETER": "VALUE"}}</tool_call>',
        "",
        "- Write one <tool_call> block per call; you may write several in one message.",
        "- Do not put the blocks in code fences, and use only the parameters listed.",
        "- After your last call, stop writing and wait. Each result comes back as a user"
        " message that begins with `[tool result for NAME (ID)]`; never write one yourself.",
        "- When you need no tool, answer normally without any <tool_call> block.",
    ]
    for tool in tools:
        function = tool.get("function")
        spec: Mapping[str, Any] = function if isinstance(function, Mapping) else tool
        parameters = json.dumps(
            spec.get("parameters", {}), separators=(",", ":"), ensure_ascii=False
        )
        lines += ["", f"## {spec['name']}", str(spec.get("description", "")).strip()]
        lines.append(f"Parameters (JSON schema): {parameters}")
    return "\n".join(lines)


def format_tool_call_as_text(call: ToolCall) -> str:
    """A call as the text protocol writes it, for sending an assistant turn back as text."""
    try:
        arguments = json.loads(call.arguments or "{}")
    except (json.JSONDecodeError, RecursionError):
        arguments = call.arguments
    payload = json.dumps({"name": call.name, "arguments": arguments}, ensure_ascii=False)
    return f"{TAG_OPEN}{payload}{TAG_CLOSE}"


def format_tool_result_as_text(name: str, call_id: str, content: str) -> str:
    """A tool result as the user message the text protocol sends back."""
    return f"[tool result for {name} ({call_id})]\n{content}"
