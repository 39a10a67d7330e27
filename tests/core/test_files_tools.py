"""Read, Edit and Write on real files: the contracts models rely on, and every refusal."""

from __future__ import annotations

import os
import stat
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from openclaude_tui.core.changes.file_change import FileChange
from openclaude_tui.core.tools.base import Tool, ToolContext, ToolInputError, ToolResult
from openclaude_tui.core.tools.files import Edit, Read, Write, file_tools


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    return ToolContext(project_root=tmp_path, cwd=tmp_path)


async def call(tool: Tool, ctx: ToolContext, **raw: Any) -> ToolResult:
    """Validate like the agent does, then run."""
    args, _ = tool.validate(raw)
    return await tool.run(args, ctx, "call-1")


async def read(ctx: ToolContext, path: Path, **raw: Any) -> ToolResult:
    return await call(Read(), ctx, file_path=str(path), **raw)


async def edit(ctx: ToolContext, path: Path, old: str, new: str, **raw: Any) -> ToolResult:
    return await call(Edit(), ctx, file_path=str(path), old_string=old, new_string=new, **raw)


def numbered(count: int) -> str:
    return "".join(f"line {n}\n" for n in range(1, count + 1))


# Read


async def test_read_is_cat_n(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("alpha\n\tbeta\n")
    result = await read(ctx, tmp_path / "f.txt")
    assert not result.is_error
    assert result.text == "     1\talpha\n     2\t\tbeta"


async def test_read_offset_limit_and_remaining_note(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text(numbered(10))
    result = await read(ctx, tmp_path / "f.txt", offset=3, limit=4)
    shown, note = result.text.split("\n\n")
    assert shown.splitlines() == [f"{n:>6}\tline {n}" for n in range(3, 7)]
    assert "4 more lines" in note
    assert "offset=7" in note


async def test_read_shows_2000_lines_by_default(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text(numbered(2500))
    result = await read(ctx, tmp_path / "big.txt")
    lines = result.text.split("\n\n")[0].splitlines()
    assert len(lines) == 2000
    assert lines[-1] == "  2000\tline 2000"
    assert "500 more lines" in result.text and "offset=2001" in result.text


async def test_read_last_window_has_no_remaining_note(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text(numbered(5))
    result = await read(ctx, tmp_path / "f.txt", offset=4)
    assert result.text == "     4\tline 4\n     5\tline 5"


async def test_read_offset_past_the_end(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text(numbered(5))
    result = await read(ctx, tmp_path / "f.txt", offset=9)
    assert result.is_error
    assert "has 5 lines" in result.text


async def test_read_cuts_long_lines(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "min.js").write_text("short\n" + "x" * 54_321 + "\n")
    result = await read(ctx, tmp_path / "min.js")
    second = result.text.splitlines()[1]
    assert second == "     2\t" + "x" * 2000 + "… [line cut: 54,321 bytes]"


async def test_read_refuses_a_directory(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    result = await read(ctx, tmp_path / "pkg")
    assert result.is_error
    assert "directory" in result.text and "Glob" in result.text and "ls" in result.text


async def test_read_missing_file_suggests_near_names(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text("x = 1\n")
    result = await read(ctx, tmp_path / "confg.py")
    assert result.is_error
    assert "does not exist" in result.text
    assert str(tmp_path / "config.py") in result.text
    nothing_near = await read(ctx, tmp_path / "zzzzzz.md")
    assert "Did you mean" not in nothing_near.text


async def test_read_of_a_file_in_the_wrong_folder_names_the_right_one(
    ctx: ToolContext, tmp_path: Path
) -> None:
    (tmp_path / "src" / "auth").mkdir(parents=True)
    (tmp_path / "src" / "auth.py").write_text("x = 1\n")
    (tmp_path / "tests" / "auth").mkdir(parents=True)
    (tmp_path / "tests" / "auth" / "auth.py").write_text("y = 2\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "auth.py").write_text("z = 3\n")
    (tmp_path / ".gitignore").write_text("build/\n")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    result = await read(ctx, tmp_path / "lib" / "auth.py")
    assert result.is_error
    assert result.text == (
        f"{tmp_path / 'lib' / 'auth.py'} does not exist, nor does its directory "
        f"{tmp_path / 'lib'}. Did you mean: {tmp_path / 'src' / 'auth.py'}, "
        f"{tmp_path / 'tests' / 'auth' / 'auth.py'}?"
    ), "the shallowest first; the ignored copy is left out"
    nowhere = await read(ctx, tmp_path / "session.py")
    assert nowhere.text == f"{tmp_path / 'session.py'} does not exist."


async def test_read_empty_file(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    result = await read(ctx, tmp_path / "empty.txt")
    assert not result.is_error
    assert "(the file is empty" in result.text
    assert tmp_path / "empty.txt" in ctx.read_files


async def test_read_reports_binary_files(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "blob.dat").write_bytes(b"ab\x00cd" * 100)
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"pixels" * 10)
    blob = await read(ctx, tmp_path / "blob.dat")
    assert "binary" in blob.text and "500 bytes" in blob.text
    assert "ab" not in blob.text.replace(str(tmp_path), "")
    png = await read(ctx, tmp_path / "logo.png")
    assert "image/png" in png.text and "68 bytes" in png.text
    assert "pixels" not in png.text


async def test_read_survives_bytes_that_are_not_utf8(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_bytes(b"caf\xe9\n\xff\xfe ok\n")
    result = await read(ctx, tmp_path / "old.txt")
    assert not result.is_error
    assert result.text.startswith("     1\tcafé\n     2\tÿþ ok")
    assert "latin-1" in result.text


async def test_read_hides_crlf_and_bom(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "win.txt").write_bytes(b"\xef\xbb\xbfone\r\ntwo\r\n")
    result = await read(ctx, tmp_path / "win.txt")
    assert result.text == "     1\tone\n     2\ttwo"


async def test_read_resolves_relative_paths_and_remembers(ctx: ToolContext, tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "notes.md").write_text(numbered(50))
    ctx.cwd = sub
    result = await call(Read(), ctx, file_path="notes.md", offset=10, limit=2)
    assert result.text.startswith("    10\tline 10")
    record = ctx.read_files[sub / "notes.md"]
    assert record.size == (sub / "notes.md").stat().st_size


# Edit: refusals


async def test_edit_needs_a_prior_read(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.py"
    target.write_text("a = 1\n")
    result = await edit(ctx, target, "a = 1", "a = 2")
    assert result.is_error
    assert "Read it first" in result.text
    assert target.read_text() == "a = 1\n"


async def test_edit_refuses_a_file_changed_since_read(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.py"
    target.write_text("a = 1\n")
    await read(ctx, target)
    target.write_text("a = 1\nb = 2\n")
    result = await edit(ctx, target, "a = 1", "a = 3")
    assert result.is_error
    assert "changed on disk" in result.text and "Read it again" in result.text
    assert target.read_text() == "a = 1\nb = 2\n"


async def test_edit_of_a_missing_file_points_to_write(ctx: ToolContext, tmp_path: Path) -> None:
    result = await edit(ctx, tmp_path / "new.py", "x", "y")
    assert result.is_error
    assert "does not exist" in result.text and "Write" in result.text


async def test_edit_refuses_empty_and_identical_strings(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.py"
    target.write_text("a = 1\n")
    await read(ctx, target)
    empty = await edit(ctx, target, "", "b = 2\n")
    assert empty.is_error and "old_string is empty" in empty.text
    same = await edit(ctx, target, "a = 1", "a = 1")
    assert same.is_error and "identical" in same.text
    assert target.read_text() == "a = 1\n"


async def test_edit_not_found_names_the_closest_text(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "greet.py"
    target.write_text("import os\n\n\ndef hello(name):\n    return 'hello ' + name\n")
    await read(ctx, target)
    result = await edit(ctx, target, "def helo(name):\n    return 'helo ' + name", "x")
    assert result.is_error
    assert "not found" in result.text
    assert "line 4" in result.text
    assert "     4\tdef hello(name):" in result.text


async def test_edit_not_found_spots_whitespace_differences(
    ctx: ToolContext, tmp_path: Path
) -> None:
    target = tmp_path / "f.py"
    target.write_text("if x:\n    y = 1\n")
    await read(ctx, target)
    result = await edit(ctx, target, "if x:\n\ty = 1", "if x:\n\ty = 2")
    assert result.is_error
    assert "whitespace" in result.text and "line 1" in result.text


async def test_edit_not_found_without_anything_close(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.py"
    target.write_text("alpha\nbeta\n")
    await read(ctx, target)
    result = await edit(ctx, target, "completely different", "x")
    assert result.is_error
    assert "Nothing in the file is close" in result.text


async def test_edit_ambiguous_match_needs_replace_all(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.py"
    target.write_text("x = 1\ny = 2\nx = 1\n")
    await read(ctx, target)
    result = await edit(ctx, target, "x = 1", "x = 3")
    assert result.is_error
    assert "2 times" in result.text and "lines 1, 3" in result.text
    assert "replace_all" in result.text
    assert target.read_text() == "x = 1\ny = 2\nx = 1\n"


# Edit: changes


async def test_edit_replaces_and_returns_a_diff(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.py"
    target.write_text("a = 1\nb = 2\n")
    await read(ctx, target)
    result = await edit(ctx, target, "b = 2", "b = 3")
    assert not result.is_error
    assert target.read_text() == "a = 1\nb = 3\n"
    assert "(+1 -1)" in result.text
    assert "--- a/f.py\n+++ b/f.py" in result.text and "-b = 2\n+b = 3" in result.text
    assert result.change is not None and ctx.changes == [result.change]
    assert result.change.before == "a = 1\nb = 2\n"
    assert result.change.after == "a = 1\nb = 3\n"


async def test_edit_replace_all(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.py"
    target.write_text("x = 1\ny = x\nx = 1\n")
    await read(ctx, target)
    result = await edit(ctx, target, "x = 1", "x = 2", replace_all=True)
    assert not result.is_error and "2 occurrences" in result.text
    assert target.read_text() == "x = 2\ny = x\nx = 2\n"


async def test_consecutive_edits_need_no_new_read(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.py"
    target.write_text("a\nb\n")
    await read(ctx, target)
    assert not (await edit(ctx, target, "a", "A")).is_error
    assert not (await edit(ctx, target, "b", "B")).is_error
    assert target.read_text() == "A\nB\n"
    assert len(ctx.changes) == 2


async def test_edit_strips_copied_line_numbers(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.py"
    target.write_text("def f():\n    return 1\n")
    copied = (await read(ctx, target)).text
    assert copied == "     1\tdef f():\n     2\t    return 1"
    result = await edit(ctx, target, copied, "     1\tdef f():\n     2\t    return 2")
    assert not result.is_error, result.text
    assert target.read_text() == "def f():\n    return 2\n"


async def test_edit_keeps_numbers_that_are_really_in_the_file(
    ctx: ToolContext, tmp_path: Path
) -> None:
    target = tmp_path / "table.tsv"
    target.write_text("1\tone\n2\ttwo\n")
    await read(ctx, target)
    result = await edit(ctx, target, "2\ttwo", "2\tdeux")
    assert not result.is_error
    assert target.read_text() == "1\tone\n2\tdeux\n"


async def test_edit_keeps_crlf(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "win.txt"
    target.write_bytes(b"one\r\ntwo\r\nthree\r\n")
    await read(ctx, target)
    result = await edit(ctx, target, "one\ntwo", "uno\ndos\nzwei")
    assert not result.is_error, result.text
    assert target.read_bytes() == b"uno\r\ndos\r\nzwei\r\nthree\r\n"
    assert "\r" not in result.text


async def test_edit_keeps_a_missing_final_newline(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("first\nlast")
    await read(ctx, target)
    assert not (await edit(ctx, target, "last", "final\n")).is_error
    assert target.read_bytes() == b"first\nfinal"
    assert not (await edit(ctx, target, "first", "start")).is_error
    assert target.read_bytes() == b"start\nfinal"


async def test_edit_keeps_a_final_newline(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("first\nlast\n")
    await read(ctx, target)
    assert not (await edit(ctx, target, "last\n", "end")).is_error
    assert target.read_bytes() == b"first\nend\n"


async def test_edit_round_trips_latin1(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "legacy.txt"
    target.write_bytes(b"caf\xe9 = 1\nother = 2\n")
    await read(ctx, target)
    assert not (await edit(ctx, target, "other = 2", "autre = 2")).is_error
    assert target.read_bytes() == b"caf\xe9 = 1\nautre = 2\n"
    assert not (await edit(ctx, target, "café = 1", "thé = 1")).is_error
    assert target.read_bytes() == b"th\xe9 = 1\nautre = 2\n"
    unstorable = await edit(ctx, target, "thé", "茶")
    assert unstorable.is_error and "latin-1" in unstorable.text


async def test_edit_keeps_the_bom(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "bom.txt"
    target.write_bytes("\ufeffhello\n".encode())
    await read(ctx, target)
    assert not (await edit(ctx, target, "hello", "héllo")).is_error
    assert target.read_bytes() == b"\xef\xbb\xbfh\xc3\xa9llo\n"


async def test_edit_keeps_the_file_mode(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "run.sh"
    target.write_text("echo a\n")
    target.chmod(0o751)
    await read(ctx, target)
    assert not (await edit(ctx, target, "echo a", "echo b")).is_error
    assert stat.S_IMODE(target.stat().st_mode) == 0o751
    assert [p.name for p in tmp_path.iterdir()] == ["run.sh"]


async def test_edit_through_a_symlink_keeps_the_link(ctx: ToolContext, tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("a\n")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    await read(ctx, link)
    assert not (await edit(ctx, link, "a", "b")).is_error
    assert link.is_symlink() and real.read_text() == "b\n"


async def test_edit_caps_a_long_diff(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old\n" * 300)
    await read(ctx, target)
    result = await edit(ctx, target, "old", "new", replace_all=True)
    assert "(+300 -300)" in result.text
    assert "more diff lines not shown" in result.text
    assert len(result.text.splitlines()) < 110


async def test_edit_preview_leaves_the_file_alone(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.py"
    target.write_text("a = 1\n")
    await read(ctx, target)
    before = target.stat()
    args, _ = Edit().validate({"file_path": str(target), "old_string": "1", "new_string": "2"})
    change = await Edit().preview(args, ctx)
    assert isinstance(change, FileChange)
    assert (change.path, change.before, change.after) == (target, "a = 1\n", "a = 2\n")
    assert target.read_text() == "a = 1\n"
    assert target.stat().st_mtime_ns == before.st_mtime_ns
    assert ctx.changes == []
    args["old_string"] = "absent"
    problem = await Edit().preview(args, ctx)
    assert isinstance(problem, str) and problem.startswith("old_string was not found")


# Write


async def test_write_creates_parent_directories(ctx: ToolContext, tmp_path: Path) -> None:
    result = await call(Write(), ctx, file_path="a/b/c.txt", content="one\ntwo\n")
    target = tmp_path / "a" / "b" / "c.txt"
    assert not result.is_error
    assert result.text == f"Created {target} (2 lines)."
    assert target.read_text() == "one\ntwo\n"
    assert ctx.changes[-1].before is None and ctx.changes[-1].after == "one\ntwo\n"
    assert target in ctx.read_files


async def test_write_overwrite_needs_a_read(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("keep me\n")
    result = await call(Write(), ctx, file_path=str(target), content="gone\n")
    assert result.is_error and "Read it first" in result.text
    assert target.read_text() == "keep me\n"


async def test_write_refuses_a_file_changed_since_read(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("v1\n")
    await read(ctx, target)
    target.write_text("version 2\n")
    result = await call(Write(), ctx, file_path=str(target), content="v3\n")
    assert result.is_error and "changed on disk" in result.text
    assert target.read_text() == "version 2\n"


async def test_write_overwrite_returns_a_diff(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("a\nb\n")
    await read(ctx, target)
    result = await call(Write(), ctx, file_path=str(target), content="a\nc\n")
    assert not result.is_error
    assert result.text.startswith(f"Updated {target} (+1 -1).")
    assert "-b\n+c" in result.text
    assert ctx.changes[-1].before == "a\nb\n"


async def test_write_keeps_crlf(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "win.txt"
    target.write_bytes(b"old\r\n")
    await read(ctx, target)
    assert not (await call(Write(), ctx, file_path=str(target), content="x\ny\n")).is_error
    assert target.read_bytes() == b"x\r\ny\r\n"


async def test_write_preview_creates_nothing(ctx: ToolContext, tmp_path: Path) -> None:
    args, _ = Write().validate({"file_path": "d/new.txt", "content": "hi\n"})
    change = await Write().preview(args, ctx)
    assert isinstance(change, FileChange) and change.before is None and change.after == "hi\n"
    assert not (tmp_path / "d").exists()
    existing = tmp_path / "f.txt"
    existing.write_text("x\n")
    args, _ = Write().validate({"file_path": str(existing), "content": "y\n"})
    problem = await Write().preview(args, ctx)
    assert isinstance(problem, str) and "has not been read" in problem


# Arguments


async def test_aliases_are_accepted(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("a\n")
    args, notes = Read().validate({"path": str(target), "offset": "1"})
    assert args == {"file_path": str(target), "offset": 1, "limit": 2000}
    assert notes
    await Read().run(args, ctx, "c1")
    args, _ = Edit().validate({"filename": str(target), "old_str": "a", "new_str": "b"})
    assert args["replace_all"] is False
    assert not (await Edit().run(args, ctx, "c2")).is_error
    args, _ = Write().validate({"path": str(tmp_path / "g.txt"), "contents": "g\n"})
    assert not (await Write().run(args, ctx, "c3")).is_error
    assert (tmp_path / "g.txt").read_text() == "g\n"


def test_missing_arguments_are_reported() -> None:
    with pytest.raises(ToolInputError, match="old_string"):
        Edit().validate({"file_path": "f", "new_string": "x"})


def test_file_tools_and_summaries() -> None:
    tools = file_tools()
    assert [tool.name for tool in tools] == ["Read", "Edit", "Write"]
    assert [tool.read_only for tool in tools] == [True, False, False]
    assert all(tool.schema()["function"]["parameters"]["type"] == "object" for tool in tools)
    assert tools[1].summary({"file_path": "src/app.py", "old_string": "x"}) == "src/app.py"


async def test_os_errors_are_results_not_exceptions(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "plain.txt").write_text("x\n")
    result = await call(Write(), ctx, file_path="plain.txt/inside.txt", content="y\n")
    assert result.is_error and "Could not write" in result.text
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "not a regular file" in (await read(ctx, fifo)).text


class _ThreadRecordingEdit(Edit):
    """Edit that notes the thread each plan is worked out in."""

    def __init__(self) -> None:
        self.threads: list[int] = []

    def plan(self, args: dict[str, Any], ctx: ToolContext) -> Any:
        self.threads.append(threading.get_ident())
        return super().plan(args, ctx)


async def test_edit_and_write_work_out_their_change_off_the_event_loop(
    ctx: ToolContext, tmp_path: Path
) -> None:
    """Reading, matching and diffing a large file must not stop the app from drawing."""
    target = tmp_path / "big.py"
    target.write_text(numbered(50))
    await read(ctx, target)
    tool = _ThreadRecordingEdit()
    args, _ = tool.validate(
        {"file_path": str(target), "old_string": "line 7\n", "new_string": "line seven\n"}
    )
    preview = await tool.preview(args, ctx)
    assert isinstance(preview, FileChange)
    result = await tool.run(args, ctx, "c1")
    assert not result.is_error, result.text
    assert "line seven" in target.read_text()
    loop_thread = threading.get_ident()
    assert len(tool.threads) == 2
    assert loop_thread not in tool.threads
