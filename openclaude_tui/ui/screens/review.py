"""The review screen: changed files beside their diff, reviewed hunk by hunk from the keyboard.

``ReviewScreen(reviewer)`` shows what a ``Reviewer`` loads (the agent's changes, the
working tree against HEAD, a commit range). Keys: ``n``/``p`` hunk, ``]``/``[`` file,
``s`` split, ``z`` fold, ``g``/``G`` top and bottom, ``/`` search (Enter for the next match),
``r`` revert the hunk (after a confirmation), ``R`` the whole file, ``a``/``A`` stage (or
unstage a staged change), ``u`` undo the last revert or stage, Tab to the file list, ``?``
every key (the footer keeps those that fit), ``q`` or Esc to close. ``ReviewApp`` runs the
screen on its own (``openclaude review``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import HelpPanel, Input, OptionList, Static
from textual.widgets.option_list import Option

from openclaude_tui.core.changes.review import Reviewer, describe_hunks
from openclaude_tui.core.changes.sources import ReviewError, ReviewFile
from openclaude_tui.ui.type_ahead import GuardedChoice, TypeAheadApp, TypingTracker
from openclaude_tui.ui.widgets.diff_view import DiffView
from openclaude_tui.ui.widgets.key_footer import KeyFooter

# The file list's width in review.tcss, used before the list is laid out.
FILE_LIST_WIDTH = 36
_GROUPS = {"staged": "Staged", "unstaged": "Unstaged", "untracked": "Untracked"}
_STATUS_STYLES = {
    "A": "$text-success",
    "D": "$text-error",
    "M": "$text-warning",
    "R": "$text-primary",
    "C": "$text-primary",
}


def _counts(added: int, removed: int) -> list[str | tuple[str, str]]:
    return [(f"+{added}", "$text-success"), " ", (f"−{removed}", "$text-error")]


def fit_path(path: str, room: int) -> str:
    """``path`` in at most ``room`` cells, keeping its end: ``…/tools/files.py``.

    Whole folders are dropped from the front first; a name that alone is too long loses
    its beginning.
    """
    if len(path) <= room:
        return path
    parts = path.split("/")
    kept = parts[-1]
    for part in reversed(parts[:-1]):
        if len(part) + 1 + len(kept) + 2 > room:
            break
        kept = f"{part}/{kept}"
    if len(kept) + 2 <= room:
        return f"…/{kept}"
    return "…" + kept[-(room - 1) :] if room > 1 else "…"


class ConfirmScreen(GuardedChoice, ModalScreen[bool]):
    """Asks yes or no about one operation: ``y``/Enter confirms, ``n``/Esc cancels.

    Keys typed in a burst that began before it opened are dropped (see ``ui.type_ahead``).
    """

    TYPE_AHEAD_TO_PROMPT = False

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
        background: $background 60%;
        & > #confirm {
            width: auto;
            max-width: 80%;
            height: auto;
            padding: 1 2;
            border: thick $warning;
            background: $panel;
        }
        & #question { width: auto; margin-bottom: 1; }
        & #keys { width: auto; color: $text-muted; }
        & #type-ahead-note { display: none; width: auto; color: $text-muted; }
        &.-waiting #keys { color: $text-disabled; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", priority=True, id="review.confirm_yes"),
        Binding("n,escape", "answer(False)", "No", priority=True, id="review.confirm_no"),
    ]

    def __init__(self, question: str, confirm_label: str) -> None:
        super().__init__()
        self.question = question
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        """The question and the two keys."""
        with Vertical(id="confirm"):
            yield Static(self.question, id="question")
            keys = Content.assemble(
                ("y", "bold"), f" {self.confirm_label}    ", ("n", "bold"), " Cancel"
            )
            yield Static(keys, id="keys")
            yield Static("keys typed just now were dropped; press a key", id="type-ahead-note")

    def on_mount(self) -> None:
        """Keys typed before this showed do not answer it."""
        self.open_key_guard()

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)


class ReviewScreen(Screen[None]):
    """Changed files and their diffs, with revert, stage and undo.

    Args:
        reviewer: Loads the diffs and carries out the operations.
    """

    CSS_PATH = "review.tcss"
    # Nothing has the focus while the diffs load, so keys typed meanwhile act on nothing.
    AUTO_FOCUS = None

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "revert(False)", "Revert hunk", id="review.revert_hunk"),
        Binding("R", "revert(True)", "Revert file", id="review.revert_file"),
        Binding("a", "stage(False)", "Stage hunk", id="review.stage_hunk"),
        Binding("A", "stage(True)", "Stage file", id="review.stage_file"),
        Binding("u", "undo", "Undo", id="review.undo"),
        Binding("slash", "search", "Search", key_display="/", id="review.search"),
        Binding("tab", "switch_focus", "Files", show=False, id="review.switch_focus"),
        Binding("question_mark", "keys", "Keys", key_display="?", id="review.keys"),
        Binding("q,escape", "close", "Close", id="review.close"),
    ]
    # The footer's keys, most important first: narrower footers drop the last ones
    # (``?`` lists them all).
    FOOTER_KEYS: ClassVar[tuple[str, ...]] = (
        "close",
        "keys",
        "revert(False)",
        "next_hunk",
        "previous_hunk",
        "next_file",
        "previous_file",
        "undo",
        "search",
        "stage(False)",
        "revert(True)",
        "stage(True)",
        "toggle_split",
        "fold",
    )

    def __init__(self, reviewer: Reviewer) -> None:
        super().__init__()
        self.reviewer = reviewer
        self.loaded = asyncio.Event()
        self._busy = False
        self._problem = ""

    def compose(self) -> ComposeResult:
        """Title, file list beside the diff, search bar, keys."""
        yield Static(self.reviewer.source.title, id="title")
        with Horizontal(id="panes"):
            yield OptionList(id="files")
            with Vertical(id="diff-pane"):
                yield DiffView([], id="diff")
                yield Static("Reading the changes…", id="empty")
        yield Input(placeholder="Search the diff; Enter finds the next match", id="search")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Load the diffs off the event loop (the diff takes the focus once shown)."""
        self.view.display = False
        self.query_one("#empty").display = True
        self.reload()

    @property
    def view(self) -> DiffView:
        """The diff view."""
        return self.query_one("#diff", DiffView)

    @work(exclusive=True, group="review-load")
    async def reload(self) -> None:
        """Read the diffs again and show them."""
        self._show(await self._load())
        if not self.loaded.is_set():
            if self.view.display:
                self.view.focus()
            self.loaded.set()
        self.refresh_bindings()

    async def _load(self) -> list[ReviewFile]:
        self._problem = ""
        try:
            return await asyncio.to_thread(self.reviewer.load)
        except ReviewError as error:
            self._problem = str(error)
            self.notify(str(error), severity="error", title="Cannot read the changes")
            return []

    def _show(self, files: list[ReviewFile]) -> None:
        captions = [self.reviewer.source.caption(file) for file in files]
        self.view.set_diffs([file.diff for file in files], captions)
        empty = self.query_one("#empty", Static)
        empty.update(self._empty_text())
        empty.display = not files
        self.view.display = bool(files)
        added = sum(file.diff.added for file in files)
        removed = sum(file.diff.removed for file in files)
        count = f"{len(files)} file{'' if len(files) == 1 else 's'}"
        title = Content.assemble(
            (self.reviewer.source.title, "bold"), f"   {count}  ", *_counts(added, removed)
        )
        self.query_one("#title", Static).update(title)
        files_list = self.query_one("#files", OptionList)
        # Before the first layout the list has no size yet: its width in the CSS.
        width = files_list.content_region.width or FILE_LIST_WIDTH
        options: list[Option | None] = []
        group = None
        for index, file in enumerate(files):
            heading = _GROUPS.get(file.origin)
            if heading and heading != group:
                group = heading
                options.append(Option(Content.styled(heading, "bold italic"), disabled=True))
            diff = file.diff
            counts = _counts(diff.added, diff.removed) if diff.hunks else [("bin", "$text-muted")]
            shown_counts = Content.assemble(*(counts if diff.hunks or diff.binary else []))
            # One line per file: the path gives way, its end (the file's name) kept. The
            # letter and its space, the gap before the counts and a scrollbar take room.
            room = width - 2 - 2 - shown_counts.cell_length - 2
            label = Content.assemble(
                (diff.status_letter, _STATUS_STYLES[diff.status_letter]),
                f" {fit_path(diff.path, max(room, 8))}  ",
                shown_counts,
            )
            options.append(Option(label, id=str(index)))
        files_list.clear_options()
        files_list.add_options(options)
        self._mark_file(self.view.current_file)
        self.refresh_bindings()

    def _empty_text(self) -> Content:
        """What the pane says when there is nothing to show: why, and what was compared."""
        title = self.reviewer.source.title
        if self._problem:
            return Content.assemble(("Cannot read the changes", "bold"), f"\n\n{self._problem}")
        return Content.assemble(("No changes", "bold"), f"\n\n{title}: nothing differs.")

    # Keeping the list and the diff together

    @on(DiffView.CursorMoved)
    def _cursor_moved(self, event: DiffView.CursorMoved) -> None:
        self._mark_file(event.file)
        self.refresh_bindings()

    def _mark_file(self, file: int) -> None:
        files_list = self.query_one("#files", OptionList)
        for position in range(files_list.option_count):
            if files_list.get_option_at_index(position).id == str(file):
                files_list.highlighted = position
                return

    @on(OptionList.OptionSelected, "#files")
    def _file_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.view.go_to_file(int(event.option.id))
            self.view.focus()

    # Operations

    def _current(self) -> tuple[ReviewFile, int | None] | None:
        files = self.reviewer.files
        if not files:
            return None
        view = self.view
        file = files[view.current_file]
        hunk = view.current_hunk
        if hunk is None:
            return file, None
        owner, local = view.hunk_ref(hunk)
        return (file, local) if owner == view.current_file else (file, None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide staging where it does not apply, and everything while an operation runs.

        Until the diffs are shown, only closing works: a key typed while they load (the
        ``r`` of a word meant for the prompt) must not act on a diff nobody has seen.
        """
        if action != "close" and not self.loaded.is_set():
            return None
        if action in ("revert", "stage", "undo") and self._busy:
            return None
        if action == "revert" and not self.reviewer.files:
            return False
        if action == "stage":
            current = self._current() if self.is_mounted else None
            if current is None or not self.reviewer.can_stage(current[0]):
                return False
        if action == "undo" and not self.reviewer.can_undo:
            return None
        return True

    def action_revert(self, whole_file: bool) -> None:
        """Revert the current hunk or file, once the user confirms."""
        current = self._current()
        if current is None:
            return
        file, hunk = current
        if hunk is None and not whole_file and file.diff.hunks:
            self.notify("Move to a hunk with n/p first, or revert the whole file with R")
            return
        hunks = None if whole_file or hunk is None else [hunk]
        where = "the index and the working tree" if file.origin == "staged" else "the working tree"
        question = f"Revert {describe_hunks(file.diff, hunks)} in {where}?"
        if file.origin == "untracked" and (hunks is None or len(file.diff.hunks) == 1):
            question = f"Delete the untracked file {file.diff.path}?"

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._run(lambda: self.reviewer.revert(file, hunks))

        self.app.push_screen(ConfirmScreen(question + "  (u undoes it)", "Revert"), confirmed)

    def action_stage(self, whole_file: bool) -> None:
        """Stage (or unstage) the current hunk or file."""
        current = self._current()
        if current is None:
            return
        file, hunk = current
        hunks = None if whole_file or hunk is None else [hunk]
        self._run(lambda: self.reviewer.stage(file, hunks))

    def action_undo(self) -> None:
        """Undo the last revert or stage."""
        self._run(self.reviewer.undo)

    @work(exclusive=True, group="review-operation")
    async def _run(self, operation: Callable[[], str]) -> None:
        self._busy = True
        self.refresh_bindings()
        try:
            message = await asyncio.to_thread(operation)
            self.notify(str(message))
        except ReviewError as error:
            self.notify(str(error), severity="error", title="Not done")
        finally:
            self._busy = False
        self._show(await self._load())

    # Search, focus, closing

    def action_search(self) -> None:
        """Open the search bar."""
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        if event.value and not self.view.search(event.value):
            self.notify(f"{event.value!r} is not in the diff", severity="warning")

    def action_switch_focus(self) -> None:
        """Between the file list and the diff."""
        files_list = self.query_one("#files", OptionList)
        if files_list.has_focus:
            self.view.focus()
        else:
            files_list.focus()

    def action_keys(self) -> None:
        """Show or hide the list of every key (the footer shows those that fit)."""
        panels = self.query(HelpPanel)
        if panels:
            panels.remove()
        else:
            self.mount(HelpPanel())

    def action_close(self) -> None:
        """Close the list of keys or the search bar if one is open, else the screen."""
        panels = self.query(HelpPanel)
        if panels:
            panels.remove()
            return
        search = self.query_one("#search", Input)
        if search.display:
            search.display = False
            search.value = ""
            self.view.clear_search()
            self.view.focus()
            return
        self.dismiss(None)


class ReviewApp(TypeAheadApp):
    """``openclaude review``: the review screen on its own; ``q`` quits.

    Args:
        reviewer: What to review.
        typing: When keys were typed (type-ahead never confirms a revert).
    """

    TITLE = "openclaude review"

    def __init__(self, reviewer: Reviewer, typing: TypingTracker | None = None) -> None:
        super().__init__(typing)
        self.reviewer = reviewer

    def on_mount(self) -> None:
        """Show the review; closing it quits."""
        self.push_screen(ReviewScreen(self.reviewer), lambda _: self.exit())


def run_review(root: Path, revisions: str | None, staged: bool) -> int:
    """Run ``openclaude review`` in ``root``; the exit code.

    Raises:
        ReviewError: ``root`` is not in a git repository, or the revisions are unknown.
    """
    from openclaude_tui.core.changes.sources import RangeSource, WorktreeSource

    source = RangeSource(root, revisions) if revisions else WorktreeSource(root, staged_only=staged)
    ReviewApp(Reviewer(source)).run()
    return 0
