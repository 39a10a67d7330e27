"""NotebookEdit: replace, insert or delete one cell of a Jupyter notebook.

Notebooks are read and written with ``nbformat``, and every edited notebook is validated
before it is written, so the file stays one Jupyter opens. An edit keeps the outputs of
every other cell; an edited code cell's outputs and execution count are cleared, since
they belonged to the old source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from openclaude_tui.core.tools.base import Tool, ToolContext
from openclaude_tui.core.tools.files import FileChangeTool, Plan, encoded_plan, load_for_change
from openclaude_tui.core.tools.notebook_view import is_notebook, parse_notebook

if TYPE_CHECKING:
    from nbformat import NotebookNode

_EDIT_MODES = ("replace", "insert", "delete")


def _find_cell(cells: list[NotebookNode], cell_id: str) -> int | None:
    """The index of the cell with this id, or the cell at this 0-based index."""
    for index, cell in enumerate(cells):
        if cell.get("id") == cell_id:
            return index
    if cell_id.strip().isdigit() and int(cell_id) < len(cells):
        return int(cell_id)
    return None


def _new_cell(notebook: NotebookNode, kind: str, source: str, cell_id: str | None) -> NotebookNode:
    from nbformat import v4

    cell = v4.new_code_cell(source) if kind == "code" else v4.new_markdown_cell(source)
    if cell_id is not None:
        cell.id = cell_id
    if notebook.get("nbformat_minor", 5) < 5:
        # Cell ids came with format 4.5; an older notebook's schema refuses them.
        del cell["id"]
    return cell


class NotebookEdit(FileChangeTool):
    """Replace, insert or delete one cell of a Jupyter notebook."""

    name = "NotebookEdit"
    description = (
        "Edit one cell of a Jupyter notebook (.ipynb). Read the notebook first: Read shows "
        "each cell's index, id, type, source and outputs. cell_id is the cell's id or its "
        "0-based index. edit_mode 'replace' (the default) sets the cell's source (and type, "
        "if cell_type is given); 'insert' adds a new cell after cell_id, or at the start "
        "without one (cell_type is then required); 'delete' removes the cell. An edited code "
        "cell's outputs are cleared; other cells keep theirs. Use this rather than Edit or "
        "Write on notebooks."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "notebook_path": {"type": "string", "description": "The .ipynb file to change."},
            "cell_id": {
                "type": "string",
                "description": "The cell's id, or its 0-based index. For insert: the new "
                "cell goes after it (omit to insert at the start).",
            },
            "new_source": {
                "type": "string",
                "description": "The cell's new source (ignored for delete).",
            },
            "cell_type": {
                "type": "string",
                "enum": ["code", "markdown"],
                "description": "The cell's type: required for insert, optional for replace.",
            },
            "edit_mode": {
                "type": "string",
                "enum": list(_EDIT_MODES),
                "default": "replace",
                "description": "replace, insert or delete.",
            },
        },
        "required": ["notebook_path"],
    }
    path_arguments = ("notebook_path",)
    aliases: ClassVar[dict[str, str]] = {
        "file_path": "notebook_path",
        "path": "notebook_path",
        "cell_number": "cell_id",
        "source": "new_source",
    }

    def summary(self, args: dict[str, Any]) -> str:
        """The notebook, the mode and the cell."""
        cell = args.get("cell_id")
        where = f" cell {cell}" if cell is not None else ""
        return f"{args.get('notebook_path', '')} ({args.get('edit_mode') or 'replace'}{where})"

    def plan(self, args: dict[str, Any], ctx: ToolContext) -> Plan | str:
        """The notebook after the edit, validated, or why it cannot be made."""
        path = ctx.resolve(args["notebook_path"])
        if not is_notebook(path):
            return f"{path} is not a notebook (.ipynb); use Edit or Write for other files."
        mode: str = args.get("edit_mode") or "replace"
        source = args.get("new_source")
        if mode != "delete" and source is None:
            return f"new_source is required to {mode} a cell."
        loaded = load_for_change(path, ctx, "editing")
        if isinstance(loaded, str):
            return loaded
        before, fmt = loaded
        try:
            notebook = parse_notebook(before)
        except ValueError as error:
            return f"{path} cannot be edited as a notebook: {error}. Fix it with Edit or Write."
        done = _apply(notebook, mode, args.get("cell_id"), source or "", args.get("cell_type"))
        if done.startswith("Error: "):
            return done.removeprefix("Error: ")
        import nbformat

        try:
            nbformat.validate(notebook)
        except nbformat.ValidationError as error:
            return f"The edit would leave {path} invalid ({error.message}); nothing was changed."
        return encoded_plan(path, before, nbformat.writes(notebook), fmt, f"{done} in {path}")


def _apply(
    notebook: NotebookNode, mode: str, cell_id: str | None, source: str, kind: str | None
) -> str:
    """Make the edit in ``notebook``: what was done, or ``Error: `` and why not."""
    cells: list[NotebookNode] = notebook.cells
    index = None if cell_id is None else _find_cell(cells, cell_id)
    if cell_id is not None and index is None:
        ids = ", ".join(str(cell.get("id", i)) for i, cell in enumerate(cells[:20]))
        return (
            f"Error: no cell has the id {cell_id!r}, and it is not an index from 0 to "
            f"{len(cells) - 1}. The cells' ids: {ids or '(none: the notebook is empty)'}."
        )
    if mode == "insert":
        if kind is None:
            return "Error: cell_type (code or markdown) is required to insert a cell."
        at = 0 if index is None else index + 1
        cells.insert(at, _new_cell(notebook, kind, source, None))
        named = f" (id {cells[at].id})" if cells[at].get("id") else ""
        return f"Inserted a {kind} cell at index {at}{named}"
    if index is None:
        return f"Error: cell_id is required to {mode} a cell."
    cell = cells[index]
    label = f"cell {cell.get('id', index)}"
    if mode == "delete":
        del cells[index]
        return f"Deleted {label}"
    if kind is not None and kind != cell.cell_type:
        new = _new_cell(notebook, kind, source, cell.get("id"))
        new.metadata = cell.metadata
        cells[index] = new
        return f"Replaced {label} with a {kind} cell"
    cell.source = source
    if cell.cell_type == "code":
        cell.outputs = []
        cell.execution_count = None
    return f"Replaced the source of {label}"


def notebook_tools() -> list[Tool]:
    """NotebookEdit (Read shows notebooks itself)."""
    return [NotebookEdit()]
