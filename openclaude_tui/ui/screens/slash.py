"""The slash commands of the main screen (also offered in the command palette)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work

from openclaude_tui.core.sessions import store
from openclaude_tui.core.settings.user_file import remember_setting
from openclaude_tui.ui import messages
from openclaude_tui.ui.clipboard import copy_text
from openclaude_tui.ui.commands import (
    COMMANDS,
    close_models,
    custom_commands,
    find_model,
    parse,
)
from openclaude_tui.ui.screens.coordinate import Coordinating
from openclaude_tui.ui.screens.learnings import Learning
from openclaude_tui.ui.screens.models import ModelScreen
from openclaude_tui.ui.screens.profile_switch import ProfileSwitch
from openclaude_tui.ui.screens.resume import ResumeScreen
from openclaude_tui.ui.screens.rules import RulesScreen
from openclaude_tui.ui.screens.think import Thinking
from openclaude_tui.ui.screens.voice import VoiceInput
from openclaude_tui.ui.widgets.chat_items import NoticeItem, PanelItem
from openclaude_tui.ui.widgets.prompt import PromptArea

if TYPE_CHECKING:
    from openclaude_tui.core.extensions.commands import CustomCommand
    from openclaude_tui.core.sessions.transcript import Transcript

KEYS = (
    ("Enter", "send the message (queued while the agent works)"),
    ("Ctrl+J", "new line (Shift+Enter where the terminal reports it)"),
    ("Ctrl+G", "write the prompt in your editor ($VISUAL or $EDITOR); it comes back unsent"),
    ("Alt+V", "voice input: start recording, then again to put the words in the prompt"),
    ("Ctrl+V", "paste the clipboard's image (wl-paste, xclip or pngpaste) as an image chip"),
    ("Up / Down", "previous / next message of this project (on the first / last line)"),
    (
        "Esc",
        "interrupt the agent; in the chat pane or the sidebar, back to the prompt; twice on "
        "an empty prompt: rewind (/rewind)",
    ),
    ("Ctrl+C", "interrupt; else clear the prompt (Ctrl+Z undoes); twice on an empty one: quit"),
    ("Ctrl+Q", "quit"),
    ("Shift+Tab", "next permission mode"),
    (
        "Tab",
        "from the prompt to the sidebar (when shown), the chat pane, the plan offer (when "
        "open), the prompt again",
    ),
    ("Up / Down, Enter, c", "in the chat pane: move, expand a tool card, copy"),
    ("Up / Down, Enter", "in the sidebar: move, show the call's card; typing goes to the prompt"),
    ("End", 'jump to the end of the chat and follow it ("↓ new output" shows it is there)'),
    ("Ctrl+B", "show or hide the tool sidebar"),
    ("Ctrl+F", "search the conversation (Enter: next match)"),
    ("Ctrl+R", "review the agent's changes (/diff)"),
    ("Ctrl+P", "command palette"),
    (
        "Alt+1 / Alt+2 / Alt+3",
        "answer the plan offer: carry the plan out / carry it out accepting edits / keep "
        "planning (or click the offer, then 1 / 2 / 3)",
    ),
)


def _cell(text: str) -> str:
    """``text`` as one cell of a Markdown table: a bare ``|`` would end the cell."""
    return text.replace("|", "\\|")


class SlashCommands(ProfileSwitch, VoiceInput, Thinking, Coordinating, Learning):
    """``/help``, ``/clear``, ``/compact``, ``/model``, ``/mode``, ``/permissions``, ``/mcp``,
    ``/diff``, ``/tasks``, ``/resume``, ``/export``, ``/cost``, ``/copy``, ``/quit``;
    ``/profile``, ``/voice``, ``/transcribe``, ``/think`` and ``/coordinate`` come from the
    parts of their own modules."""

    def list_custom_commands(self, commands: Sequence[CustomCommand]) -> None:
        """Offer the custom commands beside the built-in ones (which win a name)."""
        self.custom_commands, hidden = custom_commands(commands)
        self.query_one(PromptArea).custom_commands = self.custom_commands
        for notice in hidden:
            self.chat.add_item(NoticeItem(notice, "warning", "!"))

    def run_slash_command(self, line: str) -> None:
        """Run a command typed in the prompt (a custom one is sent as a prompt, expanded)."""
        command, name, argument = parse(line, self.custom_commands)
        if command is None:
            self.chat.add_item(
                NoticeItem(f"unknown command /{name}; /help lists the commands", "warning", "!")
            )
            return
        if command.custom:
            self.send_prompt(line)
            return
        handler = getattr(self, f"command_{command.name}")
        handler(argument)

    def command_help(self, argument: str = "") -> None:
        """Show the keys and the commands (and how to turn web search on, when it is off)."""
        # Here, not at the top: the first frame must not wait for the tools to load.
        from openclaude_tui.core.tools.web_search_backends import ENABLE_HINT, configured_backend

        keys = "\n".join(f"| {_cell(key)} | {_cell(what)} |" for key, what in KEYS)
        listed = (*COMMANDS, *self.custom_commands)
        commands = "\n".join(f"| `{_cell(c.usage)}` | {_cell(c.help)} |" for c in listed)
        mode = self.session.mode if self.session is not None else self.config.permission_mode
        body = (
            f"| Key | |\n|---|---|\n{keys}\n\n| Command | |\n|---|---|\n{commands}\n\n"
            f"Permission mode: **{mode}**. Start a message with `!` to run it in the shell, "
            "use `@` to complete a file path."
        )
        if configured_backend(self.config.web_search_url, os.environ) is None:
            body += f"\n\n{ENABLE_HINT}"
        self.chat.add_item(PanelItem("Keys and commands", body, "info"))

    def command_clear(self, argument: str = "") -> None:
        """Start a new conversation."""
        if self.running:
            self.chat.add_item(NoticeItem("interrupt the agent (Esc) before /clear", "warning"))
            return
        if self.session is not None:
            self.session.clear()
        self._empty_chat()
        self.chat.add_item(NoticeItem("New conversation", "muted", "·"))

    def _empty_chat(self) -> None:
        self.cards.clear()
        self.chat.clear_items()
        self.sidebar.clear()
        self._show_plan()
        self.status.set(context_tokens=None, turn_seconds=None)

    def command_resume(self, argument: str = "") -> None:
        """Continue a saved session: the one named, or one chosen from a list."""
        if self.running or self.session is None:
            self.chat.add_item(NoticeItem("/resume works between turns", "warning"))
            return
        if not argument:
            self._pick_session()
            return
        try:
            path = store.find_session(self.config.project_root, argument)
        except store.SessionNotFound as error:
            self.chat.add_item(NoticeItem(str(error), "warning", "!"))
            return
        self.resume_session(path)

    def _resume_at_start(self) -> None:
        """``openclaude --continue`` or ``--resume``: the session named, or the list."""
        if self.resume_path is not None:
            self.resume_session(self.resume_path)
        elif self.pick_at_start:
            self._pick_session()

    @work(group="resume", exit_on_error=False)
    async def _pick_session(self) -> None:
        root = self.config.project_root
        listed = await asyncio.to_thread(store.list_sessions, root)
        current = self.session.session_id if self.session is not None else ""
        choice = await self.app.push_screen_wait(
            ResumeScreen([info for info in listed if info.id != current])
        )
        if choice:
            self.resume_session(store.transcript_path(store.project_dir(root), choice))

    def resume_session(self, path: Path) -> None:
        """Show the session saved in ``path`` and continue it."""
        assert self.session is not None
        try:
            transcript = self.session.resume(path)
        except OSError as error:
            self.chat.add_item(NoticeItem(f"cannot read {path}: {error.strerror}", "error", "✗"))
            return
        self._empty_chat()
        self.session.show_again(transcript)
        name = path.name.removesuffix(store.TRANSCRIPT_SUFFIX)
        self.post_message(messages.NoticePosted(f"Resumed session {name}", "info"))

    def command_compact(self, argument: str = "") -> None:
        """Summarise older work now."""
        if self.running or self.session is None:
            self.chat.add_item(NoticeItem("/compact works between turns", "warning"))
            return
        self.chat.add_item(NoticeItem("Compacting the conversation…", "muted", "·"))
        self._compact(argument or None)

    @work(exclusive=True, group="agent", exit_on_error=False)
    async def _compact(self, focus: str | None) -> None:
        assert self.session is not None
        self._set_running(True)
        try:
            await self.session.compact(focus)
        finally:
            self._set_running(False)

    def command_model(self, argument: str = "") -> None:
        """Switch model; without a name, pick one from the server's list."""
        if argument:
            self._switch_model(argument)
        else:
            self._pick_model()

    @work(group="model", exit_on_error=False)
    async def _pick_model(self) -> None:
        from openclaude_tui.core.llm.provider import ProviderError

        assert self.session is not None
        try:
            models = await self.session.list_models()
        except ProviderError as error:
            self.chat.add_item(NoticeItem(f"cannot list the models: {error}", "error", "✗"))
            return
        if not models:
            self.chat.add_item(NoticeItem("the server offers no models", "warning", "!"))
            return
        choice = await self.app.push_screen_wait(ModelScreen(models, self.session.model))
        if choice and choice != self.session.model:
            await self._set_model(choice)

    @work(group="model", exit_on_error=False)
    async def _switch_model(self, name: str) -> None:
        """Switch to ``name`` if the server offers it; else say what it offers like it."""
        from openclaude_tui.core.llm.provider import ProviderError

        assert self.session is not None
        try:
            models = await self.session.list_models()
        except ProviderError as error:
            models, why = [], f"the server's models cannot be listed ({error})"
        else:
            why = "the server lists no models"
        if not models:
            self.chat.add_item(NoticeItem(f"{why}; using {name} unchecked", "warning", "!"))
            await self._set_model(name)
            return
        found = find_model(name, models)
        if found is None:
            close = close_models(name, models)
            hint = f"close matches: {', '.join(close)}" if close else "nothing close"
            text = (
                f"the server has no model {name!r} ({hint}; /model lists all "
                f"{len(models)}); still using {self.session.model}"
            )
            self.chat.add_item(NoticeItem(text, "warning", "!"))
            return
        await self._set_model(found)

    async def _set_model(self, name: str) -> None:
        assert self.session is not None
        await self.session.set_model(name)
        self.status.set(model=name, window=self.session.window)
        self.chat.add_item(NoticeItem(f"Model: {name}", "muted", "·"))

    def command_mode(self, argument: str = "") -> None:
        """Switch permission mode (the next one when no name is given)."""
        if self.session is None:
            return
        if not argument:
            self.action_cycle_mode()
            return
        try:
            mode = self.session.set_mode(argument)
        except ValueError as error:
            self.chat.add_item(NoticeItem(str(error), "warning", "!"))
            return
        self._show_mode(mode)

    def command_permissions(self, argument: str = "") -> None:
        """List the permission rules; one can be removed."""
        if self.session is None:
            return
        self.app.push_screen(RulesScreen(self.session.rules(), self.session.remove_rule))

    def command_mcp(self, argument: str = "") -> None:
        """List the MCP servers: state, tools, last error; one can be restarted."""
        from openclaude_tui.ui.screens.mcp import McpScreen

        session = self.session
        statuses = session.mcp_statuses() if session is not None else ()

        async def restart(name: str) -> None:
            if session is not None:
                await session.restart_mcp(name)

        self.app.push_screen(McpScreen(statuses, restart))

    def command_diff(self, argument: str = "") -> None:
        """Open the review screen on the agent's changes, the working tree, or a range."""
        from openclaude_tui.core.changes.review import Reviewer
        from openclaude_tui.core.changes.sources import (
            DiffSource,
            RangeSource,
            ReviewError,
            WorktreeSource,
        )
        from openclaude_tui.core.sessions.session_diff import review_of
        from openclaude_tui.ui.screens.review import ReviewScreen

        root = self.config.project_root
        source: DiffSource | None
        try:
            if argument in ("", "session") or argument.split()[:1] == ["since"]:
                # The session's changes come from its transcript: a rewind's, a resumed one's.
                rewinder = self.session.rewinder() if self.session is not None else None
                source = review_of(rewinder, root, argument)
            elif argument in ("worktree", "--staged"):
                source = WorktreeSource(root, staged_only=argument == "--staged")
            else:
                source = RangeSource(root, argument)
        except ReviewError as error:
            self.chat.add_item(NoticeItem(str(error), "warning", "!"))
            return
        if source is None:
            self.chat.add_item(
                NoticeItem(
                    "the agent has changed nothing yet; /diff worktree shows the "
                    "working tree against HEAD",
                    "muted",
                    "·",
                )
            )
            return
        self.app.push_screen(ReviewScreen(Reviewer(source)))

    def command_tasks(self, argument: str = "") -> None:
        """List the background commands and their output."""
        from openclaude_tui.ui.screens.tasks import TasksScreen

        if self.session is None:
            return
        session = self.session
        self.app.push_screen(TasksScreen(session.background_tasks, session.kill_background_task))

    def action_review(self) -> None:
        """Review the agent's changes (Ctrl+R)."""
        self.chat.follow_end()
        self.command_diff()

    def command_settings(self, argument: str = "") -> None:
        """The settings in effect, each with where it came from (the key masked)."""
        from openclaude_tui.core.settings.report import describe_settings

        rows = "\n".join(
            f"| {key} | `{_cell(shown)}` | {_cell(source)} |"
            for key, shown, source in describe_settings(self.config)
        )
        body = (
            f"| Setting | Value | From |\n|---|---|---|\n{rows}\n\n"
            "`openclaude config edit` opens your config file; `/permissions` lists the rules."
        )
        self.chat.add_item(PanelItem("Settings", body, "info"))

    def command_vim(self, argument: str = "") -> None:
        """Turn vim keys in the prompt on or off; the choice is kept in your config."""
        on = self.prompt_input.vim is None
        self.prompt_input.set_vim(on)
        mode = "vim" if on else "normal"
        self.config.editor_mode = mode
        problem = remember_setting("editor_mode", mode)
        text = "Vim keys on (Esc: normal mode)" if on else "Vim keys off"
        if problem:
            text += f"; not remembered: {problem}"
        self.chat.add_item(NoticeItem(text, "muted", "·"))

    def _saved(self, nothing: str) -> Transcript | None:
        """The session as saved so far; None (and a notice, ``nothing`` if not begun)."""
        try:
            transcript = self.session.saved() if self.session is not None else None
        except OSError as error:
            self.chat.add_item(NoticeItem(f"cannot read the session: {error}", "error", "✗"))
            return None
        if transcript is None:
            self.chat.add_item(NoticeItem(nothing, "warning", "!"))
        return transcript

    def command_cost(self, argument: str = "") -> None:
        """Requests, tokens, the model's and the tools' time and cost, per turn and in all."""
        from openclaude_tui.core.sessions.usage import usage_report
        from openclaude_tui.ui.cost_table import cost_body

        transcript = self._saved("nothing used yet: no prompt was sent")
        if transcript is None or self.session is None:
            return
        prices = self.config.prices
        report = usage_report(transcript.records, prices)
        model = self.session.model
        body = cost_body(report, model, model in prices)
        self.chat.add_item(PanelItem("Usage and cost", body, "info"))

    def command_export(self, argument: str = "") -> None:
        """Write the conversation as Markdown to ``argument`` (a new file)."""
        from openclaude_tui.core.sessions.export import to_markdown

        session = self.session
        transcript = self._saved("nothing to export yet")
        if session is None or transcript is None:
            return
        target = Path(argument or f"openclaude-{session.session_id}.md").expanduser()
        target = self.config.project_root / target  # an absolute path stays as it is
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("x", encoding="utf-8") as stream:
                stream.write(to_markdown(transcript))
        except FileExistsError:
            self.chat.add_item(
                NoticeItem(f"{target} exists; /export PATH writes elsewhere", "warning", "!")
            )
            return
        except OSError as error:
            self.chat.add_item(NoticeItem(f"cannot write {target}: {error.strerror}", "error"))
            return
        self.chat.add_item(NoticeItem(f"Exported the conversation to {target}", "muted", "·"))

    def command_copy(self, argument: str = "") -> None:
        """Copy the last answer."""
        text = self.session.last_answer() if self.session is not None else ""
        if not text:
            self.chat.add_item(NoticeItem("no answer to copy yet", "warning", "!"))
            return
        how = copy_text(self.app, text)
        self.notify(f"Copied the last answer ({len(text):,} characters) to the {how}", timeout=2)

    def command_theme(self, argument: str = "") -> None:
        """Pick a colour theme (a list to choose from when no name is given); it is kept."""
        name = argument.strip()
        if not name:
            self.app.search_themes()
            return
        if name not in self.app.available_themes:
            names = ", ".join(sorted(self.app.available_themes))
            self.chat.add_item(
                NoticeItem(f"no theme {name!r}; the themes are: {names}", "warning", "!")
            )
            return
        self.app.theme = name
        self.chat.add_item(NoticeItem(f"Theme: {name} (kept in your config)", "muted", "·"))

    def command_quit(self, argument: str = "") -> None:
        """Leave the app (after the learnings offer, when ``learn_at_exit`` is set)."""
        if not self.learn_before_quitting():
            self.app.exit(0)

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        """The commands for the palette: title, help, callback."""
        # Run as if typed, so their output shows as a typed command's does.
        listed = (*COMMANDS, *self.custom_commands)
        typed = [entry for command in listed for entry in command.palette]
        return [(title, usage, partial(self.submit, usage)) for title, usage in typed] + [
            ("Toggle the tool sidebar", "Ctrl+B", self.action_toggle_sidebar),
            ("Search the conversation", "Ctrl+F", self.action_search),
        ]
