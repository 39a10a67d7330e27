"""Run the scripted server as a process, for end-to-end tests and benchmarks.

``python -m tests.scripted_server --script turns.json [--port N]`` prints
``LISTENING http://127.0.0.1:PORT/v1`` on stdout once it accepts connections and serves
until it gets SIGTERM or SIGINT. The script file holds a JSON list of turns, each a plain
dict of ``Turn`` fields (tool calls as dicts of ``ToolCallSpec`` fields) or a string.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
from pathlib import Path
from typing import Any

from tests.scripted_server import DEFAULT_MODEL, ScriptedServer


def load_script(path: Path) -> list[Any]:
    """Read a script file: a JSON list of turns.

    Raises:
        ValueError: If the file does not hold a JSON list.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: a script is a JSON list of turns")
    return data


def main(argv: list[str] | None = None) -> int:
    """Serve a script file until the process is told to stop.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit status.
    """
    parser = argparse.ArgumentParser(prog="python -m tests.scripted_server")
    parser.add_argument("--script", type=Path, required=True, help="JSON list of turns")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--model", action="append", help="model name served (repeatable)")
    parser.add_argument("--api-key", help="require this Bearer key")
    args = parser.parse_args(argv)
    server = ScriptedServer(
        load_script(args.script),
        models=args.model or [DEFAULT_MODEL],
        api_key=args.api_key,
        host=args.host,
        port=args.port,
    )
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    with server:
        print(f"LISTENING {server.base_url}", flush=True)
        # Waiting in slices lets the signal handler run promptly on every platform.
        while not stopped.wait(0.2):
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
