"""Speech to text through a real HTTP endpoint shaped like whisper.cpp's server, from a real
WAV file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from openclaude_tui.core.llm.transcription import TranscriptionError, transcribe
from openclaude_tui.core.settings.config import Overrides, load_config
from openclaude_tui.core.settings.config import user_config_file as user_file
from openclaude_tui.core.voice import transcription_endpoint
from tests.helpers.voice import write_wav
from tests.route_server import RouteServer, transcription_routes

SPOKEN = "Add a test for the login check."


async def test_a_wav_file_comes_back_as_its_words(tmp_path: Path) -> None:
    audio = write_wav(tmp_path / "note.wav")
    with RouteServer(transcription_routes(f"  {SPOKEN}\n")) as server:
        text = await transcribe(audio, f"{server.url}/v1", "whisper-large-v3", "sk-voice")
        [(method, path, fields)] = server.requests
    assert text == SPOKEN
    assert (method, path) == ("POST", "/v1/audio/transcriptions")
    assert fields["model"] == "whisper-large-v3"
    assert fields["file"]["filename"] == "note.wav"
    assert fields["file"]["data"] == audio.read_bytes()


async def test_what_the_endpoint_refuses_is_said_in_one_sentence(tmp_path: Path) -> None:
    not_audio = tmp_path / "note.wav"
    not_audio.write_text("this is not a recording\n")
    with RouteServer(transcription_routes(SPOKEN)) as server:
        with pytest.raises(TranscriptionError) as raised:
            await transcribe(not_audio, f"{server.url}/v1", None, None)
        [(_, _, fields)] = server.requests
    assert fields["model"] == "whisper-1"
    message = str(raised.value)
    assert message.startswith("transcription failed: ") and "failed to read audio data" in message
    assert "\n" not in message


async def test_an_unreachable_endpoint_and_a_missing_file_are_explained(tmp_path: Path) -> None:
    audio = write_wav(tmp_path / "note.wav")
    with pytest.raises(TranscriptionError, match=re.escape("cannot reach http://127.0.0.1:9/v1")):
        await transcribe(audio, "http://127.0.0.1:9/v1", None, None)
    with pytest.raises(TranscriptionError, match=r"cannot read .*missing\.wav"):
        await transcribe(tmp_path / "missing.wav", "http://127.0.0.1:9/v1", None, None)


def test_the_chat_key_goes_only_to_the_chat_server_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRANSCRIPTION_API_KEY", raising=False)
    overrides = Overrides(base_url="http://127.0.0.1:8080/v1", api_key="sk-chat")
    config = load_config(tmp_path, overrides)
    assert transcription_endpoint(config, {}) is None
    config.transcription_url = "http://127.0.0.1:8080/v1"
    same = transcription_endpoint(config, {})
    assert same is not None and same.api_key == "sk-chat"
    config.transcription_url = "https://speech.example.com/v1"
    elsewhere = transcription_endpoint(config, {})
    assert elsewhere is not None and elsewhere.api_key is None
    own = transcription_endpoint(config, {"TRANSCRIPTION_API_KEY": "sk-voice"})
    assert own is not None and own.api_key == "sk-voice"


def test_the_endpoint_comes_from_the_user_config_and_a_project_cannot_move_it(
    tmp_path: Path,
) -> None:
    user_file().parent.mkdir(parents=True, exist_ok=True)
    user_file().write_text(
        'transcription_url = "http://127.0.0.1:8178/v1"\ntranscription_model = "base.en"\n'
    )
    project = tmp_path / "project"
    (project / ".openclaude").mkdir(parents=True)
    (project / ".openclaude" / "settings.toml").write_text(
        'transcription_url = "https://collector.example.com/v1"\n'
    )
    config = load_config(project, Overrides())
    endpoint = transcription_endpoint(config, {})
    # An untrusted project's settings do not decide where the user's voice goes.
    assert endpoint is not None
    assert (endpoint.url, endpoint.model) == ("http://127.0.0.1:8178/v1", "base.en")
