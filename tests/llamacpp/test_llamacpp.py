"""Print mode against a real llama.cpp server (llama-cpp-python) and a tiny real model.

Each test runs once per chat format of the server (see ``conftest.py``):

- ``default``: the model's own chat template, which leaves the tools out of the prompt, so
  the model answers in plain text and the turn ends after one request (exit code 0).
- ``chatml-function-calling``: the tools are in the prompt; a streamed request with tools is
  answered 200 with an empty or broken-off body (the provider asks again without
  streaming) and plain answers come back empty, so SmolLM2-135M keeps calling tools until
  ``--max-turns`` stops it: exit code 3 is the agent doing what it was told, not a failure.

What must hold in both: no crash, one valid JSON result, and a history the server accepted
request after request (every chat request answered 200, no retries, every call answered).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.llamacpp.server import LlamaServer

pytestmark = [pytest.mark.llamacpp, pytest.mark.xdist_group("llamacpp")]

PROMPT = "Read the file README.md and tell me what it says."
# Bash is offered and denied: a denied call must still be answered in the history.
OFFERED_TOOLS = ("Read", "Edit", "Write", "Bash", "Grep", "Glob")
EXIT_CODES = {"end_turn": 0, "length": 0, "max_turns": 3}
CHAT_STATUS = re.compile(r'"POST /v1/chat/completions HTTP/1\.1" (\d{3})')
# A tiny model on two threads: a first request reads a ~2,200-token prompt.
RUN_TIMEOUT = 600


def _project(root: Path) -> Path:
    root.mkdir()
    (root / "README.md").write_text("# Demo\n\nA tiny project that greets people.\n")
    (root / "greet.py").write_text("def greet(name: str) -> str:\n    return f'Hello, {name}'\n")
    for command in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "config", "user.email", "dev@example.test"],
        ["git", "config", "user.name", "Dev"],
        ["git", "add", "."],
        ["git", "commit", "-qm", "Add greeting"],
    ):
        subprocess.run(command, cwd=root, check=True)
    return root


def _print_mode(
    server: LlamaServer, tmp_path: Path, output_format: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MODEL", "OPENAI_BASE_URL")}
    env["OPENCLAUDE_HOME"] = str(tmp_path / "home")
    # Grep's `rg` is in the project's virtualenv.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "openclaude_tui",
            "-p",
            PROMPT,
            "--base-url",
            server.base_url,
            "--model",
            server.model_id,
            "--output-format",
            output_format,
            "--max-tokens",
            "64",
            "--max-turns",
            "3",
            "--temperature",
            "0",
            # The model's commands are guesses: none runs here, and none floods the context.
            "--deny",
            "Bash",
            # Fewer tools, a shorter prompt: the first request is most of a run's time.
            "--tools",
            ",".join(OFFERED_TOOLS),
            # The first request reads ~2,200 tokens on two threads: on a loaded machine that
            # takes longer than the default two minutes.
            "--first-token-timeout",
            "600",
        ],
        cwd=_project(tmp_path / "project"),
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )


def _chat_statuses(server: LlamaServer, offset: int) -> list[int]:
    """The HTTP status of every chat request the server answered since ``offset``."""
    return [int(status) for status in CHAT_STATUS.findall(server.log_since(offset))]


def _assert_no_crash(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert "internal error" not in done.stderr, done.stderr


def test_print_mode_finishes_a_turn_with_one_json_result(
    llama_server: LlamaServer, tmp_path: Path
) -> None:
    offset = llama_server.log_size()
    done = _print_mode(llama_server, tmp_path, "json")
    _assert_no_crash(done)
    result: dict[str, Any] = json.loads(done.stdout)
    assert result["type"] == "result"
    assert result["stop_reason"] in EXIT_CODES, result
    assert done.returncode == EXIT_CODES[result["stop_reason"]], done.stderr
    assert result["is_error"] is False
    assert 1 <= result["num_turns"] <= 3
    assert "retrying" not in done.stderr, (done.stderr, llama_server.log_since(offset)[-3000:])
    # The server reports no usage for streamed answers; the totals are still numbers.
    assert all(isinstance(value, int) for value in result["usage"].values())
    statuses = _chat_statuses(llama_server, offset)
    assert len(statuses) >= result["num_turns"]
    assert set(statuses) == {200}, llama_server.log_since(offset)[-3000:]


def test_every_request_of_the_turn_is_accepted_and_every_call_answered(
    llama_server: LlamaServer, tmp_path: Path
) -> None:
    offset = llama_server.log_size()
    done = _print_mode(llama_server, tmp_path, "stream-json")
    _assert_no_crash(done)
    events = [json.loads(line) for line in done.stdout.splitlines()]
    trouble = [e for e in events if e["type"] in ("retrying", "agent_error")]
    assert not trouble, (trouble, llama_server.log_since(offset)[-3000:])
    finished = events[-1]
    assert finished["type"] == "turn_finished"
    assert done.returncode == EXIT_CODES[finished["reason"]], done.stderr
    started = {e["call_id"]: e["name"] for e in events if e["type"] == "tool_call_started"}
    answered = {e["call_id"] for e in events if e["type"] == "tool_call_finished"}
    assert answered == set(started)
    assert set(started.values()) <= set(OFFERED_TOOLS)
    if llama_server.chat_format == "chatml-function-calling":
        # The tools reach the model, it calls them, and the results go back in the next
        # request: the history with tool calls and results is what the server checks.
        assert started and finished["num_requests"] >= 2, done.stdout[-3000:]
    statuses = _chat_statuses(llama_server, offset)
    assert len(statuses) >= finished["num_requests"]
    assert set(statuses) == {200}, llama_server.log_since(offset)[-3000:]
