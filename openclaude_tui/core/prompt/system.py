"""The system prompt: how to work, the offered tools, the environment, git, project memory.

The prompt is built once for a conversation: git status and the date are a snapshot of
that moment (the prompt says so), which also keeps the prompt's prefix stable for servers
that cache it.

What git says comes from ``core.git.state``.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openclaude_tui.core.git.state import GitState, find_project_root, read_git_state
from openclaude_tui.core.prompt.memory import MemoryFile, load_project_memory

__all__ = [
    "MemoryFile",
    "PromptEnvironment",
    "build_system_prompt",
    "gather_environment",
    "load_project_memory",
]


@dataclass
class PromptEnvironment:
    """What the system prompt describes.

    Attributes:
        cwd: The working directory tools start from.
        project_root: The git root, or ``cwd`` outside git (see ``find_project_root``).
        permission_mode: The permission mode the conversation starts in (e.g. ``plan``).
        tool_names: The tools offered to the model, by name.
        model: The model's name, when known.
        now: The moment to date the prompt with; the current time when None.
        skills: The skills the Skill tool can load, as (name, description).
        coordinating: The agent plans and delegates to sub-agents (coordinator mode).
    """

    cwd: Path
    project_root: Path
    permission_mode: str
    tool_names: list[str]
    model: str = ""
    now: datetime | None = None
    skills: list[tuple[str, str]] = field(default_factory=list)
    coordinating: bool = False


def gather_environment(
    cwd: Path,
    permission_mode: str,
    tool_names: Iterable[str],
    model: str = "",
    now: datetime | None = None,
) -> PromptEnvironment:
    """A ``PromptEnvironment`` for ``cwd``, with the project root found from it."""
    cwd = cwd.absolute()
    return PromptEnvironment(
        cwd=cwd,
        project_root=find_project_root(cwd),
        permission_mode=permission_mode,
        tool_names=list(tool_names),
        model=model,
        now=now,
    )


def build_system_prompt(env: PromptEnvironment) -> str:
    """The full system prompt for a conversation in ``env``."""
    tools = set(env.tool_names)
    sections = [
        _INTRO,
        _working_rules(tools),
        _tool_section(env.tool_names),
        _COORDINATING if env.coordinating else "",
        _skills_section(env.skills),
        _environment_section(env),
        _git_section(read_git_state(env.project_root)),
        _memory_section(load_project_memory(env.project_root, env.cwd)),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


# --- prompt text -----------------------------------------------------------------------------

_COORDINATING = """\
# Coordinating
You are the coordinator of this task. You do not change files or run commands yourself: \
you plan, delegate and review.
1. Look at the request and the code just enough to split the work into independent pieces; \
record them with TodoWrite.
2. Give each piece to a worker with the Task tool: a prompt that stands on its own (the \
worker sees nothing of this conversation: name the files, the goal and how to check it). \
Pieces that do not depend on each other go in one message, so the workers run side by side.
3. Read what each worker reports, and check its work where it matters (Read, Grep). Send a \
worker again with what is wrong, or mark the piece done.
4. End with a short account of what was done and what is left."""

_INTRO = """\
You are OpenClaude, a coding agent working in the user's terminal. You help with software \
engineering: reading and explaining code, fixing bugs, adding features, refactoring, running \
commands and tests. You act through the tools listed below; the user sees every tool call \
you make and every change to a file."""

_PERMISSION_MODES = {
    "default": (
        "Calls that change files or run commands may wait for the user's approval. If the "
        "user denies one, do not retry it unchanged: take the reason into account, or ask."
    ),
    "acceptedits": (
        "File edits are applied without asking; other calls that change things may still "
        "wait for approval. If the user denies one, do not retry it unchanged."
    ),
    "bypasspermissions": (
        "Every call runs without asking, so nobody checks a destructive command before it "
        "runs: be especially careful with deletions, resets and anything irreversible."
    ),
    "plan": (
        "PLAN MODE: nothing may be changed. Do not edit, write, move or delete files and do "
        "not run commands that change anything (no installs, builds that write files, git "
        "commits or checkouts). Use read-only tools to investigate, then present a concrete "
        "plan (which files change and how, and how to verify the result) and stop there. "
        "The user reviews the plan and leaves plan mode before any of it is carried out."
    ),
}

# The list of skills: each description cut, and the whole list bounded.
SKILL_DESCRIPTION_LIMIT = 250
SKILLS_BUDGET = 6000

_TOOL_HINTS = {
    "Read": "read a file as numbered lines; read a large file in parts with offset and limit.",
    "Edit": (
        "replace an exact piece of a file (old_string → new_string). The old text must match "
        "exactly once, so include enough surrounding lines; read the file first."
    ),
    "MultiEdit": (
        "several exact replacements in one file, applied in order and all or none; prefer it "
        "to a series of Edits of the same file."
    ),
    "NotebookEdit": "replace, insert or delete one cell of a Jupyter notebook (.ipynb).",
    "Write": "create a file, or replace one whose content changes almost entirely.",
    "Bash": (
        "run a shell command: builds, tests, git, package managers. The working directory "
        "persists between calls. Avoid commands that wait for input (editors, pagers, "
        "prompts); pass flags such as --yes or --no-pager instead."
    ),
    "BashOutput": "read what a background command (Bash run_in_background) printed since "
    "the last read, and whether it is still running.",
    "KillShell": "stop a background command you started when it is no longer needed.",
    "Grep": "search file contents with a regular expression (ripgrep); respects .gitignore.",
    "Glob": "find files by name pattern such as **/*.py, newest first.",
    "TodoWrite": "keep the task list for work with several steps.",
    "WebFetch": (
        "read a web page and get an answer about it (raw: true for its Markdown); each new "
        "domain asks the user."
    ),
    "WebSearch": "search the web for what is newer than you know; read results with WebFetch.",
}


def _working_rules(tools: set[str]) -> str:
    rules = [
        "Keep answers short: a few sentences unless the user asks for more. No preamble, no "
        "closing summary of what the tool calls already show. Refer to code as `path:line`.",
        "Understand before you change anything: read the relevant code, its conventions and "
        "its tests. Never guess or invent what a file contains; read it.",
    ]
    if "Edit" in tools:
        rules.append(
            "Change existing files with Edit, in small exact replacements, rather than "
            "rewriting them whole."
        )
    rules.append(
        "Match the project's style, libraries and structure; add no dependency without need."
    )
    if "Bash" in tools:
        rules.append(
            "After a change, check it: run the relevant tests, linter or the program itself, "
            "and fix what you broke before saying you are done."
        )
    if "TodoWrite" in tools:
        rules.append(
            "For work with several steps, keep a todo list with TodoWrite: one item in "
            "progress at a time, each marked done as soon as it is."
        )
    rules += [
        "Give paths as absolute paths or relative to the working directory below.",
        "Do what was asked and no more. Do not commit, push, delete or install unless asked; "
        "confirm before anything destructive or hard to undo.",
        "When you are blocked (a tool keeps failing, information is missing, the request is "
        "ambiguous, a call was denied) stop and say so plainly, with what you need, instead "
        "of guessing or repeating the same call.",
    ]
    return "# How to work\n" + "\n".join(f"- {rule}" for rule in rules)


def _tool_section(tool_names: list[str]) -> str:
    if not tool_names:
        return (
            "# Tools\nNo tools are available in this conversation: answer from what you "
            "know and what the user shows you, and say when you would need to look at files."
        )
    lines = [
        "# Tools",
        f"Available tools: {', '.join(tool_names)}.",
        "Call tools instead of describing what you would do. Calls that do not depend on "
        "each other can go in the same message.",
    ]
    if "Bash" in tool_names and {"Read", "Grep", "Glob"} & set(tool_names):
        lines.append(
            "Use Read, Grep and Glob to look at files rather than cat, grep or find in Bash."
        )
    lines += [f"- {name}: {_TOOL_HINTS[name]}" for name in tool_names if name in _TOOL_HINTS]
    return "\n".join(lines)


def _skills_section(skills: list[tuple[str, str]]) -> str:
    """The skills' descriptions, each cut and the whole list within its budget."""
    if not skills:
        return ""
    lines = [
        "# Skills",
        "Skills hold instructions for particular tasks. When the task at hand matches a "
        "skill's description, load it with the Skill tool (skill: its name) before you start, "
        "and follow it.",
    ]
    used = sum(len(line) for line in lines)
    for index, (name, text) in enumerate(skills):
        description = " ".join(text.split())
        if len(description) > SKILL_DESCRIPTION_LIMIT:
            description = description[: SKILL_DESCRIPTION_LIMIT - 1] + "…"
        line = f"- {name}: {description}"
        if used + len(line) > SKILLS_BUDGET:
            lines.append(f"- … and {len(skills) - index} more (the Skill tool names them all)")
            break
        lines.append(line)
        used += len(line)
    return "\n".join(lines)


def _environment_section(env: PromptEnvironment) -> str:
    now = env.now or datetime.now().astimezone()
    mode = env.permission_mode
    mode_text = _PERMISSION_MODES.get(mode.lower().replace("-", "").replace("_", ""))
    lines = [
        "# Environment",
        "A snapshot taken when this conversation started.",
        f"- Working directory: {env.cwd}",
        f"- Project root: {env.project_root}",
        f"- Platform: {_platform_name()}",
        f"- Shell: {os.environ.get('SHELL') or 'bash'}",
        f"- Date: {now:%Y-%m-%d (%A)}",
    ]
    if env.model:
        lines.append(f"- Model: {env.model}")
    lines.append(f"- Permission mode: {mode}" + (f". {mode_text}" if mode_text else ""))
    return "\n".join(lines)


def _platform_name() -> str:
    system = platform.system()
    if system == "Darwin":
        return f"macOS {platform.mac_ver()[0]} ({platform.machine()})"
    return f"{system} {platform.release()} ({platform.machine()})"


def _git_section(state: GitState | None) -> str:
    if state is None:
        return "# Git\nThe project is not a git repository."
    lines = ["# Git", f"- Repository: {state.root}"]
    if state.branch is not None:
        suffix = "" if state.head else " (no commits yet)"
        lines.append(f"- Branch: {state.branch}{suffix}")
    elif state.head is not None:
        lines.append(f"- Branch: none (detached HEAD at {state.head})")
    if state.default_branch:
        lines.append(f"- Default branch: {state.default_branch}")
    if state.status or state.more_changes:
        lines.append("- Status (git status --porcelain):")
        lines += [f"    {line}" for line in state.status or ()]
        if state.more_changes:
            lines.append(f"    … and {state.more_changes:,} more")
    elif state.status is not None:
        lines.append("- Status: clean")
    if state.commits:
        lines.append("- Recent commits:")
        lines += [f"    {commit}" for commit in state.commits]
    elif state.head is None and state.branch is not None:
        lines.append("- Commits: none; this is an empty repository")
    lines += [f"- Not available: {problem}" for problem in state.problems]
    return "\n".join(lines)


def _memory_section(memory: list[MemoryFile]) -> str:
    if not memory:
        return ""
    parts = [
        "# Project memory\n"
        "Instructions the user keeps in memory files, most general first. Follow them; "
        "where they differ from the guidance above, they take precedence."
    ]
    parts += [f"## {item.path}\n{item.text.strip()}" for item in memory]
    return "\n\n".join(parts)
