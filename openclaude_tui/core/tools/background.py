"""Background commands: Bash ``run_in_background``, BashOutput and KillShell.

A background command runs ``bash -c`` in a process group of its own, with the same
environment as any Bash call; its output (stdout and stderr together) is read into a
bounded buffer that keeps the latest text. BashOutput returns what is new since its last
read, with the status; KillShell stops the whole group. Every one still running is stopped
when the session ends (``shutdown_background``). Start and end are announced as
``BackgroundTaskChanged`` events, so the app can count them.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import re
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from openclaude_tui.core.events import BackgroundTaskChanged
from openclaude_tui.core.tools.base import Tool, ToolContext, ToolResult
from openclaude_tui.core.tools.process_group import group_alive, stop_group
from openclaude_tui.core.tools.shell_output import clean_output, cut_middle

STATE_KEY = "background"
# Characters of output kept per command: older text is dropped (and counted) past this.
MAX_BUFFER_CHARS = 1_000_000
# Commands running at once: a model that starts more is told to stop some first.
MAX_RUNNING = 10
# Seconds to wait, after the shell exited, for the pipe to deliver its last output.
SETTLE = 1.0


@dataclass
class BackgroundTask:
    """One background command: its process, its output so far and what was read of it."""

    task_id: str
    command: str
    description: str
    process: asyncio.subprocess.Process
    started: float = field(default_factory=time.time)
    # The kept output; ``dropped`` characters before it were let go to bound memory.
    text: str = ""
    dropped: int = 0
    # Characters (counted from the very start) that BashOutput has returned.
    read_to: int = 0
    exit_code: int | None = None
    killed: bool = False
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def running(self) -> bool:
        """Whether the command's shell has not exited yet."""
        return self.exit_code is None

    def append(self, text: str) -> None:
        """Keep new output, dropping the oldest past ``MAX_BUFFER_CHARS``."""
        self.text += text
        excess = len(self.text) - MAX_BUFFER_CHARS
        if excess > 0:
            self.text = self.text[excess:]
            self.dropped += excess

    def status(self) -> str:
        """``running``, ``exited 0``, ``killed`` or ``killed by signal 9 (Killed)``."""
        if self.exit_code is None:
            return "running"
        if self.killed:
            return "killed"
        if self.exit_code < 0:
            return f"killed by signal {-self.exit_code} ({signal.strsignal(-self.exit_code)})"
        return f"exited {self.exit_code}"

    def unread(self) -> tuple[str, int]:
        """The output not yet returned (cleaned), and characters dropped before it was."""
        start = max(self.read_to - self.dropped, 0)
        missed = max(self.dropped - self.read_to, 0)
        self.read_to = self.dropped + len(self.text)
        return clean_output(self.text[start:]), missed

    def output(self) -> str:
        """All the output still kept, cleaned (for the app's list)."""
        return clean_output(self.text)


@dataclass(frozen=True)
class TaskSnapshot:
    """A background command as the app lists it."""

    task_id: str
    command: str
    description: str
    status: str
    running: bool
    started: float
    output: str


@dataclass
class BackgroundTasks:
    """The background commands of one conversation, in ``ToolContext.state``."""

    tasks: dict[str, BackgroundTask] = field(default_factory=dict)
    # The tasks reading each command's pipe and waiting for it to exit.
    helpers: set[asyncio.Task[None]] = field(default_factory=set)
    counter: int = 0

    def running(self) -> list[BackgroundTask]:
        """The commands still running."""
        return [task for task in self.tasks.values() if task.running]


def background_tasks(ctx: ToolContext) -> BackgroundTasks:
    """The conversation's background commands (created empty on first use)."""
    tasks = ctx.state.get(STATE_KEY)
    if not isinstance(tasks, BackgroundTasks):
        tasks = BackgroundTasks()
        ctx.state[STATE_KEY] = tasks
    return tasks


def task_snapshots(ctx: ToolContext) -> list[TaskSnapshot]:
    """Every background command of the conversation, oldest first."""
    return [
        TaskSnapshot(
            task.task_id,
            task.command,
            task.description,
            task.status(),
            task.running,
            task.started,
            task.output(),
        )
        for task in background_tasks(ctx).tasks.values()
    ]


def _announce(ctx: ToolContext, task: BackgroundTask) -> None:
    ctx.emit(BackgroundTaskChanged(task.task_id, task.command, task.running, task.exit_code))


async def _pump(stream: asyncio.StreamReader, task: BackgroundTask) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    while chunk := await stream.read(65536):
        task.append(decoder.decode(chunk))
    task.append(decoder.decode(b"", final=True))


async def _watch(task: BackgroundTask, reader: asyncio.Task[None], ctx: ToolContext) -> None:
    """Wait for the shell to exit, take its last output, and announce the end."""
    code = await task.process.wait()
    # Something the command started may hold the pipe open: it is read on meanwhile.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(reader), SETTLE)
    task.exit_code = code
    task.finished.set()
    _announce(ctx, task)


async def start_background(
    command: str, description: str, ctx: ToolContext, cwd: Path, env: dict[str, str]
) -> ToolResult:
    """Start ``command`` in the background and say how to follow it."""
    tasks = background_tasks(ctx)
    running = tasks.running()
    if len(running) >= MAX_RUNNING:
        listed = ", ".join(task.task_id for task in running)
        return ToolResult(
            f"Error: {len(running)} background commands are already running ({listed}); "
            "stop one with KillShell before starting another.",
            is_error=True,
        )
    try:
        process = await asyncio.create_subprocess_exec(
            "bash", "-c", command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )  # fmt: skip
    except OSError as problem:
        return ToolResult(f"Error: could not start bash ({problem}).", is_error=True)
    tasks.counter += 1
    task = BackgroundTask(f"bash_{tasks.counter}", command, description, process)
    tasks.tasks[task.task_id] = task
    assert process.stdout is not None
    reader = asyncio.create_task(_pump(process.stdout, task))
    watcher = asyncio.create_task(_watch(task, reader, ctx))
    for helper in (reader, watcher):
        tasks.helpers.add(helper)
        helper.add_done_callback(tasks.helpers.discard)
    _announce(ctx, task)
    return ToolResult(
        f"Started in the background as {task.task_id} (PID {process.pid}). Read its new "
        f'output with BashOutput (bash_id "{task.task_id}"), stop it with KillShell. It '
        "is stopped when the session ends."
    )


async def _stop(task: BackgroundTask) -> None:
    """Stop the command's whole group and wait until its end is recorded."""
    task.killed = task.running
    await stop_group(task.process.pid, task.process)
    await task.finished.wait()


async def kill_task(ctx: ToolContext, task_id: str) -> bool:
    """Stop the background command ``task_id``; False when it is not running."""
    task = background_tasks(ctx).tasks.get(task_id)
    if task is None or not task.running:
        return False
    await _stop(task)
    return True


async def shutdown_background(ctx: ToolContext) -> None:
    """Stop every background command and what it left running (call when the session ends)."""
    tasks = ctx.state.get(STATE_KEY)
    if not isinstance(tasks, BackgroundTasks):
        return
    # An ended command's group may still hold processes it left behind.
    leftovers = [t for t in tasks.tasks.values() if not t.running and group_alive(t.process.pid)]
    await asyncio.gather(
        *(_stop(task) for task in tasks.running()),
        *(stop_group(task.process.pid, None) for task in leftovers),
    )
    helpers = list(tasks.helpers)
    for helper in helpers:
        helper.cancel()
    await asyncio.gather(*helpers, return_exceptions=True)


def _find(ctx: ToolContext, bash_id: str) -> BackgroundTask | str:
    """The task, or a message naming the ones there are."""
    tasks = background_tasks(ctx).tasks
    task = tasks.get(bash_id.strip())
    if task is not None:
        return task
    known = ", ".join(f"{t.task_id} ({t.status()})" for t in tasks.values())
    there = f"The background commands are: {known}." if known else "None was started."
    return f"Error: there is no background command {bash_id!r}. {there}"


_BASH_ID = {"type": "string", "description": "The background command's id."}


class _TaskTool(Tool):
    """A tool about one background command, named by ``bash_id``."""

    aliases: ClassVar[dict[str, str]] = {"shell_id": "bash_id", "id": "bash_id"}

    def summary(self, args: dict[str, Any]) -> str:
        """The command's id."""
        return str(args.get("bash_id") or "")


class BashOutput(_TaskTool):
    """Read what a background command printed since the last read, and its status."""

    name = "BashOutput"
    description = (
        "Get the new output of a background command started with Bash run_in_background: "
        "what it printed since the last BashOutput of it, and its status (running, or "
        "exited with its code). filter, a regular expression, keeps only matching lines "
        "(the others are still counted as read). Output above 30,000 characters is cut in "
        "the middle."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "bash_id": _BASH_ID,
            "filter": {
                "type": "string",
                "description": "A regular expression: only lines matching it are returned.",
            },
        },
        "required": ["bash_id"],
    }
    read_only = True

    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        """Return the unread output and the status."""
        task = _find(ctx, str(args["bash_id"]))
        if isinstance(task, str):
            return ToolResult(task, is_error=True)
        pattern = None
        if args.get("filter"):
            try:
                pattern = re.compile(str(args["filter"]))
            except re.error as error:
                return ToolResult(
                    f"Error: filter is not a valid regular expression ({error}); nothing was "
                    "read, so the output is still there for the next call.",
                    is_error=True,
                )
        status = task.status()  # before reading: what exited has all its output read
        text, missed = task.unread()
        if pattern is not None:
            text = "\n".join(line for line in text.split("\n") if pattern.search(line))
        parts = [f"Status: {status}"]
        if missed:
            parts.append(
                f"({missed:,} characters of output were dropped before this read: the "
                f"last {MAX_BUFFER_CHARS:,} are kept)"
            )
        parts.append(cut_middle(text.rstrip("\n")) if text.strip() else "(no new output)")
        return ToolResult("\n".join(parts), exit_code=task.exit_code)


class KillShell(_TaskTool):
    """Stop a background command and everything it started."""

    name = "KillShell"
    description = (
        "Stop a background command started with Bash run_in_background, with every process "
        "it started (SIGTERM, then SIGKILL after 2 seconds). Its output stays readable with "
        "BashOutput."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "bash_id": _BASH_ID,
        },
        "required": ["bash_id"],
    }

    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        """Stop the command's process group."""
        task = _find(ctx, str(args["bash_id"]))
        if isinstance(task, str):
            return ToolResult(task, is_error=True)
        if not await kill_task(ctx, task.task_id):
            return ToolResult(f"{task.task_id} had already ended ({task.status()}).")
        return ToolResult(f"Stopped {task.task_id}: {task.command.splitlines()[0][:200]}")


def background_tools() -> list[Tool]:
    """BashOutput and KillShell (Bash itself starts background commands)."""
    return [BashOutput(), KillShell()]
