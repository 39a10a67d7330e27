"""The Bash tool's wrapper state: the command run inside it cannot reach or spoil it.

Real bash processes, harmless commands (they only try to name the wrapper's variables).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from openclaude_tui.core.shell.classify import classify
from openclaude_tui.core.shell.env import WRAPPER_PREFIX
from openclaude_tui.core.tools.base import ToolContext, ToolResult
from openclaude_tui.core.tools.shell import Bash, shutdown_shell, wrapper_script

BOUND = 30


@pytest.fixture
async def ctx(tmp_path: Path) -> AsyncIterator[ToolContext]:
    root = tmp_path / "project"
    (root / "sub").mkdir(parents=True)
    context = ToolContext(project_root=root, cwd=root, emit=lambda event: None)
    yield context
    await shutdown_shell(context)


async def run(ctx: ToolContext, command: str) -> ToolResult:
    tool = Bash()
    args, _ = tool.validate({"command": command})
    return await asyncio.wait_for(tool.run(args, ctx, "call-1"), BOUND)


async def test_the_old_state_variables_no_longer_redirect_the_state(
    ctx: ToolContext, tmp_path: Path
) -> None:
    target = tmp_path / "overwritten"
    result = await run(ctx, f"__oc_state={target}; __oc_mark=x; cd sub")
    assert not target.exists(), result.text
    assert ctx.cwd == ctx.project_root / "sub"


async def test_noclobber_does_not_stop_the_state_being_written(ctx: ToolContext) -> None:
    await run(ctx, "set -C; cd sub")
    assert ctx.cwd == ctx.project_root / "sub"


def test_each_call_names_its_state_afresh_under_the_reserved_prefix() -> None:
    first = wrapper_script("/tmp/state", "mark")
    second = wrapper_script("/tmp/state", "mark")
    assert first != second
    assert WRAPPER_PREFIX in first
    assert ">|/tmp/state" in first


@pytest.mark.parametrize(
    "command",
    [
        f"{WRAPPER_PREFIX}x_state=/tmp/y",
        f"unset {WRAPPER_PREFIX}x_state",
        f"echo ${WRAPPER_PREFIX}x_cmd",
        f"{WRAPPER_PREFIX}x_finish() {{ :; }}",
    ],
)
def test_a_command_that_names_the_wrapper_state_is_not_read_only(
    tmp_path: Path, command: str
) -> None:
    assert classify(command, tmp_path, tmp_path).level != "read_only"
