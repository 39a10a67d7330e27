"""Fixtures of the app's tests: a hermetic or a fixed home directory, a git project, and
snapshots that say what changed when they fail."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_textual_snapshot import node_to_report_path

from tests.helpers.repos import git
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


def _forget_the_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    """No server, key, model or window from the environment of whoever runs the tests."""
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "MODEL", "CONTEXT_WINDOW"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """OPENCLAUDE_HOME in a temporary directory, and no endpoint from the environment."""
    path = tmp_path / "home"
    monkeypatch.setenv("OPENCLAUDE_HOME", str(path))
    _forget_the_endpoint(monkeypatch)
    return path


# Read only; never created (the unreachable-server panel shows the user's config path).
FIXED_HOME = "/nonexistent/openclaude-home"


@pytest.fixture
def fixed_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """OPENCLAUDE_HOME at a fixed path that does not exist, and no endpoint from the
    environment: what snapshots show of the home is the same on every machine."""
    monkeypatch.setenv("OPENCLAUDE_HOME", FIXED_HOME)
    _forget_the_endpoint(monkeypatch)


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
