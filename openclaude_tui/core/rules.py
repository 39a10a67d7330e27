"""Permission modes and ``Tool(specifier)`` rules: what settings files and flags say.

Kept apart from the gate (``core.permissions``), which needs the tools and the command
classifier: reading the settings at startup should not load those before the first frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Mode = Literal["default", "acceptEdits", "plan", "bypassPermissions"]
MODES: tuple[Mode, ...] = ("default", "acceptEdits", "plan", "bypassPermissions")
EDIT_TOOLS = frozenset({"Edit", "Write"})


class RuleError(ValueError):
    """A permission rule that cannot be parsed; the message shows the expected form."""


@dataclass(frozen=True)
class Rule:
    """``Tool`` or ``Tool(specifier)``.

    For Bash the specifier is a whole command or ``prefix:*``; for file tools a
    gitignore-style glob relative to the project root. ``Edit`` rules cover Write too.
    """

    tool: str
    specifier: str | None = None

    @classmethod
    def parse(cls, text: str) -> Rule:
        """Parse ``Tool`` or ``Tool(specifier)``."""
        match = re.fullmatch(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*", text, re.DOTALL)
        if not match:
            raise RuleError(
                f"cannot read the rule {text!r}: write Tool or Tool(specifier), "
                "e.g. Bash(npm run test:*) or Edit(src/**)"
            )
        tool, specifier = match.group(1), match.group(2)
        if specifier is not None:
            specifier = specifier.strip()
            if specifier in ("", "*", "**"):
                specifier = None
        return cls(tool, specifier)

    def __str__(self) -> str:
        return self.tool if self.specifier is None else f"{self.tool}({self.specifier})"

    def covers_tool(self, tool_name: str) -> bool:
        """Whether the rule is about this tool at all."""
        if self.tool == tool_name:
            return True
        return self.tool == "Edit" and tool_name in EDIT_TOOLS

    def matches_command(self, command: str) -> bool:
        """Whether this Bash rule's specifier matches one simple command."""
        if self.specifier is None:
            return True
        command = " ".join(command.split())
        if self.specifier.endswith(":*"):
            prefix = " ".join(self.specifier[:-2].split())
            return command == prefix or command.startswith(prefix + " ")
        return command == " ".join(self.specifier.split())

    def matches_path(self, relative: str) -> bool:
        """Whether this file rule's glob matches a path relative to the project root."""
        if self.specifier is None:
            return True
        return glob_matches(self.specifier, relative)


def glob_matches(pattern: str, relative: str) -> bool:
    """Gitignore-style matching: ``*`` within a segment, ``**`` across, no ``/`` = any depth."""
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    pattern = pattern.lstrip("/")
    if pattern.endswith("/"):
        pattern += "**"
    regex = _glob_regex(pattern)
    if not anchored:
        regex = r"(?:.*/)?" + regex
    return re.fullmatch(regex, relative) is not None


def _glob_regex(pattern: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append(r"(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            out.append(r".*")
            index += 2
            continue
        if char == "*":
            out.append(r"[^/]*")
        elif char == "?":
            out.append(r"[^/]")
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


@dataclass
class RuleSet:
    """Allow, ask and deny rules, each remembering where it came from."""

    allow: list[tuple[Rule, str]] = field(default_factory=list)
    ask: list[tuple[Rule, str]] = field(default_factory=list)
    deny: list[tuple[Rule, str]] = field(default_factory=list)

    def add(self, kind: Literal["allow", "ask", "deny"], text: str, source: str) -> Rule:
        """Parse ``text`` and add it (no duplicates)."""
        rule = Rule.parse(text)
        bucket: list[tuple[Rule, str]] = getattr(self, kind)
        if all(existing != rule for existing, _ in bucket):
            bucket.append((rule, source))
        return rule
