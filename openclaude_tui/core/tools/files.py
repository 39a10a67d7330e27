"""Read, Edit and Write: the file tools, on the contracts models were trained on.

Edits are exact string replacements in files the model has read in this conversation and
that have not changed since. A rewrite keeps the file's encoding, BOM, line endings and
final newline, and replaces the file atomically so nothing ever sees it half-written.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
import re
from abc import abstractmethod
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from openclaude_tui.core.changes.diff import change_diff_text, count_changes
from openclaude_tui.core.changes.file_change import FileChange
from openclaude_tui.core.changes.textfile import TextFormat, decode_text, write_atomic
from openclaude_tui.core.changes.window import too_large_note
from openclaude_tui.core.tools.base import Tool, ToolContext, ToolResult
from openclaude_tui.core.tools.edit_match import (
    edit_problem,
    keep_final_newline,
    numbered,
    replace_text,
    with_newlines,
)
from openclaude_tui.core.tools.images import image_result, is_image
from openclaude_tui.core.tools.missing_file import (
    missing_message,
    near_names,
    same_name_in_project,
)
from openclaude_tui.core.tools.notebook_view import is_notebook, read_notebook
from openclaude_tui.core.tools.read_window import MAX_SHOWN_BYTES, read_window

MAX_LINES = 2000
MAX_LINE_CHARS = 2000
DIFF_LINES = 100
# Edit and Write hold a file's old and new text (and its bytes) in memory at once; past this
# size they would need gigabytes, so such a file is left to a command (sed, a script).
MAX_CHANGE_BYTES = 64 * 1024 * 1024
_SNIFF_BYTES = 8192
# Files whose name says they are not text, whatever their first bytes look like.
_BINARY_NAME = re.compile(
    r"\.(png|jpe?g|gif|bmp|ico|webp|tiff?|psd|pdf|zip|gz|tgz|bz2|xz|7z|rar|tar|jar|whl|class"
    r"|o|a|so|dylib|dll|exe|bin|pyc|wasm|mp[34]|wav|ogg|flac|mov|avi|mkv|webm|ttf|otf|woff2?"
    r"|sqlite|db|docx|xlsx|pptx)$",
    re.IGNORECASE,
)
FILE_PATH_ALIASES = {"path": "file_path", "filename": "file_path", "file": "file_path"}
FILE_PATH: tuple[str, ...] = ("file_path",)


@dataclass(frozen=True)
class Plan:
    """A change worked out and checked, ready to be written."""

    path: Path
    before: str | None
    after: str
    data: bytes
    headline: str


def _line_count(text: str) -> int:
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def _capped_diff(diff: str) -> str:
    lines = diff.removesuffix("\n").split("\n")
    if len(lines) <= DIFF_LINES:
        return "\n".join(lines)
    rest = len(lines) - DIFF_LINES
    return "\n".join([*lines[:DIFF_LINES], f"… ({rest:,} more diff lines not shown)"])


def _binary_kind(path: Path, head: bytes) -> str | None:
    """A description of the file's type if it is binary, else None."""
    if _BINARY_NAME.search(path.name) or b"\0" in head:
        return mimetypes.guess_type(path.name)[0] or "binary data"
    return None


def _os_error(action: str, path: Path, error: OSError) -> ToolResult:
    return ToolResult(f"Could not {action} {path}: {error.strerror or error}.", is_error=True)


class Read(Tool):
    """Show a text file in ``cat -n`` form, a window of lines at a time."""

    name = "Read"
    description = (
        "Read a text file. The output is in `cat -n` form: every line starts with its 1-based "
        "line number and a tab, which are not part of the file. By default up to "
        f"{MAX_LINES} lines from the start are shown; for longer files pass offset (the line "
        "number to start at) and limit (how many lines). Lines longer than "
        f"{MAX_LINE_CHARS} characters are cut. file_path may be absolute or relative to the "
        "working directory. Read a file before you Edit or overwrite it. A Jupyter notebook "
        "(.ipynb) is shown as its cells with their outputs (offset counts cells). A PNG, JPEG, "
        "GIF or WebP image is shown to you as the image itself when you take images. To "
        "list a directory, use Glob or Bash `ls` instead."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "file_path": {"type": "string", "description": "The file to read."},
            "offset": {
                "type": "integer",
                "minimum": 0,
                "default": 1,
                "description": "The 1-based line number to start reading at.",
            },
            "limit": {
                "type": "integer",
                "minimum": 1,
                "default": MAX_LINES,
                "description": "How many lines to read.",
            },
        },
        "required": ["file_path"],
    }
    path_arguments = FILE_PATH
    read_only = True
    file_access = "read"
    aliases: ClassVar[dict[str, str]] = {
        **FILE_PATH_ALIASES,
        "start_line": "offset",
        "max_lines": "limit",
    }

    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        """Read the requested lines; a large file is read off the event loop."""
        path = ctx.resolve(args["file_path"])
        offset = max(int(args.get("offset") or 1), 1)
        limit = int(args.get("limit") or MAX_LINES)
        try:
            exists = path.exists()
        except OSError as error:  # a name too long for the file system, say
            return _os_error("read", path, error)
        if not exists:
            candidates = near_names(path) or await same_name_in_project(path, ctx)
            return ToolResult(missing_message(path, candidates), is_error=True)
        if ctx.language_servers is not None:
            # An edit usually follows: its language server starts now, in the background.
            ctx.language_servers.warm(path)
        try:
            return await asyncio.to_thread(_read, path, offset, limit, ctx)
        except OSError as error:
            return _os_error("read", path, error)


def _read(path: Path, offset: int, limit: int, ctx: ToolContext) -> ToolResult:
    if path.is_dir():
        return ToolResult(
            f"{path} is a directory, not a file. To see what it holds, use Glob "
            f"(pattern '*', path '{path}') or Bash `ls {path}`.",
            is_error=True,
        )
    if not path.is_file():
        return ToolResult(f"{path} is not a regular file; Read shows files only.", is_error=True)
    if is_image(path):
        return image_result(path, ctx)
    if is_notebook(path) and path.stat().st_size <= MAX_CHANGE_BYTES:
        cells = read_notebook(path, offset, ctx)
        if cells is not None:
            return cells
    with path.open("rb") as handle:
        kind = _binary_kind(path, handle.read(_SNIFF_BYTES))
        if kind is not None:
            size = os.fstat(handle.fileno()).st_size
            return ToolResult(
                f"{path} is a binary file ({kind}, {size:,} bytes); Read shows text files only."
            )
        handle.seek(0)
        ctx.remember_read(path)
        # One pass: count every line and check the whole file is UTF-8 (to decode the
        # shown lines exactly as Edit will), keeping only a bounded window in memory.
        window = read_window(handle, offset, limit)
    total, utf8 = window.total, window.utf8
    if total == 0:
        return ToolResult(f"(the file is empty: {path})")
    if offset > total:
        return ToolResult(
            f"{path} has {total:,} lines; offset {offset:,} is past the end. "
            f"Use an offset from 1 to {total:,}.",
            is_error=True,
        )
    encoding = "utf-8" if utf8 else "latin-1"
    shown = zip(window.lines, window.sizes, strict=True)
    lines = [_display_line(raw, size, encoding) for raw, size in shown]
    if offset == 1 and utf8 and lines:
        lines[0] = lines[0].removeprefix("\ufeff")
    parts = [numbered(lines, offset)]
    remaining = total - (offset + len(lines) - 1)
    if remaining > 0:
        cut = f"the output is capped at {MAX_SHOWN_BYTES // 1024} KB; " if window.full else ""
        parts.append(
            f"({remaining:,} more lines; {cut}to continue, Read with offset={offset + len(lines)})"
        )
    if not utf8:
        parts.append("(the file is not valid UTF-8, so it is shown decoded as latin-1)")
    return ToolResult("\n\n".join(parts))


def _display_line(raw: bytes, size: int, encoding: str) -> str:
    """A shown line: ``raw`` is its first bytes (at most ``MAX_LINE_BYTES``) of ``size``."""
    cut = size > len(raw)
    # A cut may fall inside a UTF-8 sequence: the broken tail is dropped.
    line = raw.decode(encoding, errors="ignore" if cut else "strict")
    if len(line) > MAX_LINE_CHARS or cut:
        note = f"{size:,} bytes" if cut else f"{len(line):,} characters"
        return f"{line[:MAX_LINE_CHARS]}… [line cut: {note}]"
    return line


class FileChangeTool(Tool):
    """A tool that changes one file: the change is planned, shown for approval, then written."""

    file_access = "edit"

    @abstractmethod
    def plan(self, args: dict[str, Any], ctx: ToolContext) -> Plan | str:
        """The checked change, or why it cannot be made."""

    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        """Make the planned change and describe it for the model."""
        # Reading, matching, diffing and writing a large file take long: in a thread, so
        # the app keeps drawing and answering keys meanwhile.
        plan = await asyncio.to_thread(self.plan, args, ctx)
        if isinstance(plan, str):
            return ToolResult(plan, is_error=True)
        result = await asyncio.to_thread(_commit, plan, ctx)
        servers = ctx.language_servers
        if servers is not None and result.change is not None:
            # What the language server says of the new text, so the model sees the error
            # it just made (bounded by the server's timeout).
            block = await servers.diagnostics_after_change(plan.path, plan.after)
            if block:
                result = replace(result, text=f"{result.text}\n\n{block}")
        return result

    async def preview(self, args: dict[str, Any], ctx: ToolContext) -> FileChange | str | None:
        """The change this call would make, or why it would fail."""
        plan = await asyncio.to_thread(self.plan, args, ctx)
        return plan if isinstance(plan, str) else FileChange(plan.path, plan.before, plan.after)


class Edit(FileChangeTool):
    """Replace exact text in a file the model has read."""

    name = "Edit"
    description = (
        "Replace exact text in a file. old_string must match the file exactly, including "
        "indentation and whitespace, and must be unique in the file unless replace_all is "
        "true; include a few surrounding lines to make it unique. Do not include the line "
        "number prefix that Read shows. You must Read the file in this conversation before "
        "editing it, and Read it again if it changed since. To create a new file, use Write."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "file_path": {"type": "string", "description": "The file to change."},
            "old_string": {"type": "string", "description": "The exact text to replace."},
            "new_string": {
                "type": "string",
                "description": "The text to put in its place (must differ from old_string).",
            },
            "replace_all": {
                "type": "boolean",
                "default": False,
                "description": "Replace every occurrence of old_string, not just one.",
            },
        },
        "required": ["file_path", "old_string", "new_string"],
    }
    path_arguments = FILE_PATH
    aliases: ClassVar[dict[str, str]] = {
        **FILE_PATH_ALIASES,
        "old_str": "old_string",
        "old": "old_string",
        "new_str": "new_string",
        "new": "new_string",
        "replaceAll": "replace_all",
    }

    def plan(self, args: dict[str, Any], ctx: ToolContext) -> Plan | str:
        """The replacement, with a diff for the model, or why it cannot be made."""
        path = ctx.resolve(args["file_path"])
        problem = edit_problem(args["old_string"], args["new_string"])
        if problem is not None:
            return problem
        loaded = load_for_change(path, ctx, "editing")
        if isinstance(loaded, str):
            return loaded
        content, fmt = loaded
        replaced = replace_text(
            content,
            args["old_string"],
            args["new_string"],
            fmt.newline,
            replace_all=bool(args.get("replace_all")),
            where=f"in {path}",
        )
        if isinstance(replaced, str):
            return replaced
        count = replaced.count
        noun = f"{count} occurrences" if count > 1 else "1 occurrence"
        return encoded_plan(path, content, replaced.text, fmt, f"Edited {path}: replaced {noun}")


def encoded_plan(path: Path, before: str, after: str, fmt: TextFormat, headline: str) -> Plan | str:
    """The plan writing ``after`` over ``before`` in the file's own encoding, or why not."""
    after = keep_final_newline(before, after, fmt.newline)
    try:
        data = after.encode(fmt.encoding)
    except UnicodeEncodeError as error:
        return (
            f"{path} is stored as {fmt.encoding}, which cannot hold "
            f"{error.object[error.start : error.end]!r} from new_string. Use other characters, "
            "or rewrite the file with Write (which saves it as UTF-8)."
        )
    return Plan(path, before, after, data, headline)


def load_for_change(path: Path, ctx: ToolContext, doing: str) -> tuple[str, TextFormat] | str:
    """The text and format of an existing file the model may change, or why it may not."""
    if path.is_dir():
        return f"{path} is a directory; {doing} needs a file path."
    if not path.exists():
        return f"{missing_message(path, near_names(path))} To create a new file, use Write."
    record = ctx.read_files.get(path)
    if record is None:
        return (
            f"{path} has not been read in this conversation. Read it first, so that "
            f"{doing} it is based on its current content."
        )
    try:
        now = path.stat()
        if now.st_size > MAX_CHANGE_BYTES:
            return (
                f"{path} is {now.st_size:,} bytes; {doing} works on files up to "
                f"{MAX_CHANGE_BYTES // (1024 * 1024)} MB, since it holds the whole file in "
                "memory. Change a file this large with a command (sed, a short script)."
            )
        data = path.read_bytes()
    except OSError as error:
        return f"Could not read {path}: {error.strerror or error}."
    if (now.st_mtime_ns, now.st_size) != (record.mtime_ns, record.size):
        return (
            f"{path} changed on disk since you read it (the user, a formatter or a command "
            "may have changed it). Read it again before changing it."
        )
    if not os.access(path, os.W_OK):
        return f"{path} is not writable (permission denied)."
    return decode_text(data)


class Write(FileChangeTool):
    """Create a file, or replace the whole content of one the model has read."""

    name = "Write"
    description = (
        "Write a file with the given content, creating parent directories as needed. "
        "Overwriting an existing file requires that you Read it first in this conversation; "
        "prefer Edit for changing part of an existing file."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "file_path": {"type": "string", "description": "The file to write."},
            "content": {"type": "string", "description": "The complete new content."},
        },
        "required": ["file_path", "content"],
    }
    path_arguments = FILE_PATH
    aliases: ClassVar[dict[str, str]] = {
        **FILE_PATH_ALIASES,
        "contents": "content",
        "text": "content",
    }

    def plan(self, args: dict[str, Any], ctx: ToolContext) -> Plan | str:
        """The file's new content (a diff for the model when it overwrites), or why not."""
        path = ctx.resolve(args["file_path"])
        content: str = args["content"]
        try:
            content.encode()
        except UnicodeEncodeError as error:
            return (
                f"content holds {content[error.start]!r} at position {error.start}, a lone "
                "surrogate that no file can store as text. Send plain UTF-8 text."
            )
        if not path.exists():
            lines = _line_count(content)
            counted = f"{lines:,} line{'' if lines == 1 else 's'}"
            return Plan(path, None, content, content.encode(), f"Created {path} ({counted})")
        loaded = load_for_change(path, ctx, "overwriting")
        if isinstance(loaded, str):
            return loaded
        before, fmt = loaded
        if fmt.newline == "\r\n":
            content = with_newlines(content, "\r\n")
        try:
            data = content.encode(fmt.encoding)
        except UnicodeEncodeError:
            data = content.encode()
        return Plan(path, before, content, data, f"Updated {path}")


def _commit(plan: Plan, ctx: ToolContext) -> ToolResult:
    """Write a checked plan, record it, and describe it for the model."""
    if plan.before == plan.after:
        return ToolResult(f"{plan.path} already has exactly this content; nothing was written.")
    try:
        write_atomic(plan.path, plan.data)
        ctx.remember_read(plan.path)
    except OSError as error:
        return _os_error("write", plan.path, error)
    change = FileChange(plan.path, plan.before, plan.after)
    ctx.changes.append(change)
    # The user is shown the diff; the model reads it too unless it created the file whole.
    diff = change_diff_text(change, ctx.project_root)
    if plan.before is None:
        return ToolResult(f"{plan.headline}.", change=change, diff=diff)
    if not diff:
        note = too_large_note(plan.before, plan.after)
        return ToolResult(f"{plan.headline} ({note}).", change=change, diff=diff)
    added, removed = count_changes(diff)
    text = f"{plan.headline} (+{added} -{removed}).\n\n{_capped_diff(diff)}"
    return ToolResult(text, change=change, diff=diff)


def file_tools() -> list[Tool]:
    """The file tools, in the order they are offered to the model."""
    return [Read(), Edit(), Write()]
