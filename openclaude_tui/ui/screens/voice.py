"""Voice input on the main screen: ``/transcribe FILE`` and ``/voice`` or Alt+V (record, then
again to stop), the text put in the prompt for editing, never sent by itself. Terminals report
no key releases, so the key toggles rather than being held."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from openclaude_tui.core.llm.transcription import TranscriptionError, transcribe
from openclaude_tui.core.voice import (
    NO_ENDPOINT,
    Recording,
    RecordingError,
    transcription_endpoint,
)
from openclaude_tui.ui.screens.main_base import MainScreenBase
from openclaude_tui.ui.widgets.chat_items import Level, NoticeItem


class VoiceInput(MainScreenBase):
    """``/transcribe``, and ``/voice`` or its key."""

    # Textual merges the bindings of every class of the screen. A priority binding: a
    # terminal's Alt+V arrives as ``alt+v`` carrying the character ``v``, which the focused
    # prompt would otherwise type.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("alt+v", "voice", "Voice input", show=False, priority=True, id="voice"),
    ]

    recording: Recording | None = None

    def action_voice(self) -> None:
        """Start or stop recording, as ``/voice`` does."""
        self.command_voice()

    def command_transcribe(self, argument: str = "") -> None:
        """Transcribe an audio file (WAV, say) into the prompt."""
        if not argument:
            self._say("usage: /transcribe FILE (a WAV recording)", "warning")
            return
        path = Path(argument).expanduser()
        if not path.is_absolute():
            path = self.config.cwd / path
        if not path.is_file():
            self._say(f"no such file: {argument}", "warning")
            return
        self._transcribe(path)

    def command_voice(self, argument: str = "") -> None:
        """Start recording from the microphone; the second /voice stops and transcribes."""
        if self.recording is not None:
            recording, self.recording = self.recording, None
            self._transcribe_recording(recording)
            return
        # Said before recording, not after a speech nobody can transcribe.
        if transcription_endpoint(self.config, os.environ) is None:
            self._say(NO_ENDPOINT, "warning")
            return
        try:
            self.recording = Recording()
        except RecordingError as error:
            self._say(str(error), "warning")
            return
        self._say(f"Recording with {self.recording.program}… Alt+V or /voice again to stop", "info")

    async def on_unmount(self) -> None:
        """A recording still running when the app ends is stopped and deleted (Textual calls
        this beside the screen's own ``on_unmount``: each class's handler runs)."""
        if self.recording is not None:
            self.recording.cancel()
            self.recording = None

    @work(group="voice", exit_on_error=False)
    async def _transcribe_recording(self, recording: Recording) -> None:
        # In a thread: the recorder may take a moment to write its file and exit.
        try:
            path = await asyncio.to_thread(recording.stop)
        except RecordingError as error:
            self._say(str(error), "warning")
            return
        self._transcribe(path, remove=True)

    @work(group="voice", exit_on_error=False)
    async def _transcribe(self, path: Path, remove: bool = False) -> None:
        endpoint = transcription_endpoint(self.config, os.environ)
        try:
            if endpoint is None:
                self._say(NO_ENDPOINT, "warning")
                return
            self._say("Transcribing…", "muted")
            text = await transcribe(path, endpoint.url, endpoint.model, endpoint.api_key)
        except TranscriptionError as error:
            self._say(str(error), "error")
            return
        finally:
            if remove:
                path.unlink(missing_ok=True)
        if not text:
            self._say("nothing was heard in the recording", "warning")
            return
        prompt = self.prompt_input
        before = prompt.text
        # Joined to what is typed with a space, at the end where the cursor usually is.
        prompt.move_cursor(prompt.document.end)
        prompt.insert(text if not before or before[-1].isspace() else f" {text}")
        prompt.focus()

    def _say(self, text: str, level: Level) -> None:
        icon = {"warning": "!", "error": "✗"}.get(level, "·")
        self.chat.add_item(NoticeItem(text, level, icon))
