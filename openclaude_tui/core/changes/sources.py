"""Where the diffs under review come from: the agent's own changes, or git.

A ``DiffSource`` loads a list of ``ReviewFile`` (a file's diff and where it comes from):

- ``SessionSource``: the changes the file tools recorded in this conversation, each file
  from its content before the first change to its content on disk now. Needs no git.
- ``WorktreeSource``: the working tree against HEAD, as git sees it: staged changes
  (index against HEAD), unstaged ones (working tree against index) and untracked files;
  or only the staged ones.
- ``RangeSource``: a revision range (``A..B``, ``A...B``) or a single commit.

Git runs through gitpython (imported on first use: it is slow to import). Its output is
read as bytes and decoded as UTF-8 with ``surrogateescape``, so files in other encodings
still turn back into the exact bytes when a hunk is reverted or staged.
"""

from __future__ import annotations

import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from openclaude_tui.core.changes.diff import DiffParseError, FileDiff, diff_texts, parse_diff
from openclaude_tui.core.changes.file_change import FileChange
from openclaude_tui.core.changes.textfile import decode_text
from openclaude_tui.core.git.safety import GitSettingsError, git_argv, safe_variables

Origin = Literal["session", "staged", "unstaged", "untracked", "range"]
ORIGIN_LABELS: dict[Origin, str] = {
    "session": "changed by the agent",
    "staged": "staged",
    "unstaged": "unstaged",
    "untracked": "untracked",
    "range": "committed",
}
# The empty tree's id: what a root commit is compared with.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
# Bytes read to decide whether an untracked file is binary, as git does.
_SNIFF = 8000
# git.safety adds --no-ext-diff and --no-textconv: the repository's programs never run.
_DIFF_OPTIONS = (
    "--no-color",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "-M",
)


class ReviewError(Exception):
    """Something the user asked for cannot be done; the message says why."""


@dataclass(frozen=True)
class ReviewFile:
    """One file's diff in a review, and which change it shows."""

    diff: FileDiff
    origin: Origin


def git_text(data: bytes) -> str:
    """Git's output or a file's bytes as text that encodes back to the same bytes."""
    return data.decode("utf-8", "surrogateescape")


def git_bytes(text: str) -> bytes:
    """The bytes ``git_text`` read."""
    return text.encode("utf-8", "surrogateescape")


class GitRepo:
    """A git repository, with the few commands a review needs.

    Args:
        path: Any directory inside the repository.

    Raises:
        ReviewError: ``path`` is not inside a git working tree.
    """

    def __init__(self, path: Path) -> None:
        import git

        try:
            self._repo = git.Repo(path, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise ReviewError(f"{path} is not inside a git repository") from None
        if self._repo.working_tree_dir is None:
            raise ReviewError(f"{path} is in a bare git repository, which has no files")
        self.root = Path(self._repo.working_tree_dir)

    def run(self, *args: str, stdin: bytes | None = None) -> bytes:
        """Run ``git args…`` at the root; its standard output.

        Raises:
            ReviewError: Git failed; the message is git's own.
        """
        import git

        command = git_argv(args, options=("--literal-pathspecs", "-c", "core.quotePath=false"))
        try:
            variables = safe_variables(self.root)
        except (GitSettingsError, OSError) as error:
            raise ReviewError(f"git {args[0]} was not run: {error}") from None
        try:
            with tempfile.TemporaryFile() as feed:
                if stdin is not None:
                    feed.write(stdin)
                    feed.seek(0)
                return self._repo.git.execute(
                    command,
                    env=variables,
                    istream=feed if stdin is not None else None,
                    stdout_as_string=False,
                    strip_newline_in_stdout=False,
                )
        except git.GitCommandError as error:
            stderr = error.stderr
            text = git_text(stderr) if isinstance(stderr, bytes) else str(stderr)
            text = text.strip().removeprefix("stderr:").strip().strip("'").strip()
            raise ReviewError(f"git {args[0]} failed: {text or error}") from None

    def diff(self, *args: str) -> list[FileDiff]:
        """``git diff`` with fixed, parseable options, read into file diffs."""
        output = git_text(self.run("diff", *_DIFF_OPTIONS, *args))
        try:
            return parse_diff(output)
        except DiffParseError as error:
            raise ReviewError(f"git's diff could not be read: {error}") from None

    def has_head(self) -> bool:
        """Whether HEAD points at a commit (not the case before the first commit)."""
        return self.resolves("HEAD")

    def resolves(self, revision: str) -> bool:
        """Whether ``revision`` names a commit."""
        try:
            self.run("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
        except ReviewError:
            return False
        return True

    def untracked(self) -> list[str]:
        """Untracked files that are not ignored, relative to the root."""
        names = git_text(self.run("ls-files", "--others", "--exclude-standard", "-z"))
        return [name for name in names.split("\0") if name]


class DiffSource(ABC):
    """Loads the diffs a review shows.

    Attributes:
        title: What the review shows, for its heading.
        root: The directory the diffs' paths are relative to.
        repo: The git repository, or None outside git.
    """

    title: str
    root: Path
    repo: GitRepo | None = None

    @abstractmethod
    def load(self) -> list[ReviewFile]:
        """The files with changes, in display order.

        Raises:
            ReviewError: The diffs cannot be read.
        """

    def caption(self, file: ReviewFile) -> str:
        """What the review says of where ``file``'s change comes from."""
        return ORIGIN_LABELS[file.origin]


class SessionSource(DiffSource):
    """The changes the agent's file tools made in this conversation.

    Args:
        changes: The recorded changes, oldest first (``ToolContext.changes``).
        root: The project root; paths inside it are shown relative to it.
    """

    title = "Changes made by the agent"

    def __init__(self, changes: Sequence[FileChange], root: Path) -> None:
        self.changes = changes
        self.root = root
        try:
            self.repo = GitRepo(root)
        except ReviewError:
            self.repo = None

    def originals(self) -> dict[Path, str | None]:
        """Each changed file's content before the agent's first change to it."""
        first: dict[Path, str | None] = {}
        for change in self.changes:
            first.setdefault(change.path, change.before)
        return first

    def load(self) -> list[ReviewFile]:
        """Each changed file from its original content to what is on disk now."""
        files: list[ReviewFile] = []
        for path, before in self.originals().items():
            now = read_text(path)
            if now == before:
                continue
            files.append(ReviewFile(diff_texts(before, now, self.display_path(path)), "session"))
        return files

    def display_path(self, path: Path) -> str:
        """The path as the review names it."""
        return (
            path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)
        )

    def absolute(self, shown: str) -> Path:
        """The file a shown path names."""
        return Path(shown) if Path(shown).is_absolute() else self.root / shown


def read_text(path: Path) -> str | None:
    """A file's text decoded as the file tools decode it, or None when it does not exist."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ReviewError(f"cannot read {path}: {error.strerror or error}") from None
    return decode_text(data)[0]


class WorktreeSource(DiffSource):
    """The working tree against HEAD: staged, unstaged and untracked changes.

    Args:
        path: A directory inside the repository.
        staged_only: Show only what is staged (index against HEAD).
    """

    def __init__(self, path: Path, *, staged_only: bool = False) -> None:
        self.repo = GitRepo(path)
        self.root = self.repo.root
        self.staged_only = staged_only
        self.title = "Staged changes" if staged_only else "Working tree against HEAD"

    def load(self) -> list[ReviewFile]:
        """Staged files first, then unstaged ones, then untracked ones."""
        assert self.repo is not None
        files = [ReviewFile(diff, "staged") for diff in self.repo.diff("--cached")]
        if self.staged_only:
            return files
        files += [ReviewFile(diff, "unstaged") for diff in self.repo.diff()]
        for name in self.repo.untracked():
            files.append(ReviewFile(untracked_diff(self.root, name), "untracked"))
        return files


def untracked_diff(root: Path, name: str) -> FileDiff:
    """A new file's diff, read from disk (binary files get no hunks, as in git)."""
    path = root / name
    try:
        data = path.read_bytes()
        executable = os.access(path, os.X_OK)
    except OSError as error:
        raise ReviewError(f"cannot read {path}: {error.strerror or error}") from None
    mode = "100755" if executable else "100644"
    if b"\0" in data[:_SNIFF]:
        return FileDiff(None, name, "new", new_mode=mode, binary=True)
    diff = diff_texts(None, git_text(data), name)
    return FileDiff(None, name, "new", diff.hunks, new_mode=mode)


class RangeSource(DiffSource):
    """A revision range (``A..B``, ``A...B``) or one commit's changes.

    Args:
        path: A directory inside the repository.
        revisions: The range, or a single commit.

    Raises:
        ReviewError: The revisions do not name commits.
    """

    def __init__(self, path: Path, revisions: str) -> None:
        self.repo = GitRepo(path)
        self.root = self.repo.root
        self.revisions = revisions
        self.base, self.tip = self._ends(revisions)
        self.title = revisions if ".." in revisions else f"Commit {revisions}"

    def _ends(self, revisions: str) -> tuple[str, str]:
        """The two commits compared (the merge base for ``A...B``)."""
        assert self.repo is not None
        if "..." in revisions:
            left, right = (part or "HEAD" for part in revisions.split("...", 1))
            self._check(left, right)
            base = git_text(self.repo.run("merge-base", left, right)).strip()
            return base, right
        if ".." in revisions:
            left, right = (part or "HEAD" for part in revisions.split("..", 1))
            self._check(left, right)
            return left, right
        self._check(revisions)
        parent = f"{revisions}^"
        return (parent if self.repo.resolves(parent) else EMPTY_TREE), revisions

    def _check(self, *revisions: str) -> None:
        assert self.repo is not None
        for revision in revisions:
            if not self.repo.resolves(revision):
                raise ReviewError(f"{revision!r} is not a commit in {self.root}")

    def load(self) -> list[ReviewFile]:
        """The files that differ between the two ends."""
        assert self.repo is not None
        return [ReviewFile(diff, "range") for diff in self.repo.diff(self.base, self.tip)]
