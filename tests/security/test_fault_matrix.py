"""Print mode against a server that misbehaves: every fault ends in one clear line, in time.

Each case is a real ``openclaude -p`` process talking to the scripted server, with small
deadlines in the user's config (first token 4 s, stall 1.5 s, whole request 5 s). A fault must
end the process with exit code 1 and exactly one ``openclaude:`` line on stderr (besides
the notices of retries), no traceback; and Ctrl+C (SIGINT) during the fault (run with long
deadlines, so that it is still going on) must end it with exit code 130. A model's call with
a path no file can have is a tool error there too.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.faults import DEADLINES, FAULTS, LASTING, PATIENT_DEADLINES, Fault
from tests.helpers.print_mode import openclaude_env
from tests.route_server import Endless, RouteServer
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

# Far above every deadline and retry above: only a hang reaches it.
HANG = 90.0


def _start(
    tmp_path: Path, server: ScriptedServer, deadlines: str = DEADLINES
) -> subprocess.Popen[str]:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "config.toml").write_text(deadlines)
    return subprocess.Popen(
        [sys.executable, "-m", "openclaude_tui", "-p", "hi", "--base-url", server.base_url,
         "--model", "scripted-model"],
        cwd=tmp_path,
        env=openclaude_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=HANG)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("print mode hung instead of ending at its deadline")
    return process.returncode, out, err


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.id)
def test_each_fault_ends_with_one_clear_line(tmp_path: Path, fault: Fault) -> None:
    with ScriptedServer([fault.turn] * 4) as server:
        code, out, err = _finish(_start(tmp_path, server))
    assert code == 1, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("openclaude: ")]
    assert len(errors) == 1 and fault.message in errors[0], err
    # Besides the error, only the notices of retries (the tool log is empty here).
    assert all("retrying in" in line for line in lines if line not in errors), err
    assert out == ""


def _wait_for_request(server: ScriptedServer) -> None:
    deadline = time.monotonic() + HANG
    while not server.chat_requests:
        if time.monotonic() > deadline:
            pytest.fail("the request never reached the server")
        time.sleep(0.02)


# Faults that last (a retry's wait, a deadline's wait) long enough to be interrupted; the
# others end at once, before a signal could arrive.
@pytest.mark.parametrize("fault", LASTING, ids=lambda f: f.id)
def test_ctrl_c_ends_each_fault(tmp_path: Path, fault: Fault) -> None:
    with ScriptedServer([fault.turn] * 4) as server:
        # Deadlines far longer than the signal takes: the fault is still going on when it lands.
        process = _start(tmp_path, server, PATIENT_DEADLINES)
        _wait_for_request(server)
        process.send_signal(signal.SIGINT)
        code, _, err = _finish(process)
    assert "Traceback" not in err
    assert code == 130, err
    errors = [line for line in err.splitlines() if line.startswith("openclaude: ")]
    assert errors == ["openclaude: interrupted by the user"], err


@pytest.mark.parametrize(
    "args",
    [{"file_path": "src/\udcffapp.py"}, {"file_path": "a\x00b"}, {"file_path": ["x"]}],
    ids=["surrogate", "nul", "list"],
)
def test_a_path_no_file_can_have_is_a_tool_error_not_a_crash(tmp_path: Path, args: Any) -> None:
    turns = [Turn(tool_calls=[ToolCallSpec("Read", args)]), Turn(text="understood")]
    with ScriptedServer(turns) as server:
        code, out, err = _finish(_start(tmp_path, server))
        results = server.tool_results()
    assert (code, out) == (0, "understood\n"), err
    assert "Traceback" not in err
    assert len(results) == 1 and results[0].startswith("Error: ")


def _start_listing(tmp_path: Path, url: str) -> subprocess.Popen[str]:
    """Print mode without --model: it must first read the server's model list."""
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "config.toml").write_text(DEADLINES)
    return subprocess.Popen(
        [sys.executable, "-m", "openclaude_tui", "-p", "hi", "--base-url", f"{url}/v1"],
        cwd=tmp_path,
        env=openclaude_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_an_endless_model_list_ends_at_the_request_timeout(tmp_path: Path) -> None:
    with RouteServer({("GET", "/v1/models"): (200, Endless())}) as server:
        code, _, err = _finish(_start_listing(tmp_path, server.url))
    assert code == 1 and "Traceback" not in err
    assert err.splitlines() == [
        f"openclaude: the server at 127.0.0.1:{server.port} did not send its model list within 5 s"
    ]


def test_ctrl_c_ends_an_endless_model_list(tmp_path: Path) -> None:
    with RouteServer({("GET", "/v1/models"): (200, Endless())}) as server:
        process = _start_listing(tmp_path, server.url)
        deadline = time.monotonic() + HANG
        while not server.requests and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        code, _, err = _finish(process)
    assert (code, err) == (130, "openclaude: interrupted by the user\n")


def test_an_unpaired_surrogate_in_the_answer_is_printed_as_a_replacement(tmp_path: Path) -> None:
    with ScriptedServer([Turn(text="bad \udcff char")]) as server:
        process = _start(tmp_path, server)
        out, err = process.communicate(timeout=HANG)
    assert process.returncode == 0, err
    assert out == "bad \ufffd char\n"
