"""Checking one setting's value: each check names where it came from and what is expected.

A ``ConfigError`` reads ``FILE: key: what is expected, got VALUE`` (FILE is the settings
file, ``environment`` or ``command line``); ``cli`` prefixes it with ``config error:``.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlsplit

from openclaude_tui.core.permissions.rules import MODES, Mode
from openclaude_tui.core.settings.hooks import Hook, HookConfigError, parse_hooks


class ConfigError(ValueError):
    """A setting has a value that cannot work; the message says which and why."""


def fail(where: str, expected: str, value: Any = None, *, show: bool = True) -> ConfigError:
    """The error for ``where`` (``FILE: key``); ``show=False`` keeps a secret value out."""
    got = f", got {value!r}" if show else ""
    return ConfigError(f"{where}: {expected}{got}")


def text(value: Any, where: str, *, secret: bool = False) -> str:
    """A string setting."""
    if not isinstance(value, str):
        raise fail(where, "expected a string", value, show=not secret)
    return value


def flag(value: Any, where: str) -> bool:
    """A boolean setting: TOML's true or false, nothing that merely looks like one."""
    if not isinstance(value, bool):
        raise fail(where, "expected true or false", value)
    return value


def whole(value: Any, where: str) -> int:
    """A positive whole number (``"8_192"`` and ``"8192"`` from the environment are fine)."""
    if isinstance(value, bool):
        raise fail(where, "expected a positive whole number", value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        try:
            number = int(value.replace("_", ""))
        except ValueError:
            raise fail(where, "expected a positive whole number", value) from None
    else:
        raise fail(where, "expected a positive whole number", value)
    if number <= 0:
        raise fail(where, "expected a positive whole number", value)
    return number


def seconds(value: Any, where: str) -> float:
    """A positive, finite number of seconds."""
    expected = "expected a positive number of seconds"
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise fail(where, expected, value)
    try:
        number = float(value)
    except ValueError:
        raise fail(where, expected, value) from None
    if not math.isfinite(number) or number <= 0:
        raise fail(where, expected, value)
    return number


def share(value: Any, where: str) -> float:
    """A fraction in (0, 1]."""
    expected = "expected a number between 0 and 1"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(where, expected, value)
    if not (math.isfinite(value) and 0 < value <= 1):
        raise fail(where, expected, value)
    return float(value)


def number(value: Any, where: str) -> float:
    """Any finite number (a temperature)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise fail(where, "expected a finite number", value)
    return float(value)


def mode(value: Any, where: str) -> Mode:
    """A permission mode."""
    if value not in MODES:
        raise fail(where, f"expected one of {', '.join(MODES)}", value)
    return value


def url(value: Any, where: str) -> str:
    """An http(s) URL with a host, without a trailing slash."""
    expected = "expected an http:// or https:// URL with a host"
    if not isinstance(value, str):
        raise fail(where, expected, value)
    try:
        parts = urlsplit(value.strip())
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        raise fail(where, expected, value) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise fail(where, expected, value)
    return value.strip().rstrip("/")


def names(value: Any, where: str) -> tuple[str, ...]:
    """A list of environment variable names (``*`` globs allowed)."""
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise fail(where, "expected a list of variable names", value)
    return tuple(value)


def tool_names(value: Any, where: str) -> tuple[str, ...]:
    """Tool names: a list, or one comma-separated string (a flag's value)."""
    if isinstance(value, str):
        value = [name.strip() for name in value.split(",")]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise fail(where, "expected tool names (a list, or Read,Edit,Grep)", value)
    return tuple(value)


def table(value: Any, where: str) -> dict[str, Any]:
    """A TOML table."""
    if not isinstance(value, dict):
        raise fail(where, "expected a table ([section] or {…})", value)
    return value


def keymap(value: Any, where: str) -> dict[str, str]:
    """Binding ids and the keys that take their place (``"main.toggle_sidebar" = "ctrl+t"``)."""
    expected = 'expected a table of binding ids and keys, like "toggle_sidebar" = "ctrl+t"'
    if not isinstance(value, dict):
        raise fail(where, expected, value)
    for binding, keys in value.items():
        if not isinstance(keys, str) or not keys.strip():
            raise fail(f"{where}.{binding}", 'expected keys such as "ctrl+t" or "f2,ctrl+t"', keys)
    return dict(value)


def editor_mode(value: Any, where: str) -> str:
    """How the prompt takes keys: ``normal``, or ``vim``."""
    if value not in ("normal", "vim"):
        raise fail(where, 'expected "normal" or "vim"', value)
    return str(value)


def hooks(value: Any, where: str) -> tuple[Hook, ...]:
    """The ``[[hooks.EVENT]]`` tables of one settings file."""
    try:
        return parse_hooks(value, where)
    except HookConfigError as error:
        raise ConfigError(str(error)) from None
