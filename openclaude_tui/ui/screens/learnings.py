"""Learnings from the session: ``/learn`` (and quitting, with ``learn_at_exit``) asks the model
what is worth remembering; the user ticks the proposals to keep and chooses the memory file.
Nothing is written without that choice (``core.agent.learnings`` proposes, this asks)."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from openclaude_tui.core.prompt.memory_file import MemoryScope
from openclaude_tui.ui.screens.memory_notes import MemoryNotes
from openclaude_tui.ui.type_ahead import WAITING_NOTE, GuardedChoice
from openclaude_tui.ui.widgets.chat_items import NoticeItem

ASKING = "Asking the model what is worth remembering…"
# The cells a proposal's check box takes before its text (``▐X▌`` and a space).
TICK_BOX = 4
# The dialog's height at most, as a share of the screen's (its max-height in the TCSS), and
# the list's rows at most and at least.
DIALOG_SHARE = 0.9
MOST_LIST_ROWS = 16
MIN_LIST_ROWS = 3


class TickList(SelectionList[int]):
    """A selection list that ticks as it handles the key (Space, Enter, a click), not a
    message later: a key typed right after the tick (``s``) finds it made."""

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.toggle(self.get_option_at_index(self.highlighted))


class LearningsScreen(GuardedChoice, ModalScreen[list[str] | None]):
    """The model's proposals, none ticked; dismissed with those the user ticked (``s``), or
    None (Esc).

    Args:
        proposals: What the model proposes to remember.
    """

    CSS_PATH = "learnings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Not a priority binding: it must come after the ticks typed before it, which the
        # list handles in its turn.
        Binding("s", "save", "Save the ticked ones", id="learnings.save"),
        Binding("escape", "discard", "Keep none", priority=True, id="learnings.discard"),
    ]

    def __init__(self, proposals: list[str]) -> None:
        super().__init__()
        self.proposals = proposals

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Remember for next time?"
            yield Static(
                "The model proposes these for the memory files. Tick the ones to keep; "
                "nothing is written unless you save it.",
                id="about",
            )
            yield TickList(
                *(Selection(text, index) for index, text in enumerate(self.proposals)),
                id="proposals",
            )
            # The list shows each proposal on one line, cut short when it is too long to fit.
            yield Static(id="in-full")
            yield Static(WAITING_NOTE, id="type-ahead-note")
            yield Static("space tick · s save the ticked ones · esc keep none", id="hint")

    def on_mount(self) -> None:
        self.query_one("#proposals", SelectionList).focus()
        self.open_key_guard()

    @on(SelectionList.SelectionHighlighted)
    def _highlighted(self) -> None:
        self._show_in_full()

    def on_resize(self, event: events.Resize) -> None:
        """The list's width decides which proposals it cuts: look again once laid out."""
        self.call_after_refresh(self._show_in_full)

    def _show_in_full(self) -> None:
        """The highlighted proposal in full below the list, when the list cuts it short."""
        options = self.query_one("#proposals", SelectionList)
        index = options.highlighted
        text = self.proposals[index] if index is not None else ""
        room = options.scrollable_content_region.width - TICK_BOX
        cut = room > 0 and cell_len(text) > room
        in_full = self.query_one("#in-full", Static)
        in_full.update(text if cut else "")
        in_full.display = cut
        # The list gives up rows to the text in full, so the dialog's last lines (the keys)
        # stay on a small screen.
        width = room + TICK_BOX
        taken = len(Text(text).wrap(self.app.console, width)) + 1 if cut and width > 0 else 0
        about = self.query_one("#about", Static).outer_size.height
        # The border, the list's margin and the hint.
        rest = int(self.size.height * DIALOG_SHARE) - about - taken - 4
        options.styles.max_height = max(MIN_LIST_ROWS, min(MOST_LIST_ROWS, rest))

    def action_save(self) -> None:
        """Keep the ticked proposals (none ticked: the same as keeping none)."""
        ticked = sorted(self.query_one("#proposals", SelectionList).selected)
        self.dismiss([self.proposals[index] for index in ticked] or None)

    def action_discard(self) -> None:
        """Keep none of them."""
        self.dismiss(None)

    @on(SelectionList.SelectedChanged)
    def _ticked(self) -> None:
        count = len(self.query_one("#proposals", SelectionList).selected)
        hint = "space tick · s save the ticked ones · esc keep none"
        if count:
            hint = f"{count} ticked · {hint}"
        self.query_one("#hint", Static).update(hint)


class Learning(MemoryNotes):
    """``/learn``, and the same offer when the user quits (``learn_at_exit``)."""

    # Whether the offer made at quitting was made (the next quit leaves at once).
    _offered_at_exit = False

    def command_learn(self, argument: str = "") -> None:
        """Have the model propose what to remember of this session."""
        if not self._can_learn(warn=True):
            return
        self._learn(then_quit=False)

    def learn_before_quitting(self) -> bool:
        """Make the offer before the app quits, once, when ``learn_at_exit`` is set and the
        session has a conversation; False when there is no offer to make (quit now)."""
        if self._offered_at_exit or not self.config.learn_at_exit or not self._can_learn():
            return False
        self._offered_at_exit = True
        self._learn(then_quit=True)
        return True

    def _can_learn(self, *, warn: bool = False) -> bool:
        agent = self.session.agent if self.session is not None else None
        why = ""
        if self.running:
            why = "/learn works between turns"
        elif agent is None or not any(m.get("role") == "assistant" for m in agent.messages):
            why = "nothing to learn from yet: the conversation is empty"
        if why and warn:
            self.chat.add_item(NoticeItem(why, "warning", "!"))
        return not why

    @work(exclusive=True, group="agent", exit_on_error=False)
    async def _learn(self, then_quit: bool) -> None:
        from openclaude_tui.core.agent.learnings import FALLBACK_WINDOW, propose_learnings
        from openclaude_tui.core.llm.provider import ProviderError
        from openclaude_tui.core.prompt.memory import load_project_memory

        agent = self.session.agent if self.session is not None else None
        assert agent is not None
        root = self.config.project_root
        memory = "\n\n".join(file.text for file in load_project_memory(root, root))
        window = agent.compactor.window if agent.compactor is not None else FALLBACK_WINDOW
        quitting = " (Ctrl+Q again quits now)" if then_quit else ""
        self.chat.add_item(NoticeItem(ASKING + quitting, "muted", "#"))
        self._set_running(True)
        proposals: list[str] = []
        try:
            proposals = await propose_learnings(agent.provider, agent.messages, memory, window)
        except ProviderError as error:
            self.chat.add_item(NoticeItem(f"no learnings: {error}", "warning", "!"))
        except asyncio.CancelledError:
            # Esc: the user stays (quitting too is given up); the chat says so.
            self.chat.add_item(NoticeItem("Stopped: nothing was proposed", "muted", "#"))
            raise
        finally:
            self._set_running(False)
        if not proposals:
            if then_quit:
                self.app.exit(0)
            else:
                self.chat.add_item(NoticeItem("The model proposed nothing to remember", "muted"))
            return
        self.app.push_screen(
            LearningsScreen(proposals), lambda kept: self._keep(kept or [], then_quit)
        )

    def _keep(self, kept: list[str], then_quit: bool) -> None:
        def chosen(scope: MemoryScope | None) -> None:
            if scope is not None and not self.save_to_memory(kept, scope):
                # Not written: the app stays, the learnings listed, to keep another way.
                listed = "\n".join(f"- {learning}" for learning in kept)
                quitting = " (Ctrl+Q again quits now)" if then_quit else ""
                text = f"The learnings not kept{quitting}:\n{listed}"
                self.chat.add_item(NoticeItem(text, "muted"))
                return
            if then_quit:
                self.app.exit(0)

        if not kept:
            chosen(None)
            return
        count = f"{len(kept)} learning{'s' if len(kept) != 1 else ''}"
        self.ask_memory_scope(f"Remember the {count} where?", chosen)
