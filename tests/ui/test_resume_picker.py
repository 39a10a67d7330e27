"""Resuming in the app: the picker (``/resume``, ``--resume``), typing to filter it, and the
resumed conversation shown and continued. Sessions are saved by real runs of the core
session against the scripted server."""

from __future__ import annotations

from pathlib import Path

from openclaude_tui.core.sessions import store
from openclaude_tui.ui.screens.resume import ResumeScreen
from openclaude_tui.ui.widgets.tool_card import ToolCardItem
from tests.helpers.app import (
    READ,
    converse,
    idle,
    main_screen,
    make_app,
    make_config,
    send,
    wait_for,
    wait_to_show,
)
from tests.helpers.sessions import run_and_save
from tests.scripted_server import ScriptedServer, Turn


async def _save(project: Path, server: ScriptedServer, *prompts: str) -> str:
    """Run ``prompts`` in a session of ``project`` without the app; the session's id."""
    return await run_and_save(make_config(project, server.base_url), *prompts)


async def test_resume_lists_the_sessions_filters_them_and_continues_the_one_chosen(
    project: Path,
) -> None:
    turns = [
        Turn(tool_calls=[READ]),
        Turn(text="LIMIT is ten."),
        Turn(text="Hello there."),
        Turn(text="Twenty it is."),
    ]
    with ScriptedServer(turns) as server:
        chosen = await _save(project, server, "what is the limit in app.py?")
        await _save(project, server, "say hello")
        app = make_app(make_config(project, server.base_url))
        async with app.run_test(size=(120, 36)) as pilot:
            await idle(pilot)
            await send(pilot, "/resume")
            await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen))
            picker = app.screen
            assert isinstance(picker, ResumeScreen)
            assert [info.first_prompt for info in picker.shown] == [
                "say hello",
                "what is the limit in app.py?",
            ]
            await pilot.press(*"limit")
            assert [info.id for info in picker.shown] == [chosen]
            await pilot.press("enter")
            screen = main_screen(app)
            await wait_to_show(pilot, "what is the limit in app.py?", "LIMIT is ten.")
            cards = list(screen.cards.values())
            assert [(card.name, card.state) for card in cards] == [("Read", "done")]
            assert isinstance(cards[0], ToolCardItem) and "LIMIT = 10" in cards[0].body
            await converse(pilot, "make it twenty")
            await wait_to_show(pilot, "Twenty it is.")
        sent = server.chat_requests[-1].messages
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "tool", "assistant", "user"]
    assert sent[1]["content"] == "what is the limit in app.py?"
    assert sent[-1]["content"] == "make it twenty"
    # Continued in the chosen session's file: still two sessions.
    listed = store.list_sessions(project)
    assert len(listed) == 2 and listed[0].id == chosen


async def test_resume_with_an_id_at_start_shows_the_conversation(project: Path) -> None:
    with ScriptedServer(["First answer.", "Second answer."]) as server:
        saved = await _save(project, server, "first question")
        path = store.find_session(project, saved)
        app = make_app(make_config(project, server.base_url), resume=path)
        async with app.run_test(size=(100, 30)) as pilot:
            text = await wait_to_show(pilot, "first question", "First answer.", "Resumed session")
            assert text.index("first question") < text.index("First answer.")
            await converse(pilot, "second question")
        sent = server.chat_requests[-1].messages
    assert [m["content"] for m in sent[1:]] == [
        "first question",
        "First answer.",
        "second question",
    ]


async def test_the_picker_at_start_closed_with_escape_leaves_a_new_session(project: Path) -> None:
    with ScriptedServer(["An answer.", "Fresh."]) as server:
        await _save(project, server, "an old question")
        app = make_app(make_config(project, server.base_url), pick=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen))
            await pilot.press(*"nothing like it")
            assert "no session matches" in str(app.screen.query_one("#hint").render())
            await pilot.press("escape")
            await converse(pilot, "new question")
        sent = server.chat_requests[-1].messages
    assert [m["content"] for m in sent[1:]] == ["new question"]
    assert len(store.list_sessions(project)) == 2
