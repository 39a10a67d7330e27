"""Headless mode (``openclaude -p``): one turn, the answer on stdout, a tool log on stderr.

Output formats: ``text`` (the final answer; one line per tool call on stderr unless
quiet), ``json`` (one object at the end), ``stream-json`` (one JSON event per line).
Calls the gate would ask about are denied, with a line on stderr saying so.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import shlex
import signal
import sys
import time
from pathlib import Path
from typing import Any, Literal, TextIO

from openclaude_tui.core.events import (
    Event,
    HookOutput,
    McpServersChanged,
    Notice,
    PermissionAnswered,
    Retrying,
    ToolCallFinished,
    ToolCallStarted,
    TurnFinished,
)
from openclaude_tui.core.llm.provider import ProviderError
from openclaude_tui.core.permissions.policy import Approver, Decision, PermissionRequest
from openclaude_tui.core.session import Session
from openclaude_tui.core.settings.config import Config
from openclaude_tui.core.shell.classify import split_commands

OutputFormat = Literal["text", "json", "stream-json"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_MAX_TURNS = 3
EXIT_INTERRUPTED = 130

STATUS_MARKS = {"done": "✓", "failed": "✗", "denied": "⊘", "interrupted": "⏹"}


class PrintReporter:
    """Turns the agent's events into print mode's output."""

    def __init__(self, output_format: OutputFormat, quiet: bool, stdout: TextIO, stderr: TextIO):
        self.format = output_format
        self.quiet = quiet
        self.stdout = stdout
        self.stderr = stderr
        self.calls: dict[str, ToolCallStarted] = {}
        self.finished_calls: list[dict[str, Any]] = []
        self.mcp_reported: set[tuple[str, str]] = set()

    def __call__(self, event: Event) -> None:
        if self.format == "stream-json":
            self._json_line(event)
            return
        if isinstance(event, ToolCallStarted):
            self.calls[event.call_id] = event
        elif isinstance(event, ToolCallFinished):
            started = self.calls.get(event.call_id)
            summary = started.summary if started else ""
            self.finished_calls.append(
                {
                    "id": event.call_id,
                    "name": event.name,
                    "input": started.arguments if started else {},
                    "status": event.status,
                    "duration_ms": round(event.duration * 1000),
                }
            )
            if self.format == "text" and not self.quiet:
                mark = STATUS_MARKS.get(event.status, "?")
                first = event.result.strip().splitlines()[0] if event.result.strip() else ""
                tail = f" — {first[:120]}" if event.status != "done" and first else ""
                self._err(f"{mark} {event.name}({summary[:100]}) {event.duration:.1f}s{tail}")
        elif isinstance(event, Retrying):
            self._err(
                f"… {event.reason}; retrying in {event.delay:.0f} s "
                f"(attempt {event.attempt}/{event.max_attempts})"
            )
        elif isinstance(event, Notice) and not self.quiet:
            self._err(f"note: {event.message}")
        elif isinstance(event, HookOutput) and not self.quiet:
            self._err(f"  {event.event} hook: {event.text.splitlines()[0][:200]}")
        elif isinstance(event, McpServersChanged) and not self.quiet:
            for server in event.servers:
                if (
                    server.state == "failed"
                    and (server.name, server.error) not in self.mcp_reported
                ):
                    self.mcp_reported.add((server.name, server.error))
                    self._err(f"openclaude: MCP server {server.name} failed: {server.error}")
        elif (
            isinstance(event, PermissionAnswered)
            and not event.allowed
            and event.reason
            and not self.quiet
        ):
            self._err(f"⊘ not run: {event.reason}")

    def _json_line(self, event: Event) -> None:
        self._write_json({"type": _snake(type(event).__name__), **dataclasses.asdict(event)})

    def session_line(self, session_id: str) -> None:
        """stream-json's first line: the id the session is saved under."""
        self._write_json({"type": "session", "session_id": session_id})

    def _write_json(self, payload: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
        self.stdout.flush()

    def _err(self, line: str) -> None:
        self.stderr.write(line + "\n")
        self.stderr.flush()


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def make_print_approver() -> Approver:
    """The approver of print mode: there is nobody to ask, so what would ask is denied."""

    async def approve(request: PermissionRequest) -> Decision:
        reason = (
            f"{request.tool}({request.target[:100]}) needs approval ({request.reason}) and "
            f"print mode cannot ask; {_how_to_allow(request)}"
        )
        unasked = (
            f"This call was not run: it needs the user's approval ({request.reason}), and "
            "nobody can be asked in this non-interactive run. Carry on without it, or end "
            "your turn saying what you would have run."
        )
        return Decision("deny", reason=reason, unasked=unasked)

    return approve


def _how_to_allow(request: PermissionRequest) -> str:
    """The flags that would let such a call run in print mode, or that none would.

    The rules are the policy's ``always_rules``, checked to allow the whole call: for a
    compound command one rule per part that is not read-only.
    """
    if request.always_rules == ("Edit",):
        return "allow edits with --permission-mode acceptEdits"
    if request.always_rules:
        flags = " ".join(f"--allow {shlex.quote(rule)}" for rule in request.always_rules)
        return f"allow it with {flags}"
    if request.command is not None and len(split_commands(request.command)) > 1:
        return (
            "some part of it always asks whatever the rules say; only "
            "--permission-mode bypassPermissions runs it"
        )
    # Destructive commands, paths outside the project and files that change what runs
    # ask whatever the rules say.
    return "such calls always ask; only --permission-mode bypassPermissions runs them"


async def run_print(
    config: Config,
    prompt: str,
    output_format: OutputFormat = "text",
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    resume: Path | None = None,
) -> int:
    """Run one turn headless (continuing the session saved in ``resume``, when given) and
    return the process exit code."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    reporter = PrintReporter(output_format, config.quiet, stdout, stderr)
    started = time.monotonic()
    loop = asyncio.get_running_loop()
    session = Session(config, make_print_approver(), reporter)
    if resume is not None:
        try:
            session.resume(resume)
        except OSError as error:
            stderr.write(f"openclaude: cannot read the session {resume}: {error.strerror}\n")
            return EXIT_ERROR
    # Ctrl+C while the server is probed (a slow model list, say) or the MCP servers start
    # ends the run as cleanly as during the turn.
    starting = asyncio.ensure_future(start_session(session))
    loop.add_signal_handler(signal.SIGINT, starting.cancel)
    try:
        notes = await starting
    except ProviderError as error:
        await session.close()
        stderr.write(f"openclaude: {error}\n")
        return EXIT_ERROR
    except asyncio.CancelledError:
        await session.close()
        stderr.write("openclaude: interrupted by the user\n")
        return EXIT_INTERRUPTED
    finally:
        loop.remove_signal_handler(signal.SIGINT)
    if not config.quiet:
        for note in notes:
            stderr.write(f"openclaude: {note}\n")
    session_id = session.open_transcript()
    if output_format == "stream-json":
        reporter.session_line(session_id)
    task = asyncio.ensure_future(session.run_turn(prompt))
    by_user: list[bool] = []

    def on_ctrl_c() -> None:
        by_user.append(True)
        task.cancel()

    loop.add_signal_handler(signal.SIGINT, on_ctrl_c)
    try:
        finished = await task
    except asyncio.CancelledError:
        finished = TurnFinished("interrupted", "", 0, "interrupted by the user")
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        await session.close()
    _, prompt_tokens, completion_tokens = session.usage
    duration_ms = round((time.monotonic() - started) * 1000)
    code = _exit_code(finished)
    if output_format == "text":
        if finished.text:
            stdout.write(finished.text.rstrip("\n") + "\n")
        if finished.reason != "end_turn":
            stderr.write(f"openclaude: {finished.detail or finished.reason}\n")
    elif output_format == "json":
        result = {
            "type": "result",
            "result": finished.text,
            "is_error": finished.reason == "error",
            "num_turns": finished.num_requests,
            "duration_ms": duration_ms,
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
            },
            "stop_reason": finished.reason,
            "detail": finished.detail,
            "tool_calls": reporter.finished_calls,
            "session_id": session_id,
        }
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    stdout.flush()
    if finished.reason == "interrupted" and not by_user:
        # Ended by SIGTERM or SIGHUP (Ctrl+C says only that it was interrupted).
        stderr.write(
            f"openclaude: session saved: {session_id} (openclaude --resume {session_id})\n"
        )
    return code


async def start_session(session: Session) -> list[str]:
    """Start the agent, and the MCP servers beside it: all settled before the first request."""
    session.start_mcp()
    notes = await session.start()
    if session.mcp is not None:
        await session.mcp.wait_started()
    return notes


def _exit_code(finished: TurnFinished) -> int:
    return {
        "end_turn": EXIT_OK,
        "length": EXIT_OK,
        "error": EXIT_ERROR,
        "max_turns": EXIT_MAX_TURNS,
        "interrupted": EXIT_INTERRUPTED,
    }[finished.reason]
