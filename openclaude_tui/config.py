"""Settings, layered: flags > environment > project settings > user config > defaults.

The project's settings live in ``.openclaude/settings.toml`` (shared) and
``.openclaude/settings.local.toml`` (this machine; "always allow" answers land there);
the user's in ``config.toml`` in the XDG config directory. Until the user trusts the
project, its files cannot widen access (see ``core.trust``): the keys held back are
listed in ``Config.withheld``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openclaude_tui import config_values as check
from openclaude_tui import paths
from openclaude_tui.config_values import ConfigError
from openclaude_tui.core import trust
from openclaude_tui.core.rules import (
    LOCAL_SETTINGS,
    RULE_KINDS,
    Mode,
    RuleError,
    RuleKind,
    RuleSet,
)
from openclaude_tui.core.tomlfile import read_toml

__all__ = [
    "Config",
    "ConfigError",
    "Overrides",
    "load_config",
    "secret_values",
    "user_config_file",
]

DEFAULT_BASE_URL = "http://localhost:11434/v1"
DEFAULT_API_KEY = "ollama"
PROJECT_SETTINGS = Path(".openclaude") / "settings.toml"
COMMAND_LINE = "command line"
ENVIRONMENT = "environment"


@dataclass
class Config:
    """Everything the agent and the app need to start."""

    cwd: Path
    project_root: Path
    base_url: str = DEFAULT_BASE_URL
    base_url_source: str = "default"
    # Out of the repr: a crash report that prints its locals must not show the key.
    api_key: str = field(default=DEFAULT_API_KEY, repr=False)
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
    # Seconds a whole model request may take, and a silence after the first token may last.
    request_timeout: float = 600.0
    stall_timeout: float = 90.0
    # Variable names (globs) kept from commands, besides the API key's own variables.
    scrub_env: tuple[str, ...] = ()
    theme: str | None = None
    quiet: bool = False
    debug: bool = False
    project_trusted: bool = False
    # "FILE: key" for each project setting held back because the project is not trusted.
    withheld: list[str] = field(default_factory=list)
    # What each of them asks for (a URL, a mode, the rules), for the trust question.
    withheld_values: dict[str, str] = field(default_factory=dict)
    # The same configuration with the project trusted (set by ``load_config``).
    reload_trusted: Callable[[], Config] | None = field(default=None, repr=False)


@dataclass
class Overrides:
    """Values given on the command line (None: not given)."""

    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
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
    request_timeout: float | None = None
    stall_timeout: float | None = None
    theme: str | None = None
    quiet: bool = False
    debug: bool = False
    trust_project: bool = False


def user_config_file() -> Path:
    """The user's ``config.toml``."""
    return paths.config_dir() / "config.toml"


def load_config(cwd: Path, overrides: Overrides, env: dict[str, str] | None = None) -> Config:
    """Build the configuration for a session started in ``cwd``.

    Raises:
        ConfigError: a value is invalid (named, with what is expected).
        SettingsFileError: a settings file cannot be read or is not TOML.
    """
    from openclaude_tui.core.context import find_project_root

    env = dict(os.environ) if env is None else env
    root = find_project_root(cwd)
    config = Config(cwd=cwd, project_root=root)
    config.project_trusted = overrides.trust_project or trust.is_trusted(root)
    user_file = user_config_file()
    _apply_file(config, read_toml(user_file), str(user_file))
    for relative in (PROJECT_SETTINGS, LOCAL_SETTINGS):
        data = read_toml(root / relative)
        # A rule that cannot match is a config error even where it would be held back.
        _load_rules(RuleSet(), data, str(relative))
        # A local file this program wrote holds the user's own answers.
        vouched = relative == LOCAL_SETTINGS and trust.vouched(root / relative)
        if not (config.project_trusted or vouched):
            for key in trust.widening_keys(data):
                config.withheld.append(f"{relative}: {key}")
                config.withheld_values[f"{relative}: {key}"] = trust.describe(data, key)
            data = trust.narrowed(data)
        _apply_file(config, data, str(relative))
    _apply_env(config, env)
    _apply_overrides(config, overrides)
    if config.withheld:
        trusted = replace(overrides, trust_project=True)
        config.reload_trusted = lambda: load_config(cwd, trusted, env)
    return config


def secret_values(config: Config) -> tuple[str, ...]:
    """The values that must never reach a command, a log or a message: the API key."""
    return () if config.api_key == DEFAULT_API_KEY else (config.api_key,)


def _apply_file(config: Config, data: dict[str, Any], source: str) -> None:
    def where(key: str) -> str:
        return f"{source}: {key}"

    if "base_url" in data:
        config.base_url = check.url(data["base_url"], where("base_url"))
        config.base_url_source = source
    if "api_key" in data:
        config.api_key = check.text(data["api_key"], where("api_key"), secret=True)
    if "model" in data:
        config.model = check.text(data["model"], where("model"))
    if "context_window" in data:
        config.context_window = check.whole(data["context_window"], where("context_window"))
        config.context_window_source = source
    if "auto_compact" in data:
        config.auto_compact = check.flag(data["auto_compact"], where("auto_compact"))
    if "compact_threshold" in data:
        config.compact_threshold = check.share(
            data["compact_threshold"], where("compact_threshold")
        )
    if "max_turns" in data:
        config.max_turns = check.whole(data["max_turns"], where("max_turns"))
    if "permission_mode" in data:
        config.permission_mode = check.mode(data["permission_mode"], where("permission_mode"))
    for key in ("first_token_timeout", "request_timeout", "stall_timeout"):
        if key in data:
            setattr(config, key, check.seconds(data[key], where(key)))
    if "scrub_env" in data:
        config.scrub_env += check.names(data["scrub_env"], where("scrub_env"))
    if "theme" in data:
        config.theme = check.text(data["theme"], where("theme"))
    _load_rules(config.rules, data, source)


def _apply_env(config: Config, env: dict[str, str]) -> None:
    if env.get("OPENAI_BASE_URL"):
        config.base_url = check.url(env["OPENAI_BASE_URL"], f"{ENVIRONMENT}: OPENAI_BASE_URL")
        config.base_url_source = "OPENAI_BASE_URL"
    if env.get("OPENAI_API_KEY"):
        config.api_key = env["OPENAI_API_KEY"]
    if env.get("MODEL"):
        config.model = env["MODEL"]
    if env.get("CONTEXT_WINDOW"):
        config.context_window = check.whole(env["CONTEXT_WINDOW"], f"{ENVIRONMENT}: CONTEXT_WINDOW")
        config.context_window_source = "CONTEXT_WINDOW"


def _apply_overrides(config: Config, flags: Overrides) -> None:
    def where(flag: str) -> str:
        return f"{COMMAND_LINE}: {flag}"

    if flags.base_url:
        config.base_url = check.url(flags.base_url, where("--base-url"))
        config.base_url_source = "--base-url"
    if flags.api_key:
        config.api_key = flags.api_key
    if flags.model:
        config.model = flags.model
    if flags.context_window is not None:
        config.context_window = check.whole(flags.context_window, where("--context-window"))
        config.context_window_source = "--context-window"
    if flags.no_auto_compact:
        config.auto_compact = False
    if flags.max_turns is not None:
        config.max_turns = check.whole(flags.max_turns, where("--max-turns"))
    if flags.permission_mode:
        config.permission_mode = check.mode(flags.permission_mode, where("--permission-mode"))
    if flags.dangerously_skip_permissions:
        config.permission_mode = "bypassPermissions"
    config.bypass_available = config.permission_mode == "bypassPermissions"
    flag_rules: list[tuple[RuleKind, list[str]]] = [("allow", flags.allow), ("deny", flags.deny)]
    for kind, texts in flag_rules:
        for text in texts:
            _add_rule(config.rules, kind, text, f"--{kind}", repr(text))
    if flags.temperature is not None:
        config.temperature = check.number(flags.temperature, where("--temperature"))
    if flags.max_tokens is not None:
        config.max_tokens = check.whole(flags.max_tokens, where("--max-tokens"))
    for key in ("first_token_timeout", "request_timeout", "stall_timeout"):
        value = getattr(flags, key)
        if value is not None:
            setattr(config, key, check.seconds(value, where("--" + key.replace("_", "-"))))
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
        if kind not in RULE_KINDS:
            raise ConfigError(f"{source}: {key}: unknown key; use allow, ask or deny")
        if not isinstance(texts, list):
            raise ConfigError(
                f'{source}: {key}: expected a list of rules like ["Bash(git log:*)"], got {texts!r}'
            )
        for index, text in enumerate(texts):
            _add_rule(rules, kind, text, source, f"{key}[{index}]")


def _add_rule(rules: RuleSet, kind: RuleKind, text: Any, source: str, key: str) -> None:
    if not isinstance(text, str):
        raise ConfigError(f"{source}: {key}: expected a rule as a string, got {text!r}")
    try:
        rules.add(kind, text, source)
    except RuleError as error:
        raise ConfigError(f"{source}: {key}: {error}") from None
