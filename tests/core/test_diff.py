"""Unified diffs: their form, their counts, and that git really applies them."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openclaude_tui.core.changes.diff import count_changes, unified_diff


def _git_repo(root: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "config", "user.name", "Test"], check=True)
    subprocess.run(["git", "-C", str(root), "config", "user.email", "t@example.com"], check=True)
    return root


def _apply(repo: Path, diff: str, *options: str) -> subprocess.CompletedProcess[str]:
    (repo / "change.diff").write_bytes(diff.encode())
    command = ["git", "apply", *options, "change.diff"]
    return subprocess.run(command, cwd=repo, capture_output=True, text=True)


def test_equal_texts_give_no_diff() -> None:
    assert unified_diff("a\n", "a\n", "f.txt") == ""


def test_git_style_headers_and_hunk() -> None:
    diff = unified_diff("one\ntwo\nthree\n", "one\n2\nthree\n", "src/f.txt")
    assert diff == ("--- a/src/f.txt\n+++ b/src/f.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n")


def test_new_file_starts_from_dev_null() -> None:
    diff = unified_diff(None, "hello\n", "new.txt")
    assert diff.splitlines()[:3] == ["--- /dev/null", "+++ b/new.txt", "@@ -0,0 +1 @@"]


def test_absolute_path_has_no_git_prefix() -> None:
    diff = unified_diff("a\n", "b\n", "/etc/thing.conf")
    assert diff.splitlines()[:2] == ["--- /etc/thing.conf", "+++ /etc/thing.conf"]


def test_missing_final_newline_is_marked_on_each_side() -> None:
    diff = unified_diff("a\nb", "a\nc", "f.txt")
    assert diff.endswith("-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n")
    only_new = unified_diff("a\n", "a\nb", "f.txt")
    assert only_new.count("\\ No newline at end of file") == 1
    assert only_new.endswith("+b\n\\ No newline at end of file\n")


def test_carriage_return_inside_a_line_does_not_split_it() -> None:
    diff = unified_diff("a\rb\n", "a\rc\n", "f.txt")
    assert "-a\rb\n+a\rc\n" in diff


def test_count_changes() -> None:
    diff = unified_diff("keep\n-- old\n--- older\nx\n", "keep\n+++ new\nx\ny\n", "f.txt")
    assert count_changes(diff) == (2, 2)
    assert count_changes("") == (0, 0)


def test_count_changes_reads_hunks_without_lengths() -> None:
    diff = "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n\\ No newline at end of file\n"
    assert count_changes(diff) == (1, 1)


def test_git_applies_diffs_with_missing_newlines(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path)
    before, after = "first\nsecond\nthird", "first\nsecond\nthird\nfourth\n"
    (repo / "f.txt").write_text(before)
    diff = unified_diff(before, after, "f.txt")
    assert "\\ No newline at end of file" in diff
    checked = _apply(repo, diff, "--check")
    assert checked.returncode == 0, checked.stderr
    assert _apply(repo, diff).returncode == 0
    assert (repo / "f.txt").read_text() == after


def test_git_applies_a_new_file_diff(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path)
    diff = unified_diff(None, "line\nlast", "dir/new.txt")
    checked = _apply(repo, diff, "--check")
    assert checked.returncode == 0, checked.stderr
    assert _apply(repo, diff).returncode == 0
    assert (repo / "dir" / "new.txt").read_text() == "line\nlast"


def test_git_rejects_a_diff_against_other_content(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path)
    (repo / "f.txt").write_text("something else\n")
    diff = unified_diff("a\nb\n", "a\nc\n", "f.txt")
    assert _apply(repo, diff, "--check").returncode != 0


_LINES = st.lists(st.sampled_from(["a", "b", "c", "", "  d", "e f", "x\r", "-- g", "\\ h"]))


@st.composite
def _texts(draw: st.DrawFn) -> str:
    lines = draw(_LINES.filter(lambda lines: len(lines) <= 8))
    text = "".join(f"{line}\n" for line in lines)
    return text if draw(st.booleans()) else text.removesuffix("\n")


# At least one line of context: without any, `git apply --unidiff-zero` cannot tell that a
# deleted last line without a newline leaves the line before it whole (it strips that
# line's newline too, on the very diff GNU `diff -U0` writes), so git is no judge there.
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=st.none() | _texts(), after=_texts(), context=st.integers(1, 3))
def test_git_apply_turns_before_into_after(before: str | None, after: str, context: int) -> None:
    diff = unified_diff(before, after, "f.txt", context=context)
    if not diff:
        assert before == after or (before is None and after == "")
        return
    added, removed = count_changes(diff)
    assert added == sum(line.startswith("+") for line in diff.split("\n")[2:])
    assert removed == sum(line.startswith("-") for line in diff.split("\n")[2:])
    with tempfile.TemporaryDirectory() as temp:
        repo = _git_repo(Path(temp))
        if before is not None:
            (repo / "f.txt").write_bytes(before.encode())
        applied = _apply(repo, diff)
        assert applied.returncode == 0, applied.stderr
        assert (repo / "f.txt").read_bytes() == after.encode()


def test_without_context_the_diff_is_the_one_gnu_diff_writes(tmp_path: Path) -> None:
    """The case git mis-applies without context: the hunks are GNU diff's, byte for byte."""
    (tmp_path / "before").write_text("a\na")
    (tmp_path / "after").write_text("a\n")
    gnu = subprocess.run(
        ["diff", "-U0", "before", "after"], cwd=tmp_path, capture_output=True, text=True
    ).stdout
    ours = unified_diff("a\na", "a\n", "f.txt", context=0)
    assert ours.split("\n")[2:] == gnu.split("\n")[2:]
