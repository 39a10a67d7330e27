"""Server profiles: a name for a server and how to talk to it (``--profile NAME``).

A profile sets the endpoint, the model, the variable its API key is read from, the context
window, sampling settings and extra request fields. Built-in profiles cover the usual
local servers and hosted APIs; ``[profiles.NAME]`` tables in the user's config add or
change them, key by key. The chosen profile applies over the settings files; the
environment and the command line still override it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from openclaude_tui.core.settings import values as check
from openclaude_tui.core.settings.values import ConfigError


@dataclass(frozen=True)
class Profile:
    """One server profile; None leaves a setting as the other layers have it."""

    name: str
    base_url: str | None = None
    model: str | None = None
    # The environment variable holding the API key (never the key itself).
    api_key_env: str | None = None
    context_window: int | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    # Whether its models take images (sent as data URLs).
    vision: bool | None = None
    # Fields added to every chat request, as the server documents them.
    extra_body: dict[str, Any] = field(default_factory=dict)

    @property
    def needs_key(self) -> bool:
        """Whether the server wants a real API key (hosted APIs do; local servers do not)."""
        return self.api_key_env is not None


def _local(name: str, port: int, path: str = "/v1") -> Profile:
    return Profile(name, base_url=f"http://localhost:{port}{path}")


def _hosted(name: str, url: str, key: str) -> Profile:
    return Profile(name, base_url=url, api_key_env=key)


BUILT_IN: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        _local("ollama", 11434),
        _local("lmstudio", 1234),
        _local("llamacpp", 8080),
        _local("vllm", 8000),
        _local("sglang", 30000),
        _hosted("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
        _hosted("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY"),
        _hosted("together", "https://api.together.xyz/v1", "TOGETHER_API_KEY"),
        _hosted("openai", "https://api.openai.com/v1", "OPENAI_API_KEY"),
    )
}

_CHECKS = {
    "base_url": check.url,
    "model": check.text,
    "api_key_env": check.text,
    "context_window": check.whole,
    "temperature": check.number,
    "max_tokens": check.whole,
    "vision": check.flag,
}
_KEYS = tuple(f.name for f in fields(Profile) if f.name != "name")


def read_profiles(data: Any, source: str, known: dict[str, Profile]) -> dict[str, Profile]:
    """``known`` with the ``[profiles.NAME]`` tables of one settings file applied.

    A table naming a known profile changes only the keys it sets.

    Raises:
        ConfigError: ``FILE: profiles.NAME.key: what is wrong``.
    """
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: profiles: expected tables like [profiles.NAME]")
    profiles = dict(known)
    for name, table in data.items():
        where = f"{source}: profiles.{name}"
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: expected a table of settings, got {table!r}")
        changes: dict[str, Any] = {}
        for key, value in table.items():
            if key == "api_key":
                raise ConfigError(
                    f"{where}.api_key: a profile names the variable that holds its key "
                    "(api_key_env), never the key itself"
                )
            if key not in _KEYS:
                raise ConfigError(f"{where}.{key}: unknown key; a profile sets {', '.join(_KEYS)}")
            if key == "extra_body":
                if not isinstance(value, dict):
                    raise check.fail(f"{where}.extra_body", "expected a table", value)
                changes[key] = dict(value)
            else:
                changes[key] = _CHECKS[key](value, f"{where}.{key}")
        profiles[name] = replace(profiles.get(name, Profile(name)), **changes)
    return profiles


def chosen(profiles: dict[str, Profile], name: str, where: str) -> Profile:
    """The profile called ``name``.

    Raises:
        ConfigError: there is none; the message lists the profiles there are.
    """
    profile = profiles.get(name)
    if profile is None:
        listed = ", ".join(sorted(profiles))
        raise ConfigError(f"{where}: no profile named {name!r}; the profiles are: {listed}")
    return profile
