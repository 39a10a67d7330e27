"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.scripted_server import ScriptedServer


@pytest.fixture
def scripted_server() -> Iterator[ScriptedServer]:
    """A started scripted OpenAI-compatible server with an empty script.

    Give it answers with ``scripted_server.script(...)`` or ``add_turns(...)``.
    """
    with ScriptedServer() as server:
        yield server
