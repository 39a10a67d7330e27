"""Permission modes and ``Tool(specifier)`` rules: what settings files and flags say.

Kept apart from the gate (``core.permissions.policy``), which needs the tools and the command
classifier: reading the settings at startup should not load those before the first frame.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from openclaude_tui.core.web_hosts import HostError, host_in_domain, normal_host

# Where "always allow" answers are kept: this machine's settings, git-ignored.
LOCAL_SETTINGS = Path(".openclaude") / "settings.local.toml"

Mode = Literal["default", "acceptEdits", "plan", "bypassPermissions"]
MODES: tuple[Mode, ...] = ("default", "acceptEdits", "plan", "bypassPermissions")
RuleKind = Literal["allow", "ask", "deny"]
RULE_KINDS: tuple[RuleKind, ...] = ("allow", "ask", "deny")


# The tools a rule can name (the built-in tools; a test keeps this in step with them).
RULE_TOOLS = (
    "Bash",
    "Read",
    "Edit",
    "Write",
    "Grep",
    "Glob",
    "TodoWrite",
    "MultiEdit",
    "NotebookEdit",
    "BashOutput",
    "KillShell",
    "Skill",
    "WebFetch",
    "WebSearch",
    "LSP",
)
FILE_RULE_TOOLS = frozenset(
    {"Read", "Edit", "Write", "Grep", "Glob", "MultiEdit", "NotebookEdit", "LSP"}
)
# MCP tools: ``mcp__SERVER__TOOL`` names one, ``mcp__SERVER`` all of a server's tools. The
# servers are not known when the rules are read, so any such name is accepted.
MCP_PREFIX = "mcp__"
MCP_RULE = re.compile(r"mcp__[A-Za-z0-9_-]+")
# Tools whose rules name the host a call contacts: ``WebFetch(domain:example.com)``.
DOMAIN_RULE_TOOLS = frozenset({"WebFetch"})
DOMAIN_PREFIX = "domain:"


class RuleError(ValueError):
    """A permission rule that cannot be parsed or can never match; the message says why."""


@dataclass(frozen=True)
class Rule:
    """``Tool`` or ``Tool(specifier)``.

    For Bash the specifier is a whole command or ``prefix:*``; for file tools a
    gitignore-style glob relative to the project root; for WebFetch ``domain:host``, which
    matches the host and its subdomains. ``Edit`` rules cover every tool that changes files
    (Write, MultiEdit, NotebookEdit), and ``Read`` rules every tool that reads them (Grep and
    Glob: searching a file reads it; LSP).
    """

    tool: str
    specifier: str | None = None

    @classmethod
    def parse(cls, text: str) -> Rule:
        """Parse ``Tool`` or ``Tool(specifier)``, refusing a rule that could never match.

        ``./`` before a path is dropped (``Read(./.env)`` is ``Read(.env)``); ``*`` and
        ``**`` as the whole specifier mean the whole tool.

        Raises:
            RuleError: the message says what is wrong and what to write instead.
        """
        if MCP_RULE.fullmatch(text.strip()):
            return cls(text.strip())
        match = re.fullmatch(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*", text, re.DOTALL)
        if not match:
            raise RuleError(
                f"cannot read the rule {text!r}: write Tool or Tool(specifier), "
                "e.g. Bash(npm run test:*) or Edit(src/**)"
            )
        tool, specifier = match.group(1), match.group(2)
        if tool.startswith(MCP_PREFIX):
            raise RuleError(
                f"{text.strip()}: an MCP rule is mcp__SERVER (all its tools) or "
                "mcp__SERVER__TOOL, with no specifier"
            )
        if tool not in RULE_TOOLS:
            raise RuleError(f"unknown tool {_quoted(tool)}{_suggestion(tool)}")
        if specifier is None:
            return cls(tool)
        specifier = specifier.strip()
        if specifier in ("*", "**"):
            return cls(tool)
        if not specifier:
            raise RuleError(f"{text.strip()} has an empty specifier; write {tool} for every call")
        if tool == "Bash":
            return cls(tool, _bash_specifier(specifier))
        if tool in DOMAIN_RULE_TOOLS:
            return cls(tool, _domain_specifier(tool, specifier))
        if tool not in FILE_RULE_TOOLS:
            raise RuleError(f"{tool} takes no specifier: write {tool}")
        return cls(tool, _path_specifier(tool, specifier))

    def __str__(self) -> str:
        return self.tool if self.specifier is None else f"{self.tool}({self.specifier})"

    def covers_tool(self, tool_name: str, access: str | None = None) -> bool:
        """Whether the rule is about this tool at all.

        ``access`` is how the tool touches files (``Tool.file_access``): a Read rule is a
        rule on reading the path, whichever tool reads it, and an Edit rule one on changing
        it, whichever tool changes it.
        """
        if self.tool == tool_name:
            return True
        if self.tool.startswith(MCP_PREFIX) and "__" not in self.tool[len(MCP_PREFIX) :]:
            return tool_name.startswith(self.tool + "__")
        return (self.tool, access) in {("Read", "read"), ("Edit", "edit")}

    def matches_command(self, command: str) -> bool:
        """Whether this Bash rule's specifier matches one simple command."""
        if self.specifier is None:
            return True
        command = " ".join(command.split())
        if self.specifier.endswith(":*"):
            prefix = " ".join(self.specifier[:-2].split())
            return command == prefix or command.startswith(prefix + " ")
        return command == " ".join(self.specifier.split())

    def matches_domain(self, host: str) -> bool:
        """Whether this rule's ``domain:`` specifier covers ``host`` (a normal host)."""
        if self.specifier is None:
            return True
        return host_in_domain(host, self.specifier.removeprefix(DOMAIN_PREFIX))

    def matches_path(self, relative: str) -> bool:
        """Whether this file rule's glob matches a path relative to the project root."""
        if self.specifier is None:
            return True
        return glob_matches(self.specifier, relative)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def _suggestion(tool: str) -> str:
    """`` (did you mean Read?)`` for a near miss, else the list of tools."""
    folded = {name.casefold(): name for name in RULE_TOOLS}
    near = folded.get(tool.casefold()) or next(
        iter(difflib.get_close_matches(tool, RULE_TOOLS, n=1, cutoff=0.6)), None
    )
    if near:
        return f" (did you mean {near}?)"
    return f"; rules name one of {', '.join(RULE_TOOLS)}"


def _bash_specifier(specifier: str) -> str:
    """A Bash specifier with its spacing normalised, or why it can never match."""
    words = " ".join(specifier.split())
    prefix = words.removesuffix(":*").strip()
    if ":*" in prefix:
        raise RuleError(
            f"Bash({specifier}): ':*' matches only at the end (Bash(git log:*)); "
            "in the middle it can never match"
        )
    if not prefix:
        raise RuleError(f"Bash({specifier}) names no command; write Bash for every command")
    return f"{prefix}:*" if words.endswith(":*") else words


def _domain_specifier(tool: str, specifier: str) -> str:
    """``domain:host`` with the host in its normal spelling, or why it can never match."""
    example = f"{tool}(domain:example.com)"
    if not specifier.startswith(DOMAIN_PREFIX):
        raise RuleError(f"{tool}({specifier}): {tool} rules name a domain, e.g. {example}")
    try:
        host = normal_host(specifier.removeprefix(DOMAIN_PREFIX))
    except HostError as error:
        raise RuleError(f"{tool}({specifier}): {error}; write e.g. {example}") from None
    return DOMAIN_PREFIX + host


def _path_specifier(tool: str, specifier: str) -> str:
    """A path glob relative to the project, ``./`` dropped, or why it can never match."""
    glob = specifier
    while glob.startswith("./"):
        glob = glob[2:]
    segments = glob.strip("/").split("/")
    if glob.startswith(("~", "//")) or ".." in segments:
        raise RuleError(
            f"{tool}({specifier}): rules match paths inside the project, relative to its "
            "root (e.g. .env, src/**, /build/); a path outside the project always asks, so "
            "this rule could never match"
        )
    if not glob.strip("/") or "\0" in glob:
        raise RuleError(f"{tool}({specifier}) names no path; write {tool} for every path")
    return glob


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

    def add(self, kind: RuleKind, text: str, source: str) -> Rule:
        """Parse ``text`` and add it (no duplicates)."""
        rule = Rule.parse(text)
        bucket: list[tuple[Rule, str]] = getattr(self, kind)
        if all(existing != rule for existing, _ in bucket):
            bucket.append((rule, source))
        return rule


@dataclass(frozen=True)
class RuleInEffect:
    """A permission rule in effect, and where it comes from (a file, a flag, the session)."""

    kind: RuleKind
    text: str
    source: str
