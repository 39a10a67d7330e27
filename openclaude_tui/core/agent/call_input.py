"""A model's tool call read into what the agent runs: the tool, checked arguments, a summary.

Bad input becomes an error the model can act on, never an exception. A model's JSON can
carry a NUL character or an unpaired surrogate (``"\\udcff"``): neither can be part of a
path or a command (the OS and UTF-8 refuse them), and a surrogate cannot even be written
to a terminal. Such a call is answered with an error, and what is shown of it is made
printable.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from openclaude_tui.core.llm.answer import has_surrogates, without_surrogates
from openclaude_tui.core.llm.calls import ToolCall
from openclaude_tui.core.tools.base import Tool, ToolInputError, ToolRegistry

# Free text that may hold a NUL (a file's content); everything else names a path, a
# pattern or a command.
_FREE_TEXT = frozenset({"content", "old_string", "new_string", "description", "todos"})


@dataclass
class PreparedCall:
    """A call ready for the gate: its tool (None when unknown), checked arguments, notes on
    what was corrected, the error that answers it instead of running, and its summary."""

    call: ToolCall
    tool: Tool | None
    args: dict[str, Any]
    notes: list[str]
    error: str | None
    read_only: bool
    summary: str

    @property
    def name(self) -> str:
        """The tool's own name (the model may have used another agent's)."""
        return self.tool.name if self.tool is not None else self.call.name

    @property
    def key(self) -> tuple[str, str]:
        """What makes two calls the same call: the tool and the exact arguments."""
        return (self.name, self.call.arguments.strip())


def prepare_call(
    call: ToolCall, tools: ToolRegistry, bash_read_only: Callable[[str], bool]
) -> PreparedCall:
    """Read ``call`` against the offered tools; ``bash_read_only`` classifies a command."""
    tool = tools.get(call.name)
    if tool is None:
        offered = ", ".join(tools.names())
        error = f"There is no tool named '{call.name}'. The tools are: {offered}."
        return PreparedCall(call, None, {}, [], error, True, printable(call.name))
    try:
        raw = json.loads(call.arguments) if call.arguments.strip() else {}
    except json.JSONDecodeError as problem:
        error = (
            f"The arguments of this {tool.name} call are not valid JSON ({problem.msg} at "
            f"character {problem.pos}). Send the call again with a JSON object of arguments."
        )
        summary = tool.summary(call.salvaged_arguments()) or call.arguments[:80]
        return PreparedCall(call, tool, {}, [], error, True, printable(summary))
    except RecursionError:
        error = (
            f"The arguments of this {tool.name} call are nested too deeply to read. Send the "
            "call again with a flat JSON object of arguments."
        )
        return PreparedCall(call, tool, {}, [], error, True, "")
    try:
        args, notes = tool.validate(raw)
    except ToolInputError as problem:
        kept = raw if isinstance(raw, dict) else {}
        summary = printable(tool.summary(kept)) if kept else ""
        return PreparedCall(call, tool, kept, [], str(problem), True, summary)
    summary = printable(tool.summary(args))
    unusable = unusable_argument(args)
    if unusable is not None:
        return PreparedCall(call, tool, args, [], unusable, True, summary)
    if call.name.casefold() != tool.name.casefold():
        notes.append(f"{call.name} is called {tool.name} here; use that name")
    command = tool.command(args)
    read_only = tool.read_only if command is None else bash_read_only(command)
    return PreparedCall(call, tool, args, notes, None, read_only, summary)


def unusable_argument(args: dict[str, Any]) -> str | None:
    """Why no tool can take ``args`` (a NUL or an unpaired surrogate), or None."""
    for name, text in _strings(args, ""):
        if has_surrogates(text):
            return (
                f"The '{name}' argument holds a lone surrogate (\\udcff and the like), "
                "which is not a character and cannot be written to a file, a path or a "
                "command. Send the call again with real characters."
            )
        if "\x00" in text and name.split(".", 1)[0] not in _FREE_TEXT:
            return (
                f"The '{name}' argument holds a NUL character (\\u0000), which no path, "
                "pattern or command can contain. Send the call again without it."
            )
    return None


def printable(text: str) -> str:
    """``text`` safe to show anywhere: unpaired surrogates and NULs made visible."""
    if "\x00" in text:
        text = text.replace("\x00", "\\0")
    return without_surrogates(text)


def _strings(value: Any, name: str) -> Iterator[tuple[str, str]]:
    """Every string in ``value`` with the argument it sits in (iteratively: it may be deep)."""
    stack: list[tuple[Any, str]] = [(value, name)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            stack.extend((v, f"{where}.{k}" if where else str(k)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, where) for v in item)
