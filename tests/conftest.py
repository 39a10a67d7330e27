"""Shared pytest fixtures."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.helpers.tmux import Tmux
from tests.scripted_server import ScriptedServer

# No per-example deadline: this machine is shared, and speed is measured by benchmarks,
# never by a test's clock.
settings.register_profile("openclaude", deadline=None)
settings.load_profile("openclaude")


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own OPENCLAUDE_HOME (a test may set another), never the user's.

    Trust answers, the notes of writes in progress and logs would otherwise land in the
    real ~/.config and ~/.local/state of whoever runs the tests.
    """
    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def scripted_server() -> Iterator[ScriptedServer]:
    """A started scripted OpenAI-compatible server with an empty script.

    Give it answers with ``scripted_server.script(...)`` or ``add_turns(...)``.
    """
    with ScriptedServer() as server:
        yield server


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    """A tmux server of this test's own (killed at the end), for tests of the real terminal."""
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the end-to-end tests (.ci/run installs it)")
    session = Tmux(f"openclaude-e2e-{os.getpid()}-{tmp_path.name}")
    yield session
    session.kill()
