"""Review sources and hunk operations on real git repositories and real files."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from openclaude_tui.core.changes.file_change import FileChange
from openclaude_tui.core.changes.review import Reviewer
from openclaude_tui.core.changes.sources import (
    RangeSource,
    ReviewError,
    ReviewFile,
    SessionSource,
    WorktreeSource,
)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True)
    return done.stdout.decode("utf-8", "surrogateescape")


def make_repo(root: Path, files: dict[str, bytes]) -> Path:
    git(root, "init", "-q")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.com")
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first")
    return root


def lines(count: int, word: str = "line") -> bytes:
    return "".join(f"{word} {i}\n" for i in range(1, count + 1)).encode()


TWO_HUNKS_BEFORE = lines(40)
TWO_HUNKS_AFTER = TWO_HUNKS_BEFORE.replace(b"line 5\n", b"line five\n").replace(
    b"line 30\n", b"line thirty\n"
)


def find(files: list[ReviewFile], path: str, origin: str) -> ReviewFile:
    return next(f for f in files if f.diff.path == path and f.origin == origin)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_repo(tmp_path, {"f.txt": TWO_HUNKS_BEFORE, "s.txt": b"a\nb\n"})
    (root / "f.txt").write_bytes(TWO_HUNKS_AFTER)
    (root / "s.txt").write_bytes(b"a\nB\n")
    git(root, "add", "s.txt")
    (root / "new.txt").write_bytes(b"brand new\n")
    return root


def test_worktree_lists_staged_unstaged_and_untracked(repo: Path) -> None:
    (repo / "pic.bin").write_bytes(b"\0\1\2")
    files = Reviewer(WorktreeSource(repo)).load()
    assert [(f.origin, f.diff.path, f.diff.status_letter) for f in files] == [
        ("staged", "s.txt", "M"),
        ("unstaged", "f.txt", "M"),
        ("untracked", "new.txt", "A"),
        ("untracked", "pic.bin", "A"),
    ]
    assert files[-1].diff.binary
    staged = Reviewer(WorktreeSource(repo, staged_only=True)).load()
    assert [f.diff.path for f in staged] == ["s.txt"]


def test_revert_one_hunk_then_undo(repo: Path) -> None:
    reviewer = Reviewer(WorktreeSource(repo))
    reviewer.load()
    message = reviewer.revert(find(reviewer.files, "f.txt", "unstaged"), [1])
    assert message == "Reverted hunk 2 of f.txt"
    assert (repo / "f.txt").read_bytes() == TWO_HUNKS_BEFORE.replace(b"line 5\n", b"line five\n")
    assert len(find(reviewer.load(), "f.txt", "unstaged").diff.hunks) == 1
    assert reviewer.undo() == "Undid: revert hunk 2 of f.txt"
    assert (repo / "f.txt").read_bytes() == TWO_HUNKS_AFTER
    assert not reviewer.can_undo


def test_stage_one_hunk(repo: Path) -> None:
    reviewer = Reviewer(WorktreeSource(repo))
    reviewer.load()
    assert reviewer.stage(find(reviewer.files, "f.txt", "unstaged"), [0]) == (
        "Staged hunk 1 of f.txt"
    )
    cached = git(repo, "diff", "--cached", "--", "f.txt")
    assert "+line five" in cached and "thirty" not in cached
    assert (repo / "f.txt").read_bytes() == TWO_HUNKS_AFTER
    files = reviewer.load()
    assert len(find(files, "f.txt", "staged").diff.hunks) == 1
    assert len(find(files, "f.txt", "unstaged").diff.hunks) == 1
    reviewer.undo()
    assert git(repo, "diff", "--cached", "--", "f.txt") == ""


def test_unstage_and_revert_staged_hunks(repo: Path) -> None:
    reviewer = Reviewer(WorktreeSource(repo))
    reviewer.load()
    staged = find(reviewer.files, "s.txt", "staged")
    assert reviewer.stage_verb(staged) == "unstage"
    assert reviewer.stage(staged, [0]) == "Unstaged s.txt"
    assert git(repo, "diff", "--cached") == ""
    assert (repo / "s.txt").read_bytes() == b"a\nB\n"
    reviewer.undo()
    assert "+B" in git(repo, "diff", "--cached")
    reviewer.load()
    reviewer.revert(find(reviewer.files, "s.txt", "staged"), [0])
    assert git(repo, "diff", "--cached") == ""
    assert (repo / "s.txt").read_bytes() == b"a\nb\n"
    reviewer.undo()
    assert "+B" in git(repo, "diff", "--cached")
    assert (repo / "s.txt").read_bytes() == b"a\nB\n"


def test_whole_file_operations(repo: Path) -> None:
    reviewer = Reviewer(WorktreeSource(repo))
    reviewer.load()
    reviewer.revert(find(reviewer.files, "new.txt", "untracked"))
    assert not (repo / "new.txt").exists()
    reviewer.undo()
    assert (repo / "new.txt").read_bytes() == b"brand new\n"
    reviewer.load()
    reviewer.stage(find(reviewer.files, "new.txt", "untracked"))
    assert "new.txt" in git(repo, "diff", "--cached", "--name-only")
    reviewer.load()
    reviewer.revert(find(reviewer.files, "f.txt", "unstaged"))
    assert (repo / "f.txt").read_bytes() == TWO_HUNKS_BEFORE


def test_binary_and_mode_changes_revert_whole(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"pic.bin": b"\0old", "run.sh": b"echo\n"})
    (repo / "pic.bin").write_bytes(b"\0new")
    os.chmod(repo / "run.sh", 0o755)
    reviewer = Reviewer(WorktreeSource(repo))
    files = reviewer.load()
    assert find(files, "run.sh", "unstaged").diff.mode_changed
    reviewer.revert(find(files, "pic.bin", "unstaged"))
    reviewer.revert(find(files, "run.sh", "unstaged"))
    assert (repo / "pic.bin").read_bytes() == b"\0old"
    assert not os.access(repo / "run.sh", os.X_OK)
    assert reviewer.load() == []
    reviewer.undo()
    reviewer.undo()
    assert (repo / "pic.bin").read_bytes() == b"\0new"
    assert os.access(repo / "run.sh", os.X_OK)


def test_non_utf8_file_reverts_byte_for_byte(tmp_path: Path) -> None:
    before = "caf\xe9\n".encode("latin-1") + lines(20)
    after = before.replace(b"line 15\n", b"line \xff\n")
    repo = make_repo(tmp_path, {"legacy.txt": before})
    (repo / "legacy.txt").write_bytes(after)
    reviewer = Reviewer(WorktreeSource(repo))
    [file] = reviewer.load()
    reviewer.revert(file, [0])
    assert (repo / "legacy.txt").read_bytes() == before


def test_ranges_and_single_commits(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"f.txt": TWO_HUNKS_BEFORE})
    first = git(repo, "rev-parse", "HEAD").strip()
    (repo / "f.txt").write_bytes(TWO_HUNKS_AFTER)
    (repo / "g.txt").write_bytes(b"g\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "second")
    ranged = RangeSource(repo, f"{first}..HEAD")
    assert [(f.diff.path, f.origin) for f in ranged.load()] == [
        ("f.txt", "range"),
        ("g.txt", "range"),
    ]
    single = RangeSource(repo, "HEAD")
    assert single.title == "Commit HEAD"
    assert [f.diff.path for f in single.load()] == ["f.txt", "g.txt"]
    root = RangeSource(repo, first)
    [created] = root.load()
    assert created.diff.status == "new"
    reviewer = Reviewer(single)
    files = reviewer.load()
    reviewer.revert(files[0], [0])
    assert (repo / "f.txt").read_bytes() == TWO_HUNKS_AFTER.replace(b"line five\n", b"line 5\n")
    with pytest.raises(ReviewError, match="Staging works on changes in a git working tree"):
        reviewer.stage(files[0], [0])
    with pytest.raises(ReviewError, match="is not a commit"):
        RangeSource(repo, "nope..HEAD")


def test_session_changes_outside_git(tmp_path: Path) -> None:
    edited = tmp_path / "a.txt"
    created = tmp_path / "made.txt"
    edited.write_bytes(TWO_HUNKS_AFTER)
    created.write_text("hello\n")
    changes = [
        FileChange(edited, TWO_HUNKS_BEFORE.decode(), "irrelevant"),
        FileChange(created, None, "hello\n"),
        FileChange(edited, "irrelevant", TWO_HUNKS_AFTER.decode()),
    ]
    source = SessionSource(changes, tmp_path)
    assert source.repo is None
    reviewer = Reviewer(source)
    files = reviewer.load()
    assert [(f.diff.path, f.diff.status, f.origin) for f in files] == [
        ("a.txt", "modified", "session"),
        ("made.txt", "new", "session"),
    ]
    assert not reviewer.can_stage(files[0])
    reviewer.revert(files[0], [0])
    assert edited.read_bytes() == TWO_HUNKS_AFTER.replace(b"line five\n", b"line 5\n")
    reviewer.revert(files[1])
    assert not created.exists()
    reviewer.undo()
    reviewer.undo()
    assert edited.read_bytes() == TWO_HUNKS_AFTER
    assert created.read_text() == "hello\n"


def test_revert_refused_when_the_file_moved_on(repo: Path) -> None:
    reviewer = Reviewer(WorktreeSource(repo))
    reviewer.load()
    (repo / "f.txt").write_bytes(b"rewritten\n")
    with pytest.raises(ReviewError, match="no longer in it"):
        reviewer.revert(find(reviewer.files, "f.txt", "unstaged"), [0])
    assert (repo / "f.txt").read_bytes() == b"rewritten\n"
    assert not reviewer.can_undo


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(ReviewError, match="not inside a git repository"):
        WorktreeSource(tmp_path)
