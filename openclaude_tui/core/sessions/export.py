"""A saved session as Markdown (``/export``): the prompts and answers as text, each tool
call in a collapsed ``<details>`` section, what a file tool changed as a ``diff`` block."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from openclaude_tui.core.sessions.transcript import Transcript

BACKTICKS = re.compile(r"`{3,}")


def fenced(text: str, language: str = "") -> str:
    """``text`` in a code fence longer than any run of backticks inside it."""
    longest = max((len(run) for run in BACKTICKS.findall(text)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def to_markdown(transcript: Transcript) -> str:
    """The conversation of ``transcript`` as a Markdown document."""
    header = transcript.header
    title = f"# OpenClaude session {header.get('id', '')}".rstrip()
    facts = [
        f"Project: `{header['project']}`" if header.get("project") else "",
        f"Started: {_when(header.get('created'))}" if header.get("created") else "",
        f"Model: {transcript.model}" if transcript.model else "",
    ]
    parts = [title, "\n".join(f"- {fact}" for fact in facts if fact)]
    calls: dict[str, dict[str, Any]] = {}
    started: dict[str, dict[str, Any]] = {}
    for record in transcript.records:
        parts.extend(_section(record, calls, started))
    return "\n\n".join(part for part in parts if part) + "\n"


def _section(
    record: dict[str, Any], calls: dict[str, dict[str, Any]], started: dict[str, dict[str, Any]]
) -> list[str]:
    kind = record["type"]
    if kind == "prompt":
        return ["## You", str(record.get("text", ""))]
    if kind == "message":
        message = record["message"]
        if message.get("role") == "tool":
            calls.setdefault(str(message.get("tool_call_id")), {})["result"] = message.get(
                "content", ""
            )
        elif message.get("role") == "assistant":
            for call in message.get("tool_calls") or ():
                calls.setdefault(str(call.get("id")), {})["arguments"] = call.get(
                    "function", {}
                ).get("arguments", "")
            text = str(message.get("content") or "").strip()
            return ["## Assistant", text] if text else []
    elif kind == "tool":
        started[str(record.get("call_id"))] = record
    elif kind == "tool_done":
        return _tool(record, calls, started)
    elif kind == "history":
        return ["*Earlier messages were summarised here to free context.*"]
    elif kind == "rewind":
        what = (
            " and the ".join(part for part in ("code", "conversation") if record.get(part))
            or "nothing"
        )
        return [f"*Rewound the {what} to before prompt {_number(record.get('turn'))}.*"]
    elif kind == "turn_end" and record.get("reason") not in ("end_turn", None):
        return [f"*The turn ended: {record.get('detail') or record.get('reason')}.*"]
    return []


def _tool(
    record: dict[str, Any], calls: dict[str, dict[str, Any]], started: dict[str, dict[str, Any]]
) -> list[str]:
    call_id = str(record.get("call_id"))
    call = calls.get(call_id, {})
    summary = str(started.get(call_id, {}).get("summary", ""))
    name = str(record.get("name", ""))
    status = str(record.get("status", ""))
    head = f"{name}({summary})" if summary else name
    body = []
    arguments = _arguments(call.get("arguments", ""))
    if arguments:
        body.append(fenced(arguments, "json"))
    result = str(record.get("result", call.get("result", "")))
    if result.strip():
        body.append(fenced(result))
    section = (
        f"<details>\n<summary>{_escape(head)} · {status}</summary>\n\n"
        + "\n\n".join(body)
        + "\n\n</details>"
    )
    diff = str(record.get("diff") or "")
    return [section, fenced(diff, "diff")] if diff.strip() else [section]


def _arguments(raw: Any) -> str:
    try:
        return json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(raw or "")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _number(turn: Any) -> str:
    """A prompt's number as the rewind dialog shows it (its turn counted from 1)."""
    return str(turn + 1) if isinstance(turn, int) else "?"


def _when(stamp: Any) -> str:
    try:
        return datetime.fromtimestamp(float(stamp)).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError, OverflowError, OSError):
        return str(stamp)
