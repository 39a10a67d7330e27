"""The diff model: real git output read into files, hunks and lines; hunks applied in part."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openclaude_tui.core.changes.apply import apply_hunks
from openclaude_tui.core.changes.diff import (
    DiffParseError,
    FileDiff,
    HunkMismatchError,
    diff_texts,
    parse_diff,
)
from openclaude_tui.core.changes.word_diff import pair_lines, word_spans


def _git(repo: Path, *args: str) -> bytes:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True)
    return done.stdout


def _repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    _git(root, "init", "-q")
    _git(root, "config", "user.name", "Test")
    _git(root, "config", "user.email", "test@example.com")
    _git(root, "config", "core.autocrlf", "false")
    return root


def _commit(repo: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "state")


def _diff(repo: Path, *args: str) -> list[FileDiff]:
    out = _git(repo, "diff", "--no-color", *args)
    return parse_diff(out.decode("utf-8", "surrogateescape"))


def _numbered(count: int, prefix: str = "line") -> bytes:
    return "".join(f"{prefix} {i}\n" for i in range(1, count + 1)).encode()


# Real git output


def test_modified_file_has_numbers_and_function_context(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    source = "def main():\n" + "".join(f"    x{i} = {i}\n" for i in range(20))
    _commit(repo, {"app.py": source.encode()})
    (repo / "app.py").write_text(source.replace("x15 = 15", "x15 = 150"))
    [diff] = _diff(repo)
    assert (diff.status, diff.status_letter, diff.path) == ("modified", "M", "app.py")
    [hunk] = diff.hunks
    assert hunk.section == "def main():"
    assert hunk.header.startswith("@@ -14,7 +14,7 @@ def main():")
    changed = [line for line in hunk.lines if line.kind != "context"]
    assert [(line.kind, line.old_no, line.new_no) for line in changed] == [
        ("removed", 17, None),
        ("added", None, 17),
    ]
    assert changed[1].text == "    x15 = 150"
    assert (diff.added, diff.removed) == (1, 1)


def test_rename_with_changes(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _commit(repo, {"old name.txt": _numbered(30)})
    _git(repo, "mv", "old name.txt", "new name.txt")
    (repo / "new name.txt").write_bytes(_numbered(30).replace(b"line 7\n", b"line seven\n"))
    _git(repo, "add", "-A")
    [diff] = _diff(repo, "--cached", "-M")
    assert diff.status == "renamed" and diff.status_letter == "R"
    assert (diff.old_path, diff.new_path) == ("old name.txt", "new name.txt")
    assert diff.similarity is not None and 80 <= diff.similarity < 100
    assert (diff.added, diff.removed) == (1, 1)


def test_pure_rename_has_no_hunks(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _commit(repo, {"a.txt": _numbered(5)})
    _git(repo, "mv", "a.txt", "b.txt")
    [diff] = _diff(repo, "--cached", "-M")
    assert (diff.status, diff.old_path, diff.new_path, diff.similarity) == (
        "renamed",
        "a.txt",
        "b.txt",
        100,
    )
    assert diff.hunks == ()


def test_copy_is_not_taken_for_a_rename(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _commit(repo, {"src.txt": _numbered(40)})
    (repo / "copy.txt").write_bytes(_numbered(40).replace(b"line 3\n", b"line three\n"))
    _git(repo, "add", "-A")
    [diff] = _diff(repo, "--cached", "-C", "--find-copies-harder")
    assert (diff.status, diff.status_letter) == ("copied", "C")
    assert (diff.old_path, diff.new_path) == ("src.txt", "copy.txt")
    assert diff.path == "copy.txt"
    assert (diff.added, diff.removed) == (1, 1)


def test_binary_change_and_new_binary_file(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _commit(repo, {"image.png": b"\x89PNG\0\0\x01"})
    (repo / "image.png").write_bytes(b"\x89PNG\0\0\x02")
    (repo / "blob.bin").write_bytes(b"\0\1\2")
    _git(repo, "add", "-A")
    diffs = {diff.path: diff for diff in _diff(repo, "--cached")}
    assert diffs["image.png"].binary and diffs["image.png"].status == "modified"
    assert diffs["image.png"].hunks == ()
    assert diffs["blob.bin"].binary and diffs["blob.bin"].status == "new"


def test_mode_change(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _commit(repo, {"run.sh": b"echo hi\n", "other.sh": b"a\nb\n"})
    os.chmod(repo / "run.sh", 0o755)
    os.chmod(repo / "other.sh", 0o755)
    (repo / "other.sh").write_bytes(b"a\nc\n")
    diffs = {diff.path: diff for diff in _diff(repo)}
    only_mode = diffs["run.sh"]
    assert only_mode.mode_changed and (only_mode.old_mode, only_mode.new_mode) == (
        "100644",
        "100755",
    )
    assert only_mode.hunks == ()
    assert diffs["other.sh"].mode_changed and len(diffs["other.sh"].hunks) == 1


def test_no_newline_at_end_of_file(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    before = b"one\ntwo\nthree"
    after = b"one\ntwo\nthree\nfour"
    _commit(repo, {"f.txt": before})
    (repo / "f.txt").write_bytes(after)
    [diff] = _diff(repo)
    flagged = [(line.kind, line.text) for line in diff.hunks[0].lines if line.no_newline]
    assert flagged == [("removed", "three"), ("added", "four")]
    assert apply_hunks(before.decode(), diff) == after.decode()
    assert apply_hunks(after.decode(), diff, reverse=True) == before.decode()


def test_crlf_lines_round_trip(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    before = b"alpha\r\nbeta\r\ngamma\r\n"
    after = b"alpha\r\nBETA\r\ngamma\r\ndelta\r\n"
    _commit(repo, {"win.txt": before})
    (repo / "win.txt").write_bytes(after)
    [diff] = _diff(repo)
    assert [line.text for line in diff.hunks[0].lines if line.kind == "added"] == [
        "BETA\r",
        "delta\r",
    ]
    assert apply_hunks(before.decode(), diff).encode() == after


def test_lf_hunk_reverts_in_a_crlf_file_keeping_its_endings() -> None:
    diff = diff_texts("a\nb\nc\n", "a\nB\nc\n", "f.txt")
    assert apply_hunks("a\r\nB\r\nc\r\n", diff, reverse=True) == "a\r\nb\r\nc\r\n"


def test_new_and_deleted_files(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _commit(repo, {"gone.txt": b"bye\n"})
    (repo / "gone.txt").unlink()
    (repo / "fresh.txt").write_bytes(b"hello\nworld\n")
    _git(repo, "add", "-A")
    diffs = {diff.path: diff for diff in _diff(repo, "--cached")}
    fresh, gone = diffs["fresh.txt"], diffs["gone.txt"]
    assert (fresh.status, fresh.old_path, fresh.new_mode) == ("new", None, "100644")
    assert (gone.status, gone.new_path, gone.old_mode) == ("deleted", None, "100644")
    assert apply_hunks("", fresh) == "hello\nworld\n"
    assert apply_hunks("bye\n", gone) == ""


def test_quoted_and_non_utf8_content(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    before = "caf\xe9\nline\n".encode("latin-1")
    after = "caf\xe9!\nline\n".encode("latin-1")
    _commit(repo, {"été.txt": before})
    (repo / "été.txt").write_bytes(after)
    # Without core.quotePath=false git writes "a/\303\251t\303\251.txt".
    [diff] = _diff(repo)
    assert diff.path == "été.txt"
    text = before.decode("utf-8", "surrogateescape")
    result = apply_hunks(text, diff)
    assert result.encode("utf-8", "surrogateescape") == after


def test_patch_of_one_hunk_stages_with_git_apply(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    original = _numbered(40)
    _commit(repo, {"f.txt": original})
    changed = original.replace(b"line 5\n", b"line five\n").replace(b"line 30\n", b"")
    (repo / "f.txt").write_bytes(changed)
    [diff] = _diff(repo)
    assert len(diff.hunks) == 2
    subprocess.run(
        ["git", "apply", "--cached", "-"], cwd=repo, input=diff.patch([1]).encode(), check=True
    )
    staged = _git(repo, "diff", "--cached").decode()
    assert "-line 30" in staged and "line five" not in staged
    assert _git(repo, "show", ":f.txt") == original.replace(b"line 30\n", b"")


def test_not_a_diff() -> None:
    with pytest.raises(DiffParseError):
        parse_diff("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-only one line\n")
    assert parse_diff("just some text\n") == []


def test_a_hunk_that_is_not_there_is_refused() -> None:
    diff = diff_texts("a\nb\nc\n", "a\nX\nc\n", "f.txt")
    with pytest.raises(HunkMismatchError) as raised:
        apply_hunks("something\nelse\n", diff)
    assert raised.value.hunk == 0


def test_hunk_found_where_the_text_moved() -> None:
    diff = diff_texts("a\nb\nc\nd\n", "a\nb\nC\nd\n", "f.txt")
    moved = "new first\nnew second\na\nb\nc\nd\n"
    assert apply_hunks(moved, diff) == "new first\nnew second\na\nb\nC\nd\n"


# Side by side and changed words


def test_pairs_set_removed_beside_added() -> None:
    diff = diff_texts("a\nb\nc\nd\n", "a\nB\nC\nX\nd\n", "f.txt")
    hunk = diff.hunks[0]
    kinds = [
        (
            hunk.lines[left].kind if left is not None else None,
            hunk.lines[right].kind if right is not None else None,
        )
        for left, right in pair_lines(hunk)
    ]
    assert kinds == [
        ("context", "context"),
        ("removed", "added"),
        ("removed", "added"),
        (None, "added"),
        ("context", "context"),
    ]


def test_word_spans_mark_the_changed_words() -> None:
    old, new = "total = price * count", "total = price * amount + tax"
    old_spans, new_spans = word_spans(old, new)
    assert [old[a:b] for a, b in old_spans] == ["count"]
    assert [new[a:b] for a, b in new_spans] == ["amount + tax"]
    assert word_spans("completely different", "nothing alike here!") == ((), ())


# Round trips


_LINE_CHOICES = ["a", "b", "c", "", "  d", "x\r", "-- e", "\\ f", "\tg", "é", "@@ h"]


@st.composite
def _edits(draw: st.DrawFn) -> tuple[str | None, str, int]:
    lines = draw(st.lists(st.sampled_from(_LINE_CHOICES), max_size=60))
    after = list(lines)
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(after)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert" or at == len(after):
            after.insert(at, draw(st.sampled_from(_LINE_CHOICES)) + "!")
        elif action == "delete":
            del after[at]
        else:
            after[at] = after[at] + "?"

    def join(items: list[str], newline_at_end: bool) -> str:
        text = "".join(f"{item}\n" for item in items)
        return text if newline_at_end else text.removesuffix("\n")

    before = join(lines, draw(st.booleans()))
    if draw(st.integers(0, 9)) == 0:
        return None, join(after, True), 3
    return before, join(after, draw(st.booleans())), draw(st.integers(0, 3))


def _reference(before: str, diff: FileDiff, chosen: set[int]) -> str:
    """Apply hunks one at a time, from the last, at the exact places their headers give."""
    lines = _split(before)
    for index in sorted(chosen, reverse=True):
        hunk = diff.hunks[index]
        old = [line.content for line in hunk.lines if line.kind != "added"]
        new = [line.content for line in hunk.lines if line.kind != "removed"]
        start = hunk.old_start if hunk.old_count == 0 else hunk.old_start - 1
        assert lines[start : start + len(old)] == old
        lines[start : start + len(old)] = new
    return "".join(lines)


def _split(text: str) -> list[str]:
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return [*lines, parts[-1]] if parts[-1] else lines


@settings(max_examples=300, deadline=None)
@given(case=_edits(), data=st.data())
def test_applying_hunks_round_trips(case: tuple[str | None, str, int], data: st.DataObject) -> None:
    before, after, context = case
    diff = diff_texts(before, after, "f.txt", context)
    start = before or ""
    assert apply_hunks(start, diff) == after
    assert apply_hunks(after, diff, reverse=True) == start
    chosen = data.draw(st.sets(st.integers(0, max(len(diff.hunks) - 1, 0))))
    chosen &= set(range(len(diff.hunks)))
    partial = apply_hunks(start, diff, chosen)
    assert partial == _reference(start, diff, chosen)
    # Exactly the chosen changes: each chosen hunk's new lines and each other hunk's old
    # lines are in the result, where the chosen hunks before them put them.
    lines = _split(partial)
    shift = 0
    for index, hunk in enumerate(diff.hunks):
        left_out = "removed" if index in chosen else "added"
        expected = [line.content for line in hunk.lines if line.kind != left_out]
        at = (hunk.old_start if hunk.old_count == 0 else hunk.old_start - 1) + shift
        assert lines[at : at + len(expected)] == expected
        if index in chosen:
            shift += hunk.new_count - hunk.old_count


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_edits(), data=st.data())
def test_git_applies_a_patch_of_chosen_hunks_the_same_way(
    case: tuple[str | None, str, int], data: st.DataObject
) -> None:
    before, after, context = case
    if before is None or context == 0:
        return
    diff = diff_texts(before, after, "f.txt", context)
    if not diff.hunks:
        return
    chosen = data.draw(st.sets(st.integers(0, len(diff.hunks) - 1), min_size=1))
    with tempfile.TemporaryDirectory() as temp:
        repo = _repo(Path(temp))
        (repo / "f.txt").write_bytes(before.encode())
        (repo / "p.diff").write_bytes(diff.patch(chosen).encode())
        done = subprocess.run(["git", "apply", "p.diff"], cwd=repo, capture_output=True)
        assert done.returncode == 0, done.stderr
        assert (repo / "f.txt").read_bytes().decode() == apply_hunks(before, diff, chosen)
