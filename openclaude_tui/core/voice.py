"""Voice input without a UI: where recordings are transcribed, and a recording in progress.

The endpoint is ``transcription_url`` and ``transcription_model`` from the settings; its key
is ``TRANSCRIPTION_API_KEY``, else the chat server's own key when the endpoint is on the same
host (the key never goes to another host). A recording is made by a recorder found on the
PATH (ALSA's ``arecord``, or SoX's ``rec``) into a WAV file, and ended with SIGINT, on which
both write a complete file.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from openclaude_tui.core.settings.config import Config

KEY_VARIABLE = "TRANSCRIPTION_API_KEY"
NO_ENDPOINT = (
    "voice input needs a speech-to-text endpoint: set transcription_url (an OpenAI-compatible "
    "/v1 base such as whisper.cpp's server, speaches or vLLM) in your config, or "
    "TRANSCRIPTION_URL"
)
# The recorders tried in order, with the arguments that record 16 kHz mono WAV to a file.
RECORDERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("arecord", ("-q", "-f", "S16_LE", "-r", "16000", "-c", "1", "-t", "wav")),
    ("rec", ("-q", "-c", "1", "-r", "16000", "-b", "16")),
)
NO_RECORDER = (
    "no audio recorder found: install ALSA's arecord (alsa-utils) or SoX's rec, or record a "
    "WAV file yourself and use /transcribe FILE"
)
STOP_SECONDS = 5.0
WAV_HEADER_BYTES = 44


@dataclass(frozen=True)
class TranscriptionEndpoint:
    """Where a recording is sent: the base URL, the model (None: the default) and the key."""

    url: str
    model: str | None
    api_key: str | None = field(default=None, repr=False)


def transcription_endpoint(config: Config, env: Mapping[str, str]) -> TranscriptionEndpoint | None:
    """The configured endpoint, or None when ``transcription_url`` is not set."""
    url = config.transcription_url
    if not url:
        return None
    key = env.get(KEY_VARIABLE) or None
    if key is None and _host(url) == _host(config.base_url):
        key = config.api_key
    return TranscriptionEndpoint(url, config.transcription_model, key)


def _host(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    return (parts.hostname or "", parts.port)


class RecordingError(Exception):
    """A recording could not start or produced nothing; ``str(error)`` says why."""


class Recording:
    """A recording from the microphone into a temporary WAV file, until ``stop``.

    Raises:
        RecordingError: no recorder was found, or it could not start.
    """

    def __init__(self) -> None:
        found = next(
            ((path, args) for name, args in RECORDERS if (path := shutil.which(name)) is not None),
            None,
        )
        if found is None:
            raise RecordingError(NO_RECORDER)
        program, args = found
        self.program = Path(program).name
        handle, name = tempfile.mkstemp(prefix="openclaude-voice-", suffix=".wav")
        os.close(handle)
        self.path = Path(name)
        # Kept open for the recorder to write to until it stops.
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self._process = subprocess.Popen(
                [program, *args, str(self.path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._errors,
                # Its own session: Ctrl+C in the terminal does not reach it.
                start_new_session=True,
            )
        except OSError as error:
            self._discard()
            raise RecordingError(f"cannot start {self.program}: {error.strerror}") from error

    def stop(self) -> Path:
        """End the recording; the WAV file (the caller deletes it).

        Raises:
            RecordingError: the recorder failed (its message) or recorded nothing.
        """
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
            try:
                self._process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        # Recorders exit with differing codes on SIGINT: what counts is the sound kept.
        if not self.path.exists() or self.path.stat().st_size <= WAV_HEADER_BYTES:
            self._errors.seek(0)
            said = self._errors.read().decode("utf-8", "replace").strip().splitlines()
            self._discard()
            reason = said[-1] if said else "nothing was recorded"
            raise RecordingError(f"{self.program}: {reason}")
        self._errors.close()
        return self.path

    def cancel(self) -> None:
        """End the recording and delete it."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._discard()

    def _discard(self) -> None:
        self._errors.close()
        self.path.unlink(missing_ok=True)
