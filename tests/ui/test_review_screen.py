"""The review screen on real repositories: revert, stage, undo, search, and `openclaude review`."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from openclaude_tui.cli import main
from openclaude_tui.core.changes.review import Reviewer
from openclaude_tui.core.changes.sources import RangeSource, WorktreeSource
from openclaude_tui.ui.screens.review import ReviewApp, ReviewScreen, fit_path
from openclaude_tui.ui.type_ahead import TypingTracker
from openclaude_tui.ui.widgets.diff_view import DiffView
from tests.helpers.app import unhurried

BEFORE = "".join(f"def f{i}():\n    return {i}\n\n" for i in range(30))
AFTER = BEFORE.replace("return 3\n", "return 33\n").replace("return 25\n", "return 250\n")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, check=True, text=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    git(root, "init", "-q")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.com")
    (root / "app.py").write_text(BEFORE)
    (root / "README.md").write_text("# Title\n\nSome text.\n")
    (root / "logo.png").write_bytes(b"\x89PNG\0\0")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first")
    (root / "app.py").write_text(AFTER)
    (root / "README.md").write_text("# Title\n\nSome other text.\nMore.\n")
    git(root, "add", "README.md")
    git(root, "mv", "logo.png", "icon.png")
    (root / "new.py").write_text("print('new')\n")
    return root


async def ready(pilot: Pilot[None]) -> ReviewScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    await screen.loaded.wait()
    await pilot.pause()
    return screen


async def settle(pilot: Pilot[None], screen: ReviewScreen) -> None:
    """Wait for a running operation (a worker) and the reload after it."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert not screen._busy


def test_review_screen(snap_compare: Any, repo: Path) -> None:
    """The working tree of a small repository under review, 110×30.

    On the left the files grouped as Staged (M README.md +2 −1, R icon.png), Unstaged
    (M app.py +2 −2) and Untracked (A new.py +1 −0), README.md highlighted; on the right
    their diffs with captions (staged, unstaged, untracked), "renamed from logo.png (100%
    similar)", the cursor bar on README.md's hunk; the title "Working tree against HEAD
    4 files +5 −3"; the footer keeps the keys that fit, whole, from n Next hunk to q Close.
    """

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)

    app = ReviewApp(Reviewer(WorktreeSource(repo)))
    assert snap_compare(app, terminal_size=(110, 30), run_before=run_before)


async def test_revert_a_hunk_after_confirming_then_undo(repo: Path) -> None:
    app = ReviewApp(Reviewer(WorktreeSource(repo)), TypingTracker(clock=unhurried()))
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await ready(pilot)
        await pilot.press("n", "n")  # README's hunk, then app.py's second hunk
        view = screen.query_one(DiffView)
        assert view.hunk_ref(view.current_hunk or 0) == (2, 1)
        await pilot.press("r")
        await pilot.press("n")  # the confirmation: no
        await settle(pilot, screen)
        assert (repo / "app.py").read_text() == AFTER
        await pilot.press("r", "y")
        await settle(pilot, screen)
        assert (repo / "app.py").read_text() == AFTER.replace("return 250\n", "return 25\n")
        files = [(f.origin, f.diff.path, len(f.diff.hunks)) for f in screen.reviewer.files]
        assert ("unstaged", "app.py", 1) in files
        await pilot.press("u")
        await settle(pilot, screen)
        assert (repo / "app.py").read_text() == AFTER


async def test_stage_a_hunk(repo: Path) -> None:
    app = ReviewApp(Reviewer(WorktreeSource(repo)))
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await ready(pilot)
        await pilot.press("n")  # app.py's first hunk
        await pilot.press("a")
        await settle(pilot, screen)
        cached = git(repo, "diff", "--cached", "--", "app.py")
        assert "+    return 33" in cached and "250" not in cached
        assert (repo / "app.py").read_text() == AFTER


async def test_delete_an_untracked_file_and_unstage_a_file(repo: Path) -> None:
    app = ReviewApp(Reviewer(WorktreeSource(repo)), TypingTracker(clock=unhurried()))
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await ready(pilot)
        await pilot.press("G", "R", "y")
        await settle(pilot, screen)
        assert not (repo / "new.py").exists()
        await pilot.press("g", "A")  # README.md is staged: A unstages it
        await settle(pilot, screen)
        assert "README.md" not in git(repo, "diff", "--cached", "--name-only")
        assert "README.md" in git(repo, "diff", "--name-only")


async def test_search_and_close(repo: Path) -> None:
    app = ReviewApp(Reviewer(WorktreeSource(repo)))
    async with app.run_test(size=(110, 20)) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash", *"return 250", "enter")
        await pilot.pause()
        view = screen.query_one(DiffView)
        assert view.current_file == 2 and view.hunk_ref(view.current_hunk or 0) == (2, 1)
        await pilot.press("escape")
        assert not screen.query_one("#search").display
        assert view.has_focus
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_staging_is_not_offered_for_commits(repo: Path) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "second")
    app = ReviewApp(Reviewer(RangeSource(repo, "HEAD")))
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await ready(pilot)
        assert screen.reviewer.source.title == "Commit HEAD"
        assert [f.diff.path for f in screen.reviewer.files] == [
            "README.md",
            "app.py",
            "icon.png",
            "new.py",
        ]
        assert screen.check_action("stage", (False,)) is False
        await pilot.press("a")
        await pilot.pause()
        assert git(repo, "diff", "--cached") == ""


def test_review_command_errors(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.chdir(repo)
    assert main(["review", "HEAD", "--staged"]) == 2
    assert "either REV_RANGE or --staged" in capsys.readouterr().err
    assert main(["review", "no-such-commit"]) == 2
    assert "'no-such-commit' is not a commit" in capsys.readouterr().err
    outside = tmp_path / "outside"
    outside.mkdir()
    monkeypatch.chdir(outside)
    assert main(["review"]) == 2
    assert "not inside a git repository" in capsys.readouterr().err


def test_the_main_help_points_to_review(capsys: Any) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["--help"])
    assert ended.value.code == 0
    assert "openclaude review [REV_RANGE] [--staged]" in " ".join(capsys.readouterr().out.split())


def test_a_long_path_keeps_its_end_in_the_file_list() -> None:
    path = "openclaude_tui/core/tools/files.py"
    assert fit_path(path, 40) == path
    assert fit_path(path, 24) == "…/core/tools/files.py"
    assert fit_path(path, 12) == "…/files.py"
    assert fit_path("a_very_long_file_name.py", 10) == "…e_name.py"
    assert all(len(fit_path(path, room)) <= room for room in range(1, 40))
