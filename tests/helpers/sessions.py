"""Sessions in tests: a core session against the scripted server, and reading what a run
saved under its OPENCLAUDE_HOME."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openclaude_tui.core.events import EventSink
from openclaude_tui.core.permissions.policy import Approver, Decision, PermissionRequest
from openclaude_tui.core.permissions.rules import RuleSet
from openclaude_tui.core.session import Session
from openclaude_tui.core.settings.config import Config
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer


def transcripts(home: Path) -> list[Path]:
    """Every transcript saved under ``home``, oldest name first."""
    return sorted((home / "data" / "sessions").glob("*/*.jsonl"))


def records(path: Path) -> list[dict[str, Any]]:
    """The records of a transcript (every line must be whole)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def has_record(home: Path, kind: str) -> bool:
    """Whether some transcript under ``home`` holds a whole record of type ``kind``."""
    for path in transcripts(home):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                if json.loads(line).get("type") == kind:
                    return True
            except ValueError:
                continue
    return False


async def allow_everything(request: PermissionRequest) -> Decision:
    """An approver that allows every call once."""
    return Decision("allow_once")


async def run_and_save(config: Config, *prompts: str) -> str:
    """Run ``prompts`` in a core session of ``config`` (every call allowed) and close it;
    the saved session's id."""
    session = Session(config, allow_everything, lambda event: None)
    for prompt in prompts:
        await session.run_turn(prompt)
    await session.close()
    return session.session_id


def notes_project(tmp_path: Path) -> Path:
    """A project folder holding ``notes.txt`` ("alpha", "beta")."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "notes.txt").write_text("alpha\nbeta\n")
    return root


def session_in(
    root: Path,
    server: ScriptedServer,
    sink: EventSink,
    approver: Approver,
    clock: Callable[[], float] = time.monotonic,
) -> Session:
    """A core session of ``root`` against ``server`` (its model, a 100,000-token window),
    its requests and tool calls timed by ``clock``."""
    config = Config(
        cwd=root,
        project_root=root,
        base_url=server.base_url,
        model=DEFAULT_MODEL,
        context_window=100_000,
        rules=RuleSet(),
    )
    return Session(config, approver, sink, clock=clock)
