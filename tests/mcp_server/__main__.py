"""The test MCP server's command line (see the package's docstring)."""

from __future__ import annotations

import argparse
import base64
import os
import sys
from pathlib import Path

from mcp.server.fastmcp import FastMCP, Image

# A 1×1 PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def build(port: int) -> FastMCP:
    """The server and its tools."""
    server = FastMCP("openclaude-test", host="127.0.0.1", port=port, log_level="WARNING")

    @server.tool()
    def add(a: int, b: int) -> str:
        """Add two whole numbers."""
        return f"{a} + {b} = {a + b}"

    @server.tool()
    def echo(text: str) -> str:
        """Say the text back."""
        return f"echo: {text}"

    @server.tool()
    def write_marker(path: str, text: str = "ran") -> str:
        """Write text to the file at path (the test checks the file)."""
        Path(path).write_text(text, encoding="utf-8")
        return f"wrote {path}"

    @server.tool()
    def picture() -> Image:
        """A tiny picture."""
        return Image(data=PIXEL, format="png")

    @server.tool()
    def crash() -> str:
        """End the server's process in the middle of the call."""
        sys.stderr.write("test server: crashing on purpose\n")
        sys.stderr.flush()
        os._exit(7)

    @server.tool()
    def fail(reason: str) -> str:
        """Fail with the reason given."""
        raise ValueError(reason)

    return server


def main() -> None:
    """Serve over stdio, or over streamable HTTP with --http PORT."""
    parser = argparse.ArgumentParser(prog="python -m tests.mcp_server")
    parser.add_argument("--http", type=int, metavar="PORT")
    parser.add_argument("--crash-at-start", action="store_true")
    parser.add_argument("--marker-at-start", metavar="FILE")
    parser.add_argument("--require", metavar="FILE")
    args = parser.parse_args()
    if args.marker_at_start:
        Path(args.marker_at_start).write_text(str(os.getpid()), encoding="utf-8")
    if args.require and not Path(args.require).exists():
        sys.stderr.write(f"test server: {args.require} is missing\n")
        sys.exit(4)
    if args.crash_at_start:
        sys.stderr.write("test server: refusing to start\n")
        sys.exit(3)
    server = build(args.http or 0)
    server.run("streamable-http" if args.http else "stdio")


if __name__ == "__main__":
    main()
