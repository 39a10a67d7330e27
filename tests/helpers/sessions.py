"""Reading the sessions a run saved under its OPENCLAUDE_HOME."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def transcripts(home: Path) -> list[Path]:
    """Every transcript saved under ``home``, oldest name first."""
    return sorted((home / "data" / "sessions").glob("*/*.jsonl"))


def records(path: Path) -> list[dict[str, Any]]:
    """The records of a transcript (every line must be whole)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def has_record(home: Path, kind: str) -> bool:
    """Whether some transcript under ``home`` holds a whole record of type ``kind``."""
    for path in transcripts(home):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                if json.loads(line).get("type") == kind:
                    return True
            except ValueError:
                continue
    return False
