"""Project trust: what a repository's own settings may change before the user trusts it.

A repository ships ``.openclaude/settings.toml`` (and may ship ``settings.local.toml``).
Keys that narrow what the agent may do (deny and ask rules, plan mode, the model, limits)
always apply. Keys that widen it, or send the conversation elsewhere, apply only once the
user trusts the project: ``base_url``, ``api_key``, ``default_profile``,
``web_search_url`` (where search queries go), a permission mode wider than
``default``, allow rules, hooks, MCP servers and language servers (``[lsp]``).

The user's answer lives in ``trust.toml`` in the user's config directory, a file no
repository can ship. The same file vouches for the ``settings.local.toml`` files this
program wrote itself (its "always allow" answers): their digest is recorded when they are
written, so rules the user gave keep working in a project they never trusted, while a
local file that came with the repository (or was edited since) is held back like
``settings.toml``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from openclaude_tui import paths
from openclaude_tui.core.permissions.rules import MODES
from openclaude_tui.core.tomlfile import read_toml, write_toml

TRUST_FILE = "trust.toml"
# Modes a repository may choose for itself: they ask at least as much as "default".
NARROW_MODES = ("default", "plan")
# Keys that are not read yet but must never come from an untrusted repository once they are.
# Language servers are commands too: a repository's ``[lsp]`` would run one.
FUTURE_KEYS = ("hooks", "mcp_servers", "lsp")
# Characters of a held-back value shown in the trust question.
DESCRIBE_LIMIT = 160
# Hook commands listed one a line in the trust question; more are counted.
HOOKS_LISTED = 12
# Settings whose value sends the conversation, a key or a query elsewhere: a profile names
# a server (and the key sent to it), as base_url does; web_search_url gets search queries,
# transcription_url the user's recordings.
_WIDENING_VALUES = (
    "base_url",
    "api_key",
    "default_profile",
    "web_search_url",
    "transcription_url",
)


def trust_file() -> Path:
    """Where the user's trust answers are kept."""
    return paths.config_dir() / TRUST_FILE


def widening_keys(data: dict[str, Any]) -> list[str]:
    """The keys of a settings table that widen access (``permissions.allow`` dotted)."""
    keys: list[str] = [k for k in _WIDENING_VALUES if k in data]
    mode = data.get("permission_mode")
    # An unknown mode is not held back: the configuration reports it as an error.
    if mode in MODES and mode not in NARROW_MODES:
        keys.append("permission_mode")
    keys.extend(key for key in FUTURE_KEYS if key in data)
    permissions = data.get("permissions")
    if isinstance(permissions, dict) and permissions.get("allow"):
        keys.append("permissions.allow")
    return keys


def describe(data: dict[str, Any], key: str) -> str:
    """What a widening key of ``data`` asks for, in a few words (never a key's value).

    The repository wrote it: control characters are dropped and the length is capped.
    """
    if key == "api_key":
        return "an API key of its own"
    if key == "hooks" and isinstance(data[key], dict):
        # Each command it would run on a line of its own, each cut on its own: one long
        # command must not hide the others.
        commands = [_printable(text) for text in _hook_commands(data[key])]
        if len(commands) > HOOKS_LISTED:
            hidden = len(commands) - HOOKS_LISTED + 1
            commands[HOOKS_LISTED - 1 :] = [f"… and {hidden} more commands"]
        return "\n".join(commands) or "(empty)"
    value = data["permissions"]["allow"] if key == "permissions.allow" else data[key]
    if isinstance(value, dict):
        value = list(value)
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return _printable(text)


def _printable(text: str) -> str:
    """``text`` without control characters, capped at ``DESCRIBE_LIMIT``."""
    text = "".join(char if char.isprintable() else "?" for char in text) or "(empty)"
    return text if len(text) <= DESCRIBE_LIMIT else text[: DESCRIBE_LIMIT - 1] + "…"


def _hook_commands(hooks: dict[Any, Any]) -> list[str]:
    """``EVENT (matcher): command`` for each command of a ``hooks`` table, however odd its
    shape (it is not checked yet: the repository wrote it)."""
    found: list[str] = []

    def walk(event: str, matcher: str, entry: Any) -> None:
        if isinstance(entry, list):
            for item in entry:
                walk(event, matcher, item)
        elif isinstance(entry, dict):
            matcher = str(entry.get("matcher", matcher) or "")
            if "command" in entry:
                where = f"{event} ({matcher})" if matcher else event
                found.append(f"{where}: {entry['command']}")
            walk(event, matcher, entry.get("hooks"))
        elif entry is not None:
            found.append(f"{event}: {entry}")

    for event, entries in hooks.items():
        walk(str(event), "", entries)
    return found


def narrowed(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without its widening keys (deny and ask rules stay)."""
    held = set(widening_keys(data))
    kept = {key: value for key, value in data.items() if key not in held}
    if "permissions.allow" in held:
        kept["permissions"] = {k: v for k, v in data["permissions"].items() if k != "allow"}
    return kept


def _project_key(root: Path) -> str:
    return str(root.resolve())


def _file_key(path: Path) -> str:
    # The folder resolved, the name kept: the same file whether reached through a
    # symlinked folder or not, while a symlink in the file's own place is refused.
    return str(path.parent.resolve() / path.name)


def is_trusted(root: Path) -> bool:
    """Whether the user trusted the project at ``root``."""
    trusted = read_toml(trust_file()).get("trusted_projects", [])
    return isinstance(trusted, list) and _project_key(root) in trusted


def trust_project(root: Path) -> None:
    """Remember that the user trusts the project at ``root``."""
    data = read_toml(trust_file())
    trusted = data.get("trusted_projects", [])
    trusted = list(trusted) if isinstance(trusted, list) else []
    if _project_key(root) not in trusted:
        trusted.append(_project_key(root))
    data["trusted_projects"] = trusted
    write_toml(trust_file(), data)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def vouched(path: Path) -> bool:
    """Whether ``path`` is absent or exactly as this program last wrote it."""
    if path.is_symlink():
        # A link could borrow a file the user vouched for elsewhere.
        return False
    digest = _digest(path)
    if digest is None:
        return True
    written = read_toml(trust_file()).get("written_files", {})
    return isinstance(written, dict) and written.get(_file_key(path)) == digest


def vouch(path: Path) -> None:
    """Record ``path`` as written by this program (call right after writing it)."""
    digest = _digest(path)
    if digest is None:
        return
    data = read_toml(trust_file())
    written = data.get("written_files", {})
    written = dict(written) if isinstance(written, dict) else {}
    written[_file_key(path)] = digest
    data["written_files"] = written
    write_toml(trust_file(), data)
