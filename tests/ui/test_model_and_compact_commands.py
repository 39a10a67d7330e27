"""``/model NAME`` is checked against the server's list; ``/compact`` on request compacts
whatever there is and says how much it saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.core.agent.compact import SUMMARY_PREFIX
from tests.helpers.app import converse, idle, main_screen, make_app, make_config, notices, wait_for
from tests.scripted_server import ScriptedServer, Turn

pytestmark = pytest.mark.usefixtures("home")

MODELS = ["qwen2.5-coder:7b", "qwen2.5-coder:32b", "llama3.1:8b", "phi4:latest"]


async def test_model_with_an_unknown_name_names_close_ones_and_keeps_the_model(
    project: Path,
) -> None:
    with ScriptedServer([Turn(text="still llama")], models=MODELS) as server:
        app = make_app(make_config(project, server.base_url, model="llama3.1:8b"))
        async with app.run_test(size=(120, 40)) as pilot:
            await idle(pilot)
            await converse(pilot, "/model qwen2.5-coder")
            await wait_for(pilot, lambda: "close matches" in " ".join(notices(app)))
            said = notices(app)[-1]
            assert "no model 'qwen2.5-coder'" in said
            assert "qwen2.5-coder:7b, qwen2.5-coder:32b" in said
            assert "still using llama3.1:8b" in said
            screen = main_screen(app)
            assert screen.status.status.model == "llama3.1:8b"
            await converse(pilot, "hello")
        assert server.last_request.model == "llama3.1:8b"


async def test_model_with_a_listed_name_switches_and_ollamas_latest_is_implied(
    project: Path,
) -> None:
    with ScriptedServer([Turn(text="from phi")], models=MODELS) as server:
        app = make_app(make_config(project, server.base_url, model="llama3.1:8b"))
        async with app.run_test(size=(120, 40)) as pilot:
            await idle(pilot)
            await converse(pilot, "/model phi4")
            screen = main_screen(app)
            await wait_for(pilot, lambda: screen.status.status.model == "phi4:latest")
            assert notices(app)[-1] == "Model: phi4:latest"
            await converse(pilot, "hello")
        assert server.last_request.model == "phi4:latest"


async def test_compact_on_request_compacts_a_short_conversation_and_says_what_it_saved(
    project: Path, scripted_server: ScriptedServer
) -> None:
    # Far below the automatic threshold, and most of it recent: automatic compaction
    # would not touch it; asked for, everything before the last answer is summarised.
    scripted_server.script(
        Turn(text="A long explanation. " * 60),
        Turn(text="Short answer."),
        Turn(text="Explained the code; answered briefly."),
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "explain the code")
        await converse(pilot, "and briefly?")
        await converse(pilot, "/compact")
        await wait_for(pilot, lambda: "saved" in notices(app)[-1])
        said = notices(app)[-1]
        session = main_screen(app).session
        assert session is not None and session.agent is not None
        messages = session.agent.messages
    assert "compacted the conversation: about" in said and "→" in said
    before, after = (int(n.replace(",", "")) for n in _numbers_around_arrow(said))
    assert after < before
    assert f"({before - after:,} saved)" in said
    # The user's words stay; the long answer is replaced by the summary; the last stays.
    assert [m["content"] for m in messages if m["role"] == "user"][:2] == [
        "explain the code",
        "and briefly?",
    ]
    assert not any("A long explanation." in str(m.get("content")) for m in messages)
    assert any(SUMMARY_PREFIX in str(m.get("content")) for m in messages)
    assert "Short answer." in str(messages[-1].get("content"))


def _numbers_around_arrow(text: str) -> tuple[str, str]:
    left, right = text.split("→")
    return left.split()[-1], right.split()[0]
