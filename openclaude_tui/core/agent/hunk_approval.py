"""Writing only the hunks of a proposed file change that the user approved.

The permission modal shows an Edit or Write as the hunks of ``diff_change(request.change)``
and may approve some of them (``Decision.hunks``). The approved hunks are applied to the
file's content before the change and written through the Write tool, so the file keeps its
line endings and encoding, is replaced atomically and the change is recorded like any other.
The model is told which hunks were written and is shown the rejected ones, so it can go on.
"""

from __future__ import annotations

from collections.abc import Sequence

from openclaude_tui.core.changes.apply import apply_hunks
from openclaude_tui.core.changes.diff import FileDiff, diff_change
from openclaude_tui.core.changes.file_change import FileChange
from openclaude_tui.core.events import ToolStatus
from openclaude_tui.core.tools.base import ToolContext
from openclaude_tui.core.tools.files import Write
from openclaude_tui.core.tools.notebook_view import is_notebook, notebook_problem


def _numbers(indices: Sequence[int]) -> str:
    """``hunk 2`` / ``hunks 1 and 3`` / ``hunks 1, 2 and 4`` (1-based)."""
    shown = [str(index + 1) for index in indices]
    if len(shown) == 1:
        return f"hunk {shown[0]}"
    return f"hunks {', '.join(shown[:-1])} and {shown[-1]}"


def _rejected_text(diff: FileDiff, rejected: Sequence[int]) -> str:
    # The model reads diffs; carriage returns would only be noise to it.
    parts = [
        f"Rejected hunk {index + 1}:\n" + diff.hunks[index].text().replace("\r\n", "\n")
        for index in rejected
    ]
    return "\n".join(parts).rstrip("\n")


async def apply_approved_hunks(
    change: FileChange, hunks: Sequence[int], ctx: ToolContext, call_id: str
) -> tuple[str, ToolStatus, str] | None:
    """Write the approved hunks of ``change``; the tool result's text, status and diff.

    Args:
        change: The change the tool proposed (its ``preview``).
        hunks: Indices into ``diff_change(change, ctx.project_root).hunks``.
        ctx: The tool context (its ``changes`` get the partial change).
        call_id: The tool call's id.

    Returns:
        None when every hunk is approved (the tool should simply run), else the text for
        the model, the call's status: ``done``, ``denied`` (no hunk approved) or ``failed``
        (the file could not be written), and the diff of what was written, for showing.
    """
    diff = diff_change(change, ctx.project_root)
    total = len(diff.hunks)
    applied = sorted({index for index in hunks if 0 <= index < total})
    if len(applied) == total:
        return None
    rejected = [index for index in range(total) if index not in applied]
    rejected_text = _rejected_text(diff, rejected)
    if not applied:
        return (
            f"The user rejected every hunk of this change to {change.path}, so nothing was "
            f"written.\n\n{rejected_text}",
            "denied",
            "",
        )
    content = apply_hunks(change.before or "", diff, applied)
    problem = notebook_problem(content) if is_notebook(change.path) else None
    if problem is not None:
        # A notebook is JSON: some hunks alone can leave it unreadable by Jupyter.
        return (
            f"The user approved {_numbers(applied)} of {total} of this change to "
            f"{change.path}, but those alone would leave the notebook invalid ({problem}), "
            "so nothing was written. Ask the user which part of the change they want.",
            "failed",
            "",
        )
    result = await Write().run({"file_path": str(change.path), "content": content}, ctx, call_id)
    if result.is_error:
        return (
            f"The user approved {_numbers(applied)} of {total} of this change to "
            f"{change.path}, but nothing was written: {result.text}",
            "failed",
            "",
        )
    return (
        f"The user approved only part of this change to {change.path}: {_numbers(applied)} "
        f"of {total} {'was' if len(applied) == 1 else 'were'} written, and "
        f"{_numbers(rejected)} {'was' if len(rejected) == 1 else 'were'} rejected and NOT "
        "written. The file now holds only the approved hunks (the diff below shows what was "
        "written). Do not apply the rejected changes again unless the user asks for them.\n\n"
        f"{rejected_text}\n\nWritten: {result.text}",
        "done",
        result.diff,
    )
