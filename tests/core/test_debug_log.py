"""``--debug`` writes what the program did to its log: the gate's answers, the tools, the
shell's processes, the model requests; without it the log holds warnings only."""

from __future__ import annotations

from pathlib import Path

from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, ToolCallSpec, Turn
from tests.security import processes

ECHO = ToolCallSpec("Bash", {"command": "echo hello"})


def _run(tmp_path: Path, *flags: str, first: Turn | None = None) -> str:
    """Run one turn with a Bash call in print mode (after ``first``); the log's text."""
    root = tmp_path / "project"
    root.mkdir()
    home = tmp_path / "home"
    turns = [Turn(tool_calls=[ECHO]), Turn(text="Done.")]
    with ScriptedServer([first, *turns] if first else turns) as server:
        args = ["-p", "hi", "--base-url", server.base_url, "--model", DEFAULT_MODEL, *flags]
        done = processes.run(args, root, processes.clean_env(home))
    assert done.returncode == 0, done.stderr
    return "".join(path.read_text() for path in (home / "state" / "logs").glob("*.log"))


def test_debug_logs_the_gate_the_tools_the_shell_and_the_requests(tmp_path: Path) -> None:
    log = _run(tmp_path, "--debug")
    assert "openclaude_tui.core.agent.loop: model request 1 of the turn" in log
    assert "openclaude_tui.core.agent.dispatch: gate: Bash" in log and "→ allow (read-only)" in log
    assert "openclaude_tui.core.tools.shell: bash pid" in log
    assert "ended: status 0" in log
    assert "openclaude_tui.core.agent.dispatch: tool Bash" in log
    # Libraries stay quiet: no HTTP dumps.
    assert "httpcore" not in log and "openai._base_client" not in log


def test_without_debug_the_log_holds_no_such_records(tmp_path: Path) -> None:
    assert "gate: Bash" not in _run(tmp_path)


def test_debug_logs_what_the_provider_learned_and_its_retries(tmp_path: Path) -> None:
    log = _run(tmp_path, "--debug", first=Turn(status=503, error_message="busy"))
    assert "openclaude_tui.core.llm.provider: attempt 1 of 4 failed (server returned 503" in log
    assert "retrying in" in log
