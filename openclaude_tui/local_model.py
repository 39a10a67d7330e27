"""``--gguf PATH``: run a model file with llama.cpp's server for this session only.

For people with model files and no Ollama. llama-cpp-python's server (the ``[local]``
extra) starts on a free port of 127.0.0.1 with the file, a chat format that takes tools,
and the context window asked for; the session talks to it like to any server, and it stops
when the session ends. Its output goes to a log file beside the program's own log.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# llama-cpp-python's format that offers tools to any chat model (a model's own template
# through llama-cpp-python's server answers tool calls only in some formats).
DEFAULT_CHAT_FORMAT = "chatml-function-calling"
DEFAULT_CONTEXT = 16384
START_TIMEOUT = 300.0
# Where the interpreter with llama-cpp-python[server] is, when it is not this one.
PYTHON_VARIABLE = "OPENCLAUDE_LLAMACPP_PYTHON"


class LocalModelError(Exception):
    """The model file cannot be served; the message says why and what to do."""


@dataclass
class LocalServer:
    """A llama.cpp server this session started, and how to reach it."""

    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def stop(self) -> None:
        """Stop the server and anything it started (its whole process group)."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def server_python(environ: dict[str, str] | None = None) -> str:
    """The interpreter that runs llama-cpp-python's server."""
    environ = dict(os.environ) if environ is None else environ
    return environ.get(PYTHON_VARIABLE) or sys.executable


def start_local_server(
    model: Path,
    log: Path,
    *,
    context: int | None = None,
    chat_format: str = DEFAULT_CHAT_FORMAT,
    python: str | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> LocalServer:
    """Start llama.cpp's server on ``model`` and wait until it answers.

    Raises:
        LocalModelError: the file is missing, llama-cpp-python is not installed, or the
            server exited or did not answer in time (it is stopped then).
    """
    model = model.expanduser().resolve()
    if not model.is_file():
        raise LocalModelError(f"no model file at {model}")
    python = python or server_python()
    _check_installed(python)
    port = _free_port()
    # llama-cpp-python takes half the cores by default; the session is what this machine
    # is doing now, so it gets them all.
    threads = str(os.cpu_count() or 1)
    command = [
        python, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
        "--port", str(port), "--n_ctx", str(context or DEFAULT_CONTEXT),
        "--chat_format", chat_format, "--n_threads", threads, "--n_threads_batch", threads,
    ]  # fmt: skip
    log.parent.mkdir(parents=True, exist_ok=True)
    say(f"starting llama.cpp on 127.0.0.1:{port} with {model.name} (log: {log})")
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            # Its own process group, so that stopping it stops what it started.
            start_new_session=True,
        )
    server = LocalServer(process, f"http://127.0.0.1:{port}/v1", log)
    started = time.monotonic()
    try:
        _wait_until_ready(server, say)
    except BaseException:
        server.stop()
        raise
    say(f"llama.cpp is ready ({time.monotonic() - started:.0f} s)")
    return server


@contextlib.contextmanager
def serving(model: Path, log: Path, **options: object) -> Iterator[LocalServer]:
    """The server for the length of the block, stopped however the block ends."""
    server = start_local_server(model, log, **options)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()


def _check_installed(python: str) -> None:
    probe = [python, "-c", "import llama_cpp.server.app"]
    try:
        done = subprocess.run(probe, capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise LocalModelError(f"{python} could not be run: {error}") from None
    if done.returncode != 0:
        raise LocalModelError(
            "--gguf needs llama-cpp-python's server: pip install 'openclaude-tui[local]' "
            f"(or set {PYTHON_VARIABLE} to a Python that has llama-cpp-python[server])"
        )


def _wait_until_ready(server: LocalServer, say: Callable[[str], None]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    next_note = time.monotonic() + 10
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = server.log.read_text(encoding="utf-8", errors="replace")[-1500:]
            raise LocalModelError(
                f"llama.cpp's server exited ({server.process.returncode}) while loading the "
                f"model; the end of its log:\n{tail}"
            )
        try:
            with urllib.request.urlopen(f"{server.base_url}/models", timeout=5) as answer:
                if json.load(answer).get("data"):
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            pass
        if time.monotonic() > next_note:
            say("still loading the model…")
            next_note += 10
        time.sleep(0.3)
    raise LocalModelError(f"llama.cpp's server did not answer within {START_TIMEOUT:.0f} s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
