"""CI runs exactly the test command the README gives a newcomer."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```\n(.+?)\n```", text, flags=re.DOTALL)


def test_the_readme_opens_with_two_commands() -> None:
    install_and_run, run_tests = _readme_commands()[:2]
    assert install_and_run.strip().endswith("openclaude")
    assert "'.[test]'" in run_tests and run_tests.strip().endswith("python -m pytest")


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    run_tests = _readme_commands()[1].strip()
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert run_tests in ci_lines
