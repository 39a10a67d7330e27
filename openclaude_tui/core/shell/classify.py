"""How dangerous a shell command is, from a real parse of it.

``classify`` rates a command line ``read_only`` (safe to run without asking),
``mutating`` (changes something, or is not known to be safe) or ``destructive`` (hard to
undo or reaching outside the project: ``rm -r`` outside it, ``git push --force``, writes
into ``.git/``, ``curl … | sh``, ``sudo`` …). A compound command gets the most severe level
of the simple commands inside it, including those in ``$(…)``, backticks, subshells,
here-documents, ``sh -c '…'`` strings, ``find -exec`` and wrappers such as ``timeout``.

Read-only is proved, never assumed: the program must be on the allow-list of
``core.shell.programs`` with only options known to be harmless, every word must be one
the parser can evaluate (no ``${x:-…}``, ``$((x))``, brace expansion…), no assignment may
set a variable that makes programs run code (``core.shell.env``), nothing may be written,
and every file read must lie inside the project. Whatever is not proved asks.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from openclaude_tui.core.shell.levels import Finding, Level, Read, Verdict, verdict_of
from openclaude_tui.core.shell.syntax import parse
from openclaude_tui.core.shell.walker import CommandInfo, Walker
from openclaude_tui.core.shell.words import names, without_assignments

__all__ = ["Analysis", "CommandInfo", "Level", "Verdict", "analyze", "classify"]


# Leading assignments a permission rule may look past: literal values of these names only.
_HARMLESS_ASSIGNMENTS = names(
    "CI NODE_ENV RUST_BACKTRACE RUST_LOG DEBUG FORCE_COLOR NO_COLOR TERM LANG LC_ALL TZ "
    "PYTHONUNBUFFERED PYTHONDONTWRITEBYTECODE CARGO_TERM_COLOR COLUMNS LINES LOG_LEVEL VERBOSE"
)
_SUBCOMMAND_TOOLS = names(
    "git npm pnpm yarn bun cargo go docker kubectl pip pip3 uv poetry pdm hatch gh brew apt "
    "apt-get dnf conda dotnet helm terraform rustup podman systemctl deno"
)
# Tools whose `run X` names the real thing to allow, so the prefix keeps X.
_RUN_TOOLS = names("npm pnpm yarn bun uv poetry pdm hatch")


@dataclass
class Analysis:
    """Everything the classifier learned about a command line.

    Attributes:
        verdict: The level and the reasons.
        commands: Every command it runs.
        loose: Findings that belong to no single command (parse errors, pipelines).
        reads: Files and folders it reads the content of, inside the project.
    """

    verdict: Verdict
    commands: list[CommandInfo]
    loose: list[Finding]
    reads: list[Read]


def analyze(command: str, project_root: Path, cwd: Path) -> Analysis:
    """Classify a command line and list the commands and reads inside it. Never raises."""
    checker = Walker(
        root=os.path.realpath(project_root),
        cwd=os.path.realpath(cwd),
        home=os.path.realpath(Path.home()),
    )
    try:
        checker.check_source(command, depth=0)
    except (ValueError, OSError) as problem:
        # A path no system call accepts (a NUL byte): nothing about it can be proved.
        checker.loose.append(Finding("mutating", f"could not check the command: {problem}", True))
    every = checker.loose + [f for info in checker.commands for f in info.findings]
    return Analysis(verdict_of(every), checker.commands, checker.loose, checker.read_paths)


def classify(command: str, project_root: Path, cwd: Path) -> Verdict:
    """Rate a command line: the most severe level of any simple command inside it.

    Args:
        command: The command line, as the model wrote it.
        project_root: The project's root; writes and deletions outside it are destructive.
        cwd: The directory the command runs in (relative paths resolve from here).

    Returns:
        The verdict; reasons name what made it that severe. Never raises.
    """
    return analyze(command, project_root, cwd).verdict


def split_commands(command: str) -> list[str]:
    """The simple commands of a compound command, as source text.

    Splits on ``&&``, ``||``, ``;``, ``|``, ``&`` and newlines, and includes the commands
    inside ``$(…)``, backticks and subshells. Leading ``NAME=value`` assignments of a few
    harmless names (``CI``, ``NODE_ENV``, …) are dropped from the text.
    """
    pieces = []
    for simple in parse(command).commands:
        text = simple.text
        for word in simple.words:
            name = word.value.split("=", 1)[0]
            harmless = name in _HARMLESS_ASSIGNMENTS and not word.expands
            if not (word.is_assignment and harmless and text.startswith(word.raw)):
                break
            text = text[len(word.raw) :].lstrip(" \t")
        if text:
            pieces.append(text)
    return pieces


def command_prefix(command: str) -> str:
    """The prefix an "always allow" rule should use for a command.

    The first word; the first two for tools with subcommands (``git commit``,
    ``npm install``); three for ``npm run X``-style runners and ``python -m MODULE``.
    Leading ``NAME=value`` assignments are skipped.
    """
    commands = parse(command).commands
    if not commands:
        return ""
    words = [w.raw for w in without_assignments(commands[0].words)]
    if not words:
        return ""
    name = os.path.basename(words[0])
    if re.fullmatch(r"python[\d.]*", name) and len(words) >= 3 and words[1] == "-m":
        return " ".join(words[:3])
    if name in _SUBCOMMAND_TOOLS and len(words) >= 2:
        if name in _RUN_TOOLS and words[1] == "run" and len(words) >= 3:
            return " ".join(words[:3])
        return " ".join(words[:2])
    return words[0]
