"""Settings, layered: flags > profile > environment > project settings > user config > defaults.

The project's settings live in ``.openclaude/settings.toml`` (shared) and
``.openclaude/settings.local.toml`` (this machine; "always allow" answers land there);
the user's in ``config.toml`` in the XDG config directory. A profile (``--profile``,
``default_profile``; see ``core.settings.profiles``) is an explicit choice of server, so
it ranks above variables such as ``OPENAI_BASE_URL`` that may be set for other tools.
Until the user trusts the project, its files cannot widen access (see
``core.permissions.trust``): the keys held back are listed in ``Config.withheld``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openclaude_tui import paths
from openclaude_tui.core.lsp.servers import LspServerSpec
from openclaude_tui.core.permissions import trust
from openclaude_tui.core.permissions.rules import (
    LOCAL_SETTINGS,
    RULE_KINDS,
    Mode,
    RuleError,
    RuleKind,
    RuleSet,
)
from openclaude_tui.core.settings.hooks import Hook
from openclaude_tui.core.settings.mcp_servers import (
    PROJECT_MCP_FILE,
    McpServerSpec,
    merged,
    read_mcp_json,
)
from openclaude_tui.core.settings.prices import Price
from openclaude_tui.core.settings.profiles import BUILT_IN, Profile, chosen, read_profiles
from openclaude_tui.core.settings.table import SETTINGS, Setting, unknown_keys
from openclaude_tui.core.settings.values import ConfigError
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
    # A SearXNG instance WebSearch sends queries to (None: Brave, Tavily or no WebSearch).
    web_search_url: str | None = None
    # The built-in tools offered to the model (None: all of them).
    tools: tuple[str, ...] | None = None
    # The main agent plans and delegates to sub-agents (core.agent.coordinator).
    coordinator: bool = False
    # Quitting first offers what the model proposes to remember (ui.screens.learnings).
    learn_at_exit: bool = False
    # An OpenAI-compatible speech-to-text endpoint (its /v1 base) and its model.
    transcription_url: str | None = None
    transcription_model: str | None = None
    # Binding ids and the keys that take their place (the user's config only).
    keymap: dict[str, str] = field(default_factory=dict)
    # The server profile in use (None: the settings as they are), and all there are.
    default_profile: str | None = None
    profiles: dict[str, Profile] = field(default_factory=lambda: dict(BUILT_IN))
    # How the prompt takes keys: "normal", or "vim".
    editor_mode: str = "normal"
    # Fields the profile adds to every chat request.
    extra_body: dict[str, Any] = field(default_factory=dict)
    # Where each setting that is not at its default came from ("command line: --model").
    sources: dict[str, str] = field(default_factory=dict)
    # The hooks of the user's config and of a trusted project, in that order.
    hooks: tuple[Hook, ...] = ()
    # Commits the agent makes through Bash name it as co-author.
    attribution: bool = True
    # MCP servers (the user's config, a trusted project's .mcp.json, --mcp-config files) and
    # the seconds each may take to start.
    mcp_servers: tuple[McpServerSpec, ...] = ()
    mcp_timeout: float = 30.0
    # Language servers by language (``[lsp.python]``); pylsp serves Python by default.
    lsp: dict[str, LspServerSpec] = field(default_factory=dict)
    # Whether the model takes images: one answer, or one per model name (glob).
    vision: bool | dict[str, bool] = False
    # Saved sessions unchanged for longer than this many days are deleted at start.
    session_retention_days: int = 30
    # Models' prices by name (``[prices."model"]``, core.settings.prices), for /cost.
    prices: dict[str, Price] = field(default_factory=dict)
    quiet: bool = False
    debug: bool = False
    project_trusted: bool = False
    # "FILE: key" for each project setting held back because the project is not trusted.
    withheld: list[str] = field(default_factory=list)
    # What each of them asks for (a URL, a mode, the rules), for the trust question.
    withheld_values: dict[str, str] = field(default_factory=dict)
    # Keys of settings files that name no setting, each with its file and line.
    warnings: list[str] = field(default_factory=list)
    # The same configuration with the project trusted (set by ``load_config``).
    reload_trusted: Callable[[], Config] | None = field(default=None, repr=False)
    # The same configuration with another profile, as ``--profile NAME`` without the
    # server's flags would give it (set by ``load_config``; ``/profile`` in the app).
    reload_with_profile: Callable[[str], Config] | None = field(default=None, repr=False)


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
    default_profile: str | None = None
    web_search_url: str | None = None
    tools: str | None = None
    coordinator: bool | None = None
    quiet: bool = False
    debug: bool = False
    trust_project: bool = False
    # --mcp-config files, in the order given.
    mcp_config: list[str] = field(default_factory=list)


# The flags that name a server and how to talk to it: a profile chosen in the app replaces
# them.
SERVER_FLAGS_CLEARED: dict[str, Any] = dict.fromkeys(
    ("base_url", "api_key", "model", "context_window", "temperature", "max_tokens")
)


def user_config_file() -> Path:
    """The user's ``config.toml``."""
    return paths.config_dir() / "config.toml"


def load_config(cwd: Path, overrides: Overrides, env: dict[str, str] | None = None) -> Config:
    """Build the configuration for a session started in ``cwd``.

    Raises:
        ConfigError: a value is invalid (named, with what is expected).
        SettingsFileError: a settings file cannot be read or is not TOML.
    """
    from openclaude_tui.core.git.state import find_project_root

    env = dict(os.environ) if env is None else env
    root = find_project_root(cwd)
    config = Config(cwd=cwd, project_root=root)
    config.project_trusted = overrides.trust_project or trust.is_trusted(root)
    user_file = user_config_file()
    _apply_file(config, read_toml(user_file), str(user_file), user_file)
    for relative in (PROJECT_SETTINGS, LOCAL_SETTINGS):
        data = read_toml(root / relative)
        # A local file this program wrote holds the user's own answers.
        vouched = relative == LOCAL_SETTINGS and trust.vouched(root / relative)
        if not (config.project_trusted or vouched):
            # A rule that cannot match is a config error even where it is held back.
            _load_rules(RuleSet(), data, str(relative))
            for key in trust.widening_keys(data):
                config.withheld.append(f"{relative}: {key}")
                config.withheld_values[f"{relative}: {key}"] = trust.describe(data, key)
            data = trust.narrowed(data)
        _apply_file(config, data, str(relative), root / relative, project=True)
    _add_mcp_files(config, overrides.mcp_config)
    _apply_env(config, env)
    _apply_profile(config, overrides, env)
    _apply_overrides(config, overrides)
    _check_profile_key(config)
    if config.withheld:
        trusted = replace(overrides, trust_project=True)
        config.reload_trusted = lambda: load_config(cwd, trusted, env)
    config.reload_with_profile = lambda name: load_config(
        cwd, replace(overrides, default_profile=name, **SERVER_FLAGS_CLEARED), env
    )
    return config


def secret_values(config: Config) -> tuple[str, ...]:
    """The values that must never reach a command, a log or a message: the API key."""
    return () if config.api_key == DEFAULT_API_KEY else (config.api_key,)


def _apply_file(
    config: Config,
    data: dict[str, Any],
    source: str,
    path: Path | None = None,
    *,
    project: bool = False,
) -> None:
    config.warnings += unknown_keys(data, path, source)
    for setting in SETTINGS:
        if setting.key not in data:
            continue
        if project and setting.user_only:
            config.warnings.append(
                f"{source}: {setting.key} is read from your own config only, ignored"
            )
            continue
        _set(config, setting, data[setting.key], f"{source}: {setting.key}", source)
    if "profiles" in data:
        if project:
            config.warnings.append(
                f"{source}: profiles are read from your own config only, ignored"
            )
        else:
            config.profiles = read_profiles(data["profiles"], source, config.profiles)
    _load_rules(config.rules, data, source)


def _add_mcp_files(config: Config, flag_files: list[str]) -> None:
    """Add the project's ``.mcp.json`` servers (once it is trusted) and ``--mcp-config``'s."""
    project = read_mcp_json(config.project_root / PROJECT_MCP_FILE, PROJECT_MCP_FILE, project=True)
    if project and not config.project_trusted:
        key = f"{PROJECT_MCP_FILE}: mcpServers"
        config.withheld.append(key)
        names = trust.describe({"servers": [spec.name for spec in project]}, "servers")
        config.withheld_values[key] = f"{names} (MCP servers it would start or reach)"
        project = ()
    flagged = [
        read_mcp_json(Path(name).expanduser(), f"{COMMAND_LINE}: --mcp-config {name}")
        for name in flag_files
    ]
    config.mcp_servers = merged(config.mcp_servers, project, *flagged)


def _apply_env(config: Config, env: dict[str, str]) -> None:
    for setting in SETTINGS:
        if setting.env and env.get(setting.env):
            where = f"{ENVIRONMENT}: {setting.env}"
            _set(config, setting, env[setting.env], where, setting.env)


def _apply_profile(config: Config, flags: Overrides, env: dict[str, str]) -> None:
    """Apply the chosen profile: ``--profile``, else ``OPENCLAUDE_PROFILE``, else the files'."""
    name = flags.default_profile or config.default_profile
    if not name:
        return
    where = (
        f"{COMMAND_LINE}: --profile" if flags.default_profile else config.sources["default_profile"]
    )
    profile = chosen(config.profiles, name, where)
    by_key = {setting.key: setting for setting in SETTINGS}
    for key in ("base_url", "model", "context_window", "temperature", "max_tokens", "vision"):
        value = getattr(profile, key)
        if value is not None:
            _set(config, by_key[key], value, f"profile {name}: {key}", f"profile {name}")
    if profile.api_key_env and env.get(profile.api_key_env):
        where = f"profile {name}: {profile.api_key_env}"
        _set(config, by_key["api_key"], env[profile.api_key_env], where, profile.api_key_env)
    config.extra_body = dict(profile.extra_body)


def _check_profile_key(config: Config) -> None:
    """A hosted API's profile must not fall back to the default key, nor borrow another's."""
    profile = config.profiles.get(config.default_profile or "")
    if profile is None or not profile.needs_key:
        return
    source = config.sources.get("api_key", "")
    if not source.startswith((f"profile {profile.name}:", COMMAND_LINE)):
        raise ConfigError(
            f"profile {profile.name}: its API key is read from {profile.api_key_env}, which is "
            "not set; set it, or give the key with --api-key-file"
        )


def _apply_overrides(config: Config, flags: Overrides) -> None:
    for setting in SETTINGS:
        value = getattr(flags, setting.key) if setting.flag else None
        if value is not None and value != "":
            assert setting.flag is not None
            _set(config, setting, value, f"{COMMAND_LINE}: {setting.flag}", setting.flag)
    if flags.no_auto_compact:
        config.auto_compact = False
    if flags.dangerously_skip_permissions:
        config.permission_mode = "bypassPermissions"
    config.bypass_available = config.permission_mode == "bypassPermissions"
    flag_rules: list[tuple[RuleKind, list[str]]] = [("allow", flags.allow), ("deny", flags.deny)]
    for kind, texts in flag_rules:
        for text in texts:
            _add_rule(config.rules, kind, text, f"--{kind}", repr(text))
    config.quiet = flags.quiet
    config.debug = flags.debug
    config.base_url = config.base_url.rstrip("/")


def _set(config: Config, setting: Setting, value: Any, where: str, source: str) -> None:
    """Check ``value`` and set it, remembering where it came from when the setting says so."""
    checked = setting.check(value, where)
    if setting.adds:
        checked = getattr(config, setting.key) + checked
    setattr(config, setting.key, checked)
    config.sources[setting.key] = where
    if setting.sourced:
        setattr(config, f"{setting.key}_source", source)


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
