"""The system prompt: how to work, the offered tools, the environment, git, project memory.

The prompt is built once for a conversation: git status and the date are a snapshot of
that moment (the prompt says so), which also keeps the prompt's prefix stable for servers
that cache it.

gitpython is imported inside ``read_git_state`` only, because importing it is slow and most
callers (print mode's quick paths, the UI's first frame) never need it.
"""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from openclaude_tui.core.git_safety import GitSettingsError, run_git, safe_variables
from openclaude_tui.core.prompt.memory import MemoryFile, load_project_memory

__all__ = [
    "GitState",
    "MemoryFile",
    "PromptEnvironment",
    "build_system_prompt",
    "find_project_root",
    "gather_environment",
    "load_project_memory",
    "read_git_state",
]

if TYPE_CHECKING:
    import git

STATUS_LINE_LIMIT = 40
RECENT_COMMIT_COUNT = 5
# Enough for git status on a large checkout with a cold cache; past it the prompt goes
# without status rather than keep the user waiting.
GIT_TIMEOUT_SECONDS = 10.0


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
    """

    cwd: Path
    project_root: Path
    permission_mode: str
    tool_names: list[str]
    model: str = ""
    now: datetime | None = None


@dataclass(frozen=True)
class GitState:
    """What the prompt says about the repository.

    Attributes:
        root: The repository's work tree.
        branch: The current branch (also when it has no commits yet); None when detached.
        head: The short sha of HEAD; None in a repository without commits.
        default_branch: origin/HEAD's branch, else ``main`` or ``master`` if one exists.
        status: The first lines of ``git status --porcelain``; None when status failed.
        more_changes: How many status lines were left out.
        commits: The most recent commits as ``<short sha> <subject>``, newest first.
        problems: What could not be read, told to the model instead of the missing part.
    """

    root: Path
    branch: str | None = None
    head: str | None = None
    default_branch: str | None = None
    status: tuple[str, ...] | None = ()
    more_changes: int = 0
    commits: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


def find_project_root(cwd: Path) -> Path:
    """The root of the git repository ``cwd`` is in, or ``cwd`` itself outside git.

    A ``.git`` file counts as well as a directory (worktrees and submodules use a file).
    """
    start = cwd.absolute()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


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
        _environment_section(env),
        _git_section(read_git_state(env.project_root)),
        _memory_section(load_project_memory(env.project_root, env.cwd)),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


# --- git -------------------------------------------------------------------------------------


def read_git_state(path: Path) -> GitState | None:
    """What git says about the repository ``path`` is in; None when it is not in one.

    Never raises: whatever cannot be read is listed in ``GitState.problems``.
    """
    # Checked before importing gitpython, which is slow to import.
    if not (find_project_root(path) / ".git").exists():
        return None
    try:
        import git
    except ImportError as error:  # gitpython refuses to import when no git binary is found
        return GitState(root=path, problems=(f"git is unavailable: {error}",))
    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.exc.InvalidGitRepositoryError, git.exc.NoSuchPathError):
        return None
    except (git.exc.GitError, OSError, ValueError) as error:
        return GitState(root=path, problems=(f"the repository could not be read: {error}",))
    with repo:
        root = Path(repo.working_tree_dir or repo.git_dir)
        try:
            variables = safe_variables(root)
        except (GitSettingsError, OSError) as error:
            return GitState(root=root, problems=(f"the repository could not be read: {error}",))
        # gitpython runs git itself (cat-file, to check HEAD): with the same protection.
        repo.git.update_environment(**variables)
        return _read_repo(repo, root, variables)


def _read_repo(repo: git.Repo, root: Path, variables: Mapping[str, str]) -> GitState:
    import git

    problems: list[str] = []
    branch = head = None
    try:
        if not repo.head.is_detached:
            branch = repo.head.reference.name
        if repo.head.is_valid():
            head = repo.head.commit.hexsha[:7]
    except (git.exc.GitError, OSError, ValueError, TypeError) as error:
        problems.append(f"HEAD could not be read: {error}")

    status: tuple[str, ...] | None = ()
    more = 0
    if repo.working_tree_dir is not None:
        try:
            status, more = _status(root, variables)
        except _GitFailed as error:
            status = None
            problems.append(f"git status failed: {error}")

    commits: list[str] = []
    if head is not None:
        try:
            log = _run_git(
                root,
                variables,
                "log",
                f"-{RECENT_COMMIT_COUNT}",
                "--no-show-signature",
                "--format=%h %s",
            )
            commits = log.splitlines()
        except _GitFailed as error:
            problems.append(f"git log failed: {error}")

    return GitState(
        root=root,
        branch=branch,
        head=head,
        default_branch=_default_branch(repo),
        status=status,
        more_changes=more,
        commits=tuple(commits),
        problems=tuple(problems),
    )


def _default_branch(repo: git.Repo) -> str | None:
    import git

    try:
        origin_head = git.SymbolicReference(repo, "refs/remotes/origin/HEAD")
        if origin_head.is_valid():
            return origin_head.reference.remote_head
        for name in ("main", "master"):
            if name in repo.heads:
                return name
    except (git.exc.GitError, OSError, ValueError, TypeError):
        # Odd refs (a dangling origin/HEAD, unreadable packed-refs) only cost this one line.
        pass
    return None


def _status(root: Path, variables: Mapping[str, str]) -> tuple[tuple[str, ...], int]:
    """The first status lines and how many more there are."""
    # --untracked-files=normal lists an untracked directory as one line instead of every
    # file in it; the whole output is still counted so the prompt can say how much is left.
    output = _run_git(root, variables, "status", "--porcelain", "--untracked-files=normal")
    lines = output.splitlines()
    return tuple(lines[:STATUS_LINE_LIMIT]), max(0, len(lines) - STATUS_LINE_LIMIT)


class _GitFailed(Exception):
    """A git command failed, timed out or could not start."""


def _run_git(root: Path, variables: Mapping[str, str], *args: str) -> str:
    """Git's output at ``root``, run with the repository's programs switched off."""
    options = (
        # Status would otherwise refresh the index and take its lock, which can make a
        # git command the user or the agent runs at the same moment fail.
        "--no-optional-locks",
        # Non-ASCII paths as they are, not as octal escapes the model cannot read.
        "-c",
        "core.quotePath=false",
        "-c",
        "color.ui=false",
    )
    try:
        completed = run_git(
            root, *args, options=options, timeout=GIT_TIMEOUT_SECONDS, variables=variables
        )
    except subprocess.TimeoutExpired:
        raise _GitFailed(f"no answer within {GIT_TIMEOUT_SECONDS:g} s") from None
    except OSError as error:
        raise _GitFailed(str(error)) from None
    stderr = completed.stderr.decode("utf-8", "replace")
    if completed.returncode != 0:
        message = stderr.strip().splitlines()
        raise _GitFailed(message[-1] if message else f"exit status {completed.returncode}")
    return completed.stdout.decode("utf-8", "replace")


# --- prompt text -----------------------------------------------------------------------------

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

_TOOL_HINTS = {
    "Read": "read a file as numbered lines; read a large file in parts with offset and limit.",
    "Edit": (
        "replace an exact piece of a file (old_string → new_string). The old text must match "
        "exactly once, so include enough surrounding lines; read the file first."
    ),
    "Write": "create a file, or replace one whose content changes almost entirely.",
    "Bash": (
        "run a shell command: builds, tests, git, package managers. The working directory "
        "persists between calls. Avoid commands that wait for input (editors, pagers, "
        "prompts); pass flags such as --yes or --no-pager instead."
    ),
    "Grep": "search file contents with a regular expression (ripgrep); respects .gitignore.",
    "Glob": "find files by name pattern such as **/*.py, newest first.",
    "TodoWrite": "keep the task list for work with several steps.",
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
