"""Background commands (Bash run_in_background, BashOutput, KillShell) on real processes:
output read in parts, a kill that empties the process list, the end of the session."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from openclaude_tui.core.events import BackgroundTaskChanged, Event
from openclaude_tui.core.tools import default_tools
from openclaude_tui.core.tools.background import BashOutput, KillShell, task_snapshots
from openclaude_tui.core.tools.base import Tool, ToolContext, ToolResult
from openclaude_tui.core.tools.shell import Bash
from tests.helpers.policy import make_policy
from tests.helpers.print_mode import openclaude
from tests.helpers.processes import BOUND, ended
from tests.scripted_server import RecordedRequest, ScriptedServer, ToolCallSpec, Turn

# Model requests a print-mode test may poll BashOutput with before it fails.
POLLS = 300
# Prints, waits for a file the test creates, prints again.
TWO_PARTS = "echo one; until [ -e go ]; do sleep 0.05; done; echo two"
# Leaves a child behind, writing both pids where the test can find them.
WITH_CHILD = "sleep 300 & echo $! > child.pid; echo $$ > shell.pid; wait"


@pytest.fixture
async def ctx(tmp_path: Path) -> AsyncIterator[ToolContext]:
    events: list[Event] = []
    context = ToolContext(project_root=tmp_path, cwd=tmp_path, emit=events.append)
    context.state["events"] = events
    yield context
    await Bash().close(context)


async def call(tool: Tool, ctx: ToolContext, **raw: Any) -> ToolResult:
    args, _ = tool.validate(raw)
    return await asyncio.wait_for(tool.run(args, ctx, "call-1"), BOUND)


async def output_until(
    ctx: ToolContext, bash_id: str, done: Callable[[str], bool], **raw: Any
) -> list[str]:
    """BashOutput results, read until one satisfies ``done`` (within a bound)."""
    results: list[str] = []
    for _ in range(BOUND * 20):
        results.append((await call(BashOutput(), ctx, bash_id=bash_id, **raw)).text)
        if done(results[-1]):
            return results
        await asyncio.sleep(0.05)
    raise AssertionError(f"never satisfied: {results[-3:]}")


async def wait_for_file(path: Path) -> str:
    for _ in range(BOUND * 50):
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        await asyncio.sleep(0.02)
    raise AssertionError(f"{path} never appeared")


async def test_output_is_read_in_two_parts_then_the_exit_status(
    ctx: ToolContext, tmp_path: Path
) -> None:
    started = await call(Bash(), ctx, command=TWO_PARTS, run_in_background=True)
    assert started.text.startswith("Started in the background as bash_1 (PID ")
    first = await output_until(ctx, "bash_1", lambda text: "one" in text)
    assert first[-1] == "Status: running\none"
    (tmp_path / "go").touch()
    second = await output_until(ctx, "bash_1", lambda text: "exited" in text)
    # What came before the file existed is not returned again.
    assert "\n".join(second).count("one") == 0
    assert second[-1].startswith("Status: exited 0")
    assert "two" in "\n".join(second)
    again = await call(BashOutput(), ctx, bash_id="bash_1")
    assert again.text == "Status: exited 0\n(no new output)"
    events = [e for e in ctx.state["events"] if isinstance(e, BackgroundTaskChanged)]
    assert [(e.task_id, e.running, e.exit_code) for e in events] == [
        ("bash_1", True, None),
        ("bash_1", False, 0),
    ]


async def test_kill_stops_the_whole_group(ctx: ToolContext, tmp_path: Path) -> None:
    await call(Bash(), ctx, command=WITH_CHILD, run_in_background=True)
    child = int(await wait_for_file(tmp_path / "child.pid"))
    shell = int(await wait_for_file(tmp_path / "shell.pid"))
    killed = await call(KillShell(), ctx, bash_id="bash_1")
    assert killed.text.startswith("Stopped bash_1")
    assert await ended(child) and await ended(shell)
    status = await call(BashOutput(), ctx, bash_id="bash_1")
    assert status.text.startswith("Status: killed")
    twice = await call(KillShell(), ctx, bash_id="bash_1")
    assert not twice.is_error and "already ended (killed)" in twice.text


async def test_the_end_of_the_session_kills_what_still_runs(
    ctx: ToolContext, tmp_path: Path
) -> None:
    await call(Bash(), ctx, command=WITH_CHILD, run_in_background=True)
    child = int(await wait_for_file(tmp_path / "child.pid"))
    await Bash().close(ctx)
    assert await ended(child)
    [snapshot] = task_snapshots(ctx)
    assert snapshot.status == "killed" and not snapshot.running


async def test_filter_unknown_ids_and_bad_patterns(ctx: ToolContext, tmp_path: Path) -> None:
    await call(Bash(), ctx, command="printf 'ok 1\\nfail 2\\nok 3\\n'", run_in_background=True)
    bad = await call(BashOutput(), ctx, bash_id="bash_1", filter="(")
    assert bad.is_error and "not a valid regular expression" in bad.text
    reads = await output_until(ctx, "bash_1", lambda text: "exited" in text, filter=r"^ok")
    shown = [line for text in reads for line in text.split("\n")[1:]]
    assert [line for line in shown if line != "(no new output)"] == ["ok 1", "ok 3"]
    unknown = await call(BashOutput(), ctx, bash_id="bash_9")
    assert unknown.is_error and "bash_1 (exited 0)" in unknown.text
    assert (await call(KillShell(), ctx, bash_id="nope")).is_error


async def test_the_environment_is_scrubbed_as_for_bash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEPLOY_TOKEN", "hunter2-secret")
    ctx = ToolContext(project_root=tmp_path, cwd=tmp_path, scrub_env=("DEPLOY_*",))
    try:
        await call(Bash(), ctx, command='echo "[$DEPLOY_TOKEN]"', run_in_background=True)
        reads = await output_until(ctx, "bash_1", lambda text: "exited" in text)
    finally:
        await Bash().close(ctx)
    assert "[]" in "\n".join(reads) and "hunter2" not in "\n".join(reads)


def test_a_background_command_meets_the_same_gate(tmp_path: Path) -> None:
    bash = default_tools().get("Bash")
    assert bash is not None
    args, _ = bash.validate({"command": "rm -rf build", "run_in_background": True})
    assert make_policy(tmp_path).check(bash, args, tmp_path).action == "ask"
    denying = make_policy(tmp_path, "bypassPermissions", deny=["Bash(rm:*)"])
    assert denying.check(bash, args, tmp_path).action == "deny"
    output = default_tools().get("BashOutput")
    assert output is not None and output.read_only
    kill = default_tools().get("KillShell")
    assert kill is not None and not kill.read_only


def _last_result(request: RecordedRequest) -> str:
    results = request.tool_results()
    return results[-1] if results else ""


def test_print_mode_reads_a_background_command_in_two_parts(tmp_path: Path) -> None:
    """The model starts the command, reads its output until it waits, the test creates the
    file, and the model reads the rest."""
    project = tmp_path / "project"
    project.mkdir()

    def next_turn(request: RecordedRequest) -> Turn:
        last = _last_result(request)
        if last.startswith("Status: exited"):
            return Turn(text="Finished.")
        if "one" in last:
            (project / "go").touch()
        return Turn(tool_calls=[ToolCallSpec("BashOutput", {"bash_id": "bash_1"})])

    start = ToolCallSpec("Bash", {"command": TWO_PARTS, "run_in_background": True})
    turns: list[Any] = [Turn(tool_calls=[start]), *[next_turn] * POLLS]
    with ScriptedServer(turns) as server:
        done = openclaude(
            project, tmp_path / "home", "-p", "watch", "--base-url", server.base_url,
            "--allow", "Bash", "--max-turns", str(POLLS + 5),
        )  # fmt: skip
        results = server.tool_results()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Finished."
    outputs = [text for text in results[1:] if text != "Status: running\n(no new output)"]
    assert outputs[0] == "Status: running\none"
    assert any("two" in text for text in outputs[1:])
    assert "one" not in "\n".join(outputs[1:])


def test_print_mode_kills_a_background_command(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()

    def next_turn(request: RecordedRequest) -> Turn:
        last = _last_result(request)
        if last.startswith("Stopped"):
            return Turn(text="Stopped it.")
        if (project / "child.pid").exists() and (project / "shell.pid").exists():
            return Turn(tool_calls=[ToolCallSpec("KillShell", {"bash_id": "bash_1"})])
        return Turn(tool_calls=[ToolCallSpec("BashOutput", {"bash_id": "bash_1"})])

    start = ToolCallSpec("Bash", {"command": WITH_CHILD, "run_in_background": True})
    turns: list[Any] = [Turn(tool_calls=[start]), *[next_turn] * POLLS]
    with ScriptedServer(turns) as server:
        done = openclaude(
            project, tmp_path / "home", "-p", "stop it", "--base-url", server.base_url,
            "--dangerously-skip-permissions", "--max-turns", str(POLLS + 5),
        )  # fmt: skip
        results = server.tool_results()
    assert done.returncode == 0, done.stderr
    assert results[-1].startswith("Stopped bash_1")
    pids = [int((project / name).read_text()) for name in ("child.pid", "shell.pid")]
    assert all(asyncio.run(ended(pid)) for pid in pids)


def test_print_mode_asks_before_a_background_command_it_cannot_prove_harmless(
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    start = ToolCallSpec("Bash", {"command": "touch made", "run_in_background": True})
    with ScriptedServer([Turn(tool_calls=[start]), Turn(text="ok")]) as server:
        done = openclaude(project, tmp_path / "home", "-p", "go", "--base-url", server.base_url)
        results = server.tool_results()
    assert done.returncode == 0, done.stderr
    assert not (project / "made").exists()
    assert "needs the user's approval (touch is not known to be read-only)" in results[0]
