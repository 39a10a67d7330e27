"""Diagnostics as the model and the user read them: errors first, capped, one a line.

The block appended to an edit's result starts with ``DIAGNOSTICS_HEAD``; the tool card
finds it there and shows it under the diff.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# The first words of the block appended to an edit's result (the card looks for them).
DIAGNOSTICS_HEAD = "Language server "
# Diagnostics listed after an edit; the rest are counted.
MAX_LISTED = 10
_SEVERITIES = {1: "error", 2: "warning", 3: "info", 4: "hint"}


def severity(diagnostic: dict[str, Any]) -> int:
    """The diagnostic's severity, 1 (error) to 4 (hint); one without is an error."""
    value = diagnostic.get("severity")
    return value if isinstance(value, int) and value in _SEVERITIES else 1


def counts(diagnostics: list[dict[str, Any]]) -> str:
    """``2 errors, 1 warning`` (only the severities present)."""
    parts = []
    for level, name in _SEVERITIES.items():
        number = sum(1 for item in diagnostics if severity(item) == level)
        if number:
            parts.append(f"{number} {name}{'' if number == 1 else 's'}")
    return ", ".join(parts) or "no problems"


def format_diagnostics(
    diagnostics: list[dict[str, Any]],
    path: Path,
    root: Path,
    server: str,
    *,
    worst: int = 4,
    limit: int = MAX_LISTED,
) -> str:
    """The block for ``path``: a headline with the counts, then the diagnostics, errors
    first, each as ``line L, column C: severity: message (source)`` (from 1).

    ``worst``: the least severe level listed (2: errors and warnings only). "" when none
    is left.
    """
    kept = sorted(
        (item for item in diagnostics if severity(item) <= worst),
        key=lambda item: (severity(item), *_start(item)),
    )
    if not kept:
        return ""
    shown = path.relative_to(root) if path.is_relative_to(root) else path
    lines = [f"{DIAGNOSTICS_HEAD}{server} reports {counts(kept)} in {shown}:"]
    for item in kept[:limit]:
        line, column = _start(item)
        source = f" ({item['source']})" if item.get("source") else ""
        message = " ".join(str(item.get("message", "")).split())
        level = _SEVERITIES[severity(item)]
        lines.append(f"  line {line + 1}, column {column + 1}: {level}: {message}{source}")
    if len(kept) > limit:
        lines.append(f"  … and {len(kept) - limit} more")
    return "\n".join(lines)


def diagnostics_block(text: str) -> list[str]:
    """The lines of the diagnostics block at the end of a tool result ([] when none)."""
    marker = f"\n\n{DIAGNOSTICS_HEAD}"
    at = text.rfind(marker)
    return text[at + 2 :].rstrip("\n").split("\n") if at >= 0 else []


def _start(item: dict[str, Any]) -> tuple[int, int]:
    start = (item.get("range") or {}).get("start") or {}
    line, column = start.get("line", 0), start.get("character", 0)
    return (line if isinstance(line, int) else 0, column if isinstance(column, int) else 0)
