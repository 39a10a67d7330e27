"""How permission rules apply to a Bash call, from what the shell classifier learned.

Deny and ask rules match any form of any command the call runs (``git -C . push`` is
``git push``), and commands only partly known (``git $x``, ``eval "$x"``) match every rule
they could turn out to be. An allow rule covers what a program is, never what the words
around it add. A Read deny rule also holds for Bash readers of the file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from openclaude_tui.core.permissions.rules import Rule
from openclaude_tui.core.shell.classify import Analysis
from openclaude_tui.core.shell.levels import Read

# Files a recursive Bash read (`grep -r`, `rg`) is checked against Read deny rules one by one.
_WALK_LIMIT = 20_000

Rules = list[tuple[Rule, str]]


def command_forms(analysis: Analysis | None) -> list[str]:
    """Every form of every command a Bash call runs, for deny and ask rules.

    Both the source text and the normalized form (quotes removed, git's global options
    dropped) count, so neither ``git -C . push`` nor ``'git' push`` slips past
    ``Bash(git push:*)``.
    """
    if analysis is None:
        return []
    forms = [form for info in analysis.commands for form in (info.text, info.normalized)]
    return list(dict.fromkeys(form for form in forms if form))


def partly_known_match(rules: Rules, analysis: Analysis | None) -> Rule | None:
    """A Bash rule that may match a command only partly known before it runs.

    ``git $x`` may be ``git push``, and ``eval "$x"`` anything: when the known part of
    such a command could begin what the rule names, the rule applies.
    """
    if analysis is None:
        return None
    for info in analysis.commands:
        if not info.open_end:
            continue
        known = re.split(r"[$`]|[<>]\(", info.normalized, maxsplit=1)[0].rstrip()
        for rule, _ in rules:
            if not rule.covers_tool("Bash"):
                continue
            named = " ".join((rule.specifier or "").removesuffix(":*").split())
            if named.startswith(known) or known.startswith(named):
                return rule
    return None


def allowing_rule(rules: Rules, analysis: Analysis) -> Rule | None:
    """The allow rule that lets a Bash call run, or None.

    Every command that is not read-only must match a rule, and a rule covers only what
    the program is (``npm test`` is not read-only): a redirection that writes, an option
    that writes or runs code, a read outside the project or an expansion that cannot be
    evaluated still asks, as does anything destructive.
    """
    candidates = [rule for rule, _ in rules if rule.covers_tool("Bash")]
    if not candidates or analysis.loose:
        return None
    used: Rule | None = None
    for info in analysis.commands:
        if not info.findings:
            continue
        forms = (info.normalized, info.text)
        rule = next((r for r in candidates if any(r.matches_command(f) for f in forms)), None)
        uncovered = any(f.effect or f.level == "destructive" for f in info.findings)
        if rule is None or uncovered:
            return None
        used = used or rule
    return used


def denied_read(rules: Rules, analysis: Analysis | None, project_root: Path) -> Rule | None:
    """A Read deny rule that protects a file the command reads (or a folder it searches)."""
    if analysis is None:
        return None
    read_rules = [rule for rule, _ in rules if rule.tool == "Read"]
    if not read_rules:
        return None
    for read in analysis.reads:
        names = _read_names(read, project_root)
        if names is None:
            # Too many files to check one by one: the folder may hold a protected one.
            return read_rules[0]
        for relative in names:
            rule = next((r for r in read_rules if r.matches_path(relative)), None)
            if rule is not None:
                return rule
    return None


def _read_names(read: Read, project_root: Path) -> list[str] | None:
    """Project-relative names of the files a read touches; None when too many."""
    path = Path(read.path)
    if path != project_root and project_root not in path.parents:
        return []
    relative = path.relative_to(project_root).as_posix()
    names = [relative] if relative != "." else []
    if not (read.recursive and path.is_dir()):
        return names
    for folder, dirs, files in os.walk(path):
        if not read.hidden:
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            files = [f for f in files if not f.startswith(".")]
        for name in files + dirs:
            names.append((Path(folder) / name).relative_to(project_root).as_posix())
        if len(names) > _WALK_LIMIT:
            return None
    return names
