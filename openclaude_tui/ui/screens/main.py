"""The main screen: chat pane, tool sidebar, prompt, status bar and footer, and the agent worker.

The agent is started after the first frame (importing it and the provider costs more than
drawing the app). Each turn runs in an async worker on the app's loop; what the agent does
arrives as ``ui.messages`` from the bridge.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from openclaude_tui.core.git.state import current_branch
from openclaude_tui.core.project_files import list_project_paths
from openclaude_tui.ui import messages
from openclaude_tui.ui.clipboard import copy_text
from openclaude_tui.ui.screens.chat_navigation import ChatNavigation
from openclaude_tui.ui.screens.memory_notes import MemoryNotes
from openclaude_tui.ui.screens.plan_offering import PlanOffering
from openclaude_tui.ui.screens.rewinding import Rewinding
from openclaude_tui.ui.screens.side_panels import SidePanels
from openclaude_tui.ui.screens.slash import SlashCommands
from openclaude_tui.ui.unreachable import unreachable_help
from openclaude_tui.ui.widgets.assistant_message import AnswerStream
from openclaude_tui.ui.widgets.chat import ChatView
from openclaude_tui.ui.widgets.chat_items import (
    Level,
    NoticeItem,
    PanelItem,
    ReasoningItem,
    UserItem,
    WelcomeItem,
)
from openclaude_tui.ui.widgets.prompt import PromptArea, PromptInput
from openclaude_tui.ui.widgets.status_bar import Status, StatusBar
from openclaude_tui.ui.widgets.tool_card import CardState, ToolCardItem

_log = logging.getLogger(__name__)


class MainScreen(PlanOffering, ChatNavigation, SidePanels, Rewinding, SlashCommands, MemoryNotes):
    """The session: everything but the modals (its CSS, main.tcss, is loaded by the app).

    Its state, widgets and constructor (config, prompt, clock, now) are in ``MainScreenBase``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "interrupt", "Interrupt", id="interrupt"),
        Binding("shift+tab", "cycle_mode", "Mode", priority=True, id="cycle_mode"),
        Binding("ctrl+b", "toggle_sidebar", "Sidebar", id="toggle_sidebar"),
        Binding("ctrl+f", "search", "Search", id="search"),
        Binding("ctrl+r", "review", "Review", id="review"),
        # Shown only while the chat is not following its end; the prompt keeps End for
        # its own line until the cursor is at the line's end.
        Binding("end", "chat_end", "Latest", key_display="End", priority=True, id="chat_end"),
        # Before the prompt, which would type the digit: they answer only an open offer.
        Binding(
            "alt+1",
            "plan('default')",
            "Carry out plan",
            show=False,
            priority=True,
            id="main.carry_out_plan",
        ),
        Binding(
            "alt+2",
            "plan('acceptEdits')",
            "Accept edits",
            show=False,
            priority=True,
            id="main.carry_out_plan_accepting_edits",
        ),
        Binding(
            "alt+3",
            "plan('keep')",
            "Keep planning",
            show=False,
            priority=True,
            id="main.keep_planning",
        ),
    ]
    # Most important first: a narrow footer drops the last ones (/help lists them all).
    FOOTER_KEYS: ClassVar[tuple[str, ...]] = (
        "interrupt",
        "quit",
        "chat_end",
        "cycle_mode",
        "review",
        "search",
        "toggle_sidebar",
    )

    # Layout

    def compose(self) -> ComposeResult:
        config = self.config
        with Horizontal(id="body"), Vertical(id="main"):
            yield ChatView(clock=self.clock, id="chat")
            yield self._plan_list
            yield PromptArea(
                self.history, lambda: list_project_paths(config.project_root), id="prompt"
            )
        yield StatusBar(self._initial_status(), id="status")
        with Horizontal(id="footer-row"):
            yield Static(config.permission_mode, id="mode-badge")

    def _initial_status(self) -> Status:
        from urllib.parse import urlsplit

        host = urlsplit(self.config.base_url).netloc or self.config.base_url
        return Status(
            model=self.config.model or "",
            host=host,
            profile=self.config.default_profile or "",
            mode=self.config.permission_mode,
            window=self.config.context_window,
            branch=current_branch(self.config.project_root),
        )

    def on_mount(self) -> None:
        self._welcome()
        for warning in self.config.warnings:
            self.chat.add_item(NoticeItem(warning, "warning", "!"))
        self._show_mode(self.config.permission_mode)
        if self.config.editor_mode == "vim":
            self.prompt_input.set_vim(True)
        self.prompt_input.focus()
        self._turn_timer = self.set_interval(1.0, self._tick, pause=True)
        self.call_after_refresh(self._after_first_frame)

    async def _after_first_frame(self) -> None:
        self._place_sidebar()
        await self.query_one("#body").mount(self._sidebar)
        await self.query_one("#footer-row").mount(self._footer, before="#mode-badge")
        # The footer shows the keys once told that they changed.
        self.refresh_bindings()
        self._start_session()

    async def on_unmount(self) -> None:
        if self.session is not None:
            await self.session.close()

    def _welcome(self) -> None:
        self.chat.add_item(
            WelcomeItem(self.config.project_root.name or str(self.config.project_root))
        )

    # The session

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def _start_session(self) -> None:
        """Load the agent in the background, then find the server and send what waits."""
        # In a thread, so the first frames are drawn meanwhile; the SDK is imported too,
        # which would otherwise stall the screen when the first prompt is sent.
        await asyncio.to_thread(_load_agent_modules)
        from openclaude_tui.core.llm.provider import ProviderError
        from openclaude_tui.ui.bridge import AgentSession
        from openclaude_tui.ui.screens.trust import settle_trust

        if await settle_trust(self.app, self.config):
            self._show_mode(self.config.permission_mode)
        self.session = AgentSession(self.app, self.config, self, now=self.now, clock=self.clock)
        self.list_custom_commands(self.session.commands.commands)
        self._resume_at_start()
        if self.config.mcp_servers:
            await asyncio.to_thread(_load_mcp)
            self.session.start_mcp()
        if self.initial_prompt:
            self.submit(self.initial_prompt)
        elif self.queued:
            text, item = self.queued.pop(0)
            self.chat.remove_item(item)
            self._start_turn(text)
        try:
            await self.session.start()
        except ProviderError as error:
            self.post_message(messages.AgentFailed(str(error), error.kind == "unreachable"))

    def submit(self, text: str) -> None:
        """Handle what the user sent: a command, a shell command, or a prompt."""
        self._plan_offer.close()
        self.chat.follow_end()
        if text.strip().startswith("/"):
            self.run_slash_command(text.strip())
            return
        if not self.remember_note(text):  # a "# note" is saved to memory, not sent
            self.send_prompt(text)

    def send_prompt(self, text: str) -> None:
        """Send a prompt to the agent, or queue it while a turn runs."""
        if self.running or self.session is None:
            item = UserItem(text, queued=True)
            self.chat.add_item(item)
            self.queued.append((text, item))
            return
        self._start_turn(text)

    def _start_turn(self, text: str) -> None:
        shell = text.startswith("!") and bool(text[1:].strip())
        self.chat.add_item(UserItem(text[1:].strip() if shell else text, shell=shell))
        self._set_running(True)
        session = self.session
        assert session is not None
        if shell:
            self._agent_worker(lambda: session.shell(text[1:].strip()))
        else:
            self._agent_worker(lambda: session.turn(text))

    @work(exclusive=True, group="agent", exit_on_error=False)
    async def _agent_worker(self, job: Callable[[], Awaitable[str | None]]) -> None:
        """Run a turn (or a ``!`` command); the stop reason ends it in the chat."""
        reason = "interrupted"
        try:
            reason = await job() or "end_turn"
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a bug must not close the app; details go to the log
            _log.exception("the turn failed")
            reason = "error"
            self.chat.add_item(NoticeItem(f"internal error: {error!r} (see the log)", "error"))
        finally:
            self._turn_over(reason)

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.chat.live = running
        # While a turn runs the screen changes anyway; a blinking cursor would only add a
        # repaint of the whole screen twice a second.
        self.prompt_input.cursor_blink = not running
        if running:
            self.turn_started = self.clock()
            self.status.set(turn_seconds=0.0)
            self._turn_timer.resume()
        else:
            self._turn_timer.pause()
            self._tick()

    def _tick(self) -> None:
        if self.turn_started is not None:
            self.status.set(turn_seconds=self.clock() - self.turn_started)

    def _turn_over(self, reason: str) -> None:
        """The worker is done: settle the pane, then the queue or the plan offer."""
        self._finish_answer()
        for card in self.cards.values():
            if card.state in ("pending", "asking", "running"):
                card.finish("interrupted", card.body, card.elapsed() or 0.0)
                self.chat.update_item(card)
                self.sidebar.set_state(card.call_id, "interrupted", card.duration)
        self._set_running(False)
        if reason in ("interrupted", "error"):
            self._restore_queue()
        elif self.queued:
            text, item = self.queued.pop(0)
            self.chat.remove_item(item)
            self.call_later(self._start_turn, text)
        elif reason == "end_turn" and self.plan_presented():
            self.call_later(self.offer_plan)

    def _restore_queue(self) -> None:
        """Put queued prompts back in the prompt, to edit or send again."""
        if not self.queued:
            return
        texts = [text for text, _ in self.queued]
        for _, item in self.queued:
            self.chat.remove_item(item)
        self.queued.clear()
        current = self.prompt_input.text
        self.prompt_input.put_back("\n\n".join([*texts, current] if current else texts))

    def _finish_answer(self) -> None:
        if self.answer is not None:
            self.answer.finish()
            self.answer = None
        if self.reasoning is not None:
            self.reasoning.done = True
            self.chat.update_item(self.reasoning)
            self.reasoning = None

    # Actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "interrupt":
            return self.running
        if action == "chat_end":
            # Elsewhere (the search field, the sidebar's list) End keeps its own meaning.
            focused = self.focused
            return not self.chat.following and focused in (None, self.chat, self.prompt_input)
        if action == "plan":
            return self._plan_offer.is_open
        return True

    def action_interrupt(self) -> None:
        """Stop the running turn (the agent answers every unfinished call)."""
        if self.running:
            self.workers.cancel_group(self, "agent")

    def action_cycle_mode(self) -> None:
        """Switch to the next permission mode."""
        if self.session is None:
            return
        self._show_mode(self.session.cycle_mode())

    # Messages from widgets

    @on(PromptInput.Submitted)
    def _prompt_submitted(self, event: PromptInput.Submitted) -> None:
        self.submit(event.text)

    @on(ChatView.Copy)
    def _copy(self, event: ChatView.Copy) -> None:
        how = copy_text(self.app, event.text)
        self.notify(f"Copied {len(event.text):,} characters to the {how}", timeout=2)

    # Messages from the agent

    # Streamed text is taken from its batch at the next frame, so the bridge can add to
    # the batch until then instead of posting a message per piece.

    def on_answer_text(self, message: messages.AnswerText) -> None:
        if self.answer is None:
            self.answer = AnswerStream(self.chat)
        self.answer.append_source(message.take)

    def on_reasoning_text(self, message: messages.ReasoningText) -> None:
        if self.reasoning is None:
            self.reasoning = ReasoningItem()
            self.chat.add_item(self.reasoning)
        reasoning = self.reasoning

        def take() -> None:
            reasoning.append(message.take())
            self.chat.update_item(reasoning)

        self.chat.schedule(take)

    def on_answer_done(self, message: messages.AnswerDone) -> None:
        self._finish_answer()

    def on_tool_started(self, message: messages.ToolStarted) -> None:
        self._finish_answer()
        card = ToolCardItem(
            message.call_id,
            message.name,
            message.summary,
            self.clock,
            root=self.config.project_root,
        )
        self.cards[message.call_id] = card
        self.chat.add_item(card)
        self.sidebar.add_call(message.call_id, message.name, message.summary)

    def _card_state(self, call_id: str, state: CardState) -> ToolCardItem | None:
        card = self.cards.get(call_id)
        if card is not None:
            card.set_state(state)
            self.chat.update_item(card)
            self.sidebar.set_state(call_id, state)
        return card

    def on_permission_waiting(self, message: messages.PermissionWaiting) -> None:
        self._card_state(message.call_id, "asking")

    def on_permission_resolved(self, message: messages.PermissionResolved) -> None:
        if message.allowed:
            self._card_state(message.call_id, "pending")
        if message.rule:
            # Right under the call it was chosen for (its neighbours' cards come after).
            notice = NoticeItem(f"Always allowed from now on: {message.rule}", "muted")
            chat = self.chat
            card = self.cards.get(message.call_id)
            after = chat.index_of(card) + 1 if card is not None else 0
            chat.add_item(notice, before=chat.items[after] if 0 < after < len(chat.items) else None)

    def on_tool_running(self, message: messages.ToolRunning) -> None:
        self._card_state(message.call_id, "running")

    def on_tool_output_text(self, message: messages.ToolOutputText) -> None:
        card = self.cards.get(message.call_id)
        if card is None:
            return

        def take() -> None:
            card.append_output(message.take())
            self.chat.update_item(card)

        self.chat.schedule(take)

    def on_tool_finished(self, message: messages.ToolFinished) -> None:
        done = message.outcome
        card = self.cards.get(done.call_id)
        if card is None:
            return
        card.finish(done.status, done.result, done.duration, done.diff)
        card.exit_code = done.exit_code
        self.chat.update_item(card)
        self.sidebar.set_state(done.call_id, done.status, done.duration)

    def on_hook_noted(self, message: messages.HookNoted) -> None:
        card = self.cards.get(message.call_id)
        if card is None:
            self.chat.add_item(NoticeItem(f"{message.event} hook: {message.text}", "muted", "·"))
            return
        card.add_hook_output(message.event, message.text)
        self.chat.update_item(card)

    def on_usage_changed(self, message: messages.UsageChanged) -> None:
        self.status.set(tokens_in=message.total_in, tokens_out=message.total_out)
        if message.prompt_tokens is not None:  # a sub-agent's context is not this one's
            self.status.set(
                context_tokens=message.prompt_tokens, context_estimated=message.estimated
            )

    def on_background_task_changed(self, message: messages.BackgroundTaskChanged) -> None:
        if message.running:
            self.running_tasks.add(message.task_id)
        else:
            self.running_tasks.discard(message.task_id)
        self.status.set(tasks=len(self.running_tasks))

    def on_retry_scheduled(self, message: messages.RetryScheduled) -> None:
        if self.answer is not None:
            self.answer.discard()
            self.answer = None
        if self.reasoning is not None:
            self.chat.remove_item(self.reasoning)
            self.reasoning = None
        text = (
            f"{message.reason}, retrying in {message.delay:.0f} s "
            f"(attempt {message.attempt}/{message.max_attempts})"
        )
        self.chat.add_item(NoticeItem(text, "warning", "↻"))

    def on_mcp_changed(self, message: messages.McpChanged) -> None:
        self.status.set(mcp=(message.running, message.total))
        for name in set(message.failed) - self._mcp_failed:
            text = f"the MCP server {name} failed; /mcp shows why and can restart it"
            self.chat.add_item(NoticeItem(text, "warning", "!"))
        self._mcp_failed = set(message.failed)
        from openclaude_tui.ui.screens.mcp import McpScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, McpScreen) and self.session is not None:
                screen.show_servers(self.session.mcp_statuses())

    def on_notice_posted(self, message: messages.NoticePosted) -> None:
        level: Level = "warning" if message.level == "warning" else "muted"
        self.chat.add_item(NoticeItem(message.text, level, "!" if level == "warning" else "·"))

    def on_agent_failed(self, message: messages.AgentFailed) -> None:
        self._finish_answer()
        if message.unreachable:
            body = unreachable_help(self.config, message.message)
            self.chat.add_item(PanelItem("Cannot reach the model server", body, "error"))
        else:
            self.chat.add_item(NoticeItem(message.message, "error", "✗"))

    def on_turn_ended(self, message: messages.TurnEnded) -> None:
        self._finish_answer()
        if message.reason == "interrupted":
            self.chat.add_item(
                NoticeItem(
                    "Interrupted · the next message continues the conversation", "muted", "⏹"
                )
            )
        elif message.reason in ("max_turns", "length"):
            self.chat.add_item(NoticeItem(message.detail or message.reason, "warning", "!"))

    def on_prompt_replayed(self, message: messages.PromptReplayed) -> None:
        self.chat.add_item(UserItem(message.text))

    def on_session_ready(self, message: messages.SessionReady) -> None:
        self.status.set(
            model=message.model,
            window=message.window,
            host=message.host,
            window_sent=message.window_sent,
        )


def _load_mcp() -> None:
    from openclaude_tui.core.extensions.mcp_client import load_mcp

    load_mcp()


def _load_agent_modules() -> None:
    import openai  # noqa: F401  (the provider imports it at the first request)

    import openclaude_tui.ui.bridge  # noqa: F401
