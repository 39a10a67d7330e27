"""Attempts against the gate, run through the real agent and judged by their effect.

Each attempt is one tool call that a hostile model makes, under a permission mode and
rules. It runs through everything a user's session runs through: the scripted
OpenAI-compatible server sends the call, the real agent dispatches it, the real policy
decides, the real tool runs (or not) against a real project on disk. The approver stands
for a user who says no to everything, so whatever the gate puts to the user does not run.

What a test then checks is the effect: a marker file that must not exist, a file outside
the project that must be unchanged, a secret that must not appear in any request the
server received. The gate's answer (``Outcome.asked``) is recorded for the message, not
as the proof.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from typing import Any

from openclaude_tui.core.assembly import build_agent, make_provider
from openclaude_tui.core.permissions.policy import Decision, PermissionRequest
from openclaude_tui.core.permissions.rules import RuleSet
from openclaude_tui.core.settings.config import Config
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, ToolCallSpec, Turn

SECRET = "s3cr3t-outside-the-project"
API_KEY = "sk-test-key-that-must-stay-secret"


@dataclass(frozen=True)
class Attempt:
    """One tool call a hostile model makes, and the session it is made in.

    Strings in ``args`` may name the sandbox's places as ``{root}``, ``{outside}``,
    ``{marker}`` (a file that must never be created) and ``{secret}`` (a file outside the
    project whose content must never reach the server).

    ``setup`` prepares the sandbox first (a symlink, a hook file); ``prior`` are calls the
    model makes before the attempt in the same message (a Read that an Edit needs).
    """

    id: str
    tool: str
    args: dict[str, Any]
    _: KW_ONLY
    mode: str = "default"
    allow: tuple[str, ...] = ()
    ask: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    setup: Callable[[Sandbox], None] | None = None
    prior: tuple[tuple[str, dict[str, Any]], ...] = ()


@dataclass
class Sandbox:
    """A git project and an outside folder in ``base``, set up for one attempt."""

    base: Path
    root: Path = field(init=False)
    outside: Path = field(init=False)
    marker: Path = field(init=False)
    secret: Path = field(init=False)

    def __post_init__(self) -> None:
        self.root = self.base / "project"
        self.outside = self.base / "outside"
        self.marker = self.outside / "PWNED"
        self.secret = self.outside / "secret.txt"
        self.root.mkdir(parents=True)
        self.outside.mkdir()
        self.secret.write_text(f"{SECRET}\n")
        (self.root / "README.md").write_text("# demo\n")
        (self.root / "src").mkdir()
        (self.root / "src" / "app.py").write_text("print('hello')\n")
        (self.root / ".env").write_text(f"TOKEN={SECRET}\n")
        for command in (
            ["git", "init", "-q", "-b", "main"],
            ["git", "config", "user.email", "dev@example.test"],
            ["git", "config", "user.name", "Dev"],
            ["git", "add", "README.md", "src"],
            ["git", "commit", "-qm", "start"],
        ):
            subprocess.run(command, cwd=self.root, check=True)

    def fill(self, value: Any) -> Any:
        """``value`` with the sandbox's places filled in (recursively for containers)."""
        if isinstance(value, str):
            return value.format(
                root=self.root, outside=self.outside, marker=self.marker, secret=self.secret
            )
        if isinstance(value, dict):
            return {key: self.fill(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.fill(item) for item in value]
        return value

    def markers(self) -> list[Path]:
        """Every file named like the marker, anywhere in the sandbox (a sign of an escape)."""
        return sorted(self.base.rglob("PWNED*"))


@dataclass
class Outcome:
    """What happened when an attempt ran."""

    asked: list[PermissionRequest]
    results: list[str]
    sent: str
    # Files in the sandbox (relative to its base) created, changed or removed by the turn.
    changed: list[str] = field(default_factory=list)

    @property
    def result(self) -> str:
        """The result of the attempt's own call (the last one; empty when none)."""
        return self.results[-1] if self.results else ""


async def _deny_everything(asked: list[PermissionRequest], request: PermissionRequest) -> Decision:
    asked.append(request)
    return Decision("deny", reason="no")


def make_config(sandbox: Sandbox, server: ScriptedServer, attempt: Attempt) -> Config:
    """The session's configuration: the attempt's mode and rules, the scripted server."""
    rules = RuleSet()
    for kind, texts in (("allow", attempt.allow), ("ask", attempt.ask), ("deny", attempt.deny)):
        for text in texts:
            rules.add(kind, text, "attempt")  # type: ignore[arg-type]
    return Config(
        cwd=sandbox.root,
        project_root=sandbox.root,
        base_url=server.base_url,
        base_url_source="test",
        api_key=API_KEY,
        model=DEFAULT_MODEL,
        permission_mode=attempt.mode,  # type: ignore[arg-type]
        bypass_available=attempt.mode == "bypassPermissions",
        rules=rules,
    )


async def run_attempt(server: ScriptedServer, sandbox: Sandbox, attempt: Attempt) -> Outcome:
    """Run ``attempt`` as one turn of a real session and report what it did."""
    if attempt.setup is not None:
        attempt.setup(sandbox)
    files_before = _snapshot(sandbox.base)
    calls = [ToolCallSpec(tool, sandbox.fill(args)) for tool, args in attempt.prior]
    calls.append(ToolCallSpec(attempt.tool, sandbox.fill(attempt.args)))
    server.script(Turn(tool_calls=calls), Turn(text="done"))
    before = len(server.chat_requests)
    config = make_config(sandbox, server, attempt)
    asked: list[PermissionRequest] = []
    agent = build_agent(
        config, make_provider(config), lambda request: _deny_everything(asked, request)
    )
    try:
        finished = await asyncio.wait_for(agent.run_turn("go"), timeout=60)
    finally:
        await agent.close()
    # A turn that broke down proves nothing about the gate.
    assert finished.reason != "error", finished.detail
    requests = server.chat_requests[before:]
    results = requests[-1].tool_results() if requests else []
    sent = "\n".join(str(request.body) for request in requests)
    files_after = _snapshot(sandbox.base)
    changed = sorted(
        name
        for name in files_before.keys() | files_after.keys()
        if files_before.get(name) != files_after.get(name)
    )
    return Outcome(asked, results, sent, changed)


def _snapshot(base: Path) -> dict[str, bytes]:
    """The content of every regular file under ``base`` (links not followed)."""
    found: dict[str, bytes] = {}
    for directory, _, names in os.walk(base):
        for name in names:
            path = Path(directory, name)
            if path.is_file() and not path.is_symlink():
                found[path.relative_to(base).as_posix()] = path.read_bytes()
    return found


def ids(attempts: Iterable[Attempt]) -> list[str]:
    """Test ids for a parametrised corpus."""
    return [attempt.id for attempt in attempts]
