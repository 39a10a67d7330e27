"""Bash: run a shell command in a working directory that persists between calls.

Each call runs ``bash -c`` in a new process group, with stdin on /dev/null and stdout and
stderr on one pipe. A small wrapper around the command reports, through a temporary file,
its exit status, the directory it ended in and the background jobs it left, then prints a
unique marker on the pipe. The call is over when the marker arrives, not when the pipe
closes, because background jobs inherit the pipe and may hold it open for hours. The
wrapper shell then stays alive, waiting for those jobs so that it reaps them (an orphan's
zombie would otherwise wait for an init that may never reap it), until ``shutdown_shell``
stops them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import shlex
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from openclaude_tui.core.secret_env import scrubbed_environment
from openclaude_tui.core.shell.env import WRAPPER_PREFIX
from openclaude_tui.core.tools.attribution import attributed_path
from openclaude_tui.core.tools.background import (
    background_tools,
    shutdown_background,
    start_background,
)
from openclaude_tui.core.tools.base import Tool, ToolContext, ToolResult
from openclaude_tui.core.tools.process_group import group_alive, spawn_in_group, stop_group
from openclaude_tui.core.tools.shell_output import CommandOutput

_log = logging.getLogger(__name__)

STATE_KEY = "shell"
DEFAULT_TIMEOUT_MS = 120_000
MAX_TIMEOUT_MS = 600_000
# A timeout under this is surely meant in seconds: no shell command is given 300 ms.
SECONDS_BELOW = 500
# Seconds to wait for a pipe to drain or a finished wrapper to exit.
SETTLE = 1.0

# One line, so that bash reports errors in the command as `line 1`, not a wrapper line.
# `finish` runs on every exit (also `exit N` and SIGTERM), reports, then waits for jobs.
# The state file and the marker are literals, out of the command's reach, and the
# wrapper's names carry a fresh random part per call (under WRAPPER_PREFIX, which the
# classifier treats as off limits): a command cannot redirect, unset or redefine them.
_WRAPPER = (
    "{p}cmd=$1; shift; exec 9>&1; "
    "{p}finish() {{ {p}status=$?; trap - EXIT; trap '' TERM; "
    '{{ printf "%s\\n" "${p}status"; pwd -P 2>/dev/null || pwd; jobs -p; }} '
    ">|{state} 2>/dev/null; printf %s {mark} >&9; "
    'exec >/dev/null 2>&1 9>&-; wait; exit "${p}status"; }}; '
    "trap {p}finish EXIT; trap 'exit 143' TERM; "
    'eval "${p}cmd"'
)


def wrapper_script(state_path: str, mark: str) -> str:
    """The wrapper around one command, with names no command can guess."""
    prefix = f"{WRAPPER_PREFIX}{secrets.token_hex(8)}_"
    return _WRAPPER.format(p=prefix, state=shlex.quote(state_path), mark=shlex.quote(mark))


@dataclass
class _Job:
    """A process group left running by a call that started background jobs."""

    pgid: int
    # The wrapper shell, still waiting for its jobs; None when it already exited.
    process: asyncio.subprocess.Process | None


@dataclass
class ShellSession:
    """The shell's long-lived state in ``ToolContext.state["shell"]``."""

    jobs: list[_Job] = field(default_factory=list)
    # Tasks still reading pipes that background processes hold open.
    drains: set[asyncio.Task[None]] = field(default_factory=set)

    def keep_draining(self, task: asyncio.Task[None]) -> None:
        """Hold a pipe reader until its pipe closes (or shutdown cancels it)."""
        if not task.done():
            self.drains.add(task)
            task.add_done_callback(self.drains.discard)

    def prune(self) -> None:
        """Forget jobs whose processes have all ended."""
        self.jobs = [job for job in self.jobs if group_alive(job.pgid)]


def _session(ctx: ToolContext) -> ShellSession:
    session = ctx.state.get(STATE_KEY)
    if not isinstance(session, ShellSession):
        session = ShellSession()
        ctx.state[STATE_KEY] = session
    return session


async def shutdown_shell(ctx: ToolContext) -> None:
    """Stop every background job the Bash tool started and reap them (call on app exit)."""
    session = ctx.state.get(STATE_KEY)
    if not isinstance(session, ShellSession):
        return
    jobs, session.jobs = session.jobs, []
    await asyncio.gather(*(stop_group(job.pgid, job.process) for job in jobs))
    drains = list(session.drains)
    for task in drains:
        task.cancel()
    await asyncio.gather(*drains, return_exceptions=True)


def _timeout_ms(value: float | None) -> tuple[int, list[str]]:
    """The timeout in milliseconds, and notes on how a surprising value was read."""
    if value is None:
        return DEFAULT_TIMEOUT_MS, []
    notes = []
    ms = value
    if value < SECONDS_BELOW:
        ms = value * 1000
        notes.append(
            f"timeout {value:g} was read as {value:g} seconds ({ms:,.0f} ms); "
            "the timeout is given in milliseconds."
        )
    if ms > MAX_TIMEOUT_MS:
        notes.append(f"timeout {ms:,.0f} ms is above the maximum; used {MAX_TIMEOUT_MS:,} ms.")
        ms = MAX_TIMEOUT_MS
    return max(1, round(ms)), notes


def _environment(ctx: ToolContext) -> dict[str, str]:
    # The API key and the variables the user named never reach a command.
    env = scrubbed_environment(os.environ, ctx.scrub_env, ctx.secrets)
    # Nothing can answer a prompt or drive an editor: make git fail fast instead of waiting.
    env.update(PAGER="cat", GIT_PAGER="cat", GIT_TERMINAL_PROMPT="0", GIT_EDITOR="true")
    if ctx.attribution:
        env["PATH"] = attributed_path(env.get("PATH", os.defpath))
    return env


def _read_state(path: str) -> tuple[int | None, str | None, list[int]]:
    """Exit status, final directory and background job PIDs the wrapper wrote."""
    try:
        lines = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return None, None, []
    status = int(lines[0]) if lines and lines[0].strip().lstrip("-").isdigit() else None
    cwd = lines[1] if len(lines) > 1 and lines[1].startswith("/") else None
    pids = [int(line) for line in lines[2:] if line.strip().isdigit()]
    return status, cwd, pids


class Bash(Tool):
    """Run a shell command (Claude Code's Bash contract)."""

    name = "Bash"
    description = (
        "Run a bash command and get its output (stdout and stderr together) and exit code.\n"
        "- The working directory persists between calls: `cd` into a directory and later "
        "commands run there. Environment and shell variables do not persist.\n"
        "- There is no terminal and no input: interactive programs (editors, pagers, "
        'prompts) cannot work, so pass flags such as `--yes`, `-y` or `-m "message"`.\n'
        "- timeout is in milliseconds: default 120000 (2 minutes), at most 600000.\n"
        "- Output above 30,000 characters is cut in the middle; filter long output "
        "(`| tail -50`, `grep`) when only part of it matters.\n"
        "- For a server, watcher or long build, set run_in_background to true: the call "
        "returns at once with an id; read the output with BashOutput and stop it with "
        "KillShell. (A command ending in `&` also keeps running until the session ends, "
        "but its output is not collected.)\n"
        "- Prefer the Read, Edit, Grep and Glob tools to cat, sed, grep and find for "
        "reading, changing and searching files. Quote paths that contain spaces.\n"
        "- description: a few words saying what the command does, shown to the user."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "command": {"type": "string", "description": "The command to run."},
            "timeout": {
                "type": "number",
                "description": "Timeout in milliseconds (default 120000, max 600000).",
                "minimum": 1,
            },
            "description": {
                "type": "string",
                "description": "What the command does, in 5-10 words.",
            },
            "run_in_background": {
                "type": "boolean",
                "default": False,
                "description": "Run it in the background and return at once with its id "
                "(for BashOutput and KillShell); no timeout applies.",
            },
        },
        "required": ["command"],
    }
    aliases = {"cmd": "command", "script": "command", "timeout_ms": "timeout"}  # noqa: RUF012
    read_only = False

    def summary(self, args: dict[str, Any]) -> str:
        """The command's first line."""
        lines = str(args.get("command") or "").strip().splitlines()
        return lines[0] if lines else ""

    async def close(self, ctx: ToolContext) -> None:
        """Kill the background jobs and commands this conversation started."""
        await asyncio.gather(shutdown_shell(ctx), shutdown_background(ctx))

    def command(self, args: dict[str, Any]) -> str | None:
        """The command line, which the gate classifies."""
        return str(args["command"])

    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        """Run the command; see the module docstring for how."""
        command = str(args.get("command") or "")
        if not command.strip():
            return ToolResult("Error: the command is empty. Send the shell command to run.", True)
        notes: list[str] = []
        cwd = ctx.cwd
        if not cwd.is_dir():
            notes.append(
                f"the directory {cwd} no longer exists; the command ran in {ctx.project_root}."
            )
            cwd = ctx.project_root
            ctx.cwd = cwd
        if args.get("run_in_background"):
            description = str(args.get("description") or "")
            started = await start_background(command, description, ctx, cwd, _environment(ctx))
            text = "\n".join([started.text, *(f"Note: {note}" for note in notes)])
            return ToolResult(text, is_error=started.is_error)
        timeout_ms, timeout_notes = _timeout_ms(args.get("timeout"))
        notes = timeout_notes + notes
        session = _session(ctx)
        session.prune()
        fd, state_path = tempfile.mkstemp(prefix="openclaude-shell-")
        os.close(fd)
        try:
            return await _Run(command, call_id, ctx, session, timeout_ms, notes).go(cwd, state_path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(state_path)


class _Run:
    """One call of the Bash tool, from spawning the shell to the result text."""

    def __init__(
        self,
        command: str,
        call_id: str,
        ctx: ToolContext,
        session: ShellSession,
        timeout_ms: int,
        notes: list[str],
    ) -> None:
        self.command = command
        self.ctx = ctx
        self.session = session
        self.timeout_ms = timeout_ms
        self.notes = notes
        self.mark = f"\x1eopenclaude-done-{secrets.token_hex(8)}\x1e"
        self.output = CommandOutput(call_id, ctx.emit, self.mark.encode())

    async def go(self, cwd: Path, state_path: str) -> ToolResult:
        try:
            process = await spawn_in_group(
                ["bash", "-c", wrapper_script(state_path, self.mark), "bash", self.command],
                lambda started: stop_group(started.pid, started),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                cwd=cwd,
                env=_environment(self.ctx),
            )
        except OSError as problem:
            return ToolResult(
                f"Error: could not start bash ({problem}). Check that bash is installed and "
                f"that {cwd} is a readable directory.",
                is_error=True,
            )
        _log.debug("bash pid %d started in %s", process.pid, cwd)
        assert process.stdout is not None
        reader = asyncio.create_task(self.output.pump(process.stdout))
        try:
            finished = await self._wait(process)
        except asyncio.CancelledError:
            await self._stop(process, reader)
            raise
        if not finished:
            _log.debug("bash pid %d timed out after %d ms; stopping", process.pid, self.timeout_ms)
            await self._stop(process, reader)
            return ToolResult(self._timed_out(), is_error=True)
        return await self._result(process, reader, state_path)

    async def _wait(self, process: asyncio.subprocess.Process) -> bool:
        """Wait for the marker or the shell's exit; False on timeout."""
        marked = asyncio.ensure_future(self.output.done.wait())
        exited = asyncio.ensure_future(process.wait())
        try:
            done, _ = await asyncio.wait(
                {marked, exited},
                timeout=self.timeout_ms / 1000,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            marked.cancel()
            exited.cancel()
        if not done:
            return False
        if not self.output.done.is_set():
            # The shell exited without its marker (`exec`, or a signal): read what is left,
            # unless something it started still holds the pipe.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.output.done.wait(), SETTLE)
            self.output.settle()
        return True

    async def _stop(self, process: asyncio.subprocess.Process, reader: asyncio.Task[None]) -> None:
        await stop_group(process.pid, process)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(reader), SETTLE)
        self.output.settle()
        self.session.keep_draining(reader)

    def _timed_out(self) -> str:
        text = self.output.text()
        parts = [f"Error: the command timed out after {self.timeout_ms:,} ms and was stopped."]
        if text.strip():
            parts.append(f"Output until then:\n{text}")
        parts.extend(f"Note: {note}" for note in self.notes)
        return "\n".join(parts)

    async def _result(
        self, process: asyncio.subprocess.Process, reader: asyncio.Task[None], state_path: str
    ) -> ToolResult:
        status, cwd, pids = _read_state(state_path) if self.output.marked else (None, None, [])
        if cwd is not None and Path(cwd).is_dir():
            self.ctx.cwd = Path(cwd)
        background = bool(pids)
        if not background:
            try:
                await asyncio.wait_for(process.wait(), SETTLE)
            except TimeoutError:
                background = True
        if process.returncode is not None:
            status = process.returncode if status is None else status
            # Processes the shell did not count as jobs may still be in its group.
            background = background or group_alive(process.pid)
            if not background:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(reader), SETTLE)
        if background:
            still = process if process.returncode is None else None
            self.session.jobs.append(_Job(process.pid, still))
        self.session.keep_draining(reader)
        _log.debug(
            "bash pid %d ended: status %s, %d bytes of output%s",
            process.pid,
            status,
            self.output.total_bytes,
            ", background jobs left" if background else "",
        )
        return ToolResult(self._text(status, pids if background else None), exit_code=status)

    def _text(self, status: int | None, pids: list[int] | None) -> str:
        output = self.output.text().rstrip("\n")
        parts = [output if output.strip() else "(no output)"]
        if status is not None and status < 0:
            parts.append(f"Killed by signal {-status} ({signal.strsignal(-status)}).")
        elif status:
            parts.append(f"Exit code: {status}")
        if pids is not None:
            listed = f" (PID {', '.join(map(str, pids))})" if pids else ""
            parts.append(
                f"Background jobs started{listed}. They keep running until the session ends; "
                "their output is not collected."
            )
        parts.extend(f"Note: {note}" for note in self.notes)
        return "\n".join(parts)


def shell_tools() -> list[Tool]:
    """The shell tool family."""
    return [Bash(), *background_tools()]
