"""The review screen's keys and panes: every file reachable with ``]``/``[``, keys typed while
it loads ignored, an empty review explained, and inside the app the search bar and the revert
confirmation drawn as in ``openclaude review``."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot

from openclaude_tui.core.changes.review import Reviewer, ReviewFile
from openclaude_tui.core.changes.sources import WorktreeSource
from openclaude_tui.ui.screens.review import ConfirmScreen, ReviewApp, ReviewScreen
from tests.helpers.app import (
    CLOSED_URL,
    idle,
    make_app,
    make_config,
    open_review,
    screen_text,
)
from tests.helpers.repos import git

pytestmark = pytest.mark.usefixtures("home")

BODY = "".join(f"line {i}\n" for i in range(40))


def committed(root: Path, files: dict[str, bytes]) -> Path:
    """``root`` as a fresh repository holding ``files`` in its first commit."""
    root.mkdir()
    git(root, "init", "-q")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.com")
    for name, data in files.items():
        (root / name).write_bytes(data)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first")
    return root


class HeldReviewer(Reviewer):
    """A reviewer whose loading waits until the test lets it go on (the diff of a big
    repository, or a slow disk)."""

    def __init__(self, source: WorktreeSource) -> None:
        super().__init__(source)
        self.go_on = threading.Event()

    def load(self) -> list[ReviewFile]:
        self.go_on.wait(timeout=30)
        return super().load()


async def loaded(pilot: Pilot[object], screen: ReviewScreen) -> None:
    await screen.loaded.wait()
    await pilot.pause()


async def test_next_and_previous_file_reach_every_file_past_binary_ones(tmp_path: Path) -> None:
    names = ["a.py", "b.png", "c.py", "d.png", "e.py", "f.png"]
    root = committed(
        tmp_path / "repo",
        {n: BODY.encode() if n.endswith(".py") else b"\x89PNG\0\0" for n in names},
    )
    for name in names:
        if name.endswith(".py"):
            (root / name).write_text(BODY.replace("line 5\n", "five\n").replace("30", "thirty"))
        else:
            (root / name).write_bytes(b"\x89PNG\0\1")
    app = ReviewApp(Reviewer(WorktreeSource(root)))
    async with app.run_test(size=(100, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await loaded(pilot, screen)
        view = screen.view
        assert [diff.path for diff in view.file_diffs] == names
        forward, backward = [], []
        for _ in names:
            await pilot.press("right_square_bracket")
            forward.append(view.current_file)
        for _ in names:
            await pilot.press("left_square_bracket")
            backward.append(view.current_file)
    assert forward == [1, 2, 3, 4, 5, 5]
    assert backward == [4, 3, 2, 1, 0, 0]


async def test_keys_typed_while_the_diff_loads_act_on_nothing(project: Path) -> None:
    (project / "notes.txt").write_text("one\n")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "notes")
    (project / "notes.txt").write_text("two\n")
    reviewer = HeldReviewer(WorktreeSource(project))
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(100, 24)) as pilot:
        await idle(pilot)
        screen = ReviewScreen(reviewer)
        await app.push_screen(screen)
        await pilot.pause()
        # The pane says what is happening instead of staying blank.
        assert "Reading the changes" in screen_text(app)
        await pilot.press("r", "R", "a", "s", "z", "slash", "y", "tab", "enter")
        assert app.screen is screen
        reviewer.go_on.set()
        await loaded(pilot, screen)
        assert app.screen is screen
        assert not screen.query_one("#search").display
        assert not screen.view.split
        assert screen.view.has_focus
        assert (project / "notes.txt").read_text() == "two\n"
        nothing_staged = subprocess.run(["git", "diff", "--cached", "--quiet"], cwd=project)
        assert nothing_staged.returncode == 0
        # Once shown, the same key asks.
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmScreen)


async def test_an_empty_review_says_no_changes_and_what_it_compared(tmp_path: Path) -> None:
    root = committed(tmp_path / "repo", {"a.txt": b"x\n"})
    app = ReviewApp(Reviewer(WorktreeSource(root)))
    async with app.run_test(size=(100, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await loaded(pilot, screen)
        # The footer is redrawn a moment after the keys offered change.
        for _ in range(100):
            if "Revert" not in screen_text(app):
                break
            await pilot.pause(0.05)
        shown = screen_text(app)
    assert "No changes" in shown
    assert "Working tree against HEAD: nothing differs." in shown
    assert "Revert" not in shown  # nothing to revert: the key is not offered


async def test_in_the_app_the_search_bar_shows_its_text_and_the_confirmation_draws_over_the_diff(
    project: Path,
) -> None:
    (project / "notes.txt").write_text("one\n")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "notes")
    (project / "notes.txt").write_text("changed line\n")
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(100, 24)) as pilot:
        await open_review(pilot)
        await pilot.press("slash", *"needle")
        assert "needle" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.pause()
        shown = screen_text(app)
        assert "Revert notes.txt in the working tree?" in shown
        assert "+ changed line" in shown  # the diff stays visible around the question
        await pilot.press("n")
    assert (project / "notes.txt").read_text() == "changed line\n"
