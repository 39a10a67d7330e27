"""``openclaude replay`` in the app: a session saved by a real run is played back with its
prompts, answers and tool cards, no request ever reaches the server, the prompt sends
nothing, space pauses and + / - change the speed shown beside the footer."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input, Static

from openclaude_tui.core.sessions import store
from openclaude_tui.core.sessions.transcript import read_transcript
from openclaude_tui.ui.replay_app import ReplayApp
from tests.helpers.app import CLOSED_URL, READ, main_screen, make_config, screen_text, wait_to_show
from tests.helpers.sessions import run_and_save
from tests.scripted_server import ScriptedServer, Turn


async def _save(project: Path, server: ScriptedServer, *prompts: str) -> Path:
    """Run ``prompts`` in a session of ``project`` without the app; its transcript."""
    saved = await run_and_save(make_config(project, server.base_url), *prompts)
    return store.find_session(project, saved)


def _badge(app: ReplayApp) -> str:
    return str(main_screen(app).query_one("#mode-badge", Static).render())


async def test_replay_shows_the_saved_conversation_and_sends_nothing(project: Path) -> None:
    turns = [Turn(tool_calls=[READ]), Turn(text="LIMIT is ten.")]
    with ScriptedServer(turns) as server:
        path = await _save(project, server, "what is the limit in app.py?")
        made = len(server.requests)
        app = ReplayApp(make_config(project, server.base_url), read_transcript(path), "saved")
        async with app.run_test(size=(110, 30)) as pilot:
            text = await wait_to_show(
                pilot, "what is the limit in app.py?", "LIMIT is ten.", "End of the replay"
            )
            assert text.index("what is the limit") < text.index("LIMIT is ten.")
            screen = main_screen(app)
            assert [(card.name, card.state) for card in screen.cards.values()] == [("Read", "done")]
            assert "replay over" in _badge(app)
            # The prompt takes nothing, and Enter sends nothing.
            screen.prompt_input.focus()
            await pilot.press(*"again", "enter")
            await pilot.pause()
            assert screen.prompt_input.text == "" and not screen.running
            assert "again" not in screen_text(app)
        assert len(server.requests) == made


def _slow_transcript(folder: Path) -> Path:
    """A transcript whose answer came ten minutes after its prompt (cut to a few seconds)."""
    records = [
        {"type": "session", "version": 1, "id": "slow", "model": "old-model", "at": 0.0},
        {"type": "prompt", "text": "take your time", "at": 0.0},
        {"type": "message", "message": {"role": "assistant", "content": "Done at last."},
         "at": 600.0},
        {"type": "turn_end", "reason": "end_turn", "at": 600.0},
    ]  # fmt: skip
    path = folder / "slow.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


async def test_space_pauses_the_replay_and_plus_and_minus_change_its_speed(
    project: Path, tmp_path: Path
) -> None:
    transcript = read_transcript(_slow_transcript(tmp_path))
    with ScriptedServer() as server:
        app = ReplayApp(make_config(project, server.base_url), transcript, "slow")
        async with app.run_test(size=(100, 24)) as pilot:
            await wait_to_show(pilot, "take your time")
            screen = main_screen(app)
            assert "▶ replay · 1×" in _badge(app) and "old-model" in screen_text(app)
            await pilot.press("space")
            assert screen.player.paused and "⏸ paused · 1×" in _badge(app)
            await pilot.press("plus", "plus", "minus")
            assert "paused · 2×" in _badge(app)
            await pilot.pause(0.3)
            assert "Done at last." not in screen_text(app)
            await pilot.press("plus", "plus", "plus", "space")
            assert "▶ replay · 16×" in _badge(app)
            await wait_to_show(pilot, "Done at last.", "End of the replay")
        assert server.requests == []


async def test_the_search_field_keeps_space_plus_and_minus_during_a_replay(
    project: Path, tmp_path: Path
) -> None:
    transcript = read_transcript(_slow_transcript(tmp_path))
    app = ReplayApp(make_config(project, CLOSED_URL), transcript, "slow")
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_to_show(pilot, "take your time")
        screen = main_screen(app)
        await pilot.press("ctrl+f")
        await pilot.press(*"a b", "plus", "minus")
        assert screen.query_one("#search", Input).value == "a b+-"
        assert not screen.player.paused and screen.player.speed == 1.0
