"""Reviewing changes hunk by hunk: revert in the working tree, stage to the git index, undo.

A ``Reviewer`` holds a ``DiffSource`` (see ``core.changes.sources``) and the files it loaded. Each
operation takes a ``ReviewFile`` and the indices of the hunks it applies to (None: the
whole file, which also covers binary files and mode changes):

- ``revert`` takes the change out of the working tree (for a staged change, out of the
  index as well), placing each hunk where its lines are now, as ``patch`` does.
- ``stage`` puts an unstaged or untracked change into the index (``git apply --cached``
  of a patch of just those hunks); on a staged change it unstages it.
- ``undo`` puts back the files (and index entries) the last operation changed. Every
  operation is undoable for as long as the reviewer lives.

Operations run git and touch files: call them off the event loop.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openclaude_tui.core.changes.apply import apply_hunks
from openclaude_tui.core.changes.diff import FileDiff, HunkMismatchError
from openclaude_tui.core.changes.sources import (
    DiffSource,
    GitRepo,
    RangeSource,
    ReviewError,
    ReviewFile,
    SessionSource,
    git_bytes,
    git_text,
)
from openclaude_tui.core.changes.textfile import decode_text, write_atomic


@dataclass(frozen=True)
class _FileState:
    """A working-tree file as it was: its bytes and permission bits (None: absent)."""

    path: Path
    data: bytes | None
    mode: int | None


@dataclass(frozen=True)
class _Snapshot:
    """What one operation changed, as it was before, so it can be put back."""

    description: str
    files: tuple[_FileState, ...]
    # Index entries by path: "mode sha" or None when the path was not in the index.
    index: tuple[tuple[str, str | None], ...]


def describe_hunks(diff: FileDiff, hunks: Sequence[int] | None) -> str:
    """``hunk 2 of src/app.py`` or ``src/app.py``, for messages."""
    if hunks is None or len(hunks) == len(diff.hunks):
        return diff.path
    numbers = ", ".join(str(index + 1) for index in sorted(hunks))
    noun = "hunk" if len(hunks) == 1 else "hunks"
    return f"{noun} {numbers} of {diff.path}"


class Reviewer:
    """The operations of a review over one source, with their undo history.

    Args:
        source: Where the diffs come from.
    """

    def __init__(self, source: DiffSource) -> None:
        self.source = source
        self.files: list[ReviewFile] = []
        self._history: list[_Snapshot] = []

    @property
    def repo(self) -> GitRepo | None:
        """The git repository, or None outside git."""
        return self.source.repo

    def load(self) -> list[ReviewFile]:
        """Read the diffs again (after an operation, or when files changed)."""
        self.files = self.source.load()
        return self.files

    @property
    def can_undo(self) -> bool:
        """Whether there is an operation to undo."""
        return bool(self._history)

    def can_stage(self, file: ReviewFile) -> bool:
        """Whether ``stage`` applies to this file (a git working-tree change)."""
        return self.repo is not None and file.origin != "range"

    def stage_verb(self, file: ReviewFile) -> str:
        """``unstage`` for a staged change, else ``stage``."""
        return "unstage" if file.origin == "staged" else "stage"

    def revert(self, file: ReviewFile, hunks: Sequence[int] | None = None) -> str:
        """Take hunks (None: the whole file) out of the working tree; says what it did.

        Raises:
            ReviewError: The change cannot be reverted (the message says why); nothing
                was changed.
        """
        diff = file.diff
        whole = hunks is None or not diff.hunks or len(set(hunks)) == len(diff.hunks)
        what = describe_hunks(diff, None if whole else hunks)
        snapshot = self._snapshot(f"revert {what}", diff)
        if file.origin == "staged":
            self._revert_staged(diff, None if whole else hunks, whole)
        elif whole and (file.origin in ("unstaged", "untracked") or diff.binary or not diff.hunks):
            self._restore_whole(file)
        else:
            self._revert_text(file, None if whole else hunks)
        self._history.append(snapshot)
        return f"Reverted {what}"

    def stage(self, file: ReviewFile, hunks: Sequence[int] | None = None) -> str:
        """Stage hunks (None: the whole file), or unstage them from a staged change.

        Raises:
            ReviewError: Staging does not apply here, or git refused the patch.
        """
        repo = self.repo
        if repo is None or file.origin == "range":
            raise ReviewError(
                "Staging works on changes in a git working tree; this review shows "
                + ("commits" if file.origin == "range" else "files outside git")
            )
        diff = file.diff
        whole = hunks is None or not diff.hunks or len(set(hunks)) == len(diff.hunks)
        what = describe_hunks(diff, None if whole else hunks)
        verb = self.stage_verb(file)
        snapshot = self._snapshot(f"{verb} {what}", diff)
        paths = _paths(diff)
        if file.origin == "staged":
            if whole and repo.has_head():
                repo.run("reset", "-q", "HEAD", "--", *paths)
            elif whole:
                repo.run("rm", "--cached", "-q", "--ignore-unmatch", "--", *paths)
            else:
                repo.run("apply", "--cached", "-R", "-", stdin=git_bytes(diff.patch(hunks)))
        elif whole:
            repo.run("add", "-A", "--", *paths)
        else:
            repo.run("apply", "--cached", "-", stdin=git_bytes(diff.patch(hunks)))
        self._history.append(snapshot)
        return f"{verb.capitalize()}d {what}"

    def undo(self) -> str:
        """Put back what the last operation changed; says what was undone.

        Raises:
            ReviewError: There is nothing to undo, or the files cannot be written.
        """
        if not self._history:
            raise ReviewError("Nothing to undo")
        snapshot = self._history.pop()
        for state in snapshot.files:
            _put_file(state)
        repo = self.repo
        for name, entry in snapshot.index:
            assert repo is not None
            if entry is None:
                repo.run("update-index", "--force-remove", "--", name)
            else:
                mode, sha = entry.split()
                repo.run("update-index", "--add", "--cacheinfo", f"{mode},{sha},{name}")
        return f"Undid: {snapshot.description}"

    # The operations' parts

    def _path(self, shown: str) -> Path:
        if isinstance(self.source, SessionSource):
            return self.source.absolute(shown)
        return self.source.root / shown

    def _snapshot(self, description: str, diff: FileDiff) -> _Snapshot:
        files = []
        for shown in _paths(diff):
            path = self._path(shown)
            try:
                files.append(_FileState(path, path.read_bytes(), stat.S_IMODE(path.stat().st_mode)))
            except FileNotFoundError:
                files.append(_FileState(path, None, None))
            except OSError as error:
                raise ReviewError(f"cannot read {path}: {error.strerror or error}") from None
        index: list[tuple[str, str | None]] = []
        repo = self.repo
        for shown in _paths(diff) if repo is not None else ():
            assert repo is not None
            if not self._path(shown).is_relative_to(repo.root):
                continue
            listed = git_text(repo.run("ls-files", "-s", "--", shown)).split()
            index.append((shown, f"{listed[0]} {listed[1]}" if listed else None))
        return _Snapshot(description, tuple(files), tuple(index))

    def _read(self, path: Path) -> tuple[str | None, str]:
        """A working file's text and the codec to write it back with."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None, "surrogateescape"
        except OSError as error:
            raise ReviewError(f"cannot read {path}: {error.strerror or error}") from None
        if isinstance(self.source, SessionSource):
            # The recorded texts were decoded by the file tools; read the file the same way.
            text, form = decode_text(data)
            return text, form.encoding
        return git_text(data), "surrogateescape"

    def _revert_text(self, file: ReviewFile, hunks: Sequence[int] | None) -> None:
        """Undo hunks in the working file, wherever its lines are now."""
        diff = file.diff
        path = self._path(diff.path)
        reverted, codec = self._reversed(
            path, diff, hunks, "changed since: hunk {} is no longer in it"
        )
        if diff.status == "new" and hunks is None and not reverted:
            _remove(path)
            return
        if diff.status == "renamed" and hunks is None and isinstance(self.source, RangeSource):
            self._restore_whole(file)
            return
        _write(path, _encode(reverted, codec))

    def _reversed(
        self, path: Path, diff: FileDiff, hunks: Sequence[int] | None, problem: str
    ) -> tuple[str, str]:
        """The file's text with ``hunks`` undone, and its codec.

        Raises:
            ReviewError: a hunk is no longer in the file (``problem`` says so, its ``{}``
                filled with the hunk's number).
        """
        text, codec = self._read(path)
        try:
            return apply_hunks(text or "", diff, hunks, reverse=True), codec
        except HunkMismatchError as error:
            raise ReviewError(f"{diff.path} {problem.format(error.hunk + 1)}") from None

    def _restore_whole(self, file: ReviewFile) -> None:
        """Give the file back its old side whole (binary files, modes, deletions)."""
        diff = file.diff
        repo = self.repo
        if repo is None or file.origin == "session":
            raise ReviewError(f"{diff.path} has no text changes to revert")
        if file.origin == "untracked":
            _remove(self._path(diff.path))
        elif file.origin == "unstaged":
            repo.run("checkout", "-q", "--", *_paths(diff))
        else:
            assert isinstance(self.source, RangeSource)
            self._checkout_side(self.source.base, diff, index=False)

    def _revert_staged(self, diff: FileDiff, hunks: Sequence[int] | None, whole: bool) -> None:
        """Take a staged change out of the index and out of the working tree."""
        repo = self.repo
        assert repo is not None
        if whole and (diff.binary or not diff.hunks or diff.status in ("renamed", "copied")):
            self._checkout_side("HEAD" if repo.has_head() else None, diff, index=True)
            return
        path = self._path(diff.path)
        problem = "changed since it was staged: hunk {} is not in it"
        reverted, codec = self._reversed(path, diff, hunks, problem)
        repo.run("apply", "--cached", "-R", "-", stdin=git_bytes(diff.patch(hunks)))
        if diff.status == "new" and whole and not reverted:
            _remove(path)
        else:
            _write(path, _encode(reverted, codec))

    def _checkout_side(self, revision: str | None, diff: FileDiff, *, index: bool) -> None:
        """Make each of the diff's paths what it is at ``revision`` (absent if not there)."""
        repo = self.repo
        assert repo is not None
        for shown in _paths(diff):
            there = revision is not None and _exists_at(repo, revision, shown)
            if there and index:
                repo.run("checkout", "-q", str(revision), "--", shown)
                continue
            if index:
                repo.run("rm", "--cached", "-q", "--ignore-unmatch", "--", shown)
            if there:
                _write(self._path(shown), repo.run("show", f"{revision}:{shown}"))
            else:
                _remove(self._path(shown))


def _paths(diff: FileDiff) -> list[str]:
    """Every path a diff touches (both for a rename)."""
    return list(dict.fromkeys(path for path in (diff.old_path, diff.new_path) if path))


def _exists_at(repo: GitRepo, revision: str, path: str) -> bool:
    return bool(repo.run("ls-tree", "--name-only", revision, "--", path).strip())


def _encode(text: str, codec: str) -> bytes:
    if codec == "surrogateescape":
        return git_bytes(text)
    return text.encode(codec)


def _write(path: Path, data: bytes) -> None:
    try:
        write_atomic(path, data)
    except OSError as error:
        raise ReviewError(f"cannot write {path}: {error.strerror or error}") from None


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        raise ReviewError(f"cannot remove {path}: {error.strerror or error}") from None


def _put_file(state: _FileState) -> None:
    if state.data is None:
        _remove(state.path)
        return
    _write(state.path, state.data)
    if state.mode is not None:
        try:
            os.chmod(state.path, state.mode)
        except OSError as error:
            raise ReviewError(f"cannot restore the mode of {state.path}: {error}") from None
