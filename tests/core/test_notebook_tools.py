"""Notebooks on disk, written by nbformat: Read shows their cells, NotebookEdit edits one
and keeps every other cell's outputs, and the file stays a valid notebook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat import v4

from openclaude_tui.core.tools import default_tools
from openclaude_tui.core.tools.base import ToolContext, ToolResult
from openclaude_tui.core.tools.files import Read
from openclaude_tui.core.tools.notebook import NotebookEdit
from openclaude_tui.core.tools.notebook_view import MAX_OUTPUT_CHARS
from tests.helpers.policy import make_policy
from tests.helpers.print_mode import openclaude
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

# A 1×1 PNG, base64 as notebooks store it.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAA"
    "AABJRU5ErkJggg=="
)


def write_notebook(path: Path) -> None:
    """A notebook with a markdown cell and two executed code cells with outputs."""
    notebook = v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    title = v4.new_markdown_cell("# Sales", id="intro")
    load = v4.new_code_cell("total = 2 + 3\nprint(total)", id="load", execution_count=1)
    load.outputs = [v4.new_output("stream", name="stdout", text="5\n")]
    plot = v4.new_code_cell("plot(total)", id="plot", execution_count=2)
    plot.outputs = [
        v4.new_output(
            "display_data", data={"image/png": PNG, "text/plain": "<Figure size 640x480>"}
        ),
        v4.new_output("execute_result", data={"text/plain": "'done'"}, execution_count=2),
    ]
    notebook.cells = [title, load, plot]
    nbformat.write(notebook, str(path))


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    return ToolContext(project_root=tmp_path, cwd=tmp_path)


@pytest.fixture
def sales(tmp_path: Path) -> Path:
    path = tmp_path / "sales.ipynb"
    write_notebook(path)
    return path


async def run(tool: Any, ctx: ToolContext, **raw: Any) -> ToolResult:
    args, _ = tool.validate(raw)
    return await tool.run(args, ctx, "call-1")


async def read(ctx: ToolContext, path: Path, **raw: Any) -> ToolResult:
    return await run(Read(), ctx, file_path=str(path), **raw)


def reread(path: Path) -> nbformat.NotebookNode:
    """The notebook on disk, checked against the notebook schema."""
    notebook = nbformat.read(str(path), as_version=4)
    nbformat.validate(notebook)
    return notebook


async def test_read_shows_cells_with_ids_types_sources_and_outputs(
    ctx: ToolContext, sales: Path
) -> None:
    result = await read(ctx, sales)
    assert not result.is_error
    text = result.text
    assert text.startswith(f"Notebook {sales}: 3 cells, Python 3.")
    assert '<cell index=0 id="intro" type="markdown">\n# Sales\n</cell>' in text
    assert (
        '<cell index=1 id="load" type="code" execution_count=1>\n'
        "total = 2 + 3\nprint(total)\n<output>\n5\n</output>\n</cell>"
    ) in text
    assert "<Figure size 640x480>\n[image/png output]" in text
    assert PNG not in text, "image data is named, never shown"
    assert "'done'" in text


async def test_read_cuts_a_huge_output(ctx: ToolContext, tmp_path: Path) -> None:
    path = tmp_path / "log.ipynb"
    notebook = v4.new_notebook()
    cell = v4.new_code_cell("spam()", execution_count=1)
    cell.outputs = [v4.new_output("stream", name="stdout", text="x" * 50_000)]
    notebook.cells = [cell]
    nbformat.write(notebook, str(path))
    result = await read(ctx, path)
    assert "[output cut: 50,000 characters]" in result.text
    assert len(result.text) < MAX_OUTPUT_CHARS + 500


async def test_read_of_a_broken_notebook_shows_its_text(ctx: ToolContext, tmp_path: Path) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [')
    result = await read(ctx, path)
    assert result.text == '     1\t{"cells": ['


async def test_replace_clears_that_cells_outputs_and_keeps_the_others(
    ctx: ToolContext, sales: Path
) -> None:
    await read(ctx, sales)
    result = await run(
        NotebookEdit(), ctx, notebook_path=str(sales), cell_id="load", new_source="total = 7"
    )
    assert not result.is_error, result.text
    assert result.text.startswith(f"Replaced the source of cell load in {sales}")
    after = reread(sales)
    load = after.cells[1]
    assert load.source == "total = 7" and load.outputs == [] and load.execution_count is None
    plot = after.cells[2]
    assert [o.output_type for o in plot.outputs] == ["display_data", "execute_result"]
    assert plot.outputs[0].data["image/png"] == PNG and plot.execution_count == 2
    assert after.cells[0].source == "# Sales"


async def test_insert_delete_and_change_type_by_id_or_index(ctx: ToolContext, sales: Path) -> None:
    await read(ctx, sales)
    edit = NotebookEdit()
    inserted = await run(
        edit, ctx, notebook_path=str(sales), cell_id="intro", edit_mode="insert",
        cell_type="markdown", new_source="Numbers below.",
    )  # fmt: skip
    assert not inserted.is_error, inserted.text
    assert [c.source for c in reread(sales).cells][:2] == ["# Sales", "Numbers below."]
    deleted = await run(edit, ctx, notebook_path=str(sales), cell_id="3", edit_mode="delete")
    assert deleted.text.startswith("Deleted cell plot"), deleted.text
    retyped = await run(
        edit, ctx, notebook_path=str(sales), cell_id="intro", cell_type="code", new_source="1"
    )
    assert not retyped.is_error, retyped.text
    after = reread(sales)
    assert [(c.id, c.cell_type) for c in after.cells] == [
        ("intro", "code"),
        (after.cells[1].id, "markdown"),
        ("load", "code"),
    ]
    assert after.cells[2].outputs[0].text == "5\n"


async def test_mistakes_are_results_the_model_can_act_on(ctx: ToolContext, sales: Path) -> None:
    before = sales.read_bytes()
    edit = NotebookEdit()
    unread = await run(edit, ctx, notebook_path=str(sales), cell_id="load", new_source="x")
    assert unread.is_error and "has not been read" in unread.text
    await read(ctx, sales)
    missing = await run(edit, ctx, notebook_path=str(sales), cell_id="nope", new_source="x")
    assert missing.is_error
    assert "no cell has the id 'nope'" in missing.text and "intro, load, plot" in missing.text
    untyped = await run(edit, ctx, notebook_path=str(sales), edit_mode="insert", new_source="x")
    assert untyped.is_error and "cell_type" in untyped.text
    sourceless = await run(edit, ctx, notebook_path=str(sales), cell_id="load")
    assert sourceless.is_error and "new_source is required" in sourceless.text
    text_file = sales.with_suffix(".py")
    text_file.write_text("x = 1\n")
    wrong = await run(edit, ctx, notebook_path=str(text_file), cell_id="0", new_source="y")
    assert wrong.is_error and "not a notebook" in wrong.text
    assert sales.read_bytes() == before


async def test_the_preview_is_the_files_change(ctx: ToolContext, sales: Path) -> None:
    await read(ctx, sales)
    args, _ = NotebookEdit().validate(
        {"notebook_path": str(sales), "cell_id": "intro", "new_source": "# Revenue"}
    )
    change = await NotebookEdit().preview(args, ctx)
    assert change is not None and not isinstance(change, str)
    assert change.before == sales.read_text()
    assert '"# Revenue"' in change.after and '"# Sales"' not in change.after


def test_edit_rules_and_notebookedit_rules_cover_it(tmp_path: Path) -> None:
    tool = default_tools().get("NotebookEdit")
    assert tool is not None and tool.file_access == "edit"
    args, _ = tool.validate({"notebook_path": "nb/a.ipynb", "cell_id": "0", "new_source": "x"})
    assert make_policy(tmp_path).check(tool, args, tmp_path).action == "ask"
    assert make_policy(tmp_path, "acceptEdits").check(tool, args, tmp_path).action == "allow"
    deny = make_policy(tmp_path, "acceptEdits", deny=["NotebookEdit(nb/**)"])
    assert deny.check(tool, args, tmp_path).action == "deny"
    assert make_policy(tmp_path, deny=["Edit(nb/**)"]).check(tool, args, tmp_path).action == "deny"


def test_print_mode_edits_a_notebook_with_outputs(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    write_notebook(project / "sales.ipynb")
    turns = [
        Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "sales.ipynb"})]),
        Turn(
            tool_calls=[
                ToolCallSpec(
                    "NotebookEdit",
                    {"notebook_path": "sales.ipynb", "cell_id": "intro", "new_source": "# Q3"},
                )
            ]
        ),
        Turn(text="Renamed."),
    ]
    with ScriptedServer(turns) as server:
        done = openclaude(
            project, tmp_path / "home", "-p", "rename", "--base-url", server.base_url,
            "--allow", "NotebookEdit(*.ipynb)",
        )  # fmt: skip
        results = server.tool_results()
    assert done.returncode == 0, done.stderr
    assert '<cell index=2 id="plot" type="code" execution_count=2>' in results[0]
    assert "Replaced the source of cell intro" in results[1]
    after = reread(project / "sales.ipynb")
    assert after.cells[0].source == "# Q3"
    assert after.cells[2].outputs[0].data["image/png"] == PNG
