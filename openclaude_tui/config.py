"""Settings, layered: flags > environment > project settings > user config > defaults.

The project's settings live in ``.openclaude/settings.toml`` (shared) and
``.openclaude/settings.local.toml`` (this machine; "always allow" answers land there);
the user's in ``config.toml`` in the XDG config directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openclaude_tui import paths
from openclaude_tui.core.rules import LOCAL_SETTINGS, MODES, Mode, RuleError, RuleSet
from openclaude_tui.core.tomlfile import read_toml

DEFAULT_BASE_URL = "http://localhost:11434/v1"
DEFAULT_API_KEY = "ollama"
PROJECT_SETTINGS = Path(".openclaude") / "settings.toml"


class ConfigError(ValueError):
    """A setting has a value that cannot work; the message says which and why."""


@dataclass
class Config:
    """Everything the agent and the app need to start."""

    cwd: Path
    project_root: Path
    base_url: str = DEFAULT_BASE_URL
    base_url_source: str = "default"
    api_key: str = DEFAULT_API_KEY
    model: str | None = None
    context_window: int | None = None
    context_window_source: str = ""
    auto_compact: bool = True
    compact_threshold: float = 0.8
    max_turns: int = 30
    permission_mode: Mode = "default"
    bypass_available: bool = False
    rules: RuleSet = field(default_factory=RuleSet)
    temperature: float | None = None
    max_tokens: int | None = None
    first_token_timeout: float = 120.0
    theme: str | None = None
    quiet: bool = False
    debug: bool = False


@dataclass
class Overrides:
    """Values given on the command line (None: not given)."""

    base_url: str | None = None
    api_key: str | None = None
    model: str | None = None
    context_window: int | None = None
    no_auto_compact: bool = False
    max_turns: int | None = None
    permission_mode: str | None = None
    dangerously_skip_permissions: bool = False
    allow: list[str] = field(default_factory=list)
    deny: list[str] = field(default_factory=list)
    temperature: float | None = None
    max_tokens: int | None = None
    first_token_timeout: float | None = None
    theme: str | None = None
    quiet: bool = False
    debug: bool = False


def user_config_file() -> Path:
    """The user's ``config.toml``."""
    return paths.config_dir() / "config.toml"


def load_config(cwd: Path, overrides: Overrides, env: dict[str, str] | None = None) -> Config:
    """Build the configuration for a session started in ``cwd``.

    Raises:
        ConfigError: a value is invalid (named, with what is expected).
    """
    from openclaude_tui.core.context import find_project_root

    env = dict(os.environ) if env is None else env
    root = find_project_root(cwd)
    user_file = user_config_file()
    project_file = root / PROJECT_SETTINGS
    layers: list[tuple[str, dict[str, Any]]] = [
        (str(user_file), read_toml(user_file)),
        (str(PROJECT_SETTINGS), read_toml(project_file)),
    ]
    config = Config(cwd=cwd, project_root=root)
    for source, data in layers:
        _apply_file(config, data, source)
    # "Always allow" answers are loaded by the permission policy; a rule there that cannot
    # match is a config error now, not a failure when the session starts.
    _load_rules(RuleSet(), read_toml(root / LOCAL_SETTINGS), str(LOCAL_SETTINGS))
    _apply_env(config, env)
    _apply_overrides(config, overrides)
    return config


def _apply_file(config: Config, data: dict[str, Any], source: str) -> None:
    if "base_url" in data:
        config.base_url = str(data["base_url"])
        config.base_url_source = source
    if "api_key" in data:
        config.api_key = str(data["api_key"])
    if "model" in data:
        config.model = str(data["model"])
    if "context_window" in data:
        config.context_window = _int(data["context_window"], f"context_window in {source}")
        config.context_window_source = source
    if "auto_compact" in data:
        config.auto_compact = bool(data["auto_compact"])
    if "compact_threshold" in data:
        config.compact_threshold = _share(
            data["compact_threshold"], f"compact_threshold in {source}"
        )
    if "max_turns" in data:
        config.max_turns = _int(data["max_turns"], f"max_turns in {source}")
    if "permission_mode" in data:
        config.permission_mode = _mode(str(data["permission_mode"]), f"permission_mode in {source}")
    if "first_token_timeout" in data:
        config.first_token_timeout = float(data["first_token_timeout"])
    if "theme" in data:
        config.theme = str(data["theme"])
    _load_rules(config.rules, data, source)


def _apply_env(config: Config, env: dict[str, str]) -> None:
    if env.get("OPENAI_BASE_URL"):
        config.base_url = env["OPENAI_BASE_URL"]
        config.base_url_source = "OPENAI_BASE_URL"
    if env.get("OPENAI_API_KEY"):
        config.api_key = env["OPENAI_API_KEY"]
    if env.get("MODEL"):
        config.model = env["MODEL"]
    if env.get("CONTEXT_WINDOW"):
        config.context_window = _int(env["CONTEXT_WINDOW"], "CONTEXT_WINDOW")
        config.context_window_source = "CONTEXT_WINDOW"


def _apply_overrides(config: Config, flags: Overrides) -> None:
    if flags.base_url:
        config.base_url = flags.base_url
        config.base_url_source = "--base-url"
    if flags.api_key:
        config.api_key = flags.api_key
    if flags.model:
        config.model = flags.model
    if flags.context_window is not None:
        config.context_window = _positive(flags.context_window, "--context-window")
        config.context_window_source = "--context-window"
    if flags.no_auto_compact:
        config.auto_compact = False
    if flags.max_turns is not None:
        config.max_turns = _positive(flags.max_turns, "--max-turns")
    if flags.permission_mode:
        config.permission_mode = _mode(flags.permission_mode, "--permission-mode")
    if flags.dangerously_skip_permissions:
        config.permission_mode = "bypassPermissions"
    config.bypass_available = config.permission_mode == "bypassPermissions"
    for kind, texts in (("allow", flags.allow), ("deny", flags.deny)):
        for text in texts:
            _add_rule(config.rules, kind, text, f"--{kind}", repr(text))
    if flags.temperature is not None:
        config.temperature = flags.temperature
    if flags.max_tokens is not None:
        config.max_tokens = _positive(flags.max_tokens, "--max-tokens")
    if flags.first_token_timeout is not None:
        config.first_token_timeout = float(flags.first_token_timeout)
    if flags.theme:
        config.theme = flags.theme
    config.quiet = flags.quiet
    config.debug = flags.debug
    config.base_url = config.base_url.rstrip("/")


def _load_rules(rules: RuleSet, data: dict[str, Any], source: str) -> None:
    """Add the ``[permissions]`` rules of one settings file, strictly.

    Raises:
        ConfigError: ``FILE: permissions.allow[2]: what is wrong`` for a value that is not
            a list of rule strings or a rule that cannot match.
    """
    permissions = data.get("permissions", {})
    if not isinstance(permissions, dict):
        raise ConfigError(
            f"{source}: permissions: expected a table ([permissions] with allow, ask and deny "
            f"lists), got {permissions!r}"
        )
    for kind, texts in permissions.items():
        key = f"permissions.{kind}"
        if kind not in ("allow", "ask", "deny"):
            raise ConfigError(f"{source}: {key}: unknown key; use allow, ask or deny")
        if not isinstance(texts, list):
            raise ConfigError(
                f'{source}: {key}: expected a list of rules like ["Bash(git log:*)"], got {texts!r}'
            )
        for index, text in enumerate(texts):
            _add_rule(rules, kind, text, source, f"{key}[{index}]")


def _add_rule(rules: RuleSet, kind: str, text: Any, source: str, key: str) -> None:
    if not isinstance(text, str):
        raise ConfigError(f"{source}: {key}: expected a rule as a string, got {text!r}")
    try:
        rules.add(kind, text, source)  # type: ignore[arg-type]
    except RuleError as error:
        raise ConfigError(f"{source}: {key}: {error}") from None


def _mode(value: str, where: str) -> Mode:
    if value not in MODES:
        raise ConfigError(f"{where}: unknown mode {value!r}; choose one of {', '.join(MODES)}")
    return value  # type: ignore[return-value]


def _int(value: Any, where: str) -> int:
    try:
        number = int(str(value).replace("_", ""))
    except ValueError:
        raise ConfigError(f"{where}: expected a whole number, got {value!r}") from None
    return _positive(number, where)


def _share(value: Any, where: str) -> float:
    try:
        share = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: expected a number between 0 and 1, got {value!r}") from None
    if not 0 < share <= 1:
        raise ConfigError(f"{where}: expected a number between 0 and 1, got {value!r}")
    return share


def _positive(value: int, where: str) -> int:
    if value <= 0:
        raise ConfigError(f"{where}: must be a positive number, got {value}")
    return value
