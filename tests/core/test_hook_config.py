"""Hook tables as written in the settings, Claude Code's nested form too, and one hook
command run on its own: its output kept within bounds."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from openclaude_tui.core.extensions.hook_runner import OUTPUT_LIMIT, run_hook
from openclaude_tui.core.settings.hooks import (
    DEFAULT_TIMEOUT,
    Hook,
    HookConfigError,
    hooks_for,
    parse_hooks,
)
from tests.security.processes import is_running


def test_the_flat_and_the_nested_forms_read_the_same() -> None:
    flat = {"PreToolUse": [{"matcher": "Edit|Write", "command": "./fmt.sh", "timeout": 5}]}
    nested = {
        "PreToolUse": [
            {
                "matcher": "Edit|Write",
                "hooks": [{"type": "command", "command": "./fmt.sh", "timeout": 5}],
            }
        ]
    }
    expected = (Hook("PreToolUse", "./fmt.sh", "Edit|Write", 5.0, "config.toml"),)
    assert parse_hooks(flat, "config.toml: hooks") == expected
    assert parse_hooks(nested, "config.toml: hooks") == expected


def test_a_matcher_matches_whole_tool_names_and_none_or_star_matches_all() -> None:
    hooks = parse_hooks(
        {
            "PostToolUse": [
                {"matcher": "Edit|Write", "command": "a"},
                {"matcher": "*", "command": "b"},
                {"command": "c"},
            ],
            "Stop": [{"command": "d"}],
        },
        "f: hooks",
    )
    assert [h.command for h in hooks_for(hooks, "PostToolUse", "Write")] == ["a", "b", "c"]
    # "Edit" does not match a tool whose name merely contains it.
    assert [h.command for h in hooks_for(hooks, "PostToolUse", "MultiEdit")] == ["b", "c"]
    assert [h.command for h in hooks_for(hooks, "Stop")] == ["d"]
    assert hooks[2].timeout == DEFAULT_TIMEOUT


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"PreToolUse": {"command": "x"}}, "f.PreToolUse: expected a list of tables"),
        ({"BeforeTool": [{"command": "x"}]}, "f.BeforeTool: unknown hook event"),
        ({"Stop": [{"command": ""}]}, "f.Stop[0].command: expected the shell command"),
        ({"Stop": [{"command": "x", "timeout": 0}]}, "f.Stop[0].timeout: expected a positive"),
        ({"Stop": [{"command": "x", "timeout": True}]}, "f.Stop[0].timeout: expected a positive"),
        ({"Stop": [{"type": "prompt", "command": "x"}]}, 'f.Stop[0].type: only "command"'),
        ({"PreToolUse": [{"matcher": "(", "command": "x"}]}, "not a valid regular expression"),
    ],
)
def test_a_table_that_cannot_work_says_where_and_why(table: object, message: str) -> None:
    with pytest.raises(HookConfigError, match=message.replace("(", r"\(").replace("[", r"\[")):
        parse_hooks(table, "f")


async def test_what_a_hook_prints_is_kept_within_bounds(tmp_path: Path) -> None:
    hook = Hook("Stop", "head -c 1000000 /dev/zero | tr '\\0' x; head -c 300000 /dev/zero >&2")
    result = await run_hook(hook, {"hook_event_name": "Stop"}, tmp_path, dict(os.environ))
    assert result.status == 0
    assert len(result.stdout) == OUTPUT_LIMIT
    assert set(result.stdout) == {"x"}
    assert len(result.stderr) == OUTPUT_LIMIT


async def test_a_hook_that_ignores_its_stdin_and_one_that_cannot_start(tmp_path: Path) -> None:
    quiet = await run_hook(Hook("Stop", "exit 0"), {"big": "y" * 500_000}, tmp_path, {})
    assert (quiet.status, quiet.failure) == (0, None)
    missing = await run_hook(Hook("Stop", "true"), {}, tmp_path / "gone", dict(os.environ))
    assert missing.status is None
    assert missing.failure is not None and "could not be started" in missing.failure


async def test_a_hook_cancelled_with_its_turn_is_killed_with_its_children(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    hook = Hook("PreToolUse", f"sleep 3000 & echo $$ $! > {pids}.tmp && mv {pids}.tmp {pids}; wait")
    task = asyncio.ensure_future(run_hook(hook, {}, tmp_path, dict(os.environ)))
    for _ in range(1200):
        if pids.exists() or task.done():
            break
        await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for pid in map(int, pids.read_text().split()):
        for _ in range(1200):
            if not is_running(pid):
                break
            await asyncio.sleep(0.05)
        assert not is_running(pid), pid
