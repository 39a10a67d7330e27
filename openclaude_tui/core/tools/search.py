"""Grep and Glob: search file contents and file names the way ripgrep sees a project.

Both run the ``rg`` binary that the ripgrep wheel installs beside the interpreter (or one
on PATH), asynchronously, killed on cancellation and after a timeout; without one they
fall back to a pure-Python walk that honours the same ignore rules. Either way hidden and
gitignored files are skipped, results are sorted so repeated calls agree, paths inside the
working directory are shown relative to it, and output is capped with a note saying what
was left out.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any, ClassVar

from openclaude_tui.core.tools.base import Tool, ToolContext, ToolResult
from openclaude_tui.core.tools.paths import PathArgumentError, glob_root, resolve_path
from openclaude_tui.core.tools.search_engine import (
    MAX_READ_BYTES,
    FileHits,
    Found,
    Query,
    SearchError,
    find_rg,
    grep,
    list_files,
    newest_first,
)

MAX_OUTPUT_CHARS = 30_000
MAX_LINE_CHARS = 500
GLOB_LIMIT = 100
LINE_CUT_NOTE = " [… rest of line cut]"


class _Shown:
    """Displays paths inside the working directory relative to it."""

    def __init__(self, cwd: Path) -> None:
        self._prefix = os.path.join(os.path.normpath(cwd), "")

    def __call__(self, path: str) -> str:
        return path[len(self._prefix) :] if path.startswith(self._prefix) else path


def _plural(count: int, noun: str, more: bool = False) -> str:
    return f"{count}{' more' if more else ''} {noun}{'' if count == 1 else 's'}"


def _cut(text: str) -> str:
    return text if len(text) <= MAX_LINE_CHARS else text[:MAX_LINE_CHARS] + LINE_CUT_NOTE


def _content_lines(hits: list[FileHits], shown: _Shown, numbers: bool, context: bool) -> list[str]:
    out: list[str] = []
    for hit in hits:
        path = shown(hit.path)
        previous: int | None = None
        for line in hit.lines:
            # ripgrep's "--" between context groups, within a file and between files.
            if context and out and (previous is None or line.number != previous + 1):
                out.append("--")
            previous = line.number
            mark = ":" if line.is_match else "-"
            number = f"{line.number}{mark}" if numbers else ""
            out.append(f"{path}{mark}{number}{_cut(line.text)}")
    return out


def _capped(
    entries: list[str],
    head_limit: int | None,
    noun: str,
    header: str = "",
    footer: tuple[str, ...] = (),
) -> str:
    """Join ``entries`` under the head limit and the character cap, noting what was left out."""
    total = len(entries)
    limited = entries[:head_limit] if head_limit else entries
    kept, size = 0, len(header) + sum(len(line) + 1 for line in footer)
    for entry in limited:
        size += len(entry) + 1
        if size > MAX_OUTPUT_CHARS:
            break
        kept += 1
    parts = [header] if header else []
    parts += entries[:kept]
    left = total - kept
    if kept < len(limited):
        parts.append(
            f"[Output cut at {MAX_OUTPUT_CHARS:,} characters: {_plural(left, noun, more=True)} "
            "not shown. Narrow the search with path, glob or type.]"
        )
    elif left:
        parts.append(
            f"[{_plural(left, noun, more=True)} not shown (head_limit={head_limit}); raise "
            "head_limit or narrow the search to see them.]"
        )
    return "\n".join([*parts, *footer])


class _SearchTool(Tool):
    """Shared by Grep and Glob: ripgrep when it can be found, else the Python walk."""

    read_only = True
    file_access = "read"

    def __init__(self, use_rg: bool = True) -> None:
        self._use_rg = use_rg

    def _rg(self) -> Path | None:
        return find_rg() if self._use_rg else None

    @staticmethod
    def _existing(ctx: ToolContext, path: str | None) -> Path:
        return _must_exist(ctx, ctx.resolve(path or "."))

    def _visible(self, ctx: ToolContext, paths: list[str]) -> tuple[list[str], list[str]]:
        """The paths a search may show, and a note when rules kept some out."""
        shown = [path for path in paths if ctx.visible(self.name, Path(path))]
        hidden = len(paths) - len(shown)
        if not hidden:
            return shown, []
        return shown, [
            f"[{_plural(hidden, 'file')} left out: a deny or ask rule covers reading "
            f"{'it' if hidden == 1 else 'them'}.]"
        ]


def _must_exist(ctx: ToolContext, root: Path) -> Path:
    if not root.exists():
        raise SearchError(
            f"Path does not exist: {root}. Give an existing file or directory "
            f"(the working directory is {ctx.cwd})."
        )
    return root


class GrepTool(_SearchTool):
    """Search file contents with a regular expression (Claude Code's Grep contract)."""

    name = "Grep"
    description = (
        "Search file contents with a regular expression, using ripgrep.\n"
        "- Full regex syntax (ripgrep/Rust): 'log.*Error', 'def \\w+\\('. Escape literal "
        "braces and parentheses: 'interface\\{\\}'.\n"
        "- Narrow with glob ('*.py', 'src/**/*.{ts,tsx}') or type ('py', 'js', 'rust').\n"
        "- output_mode: 'files_with_matches' (default; file paths, newest first), 'content' "
        "(matching lines; -n line numbers, -A/-B/-C context), 'count' (matching lines per file).\n"
        "- multiline: true lets a pattern span lines ('.' also matches newlines).\n"
        "- head_limit keeps only the first N lines or entries.\n"
        "Hidden and gitignored files are skipped unless a glob selects them. Always use this "
        "tool to search file contents instead of grep or rg in Bash."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "pattern": {
                "type": "string",
                "description": "Regular expression to search for in file contents.",
            },
            "path": {
                "type": "string",
                "description": "File or directory to search (default: the working directory).",
            },
            "glob": {
                "type": "string",
                "description": (
                    "Only search files matching this glob, e.g. '*.js' or '**/*.{ts,tsx}'; "
                    "several are separated by spaces, and '!glob' excludes."
                ),
            },
            "type": {
                "type": "string",
                "description": "File type to search (ripgrep --type), e.g. py, js, ts, rust, go.",
            },
            "output_mode": {
                "type": "string",
                "enum": ["content", "files_with_matches", "count"],
                "default": "files_with_matches",
                "description": (
                    "'content' shows matching lines, 'files_with_matches' file paths, "
                    "'count' the number of matching lines per file."
                ),
            },
            "-i": {"type": "boolean", "default": False, "description": "Case-insensitive."},
            "-n": {
                "type": "boolean",
                "default": True,
                "description": "Show line numbers (content mode only).",
            },
            "-A": {
                "type": "integer",
                "minimum": 0,
                "description": "Lines to show after each match (content mode only).",
            },
            "-B": {
                "type": "integer",
                "minimum": 0,
                "description": "Lines to show before each match (content mode only).",
            },
            "-C": {
                "type": "integer",
                "minimum": 0,
                "description": "Lines to show before and after each match (content mode only).",
            },
            "multiline": {
                "type": "boolean",
                "default": False,
                "description": "Let the pattern span lines; '.' matches newlines too.",
            },
            "head_limit": {
                "type": "integer",
                "minimum": 0,
                "description": "Show only the first N lines or entries (0 or unset: all).",
            },
        },
        "required": ["pattern"],
    }
    path_arguments: ClassVar[tuple[str, ...]] = ("path",)

    def paths(self, args: dict[str, Any], cwd: Path) -> list[Path]:
        """The file or directory searched: the working directory when no path is given."""
        return [resolve_path(str(args.get("path") or "."), cwd)]

    aliases = {  # noqa: RUF012
        "query": "pattern",
        "regex": "pattern",
        "directory": "path",
        "dir": "path",
        "include": "glob",
        "file_pattern": "glob",
        "file_type": "type",
        "mode": "output_mode",
        "case_insensitive": "-i",
        "ignore_case": "-i",
        "line_numbers": "-n",
        "after": "-A",
        "before": "-B",
        "context": "-C",
        "limit": "head_limit",
    }

    def summary(self, args: dict[str, Any]) -> str:
        """The pattern, and where it is searched when that is not the working directory."""
        text = str(args.get("pattern", ""))
        if args.get("path"):
            text += f" in {args['path']}"
        if args.get("glob"):
            text += f" ({args['glob']})"
        return text.splitlines()[0][:200] if text else ""

    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        """Search and format the results; every failure is an error result."""
        try:
            query = self._query(args, ctx)
            found = await grep(query, self._rg())
            text = await self._render(query, found, args, ctx)
        except SearchError as failure:
            return ToolResult(str(failure), is_error=True)
        except (OSError, ValueError) as error:
            return ToolResult(f"Search failed: {error}", is_error=True)
        return ToolResult(text)

    def _query(self, args: dict[str, Any], ctx: ToolContext) -> Query:
        pattern = args.get("pattern") or ""
        if not pattern:
            raise SearchError("Grep needs a non-empty 'pattern' (a regular expression).")
        context = args.get("-C") or 0
        after = args.get("-A")
        before = args.get("-B")
        return Query(
            pattern=pattern,
            root=self._existing(ctx, args.get("path")),
            mode=args.get("output_mode") or "files_with_matches",
            ignore_case=bool(args.get("-i")),
            multiline=bool(args.get("multiline")),
            globs=split_globs(args.get("glob") or ""),
            file_type=args.get("type") or None,
            before=context if before is None else before,
            after=context if after is None else after,
        )

    async def _render(
        self, query: Query, found: Found, args: dict[str, Any], ctx: ToolContext
    ) -> str:
        shown_paths, hidden_note = self._visible(ctx, [hit.path for hit in found.hits])
        kept = set(shown_paths)
        found.hits = [hit for hit in found.hits if hit.path in kept]
        notes = [*found.notes, *hidden_note]
        if found.cut_short:
            notes.append(
                f"[The search produced over {MAX_READ_BYTES // 2**20} MB of output and was "
                "stopped early, so these results are incomplete. Narrow it.]"
            )
        if not found.hits:
            return "\n".join(["No matches found", *notes])
        shown = _Shown(ctx.cwd)
        head_limit = args.get("head_limit") or None
        if query.mode == "files_with_matches":
            paths = await asyncio.to_thread(newest_first, [hit.path for hit in found.hits])
            header = f"Found {_plural(len(paths), 'file')}"
            entries = [shown(path) for path in paths]
            return _capped(entries, head_limit, "file", header, tuple(notes))
        hits = sorted(found.hits, key=lambda hit: hit.path)
        if query.mode == "count":
            total = sum(hit.count for hit in hits)
            summary = f"Found {_plural(total, 'matching line')} in {_plural(len(hits), 'file')}."
            entries = [f"{shown(hit.path)}:{hit.count}" for hit in hits]
            return _capped(entries, head_limit, "file", footer=("", summary, *notes))
        numbers = args.get("-n", True) is not False
        context = bool(query.before or query.after)
        entries = _content_lines(hits, shown, numbers, context)
        return _capped(entries, head_limit, "line", footer=tuple(notes))


def split_globs(text: str) -> list[str]:
    """Split a ``glob`` argument into globs: at spaces, and at commas outside ``{…}``."""
    globs: list[str] = []
    for word in text.split():
        depth, start = 0, 0
        for index, char in enumerate(word):
            if char == "{":
                depth += 1
            elif char == "}":
                depth = max(0, depth - 1)
            elif char == "," and depth == 0:
                globs.append(word[start:index])
                start = index + 1
        globs.append(word[start:])
    return [glob for glob in globs if glob]


class GlobTool(_SearchTool):
    """Find files by name pattern, newest first (Claude Code's Glob contract)."""

    name = "Glob"
    description = (
        "Find files by name with a glob pattern such as '**/*.py' or 'src/**/*.{ts,tsx}'.\n"
        "- A pattern without '/' matches file names at any depth ('*.md' finds every "
        "Markdown file); one with '/' is matched from the search directory.\n"
        f"- Returns paths sorted by modification time, newest first, at most {GLOB_LIMIT}.\n"
        "- Hidden and gitignored files are not listed.\n"
        "Use it to find files by name; use Grep to search their contents."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "pattern": {"type": "string", "description": "The glob to match file paths against."},
            "path": {
                "type": "string",
                "description": "Directory to search in (default: the working directory).",
            },
        },
        "required": ["pattern"],
    }
    path_arguments: ClassVar[tuple[str, ...]] = ("path", "pattern")

    def paths(self, args: dict[str, Any], cwd: Path) -> list[Path]:
        """The directory listed, with any directory part of the pattern moved into it."""
        return [glob_root(str(args.get("pattern") or ""), args.get("path"), cwd)[0]]

    aliases = {  # noqa: RUF012
        "glob": "pattern",
        "file_pattern": "pattern",
        "directory": "path",
        "dir": "path",
        "root": "path",
    }

    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        """List matching files, newest first; every failure is an error result."""
        try:
            root, pattern = self._target(args, ctx)
            paths, notes = self._visible(ctx, await list_files(root, pattern, self._rg()))
            paths = await asyncio.to_thread(newest_first, paths)
        except SearchError as failure:
            return ToolResult(str(failure), is_error=True)
        except (OSError, ValueError) as error:
            return ToolResult(f"Glob failed: {error}", is_error=True)
        shown = _Shown(ctx.cwd)
        if not paths:
            return ToolResult(
                "\n".join(
                    [
                        f"No files found matching '{pattern}' in {shown(str(root))} "
                        "(hidden and gitignored files are not listed).",
                        *notes,
                    ]
                )
            )
        lines = [shown(path) for path in paths[:GLOB_LIMIT]]
        if len(paths) > GLOB_LIMIT:
            lines.append(
                f"[Showing the {GLOB_LIMIT} most recently modified of {len(paths)} files. "
                "Use a more specific pattern or path to see the others.]"
            )
        return ToolResult("\n".join([*lines, *notes]))

    def _target(self, args: dict[str, Any], ctx: ToolContext) -> tuple[Path, str]:
        """The directory to list and the glob relative to it.

        Models often put the directory into the pattern (``/abs/dir/*.py``, ``../x/*``);
        ``glob_root`` moves it into the directory, resolved as the gate resolved it.
        """
        pattern = str(args.get("pattern") or "").strip()
        if not pattern:
            raise SearchError("Glob needs a 'pattern', e.g. '**/*.py'.")
        try:
            root, pattern = glob_root(pattern, args.get("path"), ctx.cwd)
        except PathArgumentError as error:
            raise SearchError(f"Glob: {error}") from None
        if not pattern:
            raise SearchError("Glob's pattern names no files; add one, e.g. '*' or '**/*.py'.")
        root = _must_exist(ctx, root)
        if not root.is_dir():
            raise SearchError(f"{root} is a file, not a directory. Give Glob a directory as path.")
        return root, pattern


def search_tools() -> list[Tool]:
    """Grep and Glob, using ripgrep when it can be found."""
    return [GrepTool(), GlobTool()]
