"""Permission policies built from rule texts, and the gate's answer for one tool call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openclaude_tui.core.permissions.policy import PermissionPolicy
from openclaude_tui.core.permissions.rules import RuleSet
from openclaude_tui.core.tools import Tool, default_tools

TOOLS = default_tools()
"""The built-in tools, as the agent has them."""


def tool_named(name: str) -> Tool:
    """The built-in tool called `name` (the test fails if there is none)."""
    tool = TOOLS.get(name)
    assert tool is not None, name
    return tool


def check_action(policy: PermissionPolicy, tool: str, cwd: Path, **args: Any) -> str:
    """What the gate does with `tool(**args)` run from `cwd`: "allow", "ask" or "deny"."""
    validated, _ = tool_named(tool).validate(args)
    return policy.check(tool_named(tool), validated, cwd).action


def make_policy(root: Path, mode: str = "default", **rules: list[str]) -> PermissionPolicy:
    """A policy for the project at `root` in `mode`, with rules by kind (allow=[...], ...)."""
    rule_set = RuleSet()
    for kind, texts in rules.items():
        for text in texts:
            rule_set.add(kind, text, "test")  # type: ignore[arg-type]
    return PermissionPolicy(root, mode, rule_set)  # type: ignore[arg-type]
