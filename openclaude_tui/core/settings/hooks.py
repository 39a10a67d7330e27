"""Hooks as configured: ``[[hooks.EVENT]]`` tables of the settings files, read and matched.

The format follows Claude Code's, in TOML::

    [[hooks.PreToolUse]]
    matcher = "Bash"              # a tool name or a regular expression; omitted: every tool
    command = "./scripts/check.sh"
    timeout = 30                  # seconds (default 60)

Claude Code's nested form (``hooks = [{ type = "command", command = "…" }]`` under a
matcher) is read too, so a project's hooks carry over unchanged. Running them is
``core.extensions.hook_runner``'s part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

HOOK_EVENTS = ("PreToolUse", "PostToolUse", "UserPromptSubmit", "Stop", "SessionStart")
# The events whose hooks are matched against a tool's name.
TOOL_EVENTS = ("PreToolUse", "PostToolUse")
DEFAULT_TIMEOUT = 60.0
# A hook may not hold a turn for longer than this, whatever its settings say.
MAX_TIMEOUT = 600.0


class HookConfigError(ValueError):
    """A hook table cannot work; the message says where and why."""


@dataclass(frozen=True)
class Hook:
    """One configured hook command.

    Attributes:
        event: When it runs (one of ``HOOK_EVENTS``).
        command: What runs, through ``sh -c`` in the project's directory.
        matcher: The tool names it runs for (a regular expression matched against the
            whole name); None runs it for every tool.
        timeout: Seconds before it is killed.
        source: The settings file it came from.
    """

    event: str
    command: str
    matcher: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    source: str = ""

    def __str__(self) -> str:
        """``EVENT (matcher): command`` as the settings show it."""
        where = f"{self.event} ({self.matcher})" if self.matcher else self.event
        return f"{where}: {self.command}"

    def matches(self, tool_name: str | None) -> bool:
        """Whether it runs for a call of ``tool_name`` (None: an event without a tool)."""
        if self.matcher is None or tool_name is None:
            return True
        return re.fullmatch(self.matcher, tool_name) is not None


def parse_hooks(value: Any, where: str) -> tuple[Hook, ...]:
    """The hooks of one settings file's ``hooks`` table.

    Raises:
        HookConfigError: ``where.EVENT[2].timeout: what is expected, got VALUE``.
    """
    if not isinstance(value, dict):
        raise HookConfigError(
            f"{where}: expected tables like [[hooks.PreToolUse]] with a command, got {value!r}"
        )
    hooks: list[Hook] = []
    for event, entries in value.items():
        if event not in HOOK_EVENTS:
            raise HookConfigError(
                f"{where}.{event}: unknown hook event; use one of {', '.join(HOOK_EVENTS)}"
            )
        if not isinstance(entries, list):
            raise HookConfigError(
                f"{where}.{event}: expected a list of tables ([[hooks.{event}]]), got {entries!r}"
            )
        for index, entry in enumerate(entries):
            hooks += _entry(event, entry, f"{where}.{event}[{index}]", where)
    return tuple(hooks)


def _entry(event: str, entry: Any, where: str, source: str) -> list[Hook]:
    if not isinstance(entry, dict):
        raise HookConfigError(f"{where}: expected a table with a command, got {entry!r}")
    matcher = _matcher(entry.get("matcher"), f"{where}.matcher")
    if "hooks" in entry:
        # Claude Code's form: a matcher over a list of commands.
        inner = entry["hooks"]
        if not isinstance(inner, list):
            raise HookConfigError(f"{where}.hooks: expected a list of tables, got {inner!r}")
        return [
            _command(event, matcher, item, f"{where}.hooks[{number}]", source)
            for number, item in enumerate(inner)
        ]
    return [_command(event, matcher, entry, where, source)]


def _command(event: str, matcher: str | None, entry: Any, where: str, source: str) -> Hook:
    if not isinstance(entry, dict):
        raise HookConfigError(f"{where}: expected a table with a command, got {entry!r}")
    kind = entry.get("type", "command")
    if kind != "command":
        raise HookConfigError(f'{where}.type: only "command" hooks exist, got {kind!r}')
    command = entry.get("command")
    if not isinstance(command, str) or not command.strip():
        raise HookConfigError(
            f"{where}.command: expected the shell command to run, got {command!r}"
        )
    timeout = entry.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise HookConfigError(
            f"{where}.timeout: expected a positive number of seconds, got {timeout!r}"
        )
    return Hook(
        event,
        command,
        matcher,
        min(float(timeout), MAX_TIMEOUT),
        source.rpartition(": ")[0] or source,
    )


def _matcher(value: Any, where: str) -> str | None:
    """The matcher as a regular expression; None for every tool ("", "*" or omitted)."""
    if value is None or value in ("", "*"):
        return None
    if not isinstance(value, str):
        raise HookConfigError(
            f"{where}: expected a tool name or a regular expression, got {value!r}"
        )
    try:
        re.compile(value)
    except re.error as error:
        raise HookConfigError(
            f"{where}: not a valid regular expression ({error}): {value!r}"
        ) from None
    return value


def hooks_for(hooks: tuple[Hook, ...], event: str, tool_name: str | None = None) -> list[Hook]:
    """The hooks that run for ``event`` (and the tool ``tool_name``), in the order given."""
    return [hook for hook in hooks if hook.event == event and hook.matches(tool_name)]
