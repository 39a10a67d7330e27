"""The prompt: multi-line input with history and completion of commands and file paths.

Enter sends; Ctrl+J (and Shift+Enter where the terminal reports it) inserts a new line;
Ctrl+G writes the prompt in the user's own editor; Ctrl+V pastes the clipboard's image as a
chip (the terminal pastes text itself).
Up on the first line and Down on the last browse the history of this project. ``/`` at the
start completes a command (built-in or custom), ``@`` a file or directory path; Tab or Enter
takes the highlighted one, except that Enter sends a command typed in full (``/mode`` while
``/model`` is highlighted).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, TextArea
from textual.widgets.option_list import Option

from openclaude_tui.ui.commands import COMMANDS, SlashCommand, matching
from openclaude_tui.ui.external_editor import EditorError, edit_text, terminal_handed_over
from openclaude_tui.ui.history import PromptHistory
from openclaude_tui.ui.paste_chips import PastedTexts
from openclaude_tui.ui.vim_mode import VimKeys

PLACEHOLDER = "Ask anything · / commands · @ files · ! shell · Ctrl+J new line"
MAX_FILE_MATCHES = 40
_COMMAND_TOKEN = re.compile(r"^/(\S*)$")
_FILE_TOKEN = re.compile(r"(?:^|\s)@(\S*)$")

FileLister = Callable[[], Awaitable[list[str]]]


class PromptInput(TextArea):
    """The text area of the prompt."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+j,shift+enter", "newline", "New line", show=False, id="prompt.newline"),
        Binding("ctrl+g", "external_editor", "Editor", show=False, id="prompt.external_editor"),
        # Instead of TextArea's paste of the app's own clipboard (still done without an image).
        Binding("ctrl+v", "paste_image", "Paste image", show=False, id="prompt.paste_image"),
    ]

    class Submitted(Message):
        """The user sent the text."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, history: PromptHistory | None = None, *, id: str | None = None) -> None:
        super().__init__(
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            highlight_cursor_line=False,
            placeholder=PLACEHOLDER,
            compact=True,
            id=id,
        )
        self.prompt_history = history
        # Vim keys, when the user turned them on (/vim, editor_mode = "vim").
        self.vim: VimKeys | None = None
        # Large pastes, shown as chips until the prompt is sent.
        self.pastes = PastedTexts()

    def set_vim(self, on: bool) -> None:
        """Turn vim keys on (starting in insert mode) or off; the border shows the mode."""
        self.vim = VimKeys() if on else None
        self._show_vim_mode()

    def _show_vim_mode(self) -> None:
        area = self.parent
        if isinstance(area, PromptArea):
            area.border_title = self.vim.label if self.vim is not None else None

    async def _on_key(self, event: events.Key) -> None:
        if await self._own_key(event):
            return
        if not event.is_printable and await self._run_binding(event.key):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    async def _own_key(self, event: events.Key) -> bool:
        """Completion, Enter and history keys, which only the prompt knows; True when handled."""
        if self.vim is not None and self.vim.handle(self, event.key, event.character):
            self._show_vim_mode()
            event.stop()
            event.prevent_default()
            return True
        area = self.parent
        handled = isinstance(area, PromptArea) and area.completion_key(event.key)
        if not handled and event.key == "enter":
            self.action_submit()
            handled = True
        if not handled and event.key in ("up", "down"):
            handled = self._browse(event.key == "up")
        if handled:
            event.stop()
            event.prevent_default()
        return handled

    async def _run_binding(self, key: str) -> bool:
        """Run the binding of ``key`` now; True when one ran.

        Textual looks a key's (non-priority) binding up only once the key has bubbled from
        the focused widget through each ancestor's message queue to the app. Letters typed
        after it in the same burst are inserted meanwhile, so Backspace, Ctrl+U or Ctrl+J
        would act after them. Running the binding here keeps the keys in order.
        """
        active = self.screen.active_bindings.get(key)
        # A priority binding was tried before the key reached this widget.
        if active is None or not active.enabled or active.binding.priority:
            return False
        return await self.app.run_action(active.binding.action, active.node)

    async def take_key(self, event: events.Key) -> None:
        """A key typed for the prompt while a question opened over it, as if it had the focus.

        The prompt's own keys (Backspace, Ctrl+J …) act, text is typed, Enter sends; keys of
        the rest of the screen (Esc, Ctrl+F …) were not meant for the prompt and are dropped.
        """
        bindings = self._bindings.key_to_bindings.get(event.key, [])
        if bindings:
            await self.run_action(bindings[0].action)
            return
        if await self._own_key(event) or not event.is_printable:
            return
        await super()._on_key(event)

    async def _on_paste(self, event: events.Paste) -> None:
        # Textual calls each class's handler in turn: a small paste goes on to TextArea's.
        chip = None if self.read_only else self.pastes.chip_for(event.text)
        if chip is None:
            return
        event.prevent_default()
        if result := self._replace_via_keyboard(chip, *self.selection):
            self.move_cursor(result.end_location)
        self.focus()

    def action_paste_image(self) -> None:
        """Ctrl+V: the system clipboard's image as a chip, read in a worker (the tools may
        take a while); the image is sent as a path typed to it would be."""
        if not self.read_only:
            self._paste_image()

    @work(exclusive=True, group="clipboard-image", exit_on_error=False)
    async def _paste_image(self) -> None:
        # Here, not at the top: the first frame must not wait for the image tools to load.
        from openclaude_tui.core.clipboard_image import ClipboardImageError, paste_clipboard_image
        from openclaude_tui.core.extensions.typed_paths import written_path

        try:
            path, chip = await asyncio.to_thread(paste_clipboard_image)
        except ClipboardImageError as error:
            if self.app.clipboard:  # text copied in the app: Ctrl+V pastes it, as before
                self.action_paste()
            else:
                self.notify(str(error), title="Ctrl+V", severity="warning")
            return
        self.pastes.keep(chip, written_path(str(path)))
        if result := self._replace_via_keyboard(chip, *self.selection):
            self.move_cursor(result.end_location)

    def action_delete_left(self) -> None:
        """Backspace: a paste chip just before the cursor goes as a whole."""
        row, column = self.cursor_location
        chip = self.pastes.chip_ending(self.document[row][:column])
        if chip is None or not self.selection.is_empty:
            super().action_delete_left()
            return
        self.delete((row, column - len(chip)), (row, column))

    @property
    def full_text(self) -> str:
        """The prompt as it will be sent: each paste chip replaced by its text."""
        return self.pastes.expand(self.text)

    def _browse(self, back: bool) -> bool:
        """Up on the first line / Down on the last: the history. True when handled."""
        history = self.prompt_history
        if history is None:
            return False
        row = self.cursor_location[0]
        if back and row == 0:
            text = history.previous(self.text)
        elif not back and row == self.document.line_count - 1:
            text = history.next()
        else:
            return False
        if text is None:
            return back
        self.put_back(text)
        return True

    def put_back(self, text: str) -> None:
        """Replace the prompt's text with ``text`` (a note, a queued or rewound prompt, the
        editor's text), the cursor at its end: typing goes on after it, not before it."""
        self.load_text(text)
        self.move_cursor(self.document.end)

    def action_newline(self) -> None:
        """Insert a line break."""
        self.insert("\n")

    def action_external_editor(self) -> None:
        """Write the prompt in ``$VISUAL`` / ``$EDITOR``; its text comes back, not sent."""
        try:
            text = edit_text(self.full_text, suspended=self._suspended)
        except EditorError as error:
            self.notify(str(error), severity="warning")
            return
        self.put_back(text)
        self.focus()

    def _suspended(self) -> contextlib.AbstractContextManager[None]:
        """The terminal handed to the editor while it runs."""
        return terminal_handed_over(self.app)

    def action_submit(self) -> None:
        """Send the text (unless it is blank) and empty the prompt."""
        text = self.full_text
        if not text.strip():
            return
        if self.prompt_history is not None:
            self.prompt_history.add(text)
        self.clear()
        self.pastes.clear()
        self.post_message(self.Submitted(text))


class PromptArea(Vertical):
    """The prompt and the completion list that opens above it.

    Args:
        history: The project's prompt history.
        list_files: Gives the project's files (relative paths) for ``@`` completion.
    """

    DEFAULT_CSS = """
    PromptArea {
        height: auto;
        & > #completions {
            display: none;
            height: auto;
            max-height: 8;
            border: none;
            padding: 0 1;
            background: $panel;
        }
        & > #completions.-open { display: block; }
        & > PromptInput {
            height: auto;
            min-height: 1;
            max-height: 10;
            border: none;
            padding: 0 1;
            background: $surface;
        }
    }
    """

    def __init__(
        self,
        history: PromptHistory | None = None,
        list_files: FileLister | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.prompt_history = history
        self.list_files = list_files
        self._files: list[str] | None = None
        self._token: tuple[str, int, str] | None = None
        self._completions: OptionList | None = None
        # The custom commands, offered after the built-in ones (set once they are read).
        self.custom_commands: tuple[SlashCommand, ...] = ()

    def compose(self) -> ComposeResult:
        yield PromptInput(self.prompt_history, id="prompt-input")

    @property
    def input(self) -> PromptInput:
        """The text area."""
        return self.query_one(PromptInput)

    @property
    def completions(self) -> OptionList:
        """The completion list (made when first needed, to start faster)."""
        if self._completions is None:
            self._completions = OptionList(id="completions")
            self.mount(self._completions, before=self.input)
        return self._completions

    @property
    def completing(self) -> bool:
        """Whether the completion list is open."""
        return self._completions is not None and self._completions.has_class("-open")

    def completion_key(self, key: str) -> bool:
        """Keys the open completion list takes; True when handled."""
        if not self.completing:
            return False
        # The list follows the text through Changed messages, which keys typed quickly
        # overtake: read the text as it is now before acting on the list.
        self._refresh_completions()
        if not self.completing:
            return False
        options = self.completions
        if key in ("up", "down"):
            options.action_cursor_up() if key == "up" else options.action_cursor_down()
            return True
        if key == "escape":
            self._close()
            return True
        if key in ("tab", "enter"):
            option = options.highlighted_option
            if option is None or option.id is None:
                return False
            if key == "enter" and self._typed_in_full(option.id):
                self._close()
                return False
            self._accept(option.id)
            return True
        return False

    def _typed_in_full(self, highlighted: str) -> bool:
        """Whether Enter should send what was typed rather than take ``highlighted``:
        the typed word is already a whole command (``/mode`` while ``/model`` is
        highlighted) or the highlighted path itself."""
        if self._token is None:
            return False
        kind, _, typed = self._token
        if kind == "command":
            commands = (*COMMANDS, *self.custom_commands)
            return any(command.name.casefold() == typed.casefold() for command in commands)
        return typed == highlighted

    @on(TextArea.Changed, "PromptInput")
    @on(TextArea.SelectionChanged, "PromptInput")
    def _text_changed(self) -> None:
        self._refresh_completions()

    def _refresh_completions(self) -> None:
        text_area = self.input
        row, column = text_area.cursor_location
        before = text_area.document.get_line(row)[:column]
        command = _COMMAND_TOKEN.match(before) if row == 0 else None
        if command:
            self._token = ("command", 0, command[1])
            options = [
                Option(
                    Content.from_markup(
                        "[b]$usage[/]  [$text-muted]$help[/]", usage=c.usage, help=c.help
                    ),
                    id=c.name,
                )
                for c in matching(command[1], self.custom_commands)
            ]
            self._show(options)
            return
        path = _FILE_TOKEN.search(before)
        if path and self.list_files is not None:
            self._token = ("file", column - len(path[1]), path[1])
            if self._files is None:
                self._load_files()
                return
            self._show([Option(name, id=name) for name in _match_files(self._files, path[1])])
            return
        self._token = None
        self._close()

    @work(exclusive=True, group="prompt-files", exit_on_error=False)
    async def _load_files(self) -> None:
        assert self.list_files is not None
        self._files = await self.list_files()
        self._refresh_completions()

    def _show(self, options: list[Option]) -> None:
        completions = self.completions
        completions.set_options(options)
        completions.set_class(bool(options), "-open")
        if options:
            completions.highlighted = 0

    def _close(self) -> None:
        if self._completions is not None:
            self._completions.remove_class("-open")

    def _accept(self, value: str) -> None:
        token = self._token
        self._close()
        if token is None:
            return
        kind, start, _ = token
        text_area = self.input
        row, column = text_area.cursor_location
        if kind == "command":
            text_area.replace(f"/{value} ", (0, 0), (0, column))
        elif value.endswith("/"):
            # A directory: completion goes on with what it holds.
            text_area.replace(value, (row, start), (row, column))
        else:
            text_area.replace(f"{value} ", (row, start), (row, column))
        self._token = None


def _match_files(files: list[str], typed: str) -> list[str]:
    """Paths containing ``typed``; names starting with it first, then shorter paths.

    ``files`` holds directories too (``docs/``)."""
    needle = typed.lower()
    # A directory typed in full is not offered again: what it holds is.
    found = [
        name
        for name in files
        if needle in name.lower() and not (name.endswith("/") and name.lower() == needle)
    ]

    def rank(name: str) -> tuple[int, int, str]:
        base = name.rsplit("/", 1)[-1].lower()
        return (0 if base.startswith(needle) else 1, len(name), name)

    return sorted(found, key=rank)[:MAX_FILE_MATCHES]
