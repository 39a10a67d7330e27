"""The rewind dialog in the app: Esc Esc on the empty prompt opens it, choosing a prompt and
a restore puts the files and the conversation back (the prompt returns to the prompt box),
a file the user changed needs a second confirmation, and keys typed in a burst never
choose a restore. The real app against the scripted server, real files on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from openclaude_tui.ui.screens.rewind import RewindScreen
from openclaude_tui.ui.type_ahead import TypingTracker
from tests.helpers.app import (
    EDIT,
    READ,
    HandClock,
    burst,
    converse,
    main_screen,
    make_app,
    make_config,
    screen_text,
    send,
    wait_for,
    wait_to_show,
)
from tests.scripted_server import ScriptedServer, Turn

pytestmark = pytest.mark.usefixtures("home")

ORIGINAL = "LIMIT = 10\n\n\ndef limit():\n    return LIMIT\n"
TURNS = [Turn(text="Hello there."), Turn(tool_calls=[READ]), Turn(tool_calls=[EDIT])]


def _dialog(app: object) -> RewindScreen:
    screen = getattr(app, "screen", None)
    assert isinstance(screen, RewindScreen)
    return screen


async def _confirm_code_restore(pilot: Pilot[object]) -> None:
    """``/rewind``, the newest prompt, "Restore code only": the second confirmation."""
    await send(pilot, "/rewind")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, RewindScreen))
    dialog = _dialog(pilot.app)
    await pilot.press("enter")
    await wait_for(pilot, lambda: dialog.step == "restore")
    await pilot.press("3")
    await wait_for(pilot, lambda: dialog.step == "confirm")


def _choices(dialog: RewindScreen) -> list[str]:
    options = dialog.query_one("#choices", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_escape_twice_opens_the_dialog_and_restoring_both_puts_files_and_conversation_back(
    project: Path,
) -> None:
    turns = [*TURNS, Turn(text="Raised to twenty."), Turn(text="Once more.")]
    with ScriptedServer(turns) as server:
        config = make_config(project, server.base_url, permission_mode="acceptEdits")
        app = make_app(config)
        async with app.run_test(size=(110, 36)) as pilot:
            await converse(pilot, "say hello")
            await converse(pilot, "raise the limit")
            assert (project / "app.py").read_text() == ORIGINAL.replace("10", "20")
            screen = main_screen(app)
            screen.prompt_input.focus()
            await pilot.press("escape", "escape")
            await wait_for(pilot, lambda: isinstance(app.screen, RewindScreen))
            dialog = _dialog(app)
            assert [choice.split(None, 1)[1] for choice in _choices(dialog)] == [
                "raise the limit",
                "say hello",
            ]
            await pilot.press("enter")
            await wait_for(pilot, lambda: dialog.step == "restore")
            text = screen_text(app)
            assert "Shell commands (Bash) are not undone" in text
            assert "1 file would change: app.py" in text
            await pilot.press("1")
            await wait_for(pilot, lambda: not isinstance(app.screen, RewindScreen))
            await wait_to_show(pilot, "Rewound the code and conversation to before prompt 2")
            assert (project / "app.py").read_text() == ORIGINAL
            assert screen.prompt_input.text == "raise the limit"
            # The cursor at the prompt's end: typing would go on after it.
            assert screen.prompt_input.cursor_location == screen.prompt_input.document.end
            shown = screen_text(app)
            assert "Hello there." in shown and "Raised to twenty." not in shown
            await pilot.press("enter")
            await wait_to_show(pilot, "Once more.")
        sent = server.chat_requests[-1].messages
    assert [(m["role"], m["content"]) for m in sent[1:]] == [
        ("user", "say hello"),
        ("assistant", "Hello there."),
        ("user", "raise the limit"),
    ]


async def test_a_file_changed_by_the_user_is_listed_and_kept_unless_confirmed(
    project: Path,
) -> None:
    with ScriptedServer([*TURNS[1:], Turn(text="Done.")]) as server:
        config = make_config(project, server.base_url, permission_mode="acceptEdits")
        app = make_app(config)
        async with app.run_test(size=(110, 36)) as pilot:
            await converse(pilot, "raise the limit")
            mine = "LIMIT = 30  # mine\n"
            (project / "app.py").write_text(mine)
            await _confirm_code_restore(pilot)
            assert "app.py" in screen_text(app)
            assert (project / "app.py").read_text() == mine
            await pilot.press("2")
            await wait_for(pilot, lambda: not isinstance(app.screen, RewindScreen))
            await wait_to_show(pilot, "changed by you kept")
            assert (project / "app.py").read_text() == mine
            # Asked again, and confirmed: the agent's starting point comes back.
            await _confirm_code_restore(pilot)
            await pilot.press("1")
            await wait_to_show(pilot, "1 file restored")
    assert (project / "app.py").read_text() == ORIGINAL


async def test_keys_typed_in_the_burst_that_opened_a_step_never_choose_a_restore(
    project: Path,
) -> None:
    clock = HandClock()
    with ScriptedServer([*TURNS[1:], Turn(text="Done.")]) as server:
        config = make_config(project, server.base_url, permission_mode="acceptEdits")
        app = make_app(config, typing=TypingTracker(clock=clock))
        async with app.run_test(size=(110, 36)) as pilot:
            await converse(pilot, "raise the limit")
            changed = (project / "app.py").read_text()
            await send(pilot, "/rewind")
            await wait_for(pilot, lambda: isinstance(app.screen, RewindScreen))
            dialog = _dialog(app)
            # Typed on with no pause: neither chooses the prompt nor a restore.
            await burst(pilot, "enter", "1")
            assert dialog.step == "prompts"
            clock.advance(5)
            await pilot.press("enter")
            await wait_for(pilot, lambda: dialog.step == "restore")
            # Right after the restore step showed, in the same burst: held back.
            await burst(pilot, "1", "3")
            assert dialog.step == "restore" and app.screen is dialog
            assert (project / "app.py").read_text() == changed
            clock.advance(5)
            await pilot.press("3")
            await wait_for(pilot, lambda: not isinstance(app.screen, RewindScreen))
            await wait_to_show(pilot, "Rewound the code")
    assert (project / "app.py").read_text() == ORIGINAL
