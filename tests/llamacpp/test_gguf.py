"""`openclaude --gguf FILE`: llama.cpp serves the file for the session and stops with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.llamacpp.server import Prepared

pytestmark = [pytest.mark.llamacpp, pytest.mark.xdist_group("llamacpp")]
RUN_TIMEOUT = 900


def _servers_of(model: Path) -> list[int]:
    """Processes whose command line serves ``model``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"llama_cpp.server" in words and str(model).encode() in words:
            found.append(int(entry.name))
    return found


def test_print_mode_runs_a_turn_on_a_model_file_and_stops_its_server(
    prepared_llamacpp: Prepared, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("MODEL", "OPENAI_BASE_URL")}
    env["OPENCLAUDE_HOME"] = str(tmp_path / "home")
    env["OPENCLAUDE_LLAMACPP_PYTHON"] = str(prepared_llamacpp.python)
    done = subprocess.run(
        [
            sys.executable, "-m", "openclaude_tui", "-p", "Say hello.",
            "--gguf", str(prepared_llamacpp.model), "--context-window", "8192",
            "--output-format", "json", "--max-tokens", "32", "--max-turns", "2",
            "--temperature", "0", "--tools", "Read", "--first-token-timeout", "600",
        ],
        cwd=project, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    result = json.loads(done.stdout)
    assert result["type"] == "result" and result["is_error"] is False, done.stderr
    assert "starting llama.cpp on 127.0.0.1:" in done.stderr
    assert "llama.cpp is ready" in done.stderr
    assert _servers_of(prepared_llamacpp.model.resolve()) == []
    assert (tmp_path / "home" / "state" / "llama-server.log").stat().st_size > 0
