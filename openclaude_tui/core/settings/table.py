"""The settings, as one table: each one's key, the check of its value, its variable and flag.

``config`` applies the table to every layer (settings files, the environment, the command
line), so a setting is added in one place. A key of a settings file that names no setting
is reported with its file and line (``permision_mode``: did you mean permission_mode?).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openclaude_tui.core.permissions import trust
from openclaude_tui.core.settings import values as check
from openclaude_tui.core.settings.lsp_servers import lsp_table
from openclaude_tui.core.settings.mcp_servers import server_table
from openclaude_tui.core.settings.prices import read_prices
from openclaude_tui.core.settings.vision import vision_setting


def _secret_text(value: Any, where: str) -> str:
    return check.text(value, where, secret=True)


@dataclass(frozen=True)
class Setting:
    """One setting.

    Attributes:
        key: Its key in settings files, and the ``Config`` field it sets.
        check: Checks a value and returns it as the field holds it.
        env: The environment variable that sets it, if any.
        flag: The command-line flag that sets it (its ``Overrides`` field is ``key``).
        sourced: Where the value came from is kept in ``Config.<key>_source``.
        adds: Each layer adds to the value instead of replacing it (a list of names).
        user_only: Read from the user's own config only, never from a project's files.
    """

    key: str
    check: Callable[[Any, str], Any]
    env: str | None = None
    flag: str | None = None
    sourced: bool = False
    adds: bool = False
    user_only: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("base_url", check.url, "OPENAI_BASE_URL", "--base-url", sourced=True),
    Setting("api_key", _secret_text, "OPENAI_API_KEY", "--api-key"),
    Setting("model", check.text, "MODEL", "--model"),
    Setting("context_window", check.whole, "CONTEXT_WINDOW", "--context-window", sourced=True),
    Setting("auto_compact", check.flag),
    Setting("compact_threshold", check.share),
    Setting("max_turns", check.whole, flag="--max-turns"),
    Setting("permission_mode", check.mode, flag="--permission-mode"),
    Setting("temperature", check.number, flag="--temperature"),
    Setting("max_tokens", check.whole, flag="--max-tokens"),
    Setting("first_token_timeout", check.seconds, flag="--first-token-timeout"),
    Setting("request_timeout", check.seconds, flag="--request-timeout"),
    Setting("stall_timeout", check.seconds, flag="--stall-timeout"),
    Setting("scrub_env", check.names, adds=True),
    Setting("theme", check.text, flag="--theme"),
    Setting("default_profile", check.text, "OPENCLAUDE_PROFILE", "--profile"),
    Setting("editor_mode", check.editor_mode),
    Setting("web_search_url", check.url, "WEB_SEARCH_URL", "--web-search-url"),
    # Offering fewer tools narrows what the model can do and shortens its prompt.
    Setting("tools", check.tool_names, flag="--tools"),
    # The main agent plans and delegates to sub-agents (core.agent.coordinator).
    Setting("coordinator", check.flag, flag="--coordinator"),
    Setting("learn_at_exit", check.flag),
    # Where /transcribe and /voice send the user's recordings (held back for trust).
    Setting("transcription_url", check.url, "TRANSCRIPTION_URL"),
    Setting("transcription_model", check.text, "TRANSCRIPTION_MODEL"),
    # A repository must not move the keys that answer a permission question.
    Setting("keymap", check.keymap, user_only=True),
    # Held back from an untrusted project (core.permissions.trust); the user's and the
    # project's hooks both run.
    Setting("hooks", check.hooks, adds=True),
    Setting("attribution", check.flag),
    # A project's own servers are held back until it is trusted (core.permissions.trust).
    Setting("mcp_servers", server_table, adds=True),
    Setting("mcp_timeout", check.seconds),
    # Language servers run commands: a project's are held back until it is trusted.
    Setting("lsp", lsp_table),
    # Whether the model takes images: true, false, or a table of model names (globs).
    Setting("vision", vision_setting),
    # Nor delete the user's saved sessions.
    Setting("session_retention_days", check.whole, user_only=True),
    # What the user's hosted models cost (/cost); a project has no say in the bill.
    Setting("prices", read_prices, user_only=True),
)
# Tables read elsewhere: the rules, and what the extensions will read (held back for trust
# already, so that a repository cannot slip them in before they are understood).
TABLES: tuple[str, ...] = ("permissions", "profiles", *trust.FUTURE_KEYS)
KNOWN_KEYS = frozenset([*(setting.key for setting in SETTINGS), *TABLES])


def unknown_keys(data: dict[str, Any], path: Path | None, source: str) -> list[str]:
    """A warning for each top-level key of a settings file that names no setting.

    Each says where (``FILE:LINE`` when the file can be read) and the setting meant when
    one is close.
    """
    unknown = [key for key in data if key not in KNOWN_KEYS]
    lines = _read_lines(path) if unknown else []
    warnings = []
    for key in unknown:
        line = _line_of(lines, key)
        where = f"{source}:{line}" if line else source
        text = f"{where}: unknown setting {key!r}, ignored"
        close = difflib.get_close_matches(key, sorted(KNOWN_KEYS), n=1, cutoff=0.75)
        if close:
            text += f" (did you mean {close[0]}?)"
        warnings.append(text)
    return warnings


def _read_lines(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _line_of(lines: list[str], key: str) -> int | None:
    """The line (from 1) where ``key`` is set or its table opens, if it can be found."""
    quoted = re.escape(key)
    pattern = re.compile(rf"""^\s*(?:\[\s*)?(?:{quoted}|"{quoted}"|'{quoted}')\s*[=\].]""")
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return number
    return None
