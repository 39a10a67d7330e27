"""The memory files from the main screen: ``# note`` saves a line to the project's or the
user's memory file (the user chooses which), ``/memory`` opens the project's in the user's
editor. Which file, and how it is written, is ``core.prompt.memory_file``'s; the system
prompt reads it again once it changed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from rich.text import Text

from openclaude_tui.core.prompt.memory_file import (
    MemoryFileError,
    MemoryScope,
    memory_file,
    memory_note,
    remember,
    user_memory_file,
    writable_memory_file,
)
from openclaude_tui.paths import shown_home
from openclaude_tui.ui.external_editor import EditorError, edit_file, terminal_handed_over
from openclaude_tui.ui.screens.choice import ChoiceScreen
from openclaude_tui.ui.screens.main_base import MainScreenBase
from openclaude_tui.ui.widgets.chat_items import NoticeItem


class MemoryNotes(MainScreenBase):
    """``# note`` and ``/memory``."""

    def remember_note(self, text: str) -> bool:
        """Save a ``# note`` prompt to the memory file instead of sending it; False when
        ``text`` is no such prompt (it is sent as usual)."""
        note = memory_note(text)
        if note is None:
            return False
        if not note:
            self.chat.add_item(NoticeItem("write the note after the #", "warning", "!"))
            return True

        def chosen(scope: MemoryScope | None) -> None:
            if scope is not None and self.save_to_memory([note], scope):
                return
            # Nothing is lost (cancelled, or the file could not be written): the note goes
            # back to the prompt, to edit or send, before whatever was typed meanwhile.
            typed = self.prompt_input.text
            self.prompt_input.put_back(f"{text}\n\n{typed}" if typed else text)
            if scope is None:
                self.chat.add_item(NoticeItem("not remembered", "muted", "#"))

        question = Text("Remember this note where?\n")
        question.append(note, "bold")
        self.ask_memory_scope(question, chosen)
        return True

    def ask_memory_scope(
        self, question: str | Text, chosen: Callable[[MemoryScope | None], None]
    ) -> None:
        """Ask which memory file to write, the project's or the user's own."""
        project = memory_file(self.config.project_root).name
        user = shown_home(user_memory_file())
        answers = [
            ("project", f"Project memory  {project}  (for everyone working on this project)"),
            ("user", f"User memory  {user}  (for you, in every project)"),
        ]

        def answered(answer: str | None) -> None:
            chosen("user" if answer == "user" else "project" if answer == "project" else None)

        self.app.push_screen(ChoiceScreen("Memory", question, answers), answered)

    def save_to_memory(self, notes: Sequence[str], scope: MemoryScope) -> bool:
        """Append ``notes`` to the memory file of ``scope``; the chat says where, or why not
        (False)."""
        try:
            path = remember(self.config.project_root, notes, scope)
        except MemoryFileError as error:
            self.chat.add_item(NoticeItem(f"not remembered: {error}", "warning", "!"))
            return False
        where = path.name if scope == "project" else shown_home(path)
        what = notes[0] if len(notes) == 1 else f"{len(notes)} notes"
        self.chat.add_item(NoticeItem(f"Remembered in {where}: {what}", "muted", "#"))
        return True

    def command_memory(self, argument: str = "") -> None:
        """Open the project's memory file in ``$VISUAL`` / ``$EDITOR``."""
        try:
            path = writable_memory_file(self.config.project_root)
            before = _state(path)
            edit_file(path, suspended=lambda: terminal_handed_over(self.app))
        except (MemoryFileError, EditorError) as error:
            self.chat.add_item(NoticeItem(f"/memory: {error}", "warning", "!"))
            return
        if _state(path) == before:
            self.chat.add_item(NoticeItem(f"{path.name} unchanged", "muted"))
        else:
            # The system prompt is built again when a memory file changes.
            text = f"{path.name} saved; the model reads it from its next request"
            self.chat.add_item(NoticeItem(text, "muted"))


def _state(path: Path) -> tuple[int, int] | None:
    """The file's modification time and size (None when it does not exist)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size
