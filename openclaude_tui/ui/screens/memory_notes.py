"""The project's memory file from the main screen: ``# note`` saves a line to it, ``/memory``
opens it in the user's editor. Which file, and how it is written, is
``core.prompt.memory_file``'s; the system prompt reads it again once it changed."""

from __future__ import annotations

from pathlib import Path

from openclaude_tui.core.prompt.memory_file import (
    MemoryFileError,
    memory_note,
    remember,
    writable_memory_file,
)
from openclaude_tui.ui.external_editor import EditorError, edit_file, terminal_handed_over
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
        try:
            path = remember(self.config.project_root, note)
        except MemoryFileError as error:
            self.chat.add_item(NoticeItem(f"not remembered: {error}", "warning", "!"))
            return True
        self.chat.add_item(NoticeItem(f"Remembered in {path.name}: {note}", "muted", "#"))
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
