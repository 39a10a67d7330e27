"""MultiEdit: several exact replacements in one file, applied in order, all or none.

Each edit is matched as Edit matches it, against the text the edits before it left; the
file is written once, when every edit has applied, so a failing edit leaves it untouched.
The user sees one diff and gives one approval (which may keep only some of its hunks).
"""

from __future__ import annotations

from typing import Any, ClassVar

from openclaude_tui.core.tools.base import Tool, ToolContext
from openclaude_tui.core.tools.edit_match import edit_problem, replace_text
from openclaude_tui.core.tools.files import (
    FILE_PATH,
    FILE_PATH_ALIASES,
    FileChangeTool,
    Plan,
    encoded_plan,
    load_for_change,
)

# Past this many edits one Write of the whole file is clearer for everyone.
MAX_EDITS = 100


def _edit_label(index: int, total: int) -> str:
    return f"Edit {index + 1} of {total}"


class MultiEdit(FileChangeTool):
    """Apply several Edit-style replacements to one file at once."""

    name = "MultiEdit"
    description = (
        "Make several exact replacements in one file in a single call. The edits are applied "
        "in order, each to the text the previous ones left, and the file is written only if "
        "every edit applies: if any fails, nothing is changed and the error names the edit. "
        "Each edit follows Edit's rules: old_string must match exactly (whitespace "
        "included) and be unique unless replace_all is true. You must Read the file in this "
        f"conversation first. At most {MAX_EDITS} edits; to create a file, use Write."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "file_path": {"type": "string", "description": "The file to change."},
            "edits": {
                "type": "array",
                "description": "The replacements, applied in this order.",
                "items": {
                    "type": "object",
                    "properties": {
                        "old_string": {
                            "type": "string",
                            "description": "The exact text to replace.",
                        },
                        "new_string": {
                            "type": "string",
                            "description": "The text to put in its place.",
                        },
                        "replace_all": {
                            "type": "boolean",
                            "default": False,
                            "description": "Replace every occurrence, not just one.",
                        },
                    },
                    "required": ["old_string", "new_string"],
                },
            },
        },
        "required": ["file_path", "edits"],
    }
    path_arguments = FILE_PATH
    aliases: ClassVar[dict[str, str]] = {**FILE_PATH_ALIASES, "changes": "edits"}

    def summary(self, args: dict[str, Any]) -> str:
        """The file and how many edits."""
        edits = args.get("edits")
        count = len(edits) if isinstance(edits, list) else 0
        return f"{args.get('file_path', '')} ({count} edit{'' if count == 1 else 's'})"

    def plan(self, args: dict[str, Any], ctx: ToolContext) -> Plan | str:
        """The file after every edit, or which edit cannot be made and why."""
        path = ctx.resolve(args["file_path"])
        edits: list[dict[str, Any]] = args["edits"]
        total = len(edits)
        if not edits:
            return "edits is empty: give at least one {old_string, new_string} pair."
        if total > MAX_EDITS:
            return (
                f"{total} edits is more than the {MAX_EDITS} one call takes: split them over "
                "several MultiEdit calls, or rewrite the file with Write."
            )
        for index, edit in enumerate(edits):
            problem = edit_problem(edit["old_string"], edit["new_string"])
            if problem is not None:
                return f"{_edit_label(index, total)} failed: {problem} Nothing was changed."
        loaded = load_for_change(path, ctx, "editing")
        if isinstance(loaded, str):
            return loaded
        before, fmt = loaded
        text = before
        for index, edit in enumerate(edits):
            earlier = "" if index == 0 else f" after edit{'s 1-' if index > 1 else ' '}{index}"
            replaced = replace_text(
                text,
                edit["old_string"],
                edit["new_string"],
                fmt.newline,
                replace_all=bool(edit.get("replace_all")),
                where=f"in {path}{earlier}",
            )
            if isinstance(replaced, str):
                return (
                    f"{_edit_label(index, total)} failed: {replaced}\n"
                    f"Nothing was changed: the edits apply all together or not at all. Fix "
                    f"edit {index + 1} and send all {total} again."
                )
            text = replaced.text
        headline = f"Edited {path}: applied {total} edit{'' if total == 1 else 's'}"
        return encoded_plan(path, before, text, fmt, headline)


def multi_edit_tools() -> list[Tool]:
    """MultiEdit, offered after the other file tools."""
    return [MultiEdit()]
