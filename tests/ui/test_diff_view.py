"""The diff view: how it looks (snapshots) and how it moves, selects, searches and draws."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult

from openclaude_tui.core.changes.diff import FileDiff, diff_texts, parse_diff
from openclaude_tui.ui.widgets.diff_view import DiffView

BEFORE = (
    "import os\n\n"
    "def total(price, count):\n"
    '    """Add it up."""\n'
    "    result = price * count\n"
    "\tif result > 10:\n"
    '        print("big", result)\n'
    "    return result\n" + "".join(f"value_{i} = {i}\n" for i in range(20)) + "DONE = True\n"
)
AFTER = (
    BEFORE.replace("result = price * count", "result = price * amount + tax")
    .replace('print("big", result)', 'print("huge", result, flush=True)')
    .replace("value_14 = 14", "value_14 = 140  # " + "long " * 40)
    + "extra = 'no newline'"
)

RENAME_AND_BINARY = """\
diff --git a/docs/old name.md b/docs/new name.md
similarity index 90%
rename from docs/old name.md
rename to docs/new name.md
index 1111111..2222222 100644
--- a/docs/old name.md
+++ b/docs/new name.md
@@ -1,3 +1,3 @@ # Title
 # Title
-Old words here.
+New words here.
 End.
diff --git a/logo.png b/logo.png
index 3333333..4444444 100644
Binary files a/logo.png and b/logo.png differ
diff --git a/run.sh b/run.sh
old mode 100644
new mode 100755
"""


def sample() -> list[FileDiff]:
    return [diff_texts(BEFORE, AFTER, "src/total.py")]


class DiffApp(App[None]):
    """A diff view filling the screen."""

    def __init__(self, diffs: list[FileDiff], **options: Any) -> None:
        super().__init__()
        self.diffs = diffs
        self.options = options
        self.messages: list[Any] = []

    def compose(self) -> ComposeResult:
        yield DiffView(self.diffs, **self.options)

    def on_diff_view_selection_changed(self, message: DiffView.SelectionChanged) -> None:
        self.messages.append(message)

    def on_diff_view_cursor_moved(self, message: DiffView.CursorMoved) -> None:
        self.messages.append(message)


# Snapshots


def test_unified_view(snap_compare: Any) -> None:
    """A Python file's two hunks, unified, 100 columns wide.

    You should see the file header (M src/total.py +4 −3), two hunk headers, old and new
    line numbers, removed lines on red and added lines on green with "count", "amount +
    tax", "big", "huge" and ", flush=True" emphasised, syntax colours, the tab before "if"
    expanded, the long comment cut with "›" at the right edge, "\\ no newline at end of
    file" after the last line, and the cursor bar beside the first hunk.
    """
    assert snap_compare(DiffApp(sample()), terminal_size=(100, 40))


def test_split_view(snap_compare: Any) -> None:
    """The same diff side by side, chosen automatically at 170 columns.

    Old lines with old numbers on the left, new ones on the right, removed lines beside
    the added lines that replace them, an empty shaded cell where a side has no line.
    """
    assert snap_compare(DiffApp(sample()), terminal_size=(170, 40))


def test_renamed_and_binary_files(snap_compare: Any) -> None:
    """Git's rename, binary and mode-only entries.

    You should see "R docs/old name.md → docs/new name.md" with the note "renamed from
    docs/old name.md (90% similar)" and its one hunk ("# Title" as context); "M logo.png"
    with "binary file: contents not shown"; "M run.sh" with "mode changed 100644 →
    100755".
    """
    assert snap_compare(DiffApp(parse_diff(RENAME_AND_BINARY)), terminal_size=(90, 24))


def test_selectable_view_with_one_hunk_deselected(snap_compare: Any) -> None:
    """Check boxes on the hunk headers; the second hunk is deselected and drawn dimmed.

    The cursor bar is on the second hunk (after ``n``), its box is empty and its lines have
    no red or green; the first hunk keeps its box ticked.
    """
    app = DiffApp(sample(), selectable=True)
    assert snap_compare(app, press=["n", "space"], terminal_size=(100, 40))


# Behaviour


async def test_keys_move_between_hunks_and_files() -> None:
    diffs = [*sample(), diff_texts("a\nb\n", "a\nc\n", "second.txt")]
    app = DiffApp(diffs)
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(DiffView)
        assert view.hunk_count == 3 and view.current_hunk == 0
        await pilot.press("n")
        assert (view.current_hunk, view.current_file) == (1, 0)
        await pilot.press("n")
        assert view.current_hunk == 2 and view.current_file == 1
        assert view.hunk_ref(2) == (1, 0)
        assert view.scroll_offset.y > 0
        await pilot.press("p", "p")
        assert view.current_hunk == 0
        await pilot.press("right_square_bracket")
        assert view.current_file == 1 and view.current_hunk == 2
        await pilot.press("left_square_bracket")
        assert view.current_file == 0
        await pilot.press("G")
        assert view.current_hunk == 2 and view.is_vertical_scroll_end
        await pilot.press("g")
        assert view.current_hunk == 0 and view.scroll_offset.y == 0
        moved = [m for m in app.messages if isinstance(m, DiffView.CursorMoved)]
        assert moved and moved[-1].hunk == 0


async def test_split_toggle_and_fold() -> None:
    app = DiffApp([*sample(), diff_texts("a\nb\n", "a\nc\n", "second.txt")])
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(DiffView)
        assert not view.split
        unified_rows = view.virtual_size.height
        await pilot.press("s")
        assert view.split and view.virtual_size.height < unified_rows
        await pilot.press("s")
        assert not view.split and view.virtual_size.height == unified_rows
        await pilot.press("z")
        assert view.virtual_size.height < unified_rows - 20
        # Folded hunks are skipped: the next hunk is the second file's.
        await pilot.press("n")
        assert view.current_hunk == 2
        view.fold_file(0)
        assert view.virtual_size.height == unified_rows


async def test_auto_split_when_wide() -> None:
    app = DiffApp(sample())
    async with app.run_test(size=(170, 30)):
        assert app.query_one(DiffView).split
    app = DiffApp(sample(), split=False)
    async with app.run_test(size=(170, 30)):
        assert not app.query_one(DiffView).split


async def test_selection_for_partial_approval() -> None:
    app = DiffApp(sample(), selectable=True)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(DiffView)
        assert view.selected_hunks == {0, 1} and view.approved_hunks() is None
        await pilot.press("space")
        assert view.selected_hunks == {1} and view.approved_hunks() == (1,)
        view.next_hunk()
        view.toggle_current_hunk()
        assert view.approved_hunks() == ()
        view.selected_hunks = {0, 1}
        await pilot.pause()
        changes = [m for m in app.messages if isinstance(m, DiffView.SelectionChanged)]
        assert [set(m.selected) for m in changes] == [{1}, set(), {0, 1}]
        assert changes[-1].total == 2


async def test_hunk_keys_work_before_the_view_has_a_size() -> None:
    """A key pressed the moment a modal opens reaches the view before its first layout."""
    app = DiffApp([])
    async with app.run_test(size=(100, 30)):
        view = DiffView(sample(), selectable=True)
        mounting = app.screen.mount(view)
        # Nothing has awaited since the mount began, so no layout can have run yet.
        assert view.scrollable_content_region.height == 0, "not laid out yet"
        view.next_hunk()
        assert view.current_hunk == 1
        view.previous_hunk()
        assert view.current_hunk == 0
        await mounting
        view.next_hunk()
        assert view.current_hunk == 1


async def test_space_does_nothing_when_not_selectable() -> None:
    app = DiffApp(sample())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space")
        assert app.query_one(DiffView).selected_hunks == set()
        assert not [m for m in app.messages if isinstance(m, DiffView.SelectionChanged)]


async def test_search_moves_to_matches() -> None:
    diffs = [
        diff_texts(
            "".join(f"row {i}\n" for i in range(200)),
            "".join(
                "needle here\n" if i == 150 else f"row {i}{'!' * (i % 10 == 0)}\n"
                for i in range(200)
            ),
            "long.txt",
        )
    ]
    app = DiffApp(diffs)
    async with app.run_test(size=(80, 15)) as pilot:
        view = app.query_one(DiffView)
        assert view.search("NEEDLE")
        await pilot.pause()
        top = view.scroll_offset.y
        shown = "".join(segment.text for y in range(15) for segment in view.render_line(y))
        assert "needle here" in shown and top > 0
        assert not view.search("not in the diff")
        view.clear_search()


async def test_big_diff_draws_only_what_shows() -> None:
    text = "--- a/big.py\n+++ b/big.py\n@@ -1,10000 +1,10000 @@\n" + "".join(
        f"-line {i} = compute({i})\n+line {i} = calculate({i})\n" for i in range(10_000)
    )
    [diff] = parse_diff(text)
    assert len(diff.hunks[0].lines) == 20_000
    app = DiffApp([diff])
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(DiffView)
        await pilot.pause()
        assert not view.children
        assert view.virtual_size.height == 20_002
        painter = view._painter
        # One chunk of each side was highlighted, not ten thousand lines.
        assert len(painter._tokens) <= 2
        await pilot.press("G")
        await pilot.pause()
        assert view.is_vertical_scroll_end
        assert len(painter._tokens) <= 4


async def test_colours_follow_the_theme() -> None:
    app = DiffApp(sample())
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(DiffView)
        app.theme = "textual-dark"
        await pilot.pause()
        dark = [segment.style for segment in view.render_line(4)]
        app.theme = "textual-light"
        await pilot.pause()
        light = [segment.style for segment in view.render_line(4)]
        assert dark != light


async def test_undecodable_bytes_and_control_characters_are_shown_safely() -> None:
    before = "plain\n"
    after = "caf\udce9 \x1b[31m\n"  # a latin-1 byte read with surrogateescape, an escape
    app = DiffApp([diff_texts(before, after, "odd.txt")])
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(DiffView)
        await pilot.pause()
        text = "".join(segment.text for y in range(6) for segment in view.render_line(y))
        assert "caf\ufffd ␛[31m" in text
        assert "\x1b" not in text


async def test_a_line_ending_change_is_visible() -> None:
    app = DiffApp([diff_texts("same\nother\n", "same\r\nother\n", "f.txt")])
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(DiffView)
        await pilot.pause()
        rows = ["".join(segment.text for segment in view.render_line(y)) for y in range(6)]
        removed = next(row for row in rows if "- same" in row)
        added = next(row for row in rows if "+ same" in row)
        assert "␊" in removed and "␍" in added
