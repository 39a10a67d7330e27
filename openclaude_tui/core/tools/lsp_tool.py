"""The LSP tool: what the project's language server knows of a place in a file.

``diagnostics`` of a file; ``definition``, ``references`` and ``hover`` at a line and
character (both from 1, as Read numbers lines); ``symbols`` of a file, or of the whole
workspace matching a ``query``. Read-only: the file goes through the same
path resolution and Read rules as Read, and nothing is changed. A file no server serves,
or a server that cannot run, is an error the model can act on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from openclaude_tui.core.lsp.servers import NoServer
from openclaude_tui.core.tools.base import Tool, ToolContext, ToolResult

OPERATIONS = ("diagnostics", "definition", "references", "hover", "symbols")
_METHODS = {
    "definition": "textDocument/definition",
    "references": "textDocument/references",
    "hover": "textDocument/hover",
}
# Places listed for definition and references; the rest are counted.
MAX_LOCATIONS = 50
MAX_HOVER_CHARS = 4000
# Symbols listed; the rest are counted.
MAX_SYMBOLS = 200
# LSP's SymbolKind, from 1.
_SYMBOL_KINDS = (
    "file", "module", "namespace", "package", "class", "method", "property", "field",
    "constructor", "enum", "interface", "function", "variable", "constant", "string", "number",
    "boolean", "array", "object", "key", "null", "enum-member", "struct", "event", "operator",
    "type-parameter",
)  # fmt: skip


class LSP(Tool):
    """Ask the language server about a file: diagnostics, definition, references, hover."""

    name = "LSP"
    description = (
        "Ask the project's language server (pylsp for Python, others as configured) about "
        "code. operation 'diagnostics' lists the errors and warnings in file_path; "
        "'definition', 'references' and 'hover' look at the symbol at line and character "
        "(both from 1: line as Read numbers it, character the column of the symbol's first "
        "letter) and return where it is defined, every place it is used (file:line:column "
        "with the line's text), or its signature and documentation. 'symbols' lists the "
        "classes, functions and other symbols of file_path with their lines or, given a "
        "query, the matching symbols of the whole workspace (the server of file_path's "
        "language answers). Files of a language without a server give an error."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "operation": {"type": "string", "enum": list(OPERATIONS)},
            "file_path": {"type": "string", "description": "The file to ask about."},
            "line": {"type": "integer", "minimum": 1, "description": "The line, from 1."},
            "character": {
                "type": "integer",
                "minimum": 1,
                "description": "The column in the line, from 1.",
            },
            "query": {
                "type": "string",
                "description": "symbols: search the whole workspace for symbols named so.",
            },
        },
        "required": ["operation", "file_path"],
    }
    path_arguments = ("file_path",)
    file_access = "read"
    read_only = True
    aliases: ClassVar[dict[str, str]] = {"path": "file_path", "column": "character"}

    def summary(self, args: dict[str, Any]) -> str:
        """``operation file[:line:character]``."""
        where = str(args.get("file_path", ""))
        if args.get("line"):
            where += f":{args['line']}:{args.get('character', 1)}"
        return f"{args.get('operation', '')} {where}"

    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        """Ask the server; its answer as text, or why it cannot answer."""
        path = ctx.resolve(args["file_path"])
        operation = args["operation"]
        servers = ctx.language_servers
        if servers is None:
            return ToolResult("No language servers run in this session.", is_error=True)
        if not path.is_file():
            return ToolResult(f"{path} is not a file.", is_error=True)
        try:
            if operation == "diagnostics":
                return ToolResult(await servers.diagnostics(path))
            if operation == "symbols":
                return ToolResult(await _symbols(servers, path, args.get("query"), ctx))
            if not args.get("line") or not args.get("character"):
                return ToolResult(
                    f"{operation} needs line and character (both from 1): the place of the "
                    "symbol, as Read shows the file.",
                    is_error=True,
                )
            position = {"line": args["line"] - 1, "character": args["character"] - 1}
            params: dict[str, Any] = {
                "textDocument": {"uri": path.as_uri()},
                "position": position,
            }
            if operation == "references":
                params["context"] = {"includeDeclaration": True}
            answer = await servers.request(path, _METHODS[operation], params)
        except NoServer as error:
            return ToolResult(f"The language server cannot answer: {error}.", is_error=True)
        if operation == "hover":
            return ToolResult(_hover_text(answer) or "The server has nothing to say about it.")
        return ToolResult(_locations_text(answer, ctx, operation))


async def _symbols(servers: Any, path: Path, query: Any, ctx: ToolContext) -> str:
    """The symbols of ``path``, or of the workspace matching ``query``, one per line."""
    if isinstance(query, str) and query.strip():
        answer = await servers.request(path, "workspace/symbol", {"query": query.strip()})
    else:
        params = {"textDocument": {"uri": path.as_uri()}}
        answer = await servers.request(path, "textDocument/documentSymbol", params)
    lines: list[str] = []
    for item in answer if isinstance(answer, list) else []:
        _symbol_lines(item, ctx, lines, depth=0)
    if not lines:
        return "The server found no symbols."
    shown = lines[:MAX_SYMBOLS]
    if len(lines) > MAX_SYMBOLS:
        shown.append(f"… and {len(lines) - MAX_SYMBOLS} more")
    return "\n".join(shown)


def _symbol_lines(item: Any, ctx: ToolContext, lines: list[str], depth: int) -> None:
    """Add ``kind name  path:line`` for a DocumentSymbol (with its children, indented) or a
    SymbolInformation; a symbol of a file Read may not show is left out."""
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        return
    kind = item.get("kind")
    label = _SYMBOL_KINDS[kind - 1] if isinstance(kind, int) and 0 < kind <= 26 else "symbol"
    location = item.get("location")
    span = (location if isinstance(location, dict) else item).get("range") or {}
    line = int((span.get("start") or {}).get("line", 0)) + 1
    where = f"line {line}"
    if isinstance(location, dict) and isinstance(location.get("uri"), str):
        path = Path(unquote(urlsplit(location["uri"]).path))
        root = ctx.project_root
        if not (path.is_relative_to(root) and ctx.visible("Read", path)):
            return
        where = f"{path.relative_to(root)}:{line}"
    container = item.get("containerName")
    inside = f" (in {container})" if isinstance(container, str) and container else ""
    lines.append(f"{'  ' * depth}{label} {item['name']}{inside}  {where}")
    for child in item.get("children") or ():
        _symbol_lines(child, ctx, lines, depth + 1)


def _hover_text(answer: Any) -> str:
    """The text of a hover answer (MarkupContent, MarkedString or a list of them)."""
    contents = answer.get("contents") if isinstance(answer, dict) else None
    items = contents if isinstance(contents, list) else [contents]
    texts = []
    for item in items:
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict) and isinstance(item.get("value"), str):
            texts.append(item["value"])
    text = "\n\n".join(t.strip() for t in texts if t and t.strip())
    if len(text) > MAX_HOVER_CHARS:
        text = f"{text[:MAX_HOVER_CHARS]}… [cut: {len(text):,} characters]"
    return text


def _locations_text(answer: Any, ctx: ToolContext, operation: str) -> str:
    """``path:line:column: text`` for each place of a definition or references answer.

    A line's text is shown only from files inside the project that Read may show without
    asking: the server may point anywhere (a library, a file a deny rule covers).
    """
    root = ctx.project_root
    raw = answer if isinstance(answer, list) else [answer] if answer else []
    places: list[tuple[Path, int, int]] = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        # A Location, or a LocationLink (definition may answer either).
        uri = item.get("uri") or item.get("targetUri")
        span = item.get("range") or item.get("targetSelectionRange") or {}
        start = span.get("start") or {}
        if isinstance(uri, str) and uri.startswith("file://"):
            path = Path(unquote(urlsplit(uri).path))
            places.append((path, int(start.get("line", 0)), int(start.get("character", 0))))
    if not places:
        return f"The server found no {operation} there."
    lines = [f"{len(places)} place{'' if len(places) == 1 else 's'}:"]
    for path, line, column in places[:MAX_LOCATIONS]:
        shown = path.relative_to(root) if path.is_relative_to(root) else path
        readable = path.is_relative_to(root) and ctx.visible("Read", path)
        text = _line_text(path, line) if readable else ""
        lines.append(f"{shown}:{line + 1}:{column + 1}: {text}".rstrip())
    if len(places) > MAX_LOCATIONS:
        lines.append(f"… and {len(places) - MAX_LOCATIONS} more")
    return "\n".join(lines)


def _line_text(path: Path, line: int) -> str:
    """The text of line ``line`` (from 0) of ``path``, stripped; "" when it cannot be read."""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle):
                if number == line:
                    return text.strip()[:200]
    except OSError:
        pass
    return ""


def lsp_tools() -> list[Tool]:
    """The LSP tool."""
    return [LSP()]
