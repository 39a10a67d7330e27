"""The slash commands: their names, usage and help, and how a typed line is read."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class SlashCommand:
    """A command typed as ``/name [argument]``, run by the screen's ``command_<name>``.

    Attributes:
        name: What follows the slash.
        usage: How it is typed, for completion and ``/help``.
        help: What it does, for completion and ``/help``.
        palette: The command palette's entries for it: a title and the line they type.
    """

    name: str
    usage: str
    help: str
    palette: tuple[tuple[str, str], ...] = ()


COMMANDS: tuple[SlashCommand, ...] = (
    SlashCommand(
        "help",
        "/help",
        "the keys and commands in effect",
        (("Help: keys and commands", "/help"),),
    ),
    SlashCommand(
        "clear", "/clear", "start a new conversation", (("Clear the conversation", "/clear"),)
    ),
    SlashCommand(
        "compact",
        "/compact [focus]",
        "summarise older work to free context",
        (("Compact the conversation", "/compact"),),
    ),
    SlashCommand(
        "model",
        "/model [name]",
        "switch model (a picker lists the server's)",
        (("Switch model", "/model"),),
    ),
    SlashCommand(
        "mode",
        "/mode [name]",
        "switch permission mode (Shift+Tab cycles)",
        (("Next permission mode", "/mode"),),
    ),
    SlashCommand(
        "permissions",
        "/permissions",
        "the permission rules; remove one",
        (("Permission rules", "/permissions"),),
    ),
    SlashCommand(
        "diff",
        "/diff [worktree | --staged | REV_RANGE]",
        "review the agent's changes (or the working tree, the index, a range)",
        (("Review the agent's changes", "/diff"), ("Review the working tree", "/diff worktree")),
    ),
    SlashCommand(
        "settings",
        "/settings",
        "the settings in effect and where each came from",
        (("Settings in effect", "/settings"),),
    ),
    SlashCommand(
        "vim",
        "/vim",
        "vim keys in the prompt on or off (remembered)",
        (("Toggle vim keys", "/vim"),),
    ),
    SlashCommand(
        "mcp",
        "/mcp",
        "the MCP servers: state, tools, last error; restart one",
        (("MCP servers", "/mcp"),),
    ),
    # The palette has its own "Change theme" and Quit.
    SlashCommand("theme", "/theme [name]", "pick a colour theme (remembered in your config)"),
    SlashCommand("quit", "/quit", "leave OpenClaude"),
)


def matching(prefix: str) -> list[SlashCommand]:
    """Commands whose name starts with ``prefix`` (without the slash)."""
    return [command for command in COMMANDS if command.name.startswith(prefix.lower())]


def parse(line: str) -> tuple[SlashCommand | None, str, str]:
    """Read ``/name argument``: the command (None if unknown), the name typed, the argument."""
    body = line.strip().removeprefix("/")
    name, _, argument = body.partition(" ")
    name = name.lower()
    found = next((command for command in COMMANDS if command.name == name), None)
    return found, name, argument.strip()


def find_model(name: str, models: list[str]) -> str | None:
    """The server's name for ``name``: itself, or Ollama's ``name:latest``; None if absent."""
    for candidate in (name, f"{name}:latest"):
        if candidate in models:
            return candidate
    return None


def close_models(name: str, models: list[str], limit: int = 5) -> list[str]:
    """The models whose names contain ``name`` or look like it, closest first."""
    needle = name.lower()
    containing = [model for model in models if needle in model.lower()]
    similar = difflib.get_close_matches(name, models, n=limit, cutoff=0.5)
    return list(dict.fromkeys([*similar, *containing]))[:limit]
