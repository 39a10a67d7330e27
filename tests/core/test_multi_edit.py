"""MultiEdit on real files: edits applied in order, all or none, one diff, Edit's rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openclaude_tui.core.changes.file_change import FileChange
from openclaude_tui.core.tools import default_tools
from openclaude_tui.core.tools.base import ToolContext, ToolInputError, ToolResult
from openclaude_tui.core.tools.files import Read
from openclaude_tui.core.tools.multi_edit import MultiEdit
from tests.helpers.policy import make_policy
from tests.helpers.print_mode import openclaude
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

SOURCE = "def area(w, h):\n    return w * h\n\n\ndef name():\n    return 'box'\n"


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    return ToolContext(project_root=tmp_path, cwd=tmp_path)


async def multi_edit(ctx: ToolContext, path: Path, *edits: dict[str, Any]) -> ToolResult:
    """Validate like the agent does, then run MultiEdit."""
    args, _ = MultiEdit().validate({"file_path": str(path), "edits": list(edits)})
    return await MultiEdit().run(args, ctx, "call-1")


async def read_first(ctx: ToolContext, path: Path) -> None:
    args, _ = Read().validate({"file_path": str(path)})
    assert not (await Read().run(args, ctx, "read-1")).is_error


@pytest.fixture
async def shapes(ctx: ToolContext, tmp_path: Path) -> Path:
    """shapes.py holding SOURCE, read in ``ctx``."""
    path = tmp_path / "shapes.py"
    path.write_text(SOURCE)
    await read_first(ctx, path)
    return path


def pair(old: str, new: str, **extra: Any) -> dict[str, Any]:
    return {"old_string": old, "new_string": new, **extra}


async def test_edits_apply_in_order_each_to_what_the_last_left(
    ctx: ToolContext, shapes: Path
) -> None:
    path = shapes
    result = await multi_edit(
        ctx,
        path,
        pair("def area(w, h):", "def area(width, height):"),
        # Only matches once the first edit has renamed the parameters.
        pair(
            "def area(width, height):\n    return w * h",
            "def area(width, height):\n    return width * height",
        ),
        pair("'box'", "'square'"),
    )
    assert not result.is_error, result.text
    assert path.read_text() == SOURCE.replace("(w, h)", "(width, height)").replace(
        "w * h", "width * height"
    ).replace("'box'", "'square'")
    assert result.text.startswith(f"Edited {path}: applied 3 edits")
    assert "+    return width * height" in result.text
    # One change recorded, one diff shown.
    assert len(ctx.changes) == 1 and result.diff.count("+++ ") == 1


async def test_a_failing_edit_leaves_the_file_unchanged_byte_for_byte(
    ctx: ToolContext, tmp_path: Path
) -> None:
    path = tmp_path / "shapes.py"
    data = SOURCE.replace("\n", "\r\n").encode()
    path.write_bytes(data)
    await read_first(ctx, path)
    result = await multi_edit(
        ctx,
        path,
        pair("return w * h", "return w * h  # area"),
        pair("return depth", "return 0"),
        pair("'box'", "'square'"),
    )
    assert result.is_error
    assert path.read_bytes() == data
    assert ctx.changes == []
    assert result.text.startswith("Edit 2 of 3 failed: old_string was not found")
    assert "after edit 1" in result.text and "Nothing was changed" in result.text


async def test_an_edit_that_only_the_earlier_edits_break_names_itself(
    ctx: ToolContext, shapes: Path
) -> None:
    path = shapes
    result = await multi_edit(
        ctx,
        path,
        pair("'box'", "'square'"),
        pair("def area", "def size"),
        # Present in the file as read, gone after edit 1.
        pair("return 'box'", "return 'cube'"),
    )
    assert result.is_error
    assert result.text.startswith("Edit 3 of 3 failed: old_string was not found")
    assert "after edits 1-2" in result.text
    assert path.read_text() == SOURCE


async def test_each_edit_keeps_edits_rules(ctx: ToolContext, tmp_path: Path) -> None:
    path = tmp_path / "twice.txt"
    path.write_text("x = 1\nx = 1\n")
    # Not read yet: refused like Edit.
    refused = await multi_edit(ctx, path, pair("x = 1", "x = 2"))
    assert refused.is_error and "has not been read" in refused.text
    await read_first(ctx, path)
    ambiguous = await multi_edit(ctx, path, pair("x", "y", replace_all=True), pair("y = 1", "z"))
    assert ambiguous.is_error
    assert ambiguous.text.startswith("Edit 2 of 2 failed: old_string occurs 2 times")
    same = await multi_edit(ctx, path, pair("x = 1", "x = 1"))
    assert same.text.startswith("Edit 1 of 1 failed: old_string and new_string are identical")
    empty = await multi_edit(ctx, path)
    assert empty.is_error and "edits is empty" in empty.text
    every = await multi_edit(
        ctx, path, pair("x", "y", replace_all=True), pair("y = 1\ny", "y = 2\nz")
    )
    assert not every.is_error, every.text
    assert path.read_text() == "y = 2\nz = 1\n"


def test_an_edit_without_old_string_is_refused_before_it_runs() -> None:
    with pytest.raises(ToolInputError, match="old_string"):
        MultiEdit().validate({"file_path": "f", "edits": [{"new_string": "x"}]})


async def test_the_preview_is_one_change_of_the_whole_file(ctx: ToolContext, shapes: Path) -> None:
    path = shapes
    args, _ = MultiEdit().validate(
        {"file_path": str(path), "edits": [pair("w * h", "w*h"), pair("'box'", "'b'")]}
    )
    preview = await MultiEdit().preview(args, ctx)
    assert preview == FileChange(
        path, SOURCE, SOURCE.replace("w * h", "w*h").replace("'box'", "'b'")
    )
    assert path.read_text() == SOURCE


def test_edit_rules_and_modes_cover_multiedit(tmp_path: Path) -> None:
    tool = default_tools().get("MultiEdit")
    assert tool is not None and tool.file_access == "edit" and not tool.read_only
    args, _ = tool.validate({"file_path": "src/a.py", "edits": [pair("a", "b")]})
    assert make_policy(tmp_path).check(tool, args, tmp_path).action == "ask"
    assert make_policy(tmp_path, "acceptEdits").check(tool, args, tmp_path).action == "allow"
    denying = make_policy(tmp_path, "acceptEdits", deny=["Edit(src/**)"])
    assert denying.check(tool, args, tmp_path).action == "deny"
    own = make_policy(tmp_path, allow=["MultiEdit(src/**)"])
    assert own.check(tool, args, tmp_path).action == "allow"


def test_print_mode_applies_a_multiedit(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "shapes.py").write_text(SOURCE)
    edits = [pair("w * h", "w*h"), pair("'box'", "'square'")]
    turns = [
        Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "shapes.py"})]),
        Turn(tool_calls=[ToolCallSpec("MultiEdit", {"file_path": "shapes.py", "edits": edits})]),
        Turn(text="Done."),
    ]
    with ScriptedServer(turns) as server:
        done = openclaude(
            project, tmp_path / "home", "-p", "tidy", "--base-url", server.base_url,
            "--permission-mode", "acceptEdits",
        )  # fmt: skip
        results = server.tool_results()
    assert done.returncode == 0, done.stderr
    assert (project / "shapes.py").read_text() == SOURCE.replace("w * h", "w*h").replace(
        "'box'", "'square'"
    )
    assert "applied 2 edits" in results[-1]
    assert "MultiEdit(shapes.py (2 edits))" in done.stderr
