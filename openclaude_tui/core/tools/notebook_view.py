"""Jupyter notebooks as the model reads them: cells with ids, types, sources and outputs.

``nbformat`` is imported only when a notebook is touched; a file that is not a valid
notebook is shown by Read as plain text instead.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openclaude_tui.core.changes.textfile import decode_text
from openclaude_tui.core.tools.base import ToolContext, ToolResult
from openclaude_tui.core.tools.read_window import MAX_SHOWN_BYTES

if TYPE_CHECKING:
    from nbformat import NotebookNode

NOTEBOOK_SUFFIX = ".ipynb"
# One output of one cell: past this it is cut, so a log-spewing cell cannot fill the result.
MAX_OUTPUT_CHARS = 4000
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def is_notebook(path: Path) -> bool:
    """Whether Read and NotebookEdit treat ``path`` as a Jupyter notebook."""
    return path.suffix.lower() == NOTEBOOK_SUFFIX


def parse_notebook(text: str) -> NotebookNode:
    """The notebook in ``text`` (as format 4), or ValueError saying why it is not one."""
    import nbformat

    with warnings.catch_warnings():
        # Missing cell ids and the like are repaired; the model needs no warning for them.
        warnings.simplefilter("ignore")
        try:
            notebook = nbformat.reads(text, as_version=4)
            nbformat.validate(notebook)
        except nbformat.ValidationError as error:
            raise ValueError(f"it does not follow the notebook format: {error.message}") from None
        except Exception as error:  # nbformat raises plain JSON and reader errors too
            raise ValueError(f"it is not a notebook: {error}") from None
    return notebook


def notebook_problem(text: str) -> str | None:
    """Why ``text`` is not a valid notebook, or None when it is."""
    try:
        parse_notebook(text)
    except ValueError as error:
        return str(error)
    return None


def _cut(text: str) -> str:
    if len(text) <= MAX_OUTPUT_CHARS:
        return text
    return f"{text[:MAX_OUTPUT_CHARS]}… [output cut: {len(text):,} characters]"


def _output_text(output: dict[str, Any]) -> str:
    """One output as text: streams and plain text as they are, anything else named."""
    kind = output.get("output_type")
    if kind == "stream":
        return _cut(str(output.get("text", "")).rstrip("\n"))
    if kind == "error":
        traceback = "\n".join(_ANSI.sub("", line) for line in output.get("traceback", []))
        head = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
        return _cut(traceback or head)
    data: dict[str, Any] = output.get("data", {})
    parts = [f"[{mime} output]" for mime in data if mime != "text/plain"]
    if "text/plain" in data:
        plain = data["text/plain"]
        parts.insert(0, _cut(("".join(plain) if isinstance(plain, list) else plain).rstrip()))
    return "\n".join(parts)


def _cell_text(index: int, cell: NotebookNode) -> str:
    named = f' id="{cell.id}"' if cell.get("id") else ""
    head = f'<cell index={index}{named} type="{cell.cell_type}"'
    if cell.cell_type == "code":
        count = cell.get("execution_count")
        head += f" execution_count={count if count is not None else 'none'}"
    lines = [f"{head}>", cell.source]
    outputs = [_output_text(output) for output in cell.get("outputs", [])]
    if any(outputs):
        lines += ["<output>", *[text for text in outputs if text], "</output>"]
    lines.append("</cell>")
    return "\n".join(lines)


def render_notebook(path: Path, data: bytes, first: int) -> str:
    """The notebook's cells from index ``first`` on, as the model reads them, cut to budget.

    Raises:
        ValueError: the file is not a valid notebook (the message says why).
    """
    text, _ = decode_text(data)
    notebook = parse_notebook(text)
    cells = notebook.cells
    language = notebook.metadata.get("kernelspec", {}).get("display_name") or "unknown kernel"
    if not cells:
        return f"(the notebook {path} has no cells; {language})"
    if first >= len(cells):
        return f"The notebook {path} has {len(cells)} cells (index 0 to {len(cells) - 1})."
    parts = [f"Notebook {path}: {len(cells)} cells, {language}."]
    size = len(parts[0])
    for index in range(first, len(cells)):
        shown = _cell_text(index, cells[index])
        if size + len(shown) > MAX_SHOWN_BYTES and index > first:
            parts.append(
                f"(cells {index} to {len(cells) - 1} not shown: the output is capped at "
                f"{MAX_SHOWN_BYTES // 1024} KB; to see them, Read with offset={index + 1})"
            )
            break
        parts.append(shown)
        size += len(shown)
    return "\n\n".join(parts)


def read_notebook(path: Path, offset: int, ctx: ToolContext) -> ToolResult | None:
    """Read's answer for a notebook (``offset`` counts cells from 1), or None to show it
    as plain text because it is not a valid notebook."""
    data = path.read_bytes()
    ctx.remember_read(path)
    try:
        return ToolResult(render_notebook(path, data, offset - 1))
    except ValueError:
        return None
