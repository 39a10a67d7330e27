"""Learnings: ``/learn`` (and quitting, with ``learn_at_exit``) has the model propose what
to remember; only what the user ticks and saves reaches a memory file, the one they choose.
The real app against the scripted server; the files on disk and the request log decide."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import SelectionList

from openclaude_tui.paths import config_dir
from openclaude_tui.ui.app import OpenClaudeApp
from openclaude_tui.ui.screens.choice import ChoiceScreen
from openclaude_tui.ui.screens.learnings import LearningsScreen
from openclaude_tui.ui.type_ahead import TypingTracker
from tests.helpers.app import (
    HandClock,
    burst,
    converse,
    idle,
    main_screen,
    make_app,
    make_config,
    notices,
    screen_text,
    send,
    wait_for,
    write_user_config,
)
from tests.scripted_server import ScriptedServer, Turn

pytestmark = pytest.mark.usefixtures("home")

PROPOSED = (
    "Here is what I would keep:\n"
    "- Run the tests with `make check`; plain pytest misses the fixtures.\n"
    "- The user prefers tabs for indentation.\n"
    "- Build with `make`.\n"
)


async def learnings(pilot: Pilot[object]) -> LearningsScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, LearningsScreen))
    screen = pilot.app.screen
    assert isinstance(screen, LearningsScreen)
    return screen


def learning_at_exit(project: Path, server: ScriptedServer, home: Path) -> OpenClaudeApp:
    """The app with ``learn_at_exit`` set, its server scripted to answer, then propose."""
    write_user_config(home, "learn_at_exit = true\n")
    server.script(Turn(text="Done."), Turn(text=PROPOSED))
    return make_app(make_config(project, server.base_url))


async def ask_to_learn(pilot: Pilot[object], prompt: str) -> LearningsScreen:
    """Send ``prompt``, then ``/learn``; the proposals' dialog."""
    await converse(pilot, prompt)
    await send(pilot, "/learn")
    return await learnings(pilot)


def shown(screen: LearningsScreen) -> list[str]:
    options = screen.query_one("#proposals", SelectionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_only_the_ticked_learnings_are_written_where_the_user_chose(
    project: Path, scripted_server: ScriptedServer
) -> None:
    (project / "AGENTS.md").write_text("- Build with `make`.\n")
    scripted_server.script(
        Turn(text="The tests pass."), Turn(text=PROPOSED), Turn(text="Still here.")
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "run the tests")
        await send(pilot, "/learn")
        screen = await learnings(pilot)
        # What the memory file already says is not proposed again.
        assert shown(screen) == [
            "Run the tests with `make check`; plain pytest misses the fixtures.",
            "The user prefers tabs for indentation.",
        ]
        assert (project / "AGENTS.md").read_text() == "- Build with `make`.\n"
        await pilot.press("down", "space", "s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("1")
        await wait_for(pilot, lambda: "Remembered in AGENTS.md" in " ".join(notices(app)))
        await converse(pilot, "thanks")
    assert (project / "AGENTS.md").read_text() == (
        "- Build with `make`.\n- The user prefers tabs for indentation.\n"
    )
    first, aside, third = scripted_server.chat_requests
    # The proposal was asked beside the conversation: no tools, the transcript and the
    # memory in one message, and the conversation went on without it.
    assert aside.tools == [] and first.tools
    question = str(aside.messages[-1]["content"])
    assert "run the tests" in question and "The tests pass." in question
    assert "Build with `make`" in question
    assert [m["role"] for m in third.messages] == ["system", "user", "assistant", "user"]
    assert "prefers tabs" in str(third.messages[0]["content"])


async def test_escape_keeps_none_and_writes_nothing(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text="Done."), Turn(text=PROPOSED))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "hello")
        await send(pilot, "/learn")
        await learnings(pilot)
        await pilot.press("space", "escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, LearningsScreen))
        await idle(pilot)
        assert not isinstance(app.screen, ChoiceScreen)
    assert not (project / "AGENTS.md").exists()
    assert not (config_dir() / "AGENTS.md").exists()


async def test_keys_typed_in_a_burst_never_tick_or_save(
    project: Path, scripted_server: ScriptedServer
) -> None:
    clock = HandClock()
    scripted_server.script(Turn(text="Done."), Turn(text=PROPOSED))
    config = make_config(project, scripted_server.base_url)
    app = make_app(config, typing=TypingTracker(clock=clock))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "hello")
        clock.advance(5)
        main_screen(app).prompt_input.load_text("/learn")
        await burst(pilot, "enter")
        screen = await learnings(pilot)
        # Still typing when the proposals showed: neither the tick nor the save counts.
        await burst(pilot, "space", "s")
        assert app.screen is screen
        assert not screen.query_one("#proposals", SelectionList).selected
        clock.advance(5)
        await pilot.press("space", "s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        clock.advance(5)
        await pilot.press("2")
        await wait_for(pilot, lambda: not isinstance(app.screen, ChoiceScreen))
    assert (config_dir() / "AGENTS.md").read_text() == (
        "- Run the tests with `make check`; plain pytest misses the fixtures.\n"
    )


async def test_nothing_to_propose_and_nothing_to_learn_from_are_said(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text="Hi."), Turn(text="NONE"))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await send(pilot, "/learn")
        await idle(pilot)
        assert "the conversation is empty" in notices(app)[-1]
        assert scripted_server.chat_requests == []
        await converse(pilot, "hello")
        await send(pilot, "/learn")
        await wait_for(pilot, lambda: "proposed nothing" in notices(app)[-1])
    assert len(scripted_server.chat_requests) == 2
    assert not (project / "AGENTS.md").exists()


async def test_quitting_offers_the_learnings_when_the_setting_asks(
    project: Path, scripted_server: ScriptedServer, home: Path
) -> None:
    app = learning_at_exit(project, scripted_server, home)
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "hello")
        await pilot.press("ctrl+q")
        screen = await learnings(pilot)
        assert app.return_code is None, "the app waits for the answer"
        await pilot.press("space", "s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        assert screen is not app.screen
        await pilot.press("1")
        await wait_for(pilot, lambda: app.return_code is not None)
    assert (project / "AGENTS.md").read_text() == (
        "- Run the tests with `make check`; plain pytest misses the fixtures.\n"
    )


async def test_quitting_leaves_at_once_without_the_setting_or_a_conversation(
    project: Path, scripted_server: ScriptedServer, home: Path
) -> None:
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "hello")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: app.return_code is not None)
    write_user_config(home, "learn_at_exit = true\n")
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: app.return_code is not None)
    assert len(scripted_server.chat_requests) == 1


async def test_a_proposal_too_long_for_its_line_shows_in_full_while_highlighted(
    project: Path, scripted_server: ScriptedServer
) -> None:
    long = (
        "Before a release, run `make check-all`, bump the version in pyproject.toml and "
        "CHANGELOG.md, and tag the commit; the CI publishes on the tag, never from a branch"
    )
    scripted_server.script(Turn(text="Released."), Turn(text=f"- {long}\n- Build with `make`.\n"))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ask_to_learn(pilot, "release it")
        await wait_for(pilot, lambda: "never from a branch" in screen_text(app))
        # Every line of the dialog shows, its keys too.
        assert "esc keep none" in screen_text(app)
        await pilot.press("down")
        await wait_for(pilot, lambda: "never from a branch" not in screen_text(app))
        assert shown(screen)[1] == "Build with `make`."


async def test_a_proposal_in_full_leaves_the_keys_in_view_on_a_small_screen(
    project: Path, scripted_server: ScriptedServer
) -> None:
    # As long as a proposal may be (300 characters), in wide characters: 9 lines in full.
    wide = "日本語の長い提案" * 36 + "最後"
    short = "".join(f"- short {n}\n" for n in range(7))
    scripted_server.script(Turn(text="Done."), Turn(text=f"- {wide}\n{short}"))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await ask_to_learn(pilot, "hello")
        await wait_for(pilot, lambda: "最後" in screen_text(app))
        await idle(pilot)
        assert "esc keep none" in screen_text(app)


async def test_learnings_that_cannot_be_written_at_quitting_keep_the_app_open_and_are_listed(
    project: Path, scripted_server: ScriptedServer, home: Path
) -> None:
    # A folder where the memory file would be: nothing can be written there.
    (project / "AGENTS.md").mkdir()
    app = learning_at_exit(project, scripted_server, home)
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "hello")
        await pilot.press("ctrl+q")
        await learnings(pilot)
        await pilot.press("space", "s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("1")
        await wait_for(pilot, lambda: "learnings not kept" in notices(app)[-1])
        await idle(pilot)
        assert app.return_code is None, "the app stays, to say why"
        assert "not remembered" in notices(app)[-2]
        assert "- Run the tests with `make check`" in notices(app)[-1]
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: app.return_code is not None)
    assert len(scripted_server.chat_requests) == 2


async def test_escape_while_the_model_thinks_stops_it_keeps_the_app_and_says_so(
    project: Path, scripted_server: ScriptedServer, home: Path
) -> None:
    app = learning_at_exit(project, scripted_server, home)
    # The model never answers the request for learnings.
    scripted_server.script(Turn(text="Done."), Turn(keep_alive_forever=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "hello")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: len(scripted_server.chat_requests) == 2)
        await pilot.press("escape")
        await wait_for(pilot, lambda: notices(app)[-1] == "Stopped: nothing was proposed")
        await idle(pilot)
        assert app.return_code is None and not main_screen(app).running
    assert not (project / "AGENTS.md").exists()
