"""The slash commands: their names, usage and help, and how a typed line is read.

The built-in commands are ``COMMANDS``; the custom ones (Markdown files, see
``core.extensions.commands``) are listed beside them by ``custom_commands``, and a built-in
command wins a name.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openclaude_tui.core.extensions.commands import CustomCommand


@dataclass(frozen=True)
class SlashCommand:
    """A command typed as ``/name [argument]``, run by the screen's ``command_<name>``.

    Attributes:
        name: What follows the slash.
        usage: How it is typed, for completion and ``/help``.
        help: What it does, for completion and ``/help``.
        palette: The command palette's entries for it: a title and the line they type.
        custom: A custom command: its expanded text is sent as the prompt.
    """

    name: str
    usage: str
    help: str
    palette: tuple[tuple[str, str], ...] = ()
    custom: bool = False


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
        "/diff [since N | worktree | --staged | REV_RANGE]",
        "review the agent's changes (those since prompt N; the working tree, the index, a range)",
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
        "tasks",
        "/tasks",
        "the background commands, running and finished, with their output",
        (("Background commands", "/tasks"),),
    ),
    SlashCommand(
        "mcp",
        "/mcp",
        "the MCP servers: state, tools, last error; restart one",
        (("MCP servers", "/mcp"),),
    ),
    SlashCommand(
        "resume",
        "/resume [id]",
        "continue a saved session of this project (a picker lists them)",
        (("Resume a saved session", "/resume"),),
    ),
    SlashCommand(
        "rewind",
        "/rewind",
        "go back to before a prompt: the code, the conversation, or both (also Esc Esc)",
        (("Rewind to before a prompt", "/rewind"),),
    ),
    SlashCommand(
        "export",
        "/export [path]",
        "write the conversation as Markdown (default openclaude-ID.md in the project)",
        (("Export the conversation as Markdown", "/export"),),
    ),
    SlashCommand(
        "cost",
        "/cost",
        "tokens, requests, the model's and the tools' time, and cost (per turn and in all)",
        (("Usage and cost of this session", "/cost"),),
    ),
    SlashCommand(
        "memory",
        "/memory",
        "edit the project's memory file (AGENTS.md or CLAUDE.md) in $EDITOR; # note adds a line "
        "(to the project's or your own)",
        (("Edit project memory", "/memory"),),
    ),
    SlashCommand(
        "learn",
        "/learn",
        "the model proposes what to remember of this session; you pick what is kept, and where",
        (("Remember what this session learned", "/learn"),),
    ),
    SlashCommand("copy", "/copy", "copy the last answer", (("Copy the last answer", "/copy"),)),
    # The palette has its own "Change theme" and Quit.
    SlashCommand("theme", "/theme [name]", "pick a colour theme (remembered in your config)"),
    SlashCommand(
        "profile",
        "/profile [name]",
        "carry the conversation on to another server profile (lists them without a name)",
        (("Switch server profile", "/profile"),),
    ),
    SlashCommand(
        "think",
        "/think [on|off|low|medium|high|default]",
        "how much the model reasons (reasoning_effort, or the template's thinking switch)",
        (("Reasoning: thinking off", "/think off"), ("Reasoning: high effort", "/think high")),
    ),
    SlashCommand(
        "coordinate",
        "/coordinate [on|off]",
        "the agent plans and delegates to sub-agents (Task) instead of editing itself",
        (("Coordinator mode: on", "/coordinate on"), ("Coordinator mode: off", "/coordinate off")),
    ),
    SlashCommand(
        "transcribe",
        "/transcribe FILE",
        "put the words of a recording (WAV) in the prompt (transcription_url)",
    ),
    SlashCommand(
        "voice",
        "/voice",
        "record from the microphone; /voice again puts the words in the prompt",
        (("Voice input: start or stop recording", "/voice"),),
    ),
    SlashCommand("quit", "/quit", "leave OpenClaude"),
)


def custom_commands(
    commands: Sequence[CustomCommand],
) -> tuple[tuple[SlashCommand, ...], list[str]]:
    """The custom commands as slash commands, and a notice for each a built-in one hides."""
    builtin = {command.name for command in COMMANDS}
    listed: list[SlashCommand] = []
    hidden: list[str] = []
    for command in commands:
        if command.name.casefold() in builtin:
            hidden.append(
                f"the built-in /{command.name.casefold()} wins over the custom command in "
                f"{command.path}; rename the file to use it"
            )
            continue
        about = f"{command.description} ({command.source})".strip()
        palette = ((f"/{command.name}: {command.description}".rstrip(": "), f"/{command.name}"),)
        listed.append(SlashCommand(command.name, command.usage, about, palette, custom=True))
    return tuple(listed), hidden


def matching(prefix: str, custom: Sequence[SlashCommand] = ()) -> list[SlashCommand]:
    """Commands whose name starts with ``prefix`` (without the slash), built-in ones first."""
    folded = prefix.casefold()
    return [c for c in (*COMMANDS, *custom) if c.name.casefold().startswith(folded)]


def parse(line: str, custom: Sequence[SlashCommand] = ()) -> tuple[SlashCommand | None, str, str]:
    """Read ``/name argument``: the command (None if unknown), the name typed, the argument."""
    body = line.strip().removeprefix("/")
    name, _, argument = body.partition(" ")
    name = name.casefold()
    found = next((c for c in (*COMMANDS, *custom) if c.name.casefold() == name), None)
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
