"""Memory from the app: ``# note`` saves a line to the project's or the user's memory file
(the user chooses) instead of sending it, ``/memory`` opens the file in the editor, ``/init``
has the model write it through the gate."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from openclaude_tui.paths import config_dir
from openclaude_tui.ui.screens.choice import ChoiceScreen
from openclaude_tui.ui.screens.permission import PermissionScreen
from openclaude_tui.ui.type_ahead import TypingTracker
from openclaude_tui.ui.widgets.chat_items import UserItem
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
)
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn


async def note(pilot: Pilot[object], text: str, answer: str) -> None:
    """Send the ``# note`` prompt ``text`` and answer where it goes with the key ``answer``."""
    await send(pilot, text)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceScreen))
    await pilot.press(answer)
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, ChoiceScreen))
    await idle(pilot)


async def test_a_hash_note_is_saved_to_agents_md_and_not_sent(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text="Hello."), Turn(text="Noted."))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "hello")
        await note(pilot, "# run the tests with uv run pytest", "1")
        assert len(scripted_server.chat_requests) == 1, "the note was not sent to the model"
        assert "Remembered in AGENTS.md: run the tests with uv run pytest" in notices(app)
        # The next request's system prompt carries the note, in the same conversation.
        await converse(pilot, "how do I test?")
    assert (project / "AGENTS.md").read_text() == "- run the tests with uv run pytest\n"
    before, after = (str(r.messages[0]["content"]) for r in scripted_server.chat_requests)
    assert "uv run pytest" not in before
    assert "- run the tests with uv run pytest" in after
    assert [m["role"] for m in scripted_server.last_request.messages] == [
        "system",
        "user",
        "assistant",
        "user",
    ]


async def test_a_note_goes_to_the_claude_md_a_project_already_has(
    project: Path, scripted_server: ScriptedServer
) -> None:
    (project / "CLAUDE.md").write_text("# Rules\nBe brief.")
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await note(pilot, "#never push to main", "enter")
    assert (project / "CLAUDE.md").read_text() == "# Rules\nBe brief.\n- never push to main\n"
    assert not (project / "AGENTS.md").exists()


async def test_a_memory_file_linking_outside_the_project_is_not_written(
    project: Path, scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("private\n")
    (project / "AGENTS.md").symlink_to(outside)
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await note(pilot, "# a note", "1")
        shown = notices(app)
    assert outside.read_text() == "private\n"
    assert any("leads outside the project" in text for text in shown)
    assert scripted_server.chat_requests == []


async def test_a_note_chosen_for_user_memory_goes_to_the_config_folder(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text="Noted."))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await note(pilot, "# I prefer short answers", "2")
        assert "Remembered in" in notices(app)[-1]
        await converse(pilot, "hi")
    assert (config_dir() / "AGENTS.md").read_text() == "- I prefer short answers\n"
    assert not (project / "AGENTS.md").exists()
    system = str(scripted_server.last_request.messages[0]["content"])
    assert "- I prefer short answers" in system


async def test_escape_keeps_the_note_in_the_prompt_and_writes_nothing(
    project: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await note(pilot, "# keep the changelog", "escape")
        assert main_screen(app).prompt_input.text == "# keep the changelog"
        assert notices(app)[-1] == "not remembered"
        # The cursor is at the note's end: typing goes on after it.
        await pilot.press(*" daily")
        assert main_screen(app).prompt_input.text == "# keep the changelog daily"
    assert not (project / "AGENTS.md").exists()
    assert not (config_dir() / "AGENTS.md").exists()
    assert scripted_server.chat_requests == []


async def test_keys_typed_with_the_note_never_choose_the_file(
    project: Path, scripted_server: ScriptedServer
) -> None:
    clock = HandClock()
    app = make_app(
        make_config(project, scripted_server.base_url), typing=TypingTracker(clock=clock)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        main_screen(app).prompt_input.load_text("# use tabs")
        # Enter and "2" in one burst: the question is not answered by the "2".
        await burst(pilot, "enter", "2")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await burst(pilot, "2")
        assert isinstance(app.screen, ChoiceScreen)
        assert not (config_dir() / "AGENTS.md").exists()
        clock.advance(5)
        await pilot.press("2")
        await wait_for(pilot, lambda: not isinstance(app.screen, ChoiceScreen))
    assert (config_dir() / "AGENTS.md").read_text() == "- use tabs\n"
    assert not (project / "AGENTS.md").exists()


async def test_a_prompt_of_several_lines_starting_with_a_heading_is_sent(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text="A document."))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "# Title\nWhat is this?")
    assert not (project / "AGENTS.md").exists()
    assert scripted_server.last_request.messages[-1]["content"] == "# Title\nWhat is this?"


async def test_memory_opens_the_file_in_the_editor(
    project: Path, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "CLAUDE.md").write_text("Be brief.\n")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "sh -c 'echo Use tabs. >> \"$0\"'")
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await send(pilot, "/memory")
        await wait_for(pilot, lambda: any("CLAUDE.md saved" in text for text in notices(app)))
    assert (project / "CLAUDE.md").read_text() == "Be brief.\nUse tabs.\n"


async def test_init_has_the_model_write_agents_md_through_the_gate(
    project: Path, scripted_server: ScriptedServer
) -> None:
    written = "# demo-project\n\nTest: `pytest`.\n"
    scripted_server.script(
        Turn(tool_calls=[ToolCallSpec("Write", {"file_path": "AGENTS.md", "content": written})]),
        Turn(text="I wrote AGENTS.md."),
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await send(pilot, "/init")
        await wait_for(pilot, lambda: isinstance(app.screen, PermissionScreen))
        assert not (project / "AGENTS.md").exists(), "nothing is written before the answer"
        await pilot.press("y")
        await idle(pilot)
        users = [i.text for i in main_screen(app).chat.items if isinstance(i, UserItem)]
    assert users == ["/init"]
    assert (project / "AGENTS.md").read_text() == written
    prompt = str(scripted_server.chat_requests[0].messages[-1]["content"])
    assert "write AGENTS.md in its root directory" in prompt


async def test_init_improves_the_claude_md_a_project_has(
    project: Path, scripted_server: ScriptedServer
) -> None:
    (project / "CLAUDE.md").write_text("Old notes.\n")
    scripted_server.script(Turn(text="Nothing to change."))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "/init focus on the tests")
    prompt = str(scripted_server.last_request.messages[-1]["content"])
    assert "write CLAUDE.md" in prompt and "If CLAUDE.md exists" in prompt
    assert prompt.rstrip().endswith("focus on the tests")


async def test_a_note_that_cannot_be_written_goes_back_to_the_prompt(
    project: Path, scripted_server: ScriptedServer
) -> None:
    # A folder where the memory file would be: nothing can be written there.
    (project / "AGENTS.md").mkdir()
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await note(pilot, "# keep the changelog", "1")
        assert "not remembered" in notices(app)[-1]
        assert main_screen(app).prompt_input.text == "# keep the changelog"
    assert scripted_server.chat_requests == []


async def test_a_long_note_leaves_the_answers_and_keys_in_view_on_a_small_screen(
    project: Path, scripted_server: ScriptedServer
) -> None:
    long = " ".join(["run the full linting and formatting suite before committing"] * 16)
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await send(pilot, f"# {long}")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await idle(pilot)
        shown = screen_text(app)
        assert "1  Project memory" in shown and "2  User memory" in shown
        assert "1-2 or enter choose · esc cancel" in shown
        await pilot.press("1")
        await wait_for(pilot, lambda: not isinstance(app.screen, ChoiceScreen))
    assert (project / "AGENTS.md").read_text() == f"- {long}\n"
