"""Prompt history, kept per project in the state directory (one JSON string per line)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from openclaude_tui import paths

MAX_ENTRIES = 500
_log = logging.getLogger(__name__)


def history_file(project_root: Path) -> Path:
    """Where the prompts sent in ``project_root`` are kept."""
    return paths.state_dir() / "history" / f"{paths.project_key(project_root)}.jsonl"


class PromptHistory:
    """The prompts sent before, oldest first, and a cursor for Up/Down.

    Args:
        path: The history file; read now, appended to on every ``add``.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: list[str] = self._load()
        self._position: int | None = None
        self._draft = ""

    def _load(self) -> list[str]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        entries: list[str] = []
        for line in lines[-MAX_ENTRIES:]:
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, str) and value:
                entries.append(value)
        return entries

    def add(self, text: str) -> None:
        """Remember a sent prompt (not twice in a row) and reset the cursor."""
        self._position = None
        if not text.strip() or (self.entries and self.entries[-1] == text):
            return
        self.entries.append(text)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as file:
                file.write(json.dumps(text, ensure_ascii=False) + "\n")
        except OSError as error:
            # Losing history is no reason to interrupt the user.
            _log.warning("cannot write the prompt history %s: %s", self.path, error)

    def previous(self, draft: str) -> str | None:
        """The entry before the current one; ``draft`` is kept to come back to."""
        if not self.entries:
            return None
        if self._position is None:
            self._draft = draft
            self._position = len(self.entries)
        if self._position == 0:
            return None
        self._position -= 1
        return self.entries[self._position]

    def next(self) -> str | None:
        """The entry after the current one, then the draft; None when not browsing."""
        if self._position is None:
            return None
        self._position += 1
        if self._position >= len(self.entries):
            self._position = None
            return self._draft
        return self.entries[self._position]

    def reset(self) -> None:
        """Stop browsing (the user edited the text)."""
        self._position = None
