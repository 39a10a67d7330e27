"""A tool call as a model sends it, natively or written as text."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# A "key": "string value" pair, escapes included, wherever it stands in broken JSON.
_STRING_PAIR = re.compile(r'"(\w+)"\s*:\s*"((?:[^"\\]|\\.)*)"')


@dataclass
class ToolCall:
    """A tool call as the model sent it; ``arguments`` is the raw JSON text."""

    id: str
    name: str
    arguments: str

    def to_message(self) -> dict[str, Any]:
        """The entry of an assistant message's ``tool_calls`` list."""
        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": self.arguments},
        }

    def salvaged_arguments(self) -> dict[str, str]:
        """The string arguments that can be read out of arguments that are not valid JSON.

        Only for showing what the call was about (its file or command); the call itself is
        answered with the JSON error.
        """
        found: dict[str, str] = {}
        for key, raw in _STRING_PAIR.findall(self.arguments):
            try:
                found.setdefault(key, json.loads(f'"{raw}"'))
            except json.JSONDecodeError:
                found.setdefault(key, raw)
        return found
