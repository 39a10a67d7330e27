"""Fixtures of the app's tests: a hermetic home directory, a git project, and snapshots that
say what changed when they fail."""

from __future__ import annotations

import pickle
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_textual_snapshot import node_to_report_path

from tests.ui.snapshot_text import screen_difference


@pytest.fixture
def snap_compare(
    snap_compare: Callable[..., bool], request: pytest.FixtureRequest
) -> Callable[..., bool]:
    """pytest-textual-snapshot's comparison, which also prints the changed text when the
    picture differs (the HTML report stays behind on the machine that ran the tests)."""

    def compare(app: Any, **options: Any) -> bool:
        matched = snap_compare(app, **options)
        if not matched:
            # The plugin keeps both pictures for its report; the second and third fields
            # are the expected and the actual SVG.
            record = pickle.loads(node_to_report_path(request.node).read_bytes())
            print(f"Snapshot differs from {request.node.nodeid}:")
            print(screen_difference(record[1], record[2]))
        return matched

    return compare


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """OPENCLAUDE_HOME in a temporary directory, and no endpoint from the environment."""
    path = tmp_path / "home"
    monkeypatch.setenv("OPENCLAUDE_HOME", str(path))
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "MODEL", "CONTEXT_WINDOW"):
        monkeypatch.delenv(name, raising=False)
    return path


def git(root: Path, *args: str) -> None:
    """Run git in ``root`` (quietly; failures raise)."""
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git repository with one committed file, on branch main."""
    root = tmp_path / "demo-project"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test User")
    git(root, "config", "user.email", "test@example.com")
    (root / "app.py").write_text("LIMIT = 10\n\n\ndef limit():\n    return LIMIT\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "start")
    return root
