"""One tool of an MCP server, offered to the model as ``mcp__SERVER__TOOL``.

The call goes to the server through its connection (``core.extensions.mcp_client``); the
result's text comes back as the tool result, images and other binary parts as a note
(``[image: image/png, 2,048 bytes]``), cut to the same budget as a command's output. A
server's error, or a server that is gone, is an error result the model can act on.

An MCP tool is never read-only to the gate, whatever the server's annotations say: a
server could claim anything, so each call asks in ``default`` mode unless a rule allows it.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from openclaude_tui.core.tools.arguments import ToolInputError, validate_arguments
from openclaude_tui.core.tools.base import Tool, ToolContext, ToolResult
from openclaude_tui.core.tools.shell_output import MAX_OUTPUT_CHARS, cut_middle

if TYPE_CHECKING:
    # The mcp package is imported where it is used: through httpx it loads rich, which no
    # core module may bring in at import time.
    from mcp import types

# Characters outside these are replaced in the name the model sees (OpenAI's function names).
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
# Characters of the server's description the model reads.
DESCRIPTION_LIMIT = 2_000

CallTool = Callable[[str, dict[str, Any]], Awaitable["types.CallToolResult"]]


def tool_name(server: str, tool: str) -> str:
    """The name the model and the rules use: ``mcp__SERVER__TOOL``."""
    return f"mcp__{server}__{_NAME_UNSAFE.sub('_', tool)}"


class McpTool(Tool):
    """A tool of an MCP server: its own name, the server's description and input schema.

    Args:
        server: The server's name.
        tool: The tool as the server lists it.
        call: Sends ``tools/call`` to the server (raises when the server is gone).
    """

    read_only = False

    def __init__(self, server: str, tool: types.Tool, call: CallTool) -> None:
        self.server = server
        self.remote_name = tool.name
        self.name = tool_name(server, tool.name)
        text = (tool.description or tool.title or tool.name).strip()
        self.description = f"{text[:DESCRIPTION_LIMIT]} (from the MCP server {server})"
        schema = dict(tool.inputSchema or {})
        schema.setdefault("type", "object")
        self.input_schema = schema
        self._call = call

    # Each instance has the schema its server gave, where built-in tools have one per class.
    @property
    def parameters(self) -> dict[str, Any]:  # type: ignore[override]
        """The server's input schema."""
        return self.input_schema

    def validate(self, raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Check the arguments against the server's schema where it names its properties.

        The server checks them again; a schema this checker cannot read passes them as sent.
        """
        if not isinstance(raw, dict):
            raise ToolInputError(f"{self.name} expects a JSON object of arguments.")
        properties = self.input_schema.get("properties")
        if not isinstance(properties, dict) or self.input_schema.get("additionalProperties"):
            return dict(raw), []
        return validate_arguments(self.name, self.input_schema, raw)

    def summary(self, args: dict[str, Any]) -> str:
        """The arguments in short, for the card, the log and the permission modal."""
        text = json.dumps(args, ensure_ascii=False, default=str)
        return text if len(text) <= 200 else text[:199] + "…"

    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        """Call the tool on its server; its error, or the server's absence, is an error result."""
        try:
            result = await self._call(self.remote_name, args)
        except Exception as error:
            return ToolResult(
                f"The MCP server {self.server} could not run {self.remote_name}: "
                f"{describe_error(error)}. The server may have stopped; do not retry at once.",
                is_error=True,
            )
        text = result_text(result)
        if result.isError:
            return ToolResult(text or f"{self.remote_name} failed (no message)", is_error=True)
        return ToolResult(text or "(no output)")


def describe_error(error: BaseException) -> str:
    """One line for an error, the first of a group's (anyio task groups raise groups)."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def result_text(result: types.CallToolResult) -> str:
    """The result's parts as text (binary parts as a note), cut to the output budget."""
    parts = [_part_text(part) for part in result.content]
    if not parts and result.structuredContent is not None:
        parts.append(json.dumps(result.structuredContent, ensure_ascii=False, default=str))
    return cut_middle("\n".join(parts), limit=MAX_OUTPUT_CHARS)


def _part_text(part: types.ContentBlock) -> str:
    from mcp import types

    if isinstance(part, types.TextContent):
        return part.text
    if isinstance(part, (types.ImageContent, types.AudioContent)):
        kind = "image" if isinstance(part, types.ImageContent) else "audio"
        return f"[{kind}: {part.mimeType}, {_decoded_size(part.data):,} bytes]"
    if isinstance(part, types.ResourceLink):
        return f"[resource: {part.uri}]"
    if isinstance(part, types.EmbeddedResource):
        resource = part.resource
        if isinstance(resource, types.TextResourceContents):
            return resource.text
        size = _decoded_size(resource.blob)
        return f"[resource: {resource.uri}, {resource.mimeType or 'binary'}, {size:,} bytes]"
    return f"[{type(part).__name__}]"


def _decoded_size(data: str) -> int:
    try:
        return len(base64.b64decode(data, validate=False))
    except ValueError:
        return len(data)
