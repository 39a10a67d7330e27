"""The test MCP server (``tests/mcp_server``) as the tests configure and run it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
# Seconds the HTTP server may take to listen (a bound, not an expectation).
LISTEN_BOUND = 60.0


def stdio_entry(*extra: str) -> dict[str, Any]:
    """A ``.mcp.json`` entry that starts the test server over stdio (``extra``: its flags)."""
    return {
        "command": sys.executable,
        "args": ["-m", "tests.mcp_server", *extra],
        # The server starts in the project; the tests package is found from here.
        "env": {"PYTHONPATH": str(REPO)},
    }


def write_servers(path: Path, servers: dict[str, dict[str, Any]]) -> Path:
    """Write ``{"mcpServers": servers}`` to ``path`` (a ``.mcp.json`` or ``--mcp-config``)."""
    path.write_text(json.dumps({"mcpServers": servers}, indent=2), encoding="utf-8")
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def http_server() -> Iterator[str]:
    """The test server over streamable HTTP on 127.0.0.1; yields its URL (``…/mcp``)."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.mcp_server", "--http", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + LISTEN_BOUND
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the test MCP server did not start listening") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
