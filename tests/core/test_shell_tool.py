"""The Bash tool against real bash processes (harmless commands only)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from openclaude_tui.core.events import Event, ToolOutput
from openclaude_tui.core.tools.base import ToolContext, ToolResult
from openclaude_tui.core.tools.shell import Bash, shell_tools, shutdown_shell
from openclaude_tui.core.tools.shell_output import cut_middle
from tests.helpers.processes import ended, gone

# A bound on how long a call may take, so a hang fails the test instead of stalling it.
BOUND = 30


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "sub").mkdir(parents=True)
    return root


@pytest.fixture
async def ctx(project: Path) -> AsyncIterator[ToolContext]:
    events: list[Event] = []
    context = ToolContext(project_root=project, cwd=project, emit=events.append)
    context.state["events"] = events
    yield context
    await shutdown_shell(context)


async def run(ctx: ToolContext, command: str, **extra: Any) -> ToolResult:
    tool = Bash()
    args, _ = tool.validate({"command": command, **extra})
    return await asyncio.wait_for(tool.run(args, ctx, "call-1"), BOUND)


async def read_pids(path: Path, count: int) -> list[int]:
    """Wait (boundedly) until a command has written ``count`` PIDs to ``path``."""

    async def poll() -> list[int]:
        while True:
            if path.exists():
                pids = [int(line) for line in path.read_text().split()]
                if len(pids) >= count:
                    return pids
            await asyncio.sleep(0.02)

    return await asyncio.wait_for(poll(), BOUND)


async def test_output_and_exit_code(ctx: ToolContext) -> None:
    result = await run(ctx, "echo out; echo err >&2; exit 3")
    assert result.text == "out\nerr\nExit code: 3"
    assert not result.is_error


async def test_success_reports_no_exit_code_and_empty_output_says_so(ctx: ToolContext) -> None:
    assert (await run(ctx, "echo fine")).text == "fine"
    assert (await run(ctx, "true")).text == "(no output)"


async def test_cd_persists_to_the_next_call(ctx: ToolContext, project: Path) -> None:
    await run(ctx, "cd sub")
    assert ctx.cwd == (project / "sub").resolve()
    result = await run(ctx, "pwd")
    assert result.text == str((project / "sub").resolve())


async def test_environment_variables_do_not_persist(ctx: ToolContext) -> None:
    await run(ctx, "export OPENCLAUDE_PROBE=1")
    result = await run(ctx, "echo ${OPENCLAUDE_PROBE:-unset}")
    assert result.text == "unset"


async def test_a_vanished_directory_falls_back_to_the_project_root(
    ctx: ToolContext, project: Path
) -> None:
    await run(ctx, "mkdir gone && cd gone")
    assert ctx.cwd.name == "gone"
    ctx.cwd.rmdir()
    result = await run(ctx, "pwd")
    assert result.text.splitlines()[0] == str(project.resolve())
    assert "no longer exists" in result.text
    assert ctx.cwd == project


async def test_stdin_is_dev_null(ctx: ToolContext) -> None:
    result = await run(ctx, "cat; echo after")
    assert result.text == "after"


async def test_syntax_errors_are_reported_with_line_one(ctx: ToolContext) -> None:
    result = await run(ctx, "echo 'unbalanced")
    assert "line 1" in result.text
    assert "Exit code: 2" in result.text


async def test_exec_replacing_the_shell_still_returns(ctx: ToolContext) -> None:
    assert (await run(ctx, "exec echo replaced")).text == "replaced"


async def test_a_shell_killed_by_a_signal_says_so(ctx: ToolContext) -> None:
    result = await run(ctx, "echo before; exec sh -c 'kill -KILL $$'")
    assert result.text == "before\nKilled by signal 9 (Killed)."
    assert not result.is_error


async def test_ansi_escapes_and_carriage_returns_are_cleaned(ctx: ToolContext) -> None:
    result = await run(ctx, r"printf '\033[31mred\033[0m\n50%%\r100%%\n'")
    assert result.text == "red\n100%"


async def test_background_job_returns_at_once_and_shutdown_kills_it(
    ctx: ToolContext, project: Path
) -> None:
    result = await run(ctx, "sleep 1000 & echo $! > job.pid; echo started")
    pid = int((project / "job.pid").read_text())
    assert result.text.startswith("started\n")
    assert f"Background jobs started (PID {pid})" in result.text
    assert not gone(pid)
    await shutdown_shell(ctx)
    assert await ended(pid)


async def test_background_process_outside_the_job_table_is_stopped_too(
    ctx: ToolContext, project: Path
) -> None:
    result = await run(ctx, "(sleep 1000 & echo $! > job.pid)")
    pid = int((project / "job.pid").read_text())
    assert "Background jobs started" in result.text
    await shutdown_shell(ctx)
    # An orphan is reaped by init, if init reaps at all; it must not be running.
    assert await ended(pid)


async def test_timeout_of_500_ms_stops_the_command(ctx: ToolContext) -> None:
    result = await run(ctx, "echo begun; sleep 30", timeout=500)
    assert result.is_error
    assert "timed out after 500 ms" in result.text
    assert "begun" in result.text


async def test_timeout_leaves_no_process_behind(ctx: ToolContext, project: Path) -> None:
    command = "echo $$ > pids; sleep 30 & echo $! >> pids; sh -c 'echo $$ >> pids; exec sleep 30'"
    result = await run(ctx, command, timeout=2000)
    assert result.is_error
    pids = await read_pids(project / "pids", 3)
    assert all(gone(pid) for pid in pids), pids


async def test_cancelling_the_call_kills_the_process_group(ctx: ToolContext, project: Path) -> None:
    command = "echo $$ > pids; sleep 30 & echo $! >> pids; sh -c 'echo $$ >> pids; exec sleep 30'"
    tool = Bash()
    args, _ = tool.validate({"command": command})
    task = asyncio.create_task(tool.run(args, ctx, "call-1"))
    pids = await read_pids(project / "pids", 3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, BOUND)
    assert all(gone(pid) for pid in pids), pids


async def test_five_megabytes_are_cut_in_the_middle(ctx: ToolContext) -> None:
    result = await run(ctx, "head -c 5000000 /dev/zero | tr '\\0' a")
    assert "[… 4,970,000 characters cut from the middle; 5,000,000 in all …]" in result.text
    assert result.text.startswith("a" * 1000)
    assert result.text.endswith("a" * 1000)
    assert len(result.text) < 31_000


async def test_long_line_output_keeps_whole_lines_at_both_ends(ctx: ToolContext) -> None:
    result = await run(ctx, "seq 1 1000000")
    total = sum(len(str(n)) + 1 for n in range(1, 1_000_001))
    assert f"characters cut from the middle; {total:,} in all …]" in result.text
    assert result.text.startswith("1\n2\n3\n")
    assert result.text.endswith("999999\n1000000")
    head, _, tail = result.text.partition("[…")
    assert head.rstrip("\n").splitlines()[-1].isdigit()
    assert tail.split("…]", 1)[1].lstrip("\n").splitlines()[0].isdigit()


async def test_output_streams_live_as_tool_output_events(ctx: ToolContext, tmp_path: Path) -> None:
    """Each line is printed only once the one before it was seen as an event, so the
    output cannot arrive as one piece however loaded the machine is."""
    go = tmp_path / "go"
    wait = f"n=0; while [ ! -e {go}$i ] && [ $n -lt 3000 ]; do sleep 0.01; n=$((n+1)); done"
    task = asyncio.create_task(run(ctx, f"for i in 1 2 3; do echo line$i; {wait}; done"))
    for number in (1, 2, 3):
        seen = f"line{number}\n"
        for _ in range(3000):
            shown = [e.text for e in ctx.state["events"] if isinstance(e, ToolOutput)]
            if "".join(shown).endswith(seen):
                break
            await asyncio.sleep(0.01)
        (tmp_path / f"go{number}").touch()
    result = await task
    events = [e for e in ctx.state["events"] if isinstance(e, ToolOutput)]
    assert {e.call_id for e in events} == {"call-1"}
    assert "".join(e.text for e in events) == "line1\nline2\nline3\n"
    assert len(events) >= 3
    assert result.text == "line1\nline2\nline3"


@pytest.mark.parametrize(
    ("timeout", "note"),
    [
        (5, "timeout 5 was read as 5 seconds (5,000 ms)"),
        (900_000, "timeout 900,000 ms is above the maximum; used 600,000 ms"),
    ],
)
async def test_surprising_timeouts_are_explained(ctx: ToolContext, timeout: int, note: str) -> None:
    result = await run(ctx, "echo ok", timeout=timeout)
    assert result.text.startswith("ok\n")
    assert note in result.text


async def test_a_missing_bash_is_an_error_the_model_can_read(
    ctx: ToolContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    result = await run(ctx, "echo hi")
    assert result.is_error
    assert "could not start bash" in result.text


async def test_empty_command_is_refused(ctx: ToolContext) -> None:
    result = await run(ctx, "   ")
    assert result.is_error


def test_summary_is_the_first_line_and_the_family_is_registered() -> None:
    tool = Bash()
    assert tool.summary({"command": "make\nmake test"}) == "make"
    assert not tool.read_only
    assert [t.name for t in shell_tools()] == ["Bash", "BashOutput", "KillShell"]


def test_cut_middle_leaves_short_text_alone() -> None:
    assert cut_middle("short") == "short"
    cut = cut_middle("x" * 40_000)
    assert "[… 10,000 characters cut from the middle; 40,000 in all …]" in cut
