"""The harness itself: an allowed call has its effect, a denied one has none."""

from __future__ import annotations

from pathlib import Path

from tests.scripted_server import ScriptedServer
from tests.security.harness import SECRET, Attempt, Sandbox, run_attempt


async def test_a_call_the_gate_lets_through_has_its_effect(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    sandbox = Sandbox(tmp_path)
    attempt = Attempt(
        "bypass-touch", "Bash", {"command": "touch {marker}"}, mode="bypassPermissions"
    )
    outcome = await run_attempt(scripted_server, sandbox, attempt)
    assert sandbox.marker.exists()
    assert outcome.asked == []


async def test_a_call_put_to_the_user_is_refused_and_has_no_effect(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    sandbox = Sandbox(tmp_path)
    outcome = await run_attempt(
        scripted_server, sandbox, Attempt("ask-touch", "Bash", {"command": "touch {marker}"})
    )
    assert not sandbox.marker.exists()
    assert len(outcome.asked) == 1


async def test_a_secret_read_with_permission_reaches_the_server(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    sandbox = Sandbox(tmp_path)
    outcome = await run_attempt(
        scripted_server,
        sandbox,
        Attempt("bypass-read", "Read", {"file_path": "{secret}"}, mode="bypassPermissions"),
    )
    assert SECRET in outcome.sent
