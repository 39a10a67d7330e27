"""Speech to text through an OpenAI-compatible ``/audio/transcriptions`` endpoint.

whisper.cpp's server, speaches, vLLM and the hosted API all take a multipart upload of an
audio file and a model name, and answer ``{"text": ...}``. The openai SDK makes the
request, so errors read as the chat's do.
"""

from __future__ import annotations

from pathlib import Path

from openclaude_tui.core.llm.errors import ProviderError, translate_error

# The model name sent when none is configured: the hosted API's, which local servers that
# serve one model ignore.
DEFAULT_MODEL = "whisper-1"
# An upload is read whole: a longer recording than this is refused before it is sent.
MAX_AUDIO_BYTES = 25 * 1024 * 1024
TIMEOUT_SECONDS = 120.0


class TranscriptionError(Exception):
    """The audio could not be turned into text; ``str(error)`` says why, in one sentence."""


async def transcribe(audio: Path, base_url: str, model: str | None, api_key: str | None) -> str:
    """The text spoken in ``audio`` (a WAV file, say), stripped.

    Args:
        audio: The recording.
        base_url: The endpoint's base URL (``http://localhost:8080/v1``); the request goes
            to ``BASE_URL/audio/transcriptions``.
        model: The transcription model (``DEFAULT_MODEL`` when None).
        api_key: The key sent as a bearer token (None: a placeholder local servers ignore).

    Raises:
        TranscriptionError: the file cannot be read, or the endpoint failed.
    """
    import openai

    try:
        size = audio.stat().st_size
        if size > MAX_AUDIO_BYTES:
            raise TranscriptionError(
                f"{audio} is {size // (1024 * 1024)} MB; at most "
                f"{MAX_AUDIO_BYTES // (1024 * 1024)} MB can be transcribed"
            )
        data = audio.read_bytes()
    except OSError as error:
        raise TranscriptionError(f"cannot read {audio}: {error.strerror}") from error
    if not data:
        raise TranscriptionError(f"{audio} is empty")
    name = model or DEFAULT_MODEL
    client = openai.AsyncOpenAI(
        base_url=base_url, api_key=api_key or "none", max_retries=0, timeout=TIMEOUT_SECONDS
    )
    try:
        result = await client.audio.transcriptions.create(
            model=name, file=(audio.name, data), response_format="json"
        )
    except (openai.OpenAIError, ValueError) as error:
        reason: ProviderError = translate_error(error, base_url, name)
        raise TranscriptionError(f"transcription failed: {reason}") from error
    finally:
        await client.close()
    return str(getattr(result, "text", "") or "").strip()
