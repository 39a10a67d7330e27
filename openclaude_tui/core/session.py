"""One conversation, without any UI: the agent, its gate, its provider and its settings.

The app and print mode both drive a ``Session``: they send prompts and the user's own
``!commands``, change the mode, the model and the rules, and compact; everything that
happens comes back as events (``core.events``) through the sink, and every question as a
``PermissionRequest`` to the approver. The gate exists from the start, so the mode and the
rules can be changed before the server has answered. From the first prompt on, every event
is also recorded in the session's transcript on disk (``core.sessions``), from which
``resume`` continues a saved session.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from openclaude_tui.core.agent.compact import CompactResult
from openclaude_tui.core.agent.history import INTERRUPTED
from openclaude_tui.core.agent.loop import Agent
from openclaude_tui.core.agent.plan import presents_plan
from openclaude_tui.core.assembly import learn_model, make_policy, make_provider, start_agent
from openclaude_tui.core.changes.file_change import FileChange
from openclaude_tui.core.events import Event, EventSink, Notice, ToolCallFinished, TurnFinished
from openclaude_tui.core.extensions.commands import CommandCatalogue, load_commands
from openclaude_tui.core.extensions.expansion import PromptExpander, command_turn
from openclaude_tui.core.extensions.hook_events import SessionHooks
from openclaude_tui.core.llm.discovery import list_models as list_server_models
from openclaude_tui.core.llm.provider import ProviderError
from openclaude_tui.core.permissions.policy import Approver, PermissionPolicy
from openclaude_tui.core.permissions.rules import (
    MODES,
    Mode,
    Rule,
    RuleInEffect,
    RuleKind,
)
from openclaude_tui.core.secret_env import scrubbed_environment
from openclaude_tui.core.session_mcp import McpServersOfSession
from openclaude_tui.core.sessions.checkpoints import checkpoint_hook
from openclaude_tui.core.sessions.recorder import Recorder
from openclaude_tui.core.sessions.rewind import Rewinder
from openclaude_tui.core.sessions.transcript import Transcript, read_transcript
from openclaude_tui.core.sessions.usage import usage_report
from openclaude_tui.core.settings.config import Config, secret_values
from openclaude_tui.core.tools.background import TaskSnapshot, kill_task, task_snapshots

# Where the session's own "always allow edits" answer is said to come from.
THIS_SESSION = "this session"
USER_SHELL_DESCRIPTION = "Run by the user with !"


class Session(McpServersOfSession):
    """The operations the app and print mode need on one conversation.

    Args:
        config: The settings (the session changes its model and mode as the user does).
        approver: Answers the gate's questions (the modal, or print mode's refusal).
        sink: Receives every event.
        now: The date the system prompt is written with (fixed in tests).
        clock: Monotonic seconds that time each tool call.
    """

    # Whether prompts are the user's own writing, whose paths to images attach them (the
    # app's are; print mode's may be a file's text on stdin).
    typed_paths = False

    def __init__(
        self,
        config: Config,
        approver: Approver,
        sink: EventSink,
        *,
        now: datetime | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.approver = approver
        self.policy: PermissionPolicy = make_policy(config)
        self.agent: Agent | None = None
        self.window: int | None = config.context_window
        # Whether the last turn ended by presenting a plan (see core.agent.plan).
        self.presented_plan = False
        self._sink = sink
        self._now = now
        self._clock = clock
        self._start_lock = asyncio.Lock()
        self._shell_notes: list[str] = []
        self._shell_calls = 0
        self._refused = 0
        # The custom slash commands (``/name``) of the project and of the user.
        self.commands: CommandCatalogue = load_commands(config.project_root)
        self.hooks = SessionHooks(
            lambda: self.config.hooks,
            config.project_root,
            lambda: self.agent.context.cwd if self.agent is not None else self.config.cwd,
            lambda: scrubbed_environment(
                os.environ, self.config.scrub_env, secret_values(self.config)
            ),
            self._emit,
            session_id=uuid.uuid4().hex,
        )
        self.mcp = None
        # The transcript on disk: made at the first prompt, or opened by ``resume``.
        self.recorder: Recorder | None = None
        self._resumed: tuple[Path, Transcript] | None = None

    # What the status bar shows

    @property
    def model(self) -> str:
        """The model's name ("" until it is known)."""
        if self.agent is not None:
            return self.agent.provider.settings.model
        return self.config.model or ""

    @property
    def mode(self) -> Mode:
        """The permission mode."""
        return self.policy.mode

    @property
    def usage(self) -> tuple[int | None, int, int]:
        """Prompt tokens of the last request, and the session's tokens in and out."""
        if self.agent is None:
            return None, 0, 0
        agent = self.agent
        return agent.last_prompt_tokens, agent.total_prompt_tokens, agent.total_completion_tokens

    @property
    def session_id(self) -> str:
        """The saved session's id ("" before the first prompt)."""
        if self.recorder is not None:
            return self.recorder.session_id
        if self._resumed is not None:
            return self._resumed[0].name.removesuffix(".jsonl")
        return ""

    def saved(self) -> Transcript | None:
        """The saved session read back, as far as written (None before the first prompt).

        Raises:
            OSError: the file cannot be read.
        """
        if self.recorder is None:
            return None
        return read_transcript(self.recorder.writer.path)

    def last_answer(self) -> str:
        """The assistant's last answer with text ("" when there is none)."""
        messages = self.agent.messages if self.agent is not None else []
        for message in reversed(messages):
            if message.get("role") == "assistant" and str(message.get("content") or "").strip():
                return str(message["content"])
        return ""

    @property
    def changes(self) -> list[FileChange]:
        """The changes the agent's file tools made in this conversation, oldest first."""
        return self.agent.context.changes if self.agent is not None else []

    def background_tasks(self) -> list[TaskSnapshot]:
        """The background commands of this conversation (Bash ``run_in_background``)."""
        return task_snapshots(self.agent.context) if self.agent is not None else []

    async def kill_background_task(self, task_id: str) -> bool:
        """Stop a background command; False when it was not running."""
        return self.agent is not None and await kill_task(self.agent.context, task_id)

    # Starting and running

    async def start(self) -> list[str]:
        """Find the server, settle the model and the window, build the agent (once).

        Returns:
            What the user should be told (the server found, a window note); [] when the
            agent was already started.

        Raises:
            ProviderError: the server cannot be reached or the model cannot be chosen.
        """
        async with self._start_lock:
            if self.agent is not None:
                return []
            started = await start_agent(
                self.config, self.approver, self._emit, self._now, self._clock, self.policy
            )
            self.agent = started.agent
            self.agent.dispatcher.hooks = self.hooks
            self.agent.context.checkpoint = checkpoint_hook(
                lambda: self.recorder.checkpoints if self.recorder is not None else None,
                lambda text: self._emit(Notice(text, "warning")),
            )
            self.window = started.window.tokens
            for notice in self.commands.notices:
                self._emit(Notice(notice, "warning"))
            await self.hooks.session_started()
            self._offer_mcp_tools()
            if self._resumed is not None:
                self._continue(*self._resumed)
            return started.notes

    def resume(self, path: Path) -> Transcript:
        """Continue the session saved in ``path`` instead of the current conversation.

        Its conversation becomes the agent's (when it starts, if it has not yet), and its
        model is used unless one was chosen. Lines that cannot be read are skipped, each
        with a notice.

        Raises:
            OSError: the file cannot be read.
        """
        transcript = read_transcript(path)
        for notice in transcript.notices:
            self._sink(Notice(notice, "warning"))
        if self.agent is None:
            self._resumed = (path, transcript)
            if transcript.model and not self.config.model:
                self.config.model = transcript.model
        else:
            # Resumed from a running session (/resume): this one is saved and left.
            self.clear()
            self._resumed = (path, transcript)
            self._continue(path, transcript)
        return transcript

    def _continue(self, path: Path, transcript: Transcript) -> None:
        agent = self.agent
        assert agent is not None
        agent.history.replace(transcript.messages)
        whole = usage_report(transcript.records, {}).session  # the status bar's totals
        agent.total_prompt_tokens, agent.total_completion_tokens = whole.tokens_in, whole.tokens_out
        self.recorder = Recorder.resume(path, transcript, secret_values(self.config))
        self.recorder.adopt(agent.messages)
        # A crash may have left calls without results, or a prompt without an answer:
        # strict servers refuse such a history, so it is closed as an interrupt closes it.
        for call in agent.history.close_interrupted():
            self._emit(ToolCallFinished(call.id, call.name, INTERRUPTED, "interrupted", 0.0))
        self.recorder.turn_over(agent.messages)

    def open_transcript(self, session_id: str | None = None) -> str:
        """Start saving this session now (else it starts at the first prompt), under
        ``session_id`` when given (an ACP host's id for it); its id."""
        if self.recorder is None:
            self.recorder = Recorder.new(
                self.config.project_root, self.model, secret_values(self.config), session_id
            )
            self.recorder.state("mode", self.mode)
        return self.recorder.session_id

    def _record_prompt(self, prompt: str, typed: str) -> None:
        self.open_transcript()
        assert self.recorder is not None
        self.recorder.prompt(prompt, typed)

    def rewinder(self) -> Rewinder | None:
        """What ``/rewind`` works with (None before the first prompt or the agent)."""
        if self.recorder is None or self.agent is None:
            return None
        return Rewinder(self.recorder, self.agent.history)

    async def run_turn(self, prompt: str) -> TurnFinished:
        """Run one turn (the user's shell commands since the last one go with the prompt).

        A custom command (``/name arguments``) is expanded first, its ``allowed-tools`` and
        ``model`` in effect for this turn only; ``@path`` mentions attach what they name
        (``core.extensions.expansion``).

        Raises:
            ProviderError: the agent could not be started.
            asyncio.CancelledError: the turn was interrupted (the history is left valid).
        """
        agent = await self._started()
        self.presented_plan = False
        self._refused = 0
        blocked = await self.hooks.prompt_submitted(prompt)
        if blocked is not None:
            # Not sent: the model never sees it (the user's shell notes wait for the next).
            refused = TurnFinished("error", "", 0, f"prompt blocked by a hook: {blocked}")
            self._emit(refused)
            return refused
        typed, invocation = prompt, self.commands.invocation(prompt)
        trusted = self.config.project_trusted
        command = invocation[0] if invocation is not None else None
        with command_turn(command, self.policy, agent.provider.settings, trusted, self._emit):
            expander = PromptExpander(
                self.policy, self.config.cwd, trusted, self._run_shell, self._emit, agent.context
            )
            prompt = await expander.expand(prompt, invocation, self.typed_paths)
            if self._shell_notes:
                prompt = "\n\n".join([*self._shell_notes, prompt])
                self._shell_notes.clear()
            self._record_prompt(prompt, typed)
            finished = await agent.run_turn(prompt, expander.images)
        await self.hooks.stopped()
        return finished

    async def run_user_shell(self, command: str) -> str:
        """Run a command the user typed after ``!``, through the permission gate.

        Its output is given to the model with the next prompt.

        Returns:
            The call's status: done, failed, denied or interrupted.

        Raises:
            ProviderError: the agent could not be started.
        """
        await self._started()
        self.presented_plan = False
        status, output = await self._run_shell(command, USER_SHELL_DESCRIPTION)
        if status in ("done", "failed"):
            self._shell_notes.append(
                f"(I ran `{command}` in the shell myself. Its output:\n```\n{output.rstrip()}\n```)"
            )
        return status

    async def _run_shell(self, command: str, description: str) -> tuple[str, str]:
        """Run ``command`` on the user's shell path (through the gate): status and output."""
        agent = await self._started()
        if agent.tools.get("Bash") is None:
            self._emit(Notice("this session has no shell tool", "warning"))
            return "failed", "this session has no shell tool"
        self._shell_calls += 1
        call_id = f"user-shell-{self._shell_calls}"
        return await agent.run_user_call(
            "Bash", {"command": command, "description": description}, call_id
        )

    async def compact(self, focus: str | None = None) -> CompactResult | None:
        """Summarise older work now; None when there was nothing to gain (a notice says why).

        Raises:
            ProviderError: the summary could not be made.
        """
        if self.agent is None:
            self._emit(Notice("nothing to compact yet"))
            return None
        result = await self.agent.compact(focus, requested=True)
        if result is None:
            compactor = self.agent.compactor
            why = compactor.reason if compactor is not None else "compaction is turned off"
            self._emit(Notice(f"not compacted: {why or 'nothing to gain'}"))
        return result

    def clear(self) -> None:
        """Forget the conversation (the next prompt starts a new saved session)."""
        self._shell_notes.clear()
        self._save()
        self.recorder = None
        if self.agent is not None:
            self.agent.clear()

    async def close(self) -> None:
        """Save the transcript, stop the MCP servers, end background jobs and close the
        connection."""
        self._save()
        if self.mcp is not None:
            await self.mcp.close()
        if self.agent is not None:
            await self.agent.close()

    def _save(self) -> None:
        if self.recorder is not None:
            self.recorder.close(self.agent.messages if self.agent is not None else [])

    # Modes

    def available_modes(self) -> list[Mode]:
        """The modes Shift+Tab cycles through (bypass only when started in it)."""
        return [m for m in MODES if m != "bypassPermissions" or self.policy.bypass_available]

    def cycle_mode(self) -> Mode:
        """Switch to the next permission mode."""
        mode = self.policy.cycle_mode()
        self._record_state("mode", mode)
        return mode

    def set_mode(self, mode: str) -> Mode:
        """Switch to ``mode``.

        Raises:
            ValueError: an unknown mode, or bypass when the session was not started with it.
        """
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        if mode not in self.available_modes():
            raise ValueError(
                "bypassPermissions is only available when started with "
                "--permission-mode bypassPermissions or --dangerously-skip-permissions"
            )
        self.policy.mode = mode
        self._record_state("mode", mode)
        return self.policy.mode

    # Models

    async def list_models(self) -> list[str]:
        """The models the server offers.

        Raises:
            ProviderError: the server cannot be reached.
        """
        # /v1/models, and Ollama's own list of pulled models too.
        models = await list_server_models(self.config.base_url, self.config.api_key)
        if models is not None:
            return models
        if self.agent is not None:
            return await self.agent.provider.list_models()
        provider = make_provider(self.config)
        try:
            return await provider.list_models()
        finally:
            await provider.close()

    async def set_model(self, name: str) -> None:
        """Use another model from the next request on (and learn its context window)."""
        self.config.model = name
        self._record_state("model", name)
        if self.agent is None:
            return
        self.agent.provider.settings.model = name
        try:
            window = await learn_model(self.config, self.agent)
        except ProviderError:
            return
        self.window = window.tokens
        if window.note:
            self._emit(Notice(window.note, "warning"))

    # Rules

    def rules(self) -> list[RuleInEffect]:
        """The permission rules in effect, with where each comes from."""
        rows = [
            RuleInEffect(kind, str(rule), source)
            for kind in ("allow", "ask", "deny")
            for rule, source in getattr(self.policy.rules, kind)
        ]
        if self.policy.allow_edits_this_session:
            rows.insert(0, RuleInEffect("allow", "Edit", THIS_SESSION))
        return rows

    def add_rule(self, kind: RuleKind, text: str) -> Rule:
        """Add a rule for this session.

        Raises:
            RuleError: the rule cannot match (the message says why).
        """
        self.policy.rules.add(kind, text, THIS_SESSION)
        return Rule.parse(text)

    def remove_rule(self, row: RuleInEffect) -> bool:
        """Forget a rule (a remembered one is dropped from the project's local settings)."""
        if row.source == THIS_SESSION and row.kind == "allow" and row.text == "Edit":
            removed = self.policy.allow_edits_this_session
            self.policy.allow_edits_this_session = False
            return removed
        return self.policy.remove_rule(row.kind, Rule.parse(row.text))

    # Events

    async def _started(self) -> Agent:
        await self.start()
        assert self.agent is not None
        return self.agent

    def _emit(self, event: Event) -> None:
        self._watch(event)
        if self.recorder is not None and self.agent is not None:
            self.recorder.event(event, self.agent.messages)
        self._sink(event)

    def _record_state(self, kind: str, value: str) -> None:
        if self.recorder is not None:
            self.recorder.state(kind, value)

    def _watch(self, event: Event) -> None:
        """Keep what the session itself needs from the events that pass."""
        if isinstance(event, ToolCallFinished):
            self._refused += event.status == "denied"
        elif isinstance(event, TurnFinished):
            self.presented_plan = event.reason == "end_turn" and presents_plan(
                event.text, self._refused
            )
