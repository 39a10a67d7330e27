"""The app in a real terminal (tmux), used as a new user would: the auth.py walkthrough.

The scripted model runs the tests (they fail: that call is shown failed), reads, greps,
edits and runs them again (they pass). The user approves the first test run with "always"
(so the second one is not asked about), approves the edit once, and quits with Ctrl+Q.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.helpers.repos import WALKTHROUGH, make_auth_repo
from tests.helpers.tmux import Tmux, app_environment
from tests.scripted_server import ScriptedServer

pytestmark = pytest.mark.e2e


def test_the_auth_walkthrough_in_a_real_terminal(tmp_path: Path, tmux: Tmux) -> None:
    repo = make_auth_repo(tmp_path / "repo")
    env = app_environment(tmp_path)
    with ScriptedServer(WALKTHROUGH) as server:
        command = [sys.executable, "-m", "openclaude_tui", "--base-url", server.base_url,
                   "--model", "scripted-model"]  # fmt: skip
        status = tmp_path / "exit-status"
        tmux.start(command, repo, env, status)
        tmux.wait_for(lambda s: "Ask anything" in s, "the prompt")
        tmux.type("Fix the failing test in src/auth.py")
        tmux.keys("Enter")

        shown = tmux.wait_for_modal("Allow Bash?")
        assert "python -m pytest -q tests" in shown
        assert "Always allow Bash(python -m pytest:*) in this project" in shown
        tmux.keys("2")

        shown = tmux.wait_for_modal("Allow Edit?")
        assert "-    return user.is_active" in shown or "is_active" in shown
        tmux.keys("1")

        shown = tmux.wait_for(lambda s: "the tests pass" in s, "the final answer")
        assert "Allow Bash?" not in shown, "the second test run was asked about again"
        assert "Traceback" not in shown
        # Only the first test run failed (exit code 1); every other call went through.
        failed = [line for line in shown.splitlines() if "✗" in line]
        assert failed and all("Bash" in line for line in failed), failed
        assert "5 calls" in shown and "4 done, 1 failed" in shown

        tmux.keys("C-q")
        # The shell creates the file, then writes the status into it.
        shown = tmux.wait_for(
            lambda s: status.is_file() and status.read_text() != "", "the app quitting"
        )
        ended = status.read_text().strip()
        assert ended == "0", f"the app ended with exit status {ended!r}:\n{shown}"
        results = server.tool_results()

    assert (repo / "src" / "auth.py").read_text().endswith("return user.active\n")
    first_run, _read, _grep, edit, second_run = results
    assert "AttributeError" in first_run and "2 failed" in first_run
    assert "+    return user.active" in edit
    assert "2 passed" in second_run
    local_rules = (repo / ".openclaude" / "settings.local.toml").read_text()
    assert "Bash(python -m pytest:*)" in local_rules
