"""What the parts of the main screen share: its state, its widgets, and what each part calls
on another.

The main screen is put together from parts, one per concept (``slash``, ``side_panels``,
``chat_navigation``, ``plan_offering``), each a class that ``MainScreen`` derives from. They
all derive from ``MainScreenBase``, so each part is type-checked against the real screen: the
attributes set here, Textual's ``Screen``, and the abstract methods below, which another part
or ``MainScreen`` defines (mypy refuses to create a ``MainScreen`` that lacks one).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Input, Static

from openclaude_tui.core.settings.config import Config
from openclaude_tui.ui.commands import SlashCommand
from openclaude_tui.ui.history import PromptHistory, history_file
from openclaude_tui.ui.widgets.assistant_message import AnswerStream
from openclaude_tui.ui.widgets.chat import ChatView
from openclaude_tui.ui.widgets.chat_items import ReasoningItem, UserItem
from openclaude_tui.ui.widgets.key_footer import KeyFooter
from openclaude_tui.ui.widgets.plan_checklist import PlanChecklist
from openclaude_tui.ui.widgets.plan_offer import PlanOffer
from openclaude_tui.ui.widgets.prompt import PromptInput
from openclaude_tui.ui.widgets.status_bar import StatusBar
from openclaude_tui.ui.widgets.tool_card import ToolCardItem
from openclaude_tui.ui.widgets.tool_sidebar import ToolSidebar

if TYPE_CHECKING:
    from openclaude_tui.ui.bridge import AgentSession


class MainScreenBase(Screen[None]):
    """The main screen's state and widgets (``MainScreen`` is the screen itself).

    Args:
        config: The session's configuration.
        prompt: Sent as soon as the app starts, when given.
        clock: Monotonic seconds, for turn times and running tool calls.
        now: The date the agent's system prompt is written with.
        resume: The saved session to continue at start.
        pick: Offer the list of saved sessions at start.
    """

    # Whether a turn (or a compaction) runs; the keys offered follow it.
    running: var[bool] = var(False, bindings=True)

    def __init__(
        self,
        config: Config,
        prompt: str | None = None,
        *,
        clock: Callable[[], float],
        now: datetime | None = None,
        resume: Path | None = None,
        pick: bool = False,
    ) -> None:
        super().__init__()
        self.config = config
        self.initial_prompt = prompt
        # The saved session to continue, or whether to offer the list of them, at start.
        self.resume_path = resume
        self.pick_at_start = pick
        self.clock = clock
        self.now = now
        self.session: AgentSession | None = None
        self.turn_started: float | None = None
        self.queued: list[tuple[str, UserItem]] = []
        # The MCP servers last reported failed (each failure is told once in the chat).
        self._mcp_failed: set[str] = set()
        self.answer: AnswerStream | None = None
        self.reasoning: ReasoningItem | None = None
        self.cards: dict[str, ToolCardItem] = {}
        # Background commands still running (their ids), counted in the status bar.
        self.running_tasks: set[str] = set()
        self.sidebar_choice: bool | None = None
        # Mounted after the first frame (or when first needed), which is drawn sooner then.
        self._sidebar = ToolSidebar(id="sidebar")
        self._footer = KeyFooter()
        self._search = Input(placeholder="Search the conversation", id="search")
        self._plan_offer = PlanOffer(id="plan-offer")
        self._plan_list = PlanChecklist(id="plan-list")
        self.history = PromptHistory(history_file(config.project_root))
        # The custom commands (``/name`` files) offered beside the built-in ones.
        self.custom_commands: tuple[SlashCommand, ...] = ()

    @property
    def chat(self) -> ChatView:
        """The chat pane."""
        return self.query_one(ChatView)

    @property
    def sidebar(self) -> ToolSidebar:
        """The tool-activity sidebar."""
        return self._sidebar

    @property
    def plan_offer(self) -> PlanOffer:
        """The offer to carry out a plan (mounted when first shown)."""
        return self._plan_offer

    @property
    def status(self) -> StatusBar:
        """The status bar."""
        return self.query_one(StatusBar)

    @property
    def prompt_input(self) -> PromptInput:
        """The prompt's text area."""
        return self.query_one(PromptInput)

    def _show_mode(self, mode: str) -> None:
        """Show the permission mode in the status bar and on the badge beside the footer."""
        self.status.set(mode=mode)
        badge = self.query_one("#mode-badge", Static)
        badge.update(f" {mode} ")
        badge.set_classes(f"-{mode}")

    # Defined by MainScreen.

    @abstractmethod
    def submit(self, text: str) -> None:
        """Handle what the user sent: a command, a shell command, or a prompt."""
        raise NotImplementedError

    @abstractmethod
    def send_prompt(self, text: str) -> None:
        """Send a prompt to the agent, or queue it while a turn runs."""
        raise NotImplementedError

    @abstractmethod
    def _set_running(self, running: bool) -> None:
        """Mark a turn (or a compaction) as running or over."""
        raise NotImplementedError

    @abstractmethod
    def action_cycle_mode(self) -> None:
        """Switch to the next permission mode."""
        raise NotImplementedError

    # Defined by SidePanels.

    @abstractmethod
    def _show_plan(self) -> None:
        """The plan above the prompt while the sidebar, which shows it, is hidden."""
        raise NotImplementedError

    @abstractmethod
    def action_toggle_sidebar(self) -> None:
        """Show or hide the tool sidebar."""
        raise NotImplementedError

    # Defined by ChatNavigation.

    @abstractmethod
    async def action_search(self) -> None:
        """Open the search field above the chat."""
        raise NotImplementedError
