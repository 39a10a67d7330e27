"""The effective settings as they are shown (``openclaude config``, ``/settings``).

The API key is never shown: only whether it is set, its length and its last characters
when it is long enough for those to give nothing away.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from openclaude_tui.core.settings.config import Config
from openclaude_tui.core.settings.table import SETTINGS

DEFAULT = "default"
# A key shorter than this is shown as set, nothing of it.
KEY_TAIL_MIN_LENGTH = 20


def masked_key(key: str) -> str:
    """What may be shown of an API key."""
    if not key:
        return "(not set)"
    if len(key) < KEY_TAIL_MIN_LENGTH:
        return f"(set, {len(key)} characters)"
    return f"…{key[-4:]} ({len(key)} characters)"


def describe_settings(config: Config) -> list[tuple[str, str, str]]:
    """(key, value as shown, where it came from) for every setting, the key masked."""
    rows = []
    for setting in SETTINGS:
        value: Any = getattr(config, setting.key)
        if setting.key == "api_key":
            shown = masked_key(value)
        elif setting.key == "mcp_servers":
            # Names and where each came from: an entry's env and headers may hold tokens.
            shown = shown_value([f"{spec.name} ({spec.source})" for spec in value])
        elif setting.key == "lsp":
            shown = shown_value({name: asdict(spec) for name, spec in value.items()})
        else:
            shown = shown_value(value)
        rows.append((setting.key, shown, config.sources.get(setting.key, DEFAULT)))
    return rows


def shown_value(value: Any) -> str:
    """A setting's value as TOML would write it (JSON is close enough to read)."""
    if value is None:
        return "(not set)"
    if isinstance(value, tuple):
        value = list(value)
    # A value that is not plain data (a hook) is shown as its own text.
    return json.dumps(value, ensure_ascii=False, default=str)
