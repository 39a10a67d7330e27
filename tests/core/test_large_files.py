"""Huge files: Read, Edit and the diff of a change stay within a bounded amount of memory.

The tools run in a child process on a real file on disk; the child reports its peak
resident memory (``VmHWM``), which must stay under 500 MB for any single call. The large
files are written once per module and removed afterwards.
"""

from __future__ import annotations

import difflib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from openclaude_tui.core.changes.diff import LINE_PATTERN, WINDOW_FROM, diff_texts, unified_diff
from openclaude_tui.core.changes.window import MAX_DIFF_CHARS, changed_region

MB = 1024 * 1024
PEAK_LIMIT_KB = 500 * 1024

# Runs one tool call the way the agent does (a Read first, so Edit may change the file),
# then reports what it answered and the process's peak memory.
CHILD = """
import asyncio, json, sys
from pathlib import Path
from openclaude_tui.core.changes.diff import diff_change
from openclaude_tui.core.tools.base import ToolContext
from openclaude_tui.core.tools.files import Edit, Read

async def main() -> None:
    path = Path(sys.argv[1])
    ctx = ToolContext(project_root=path.parent, cwd=path.parent)
    args = json.loads(sys.argv[3])
    read = await Read().run({"file_path": str(path)}, ctx, "r")
    out = {"read": read.text[:300] + "…" + read.text[-300:]}
    if sys.argv[2] == "edit":
        preview = await Edit().preview(args, ctx)
        if not isinstance(preview, str):
            out["modal_note"] = diff_change(preview, ctx.project_root).note
        out["edit"] = (await Edit().run(args, ctx, "e")).text[:500]
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            out["peak_kb"] = int(line.split()[1])
    print(json.dumps(out))

asyncio.run(main())
"""


def _write_one_line(path: Path, size: int) -> None:
    block = b"a" * MB
    with path.open("wb") as handle:
        handle.write(b"needle ")
        for _ in range(size // MB):
            handle.write(block)
        handle.write(b"\n")


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A 200 MB file of one line."""
    path = tmp_path_factory.mktemp("huge") / "one-line.txt"
    _write_one_line(path, 200 * MB)
    yield path
    path.unlink()


def _run(path: Path, tool: str, args: dict[str, object] | None = None) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), tool, json.dumps(args or {})],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_read_of_a_200_mb_line_reads_only_what_it_shows(huge: Path) -> None:
    out = _run(huge, "read")
    assert f"[line cut: {huge.stat().st_size - 1:,} bytes]" in str(out["read"])
    assert int(out["peak_kb"]) < PEAK_LIMIT_KB  # type: ignore[call-overload]


def test_edit_of_a_200_mb_file_is_refused_with_a_reason(huge: Path) -> None:
    edit = {"file_path": str(huge), "old_string": "needle", "new_string": "thread"}
    out = _run(huge, "edit", edit)
    assert "works on files up to 64 MB" in str(out["edit"])
    assert huge.read_bytes()[:6] == b"needle"
    assert int(out["peak_kb"]) < PEAK_LIMIT_KB  # type: ignore[call-overload]


def test_edit_of_a_40_mb_line_is_made_and_not_diffed_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "minified.js"
    _write_one_line(path, 40 * MB)
    edit = {"file_path": str(path), "old_string": "needle", "new_string": "thread"}
    out = _run(path, "edit", edit)
    assert str(out["edit"]).startswith(f"Edited {path}: replaced 1 occurrence (too large to diff")
    assert str(out["modal_note"]).startswith("too large to diff:")
    assert path.read_bytes()[:7] == b"thread "
    assert int(out["peak_kb"]) < PEAK_LIMIT_KB  # type: ignore[call-overload]


def _numbered_lines(count: int) -> str:
    return "".join(f"line {number} of a long file\n" for number in range(1, count + 1))


def test_a_large_file_is_diffed_only_where_it_changed_with_the_same_hunks() -> None:
    before = _numbered_lines(20_000)
    assert len(before) > WINDOW_FROM
    after = before.replace("line 5000 of", "line five thousand of").replace(
        "line 15000 of a long file\n", ""
    )
    full = "".join(
        difflib.unified_diff(
            LINE_PATTERN.findall(before),
            LINE_PATTERN.findall(after),
            fromfile="a/f.txt",
            tofile="b/f.txt",
            lineterm="\n",
        )
    )
    assert unified_diff(before, after, "f.txt") == full
    region = changed_region(before, after, 3)
    # From three lines before the first change to three lines after the last.
    assert region.line == 4996
    assert region.before == "".join(LINE_PATTERN.findall(before)[4996:15003])


def test_a_change_too_large_to_diff_gives_a_note_instead_of_hunks() -> None:
    before = "x" * MAX_DIFF_CHARS + "\n"
    after = "y" + before[1:]
    diff = diff_texts(before, after, "big.txt")
    assert diff.hunks == ()
    assert diff.note == f"too large to diff: {len(before):,} characters changed"
