"""Voice input in the app: a recording's words land in the prompt for editing, never sent by
themselves; without an endpoint or a recorder the command says what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.ui.app import OpenClaudeApp
from openclaude_tui.ui.widgets.chat_items import NoticeItem
from tests.helpers.app import CLOSED_URL, idle, main_screen, make_app, make_config, send, wait_for
from tests.helpers.voice import install_recorder, write_wav
from tests.route_server import RouteServer, transcription_routes
from tests.scripted_server import ScriptedServer

pytestmark = pytest.mark.usefixtures("home")

SPOKEN = "Add a test for the login check."


def _app_with_speech(project: Path, chat: ScriptedServer, speech: RouteServer) -> OpenClaudeApp:
    """The app on the scripted chat server, with ``speech`` as its transcription endpoint."""
    config = make_config(project, chat.base_url)
    config.transcription_url = f"{speech.url}/v1"
    return make_app(config)


def _notices(app: object) -> list[str]:
    return [item.text for item in main_screen(app).chat.items if isinstance(item, NoticeItem)]


async def test_transcribe_puts_the_words_in_the_prompt_unsent(
    project: Path, scripted_server: ScriptedServer
) -> None:
    write_wav(project / "note.wav")
    with RouteServer(transcription_routes(SPOKEN)) as speech:
        app = _app_with_speech(project, scripted_server, speech)
        async with app.run_test(size=(120, 40)) as pilot:
            await idle(pilot)
            prompt = main_screen(app).prompt_input
            await send(pilot, "/transcribe note.wav")
            await wait_for(pilot, lambda: prompt.text == SPOKEN)
        [(_, path, fields)] = speech.requests
    assert path == "/v1/audio/transcriptions"
    assert fields["file"]["data"] == (project / "note.wav").read_bytes()
    assert scripted_server.chat_requests == []


async def test_voice_records_then_transcribes_into_the_prompt(
    project: Path, tmp_path: Path, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = install_recorder(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with RouteServer(transcription_routes(SPOKEN)) as speech:
        app = _app_with_speech(project, scripted_server, speech)
        async with app.run_test(size=(120, 40)) as pilot:
            await idle(pilot)
            screen = main_screen(app)
            screen.prompt_input.load_text("Please")
            await pilot.press("alt+v")
            await wait_for(pilot, started.exists)
            recording = screen.recording
            assert recording is not None
            await pilot.press("alt+v")
            await wait_for(pilot, lambda: screen.prompt_input.text == f"Please {SPOKEN}")
            # The recording was 16 kHz mono WAV, and it is deleted once transcribed.
            assert "-r 16000 -c 1 -t wav" in started.read_text()
            assert not recording.path.exists()
        [(_, _, fields)] = speech.requests
    assert fields["file"]["data"].startswith(b"RIFF")
    assert scripted_server.chat_requests == []


async def test_voice_says_what_is_missing(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    config = make_config(project, CLOSED_URL)
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        screen.command_voice()
        await wait_for(pilot, lambda: any("transcription_url" in n for n in _notices(app)))
        config.transcription_url = "http://127.0.0.1:9/v1"
        screen.command_voice()
        await wait_for(pilot, lambda: any("no audio recorder found" in n for n in _notices(app)))
        screen.command_transcribe("missing.wav")
        await wait_for(pilot, lambda: any("no such file: missing.wav" in n for n in _notices(app)))
        assert screen.recording is None and screen.prompt_input.text == ""
