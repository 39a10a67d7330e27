"""What git says about the project: its root, branch, status and recent commits.

gitpython is imported inside ``read_git_state`` only, because importing it is slow and most
callers (print mode's quick paths, the app's first frame) never need it; ``current_branch``
reads ``.git/HEAD`` itself for the same reason.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from openclaude_tui.core.git.safety import GitSettingsError, run_git, safe_variables

if TYPE_CHECKING:
    import git

STATUS_LINE_LIMIT = 40
RECENT_COMMIT_COUNT = 5
# Enough for git status on a large checkout with a cold cache; past it the prompt goes
# without status rather than keep the user waiting.
GIT_TIMEOUT_SECONDS = 10.0


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


def current_branch(start: Path) -> str | None:
    """The checked-out branch of the repository holding ``start`` (short hash if detached).

    Read from ``.git/HEAD`` directly: starting a git process or gitpython would cost more
    than the app's whole first frame.
    """
    for directory in (start, *start.parents):
        dot_git = directory / ".git"
        try:
            if dot_git.is_file():
                pointer = dot_git.read_text(encoding="utf-8").strip()
                if not pointer.startswith("gitdir:"):
                    return None
                git_dir = (directory / pointer.removeprefix("gitdir:").strip()).resolve()
            elif dot_git.is_dir():
                git_dir = dot_git
            else:
                continue
            head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
        except OSError:
            return None
        if head.startswith("ref: refs/heads/"):
            return head.removeprefix("ref: refs/heads/")
        return head[:7] or None
    return None
