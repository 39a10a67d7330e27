"""The app against a server that misbehaves: each fault ends the turn with a clear message,
the app stays open and usable, and the interrupt key works while the fault goes on.

The faults are those of the print-mode matrix (``tests/helpers/faults.py``), with the same
small deadlines: first token 4 s, stall 1.5 s, whole request 5 s. The interrupt test runs with
long ones instead, so that the fault is surely still going on when its key lands.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot

from openclaude_tui.core.settings.config import Config
from openclaude_tui.ui.widgets.chat_items import NoticeItem
from tests.helpers.app import (
    ask_for_approval,
    converse,
    idle,
    main_screen,
    make_app,
    make_config,
    screen_text,
    send,
    wait_for,
)
from tests.helpers.faults import (
    FAULTS,
    FIRST_TOKEN_TIMEOUT,
    LASTING,
    PATIENT_TIMEOUT,
    REQUEST_TIMEOUT,
    STALL_TIMEOUT,
    Fault,
)
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

pytestmark = pytest.mark.usefixtures("home")
# Only a hang reaches this: the slowest fault (retries of a 500) ends within ten seconds.
HANG = 60.0


def _config(project: Path, server: ScriptedServer, *, patient: bool = False) -> Config:
    config = make_config(project, server.base_url)
    config.first_token_timeout = PATIENT_TIMEOUT if patient else FIRST_TOKEN_TIMEOUT
    config.stall_timeout = PATIENT_TIMEOUT if patient else STALL_TIMEOUT
    config.request_timeout = PATIENT_TIMEOUT if patient else REQUEST_TIMEOUT
    return config


def _notices(app: object, level: str) -> list[str]:
    chat = main_screen(app).chat
    return [
        item.text for item in chat.items if isinstance(item, NoticeItem) and item.level == level
    ]


@asynccontextmanager
async def _prompted_during(
    project: Path, server: ScriptedServer, fault: Fault, *, patient: bool = False
) -> AsyncIterator[Pilot[object]]:
    """The app, its prompt sent to a server that answers every attempt with ``fault``
    (``patient``: with deadlines far longer than the test takes to press a key)."""
    server.script(*[fault.turn] * 4)
    app = make_app(_config(project, server, patient=patient))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await send(pilot, "hello")
        yield pilot


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.id)
async def test_each_fault_shows_one_error_and_the_app_goes_on(
    project: Path, scripted_server: ScriptedServer, fault: Fault
) -> None:
    async with _prompted_during(project, scripted_server, fault) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: _notices(app, "error"), limit=HANG)
        await idle(pilot)
        errors = _notices(app, "error")
        assert len(errors) == 1 and fault.message in errors[0], errors
        scripted_server.script(Turn(text="Back again."))
        await send(pilot, "still there?")
        await idle(pilot)
        assert app.is_running
        assert scripted_server.last_request.messages[-1]["content"] == "still there?"
        assert "Back again." in main_screen(app).chat.items[-1].text  # type: ignore[attr-defined]


@pytest.mark.parametrize("fault", LASTING, ids=lambda f: f.id)
async def test_the_interrupt_key_ends_each_fault(
    project: Path, scripted_server: ScriptedServer, fault: Fault
) -> None:
    async with _prompted_during(project, scripted_server, fault, patient=True) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: scripted_server.chat_requests, limit=HANG)
        await pilot.press("escape")
        await idle(pilot)
        assert any(text.startswith("Interrupted") for text in _notices(app, "muted"))
        assert _notices(app, "error") == []
        assert app.is_running


@pytest.mark.parametrize(
    "args",
    [{"file_path": "src/\udcffapp.py"}, {"file_path": "a\x00b"}, {"file_path": "\udcff", "x": 1}],
    ids=["surrogate", "nul", "surrogate-and-extra"],
)
async def test_a_path_no_file_can_have_is_a_failed_card_not_a_crash(
    project: Path, scripted_server: ScriptedServer, args: dict[str, object]
) -> None:
    scripted_server.script(Turn(tool_calls=[ToolCallSpec("Read", args)]), Turn(text="Noted."))
    app = make_app(_config(project, scripted_server))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "read it")
        card = main_screen(app).cards["call_1_0"]
        assert card.state == "failed"
        assert "Noted." in screen_text(app)
    assert scripted_server.tool_results()[0].startswith("Error: ")


async def test_an_unpaired_surrogate_in_the_answer_is_shown_as_a_replacement(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text="bad \udcff char"), Turn(text="Still here."))
    app = make_app(_config(project, scripted_server))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "hello")
        assert "bad \ufffd char" in screen_text(app)
        await converse(pilot, "again")
        assert "Still here." in screen_text(app)


async def test_the_modal_for_an_edit_too_large_to_diff_says_so(
    project: Path, scripted_server: ScriptedServer
) -> None:
    """A one-line file of 3 MB: the modal names the change's size instead of a diff."""
    (project / "bundle.js").write_text("var a=1;" + "x" * 3_000_000 + "\n")
    edit = {"file_path": "bundle.js", "old_string": "var a=1;", "new_string": "var a=2;"}
    scripted_server.script(
        Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "bundle.js"})]),
        Turn(tool_calls=[ToolCallSpec("Edit", edit)]),
        Turn(text="Asked."),
    )
    app = make_app(_config(project, scripted_server))
    async with app.run_test(size=(120, 40)) as pilot:
        await ask_for_approval(pilot, "change it")
        assert "too large to diff: 3,000,009 characters changed" in screen_text(app)
        await pilot.press("escape")  # deny, and stop the turn
        await idle(pilot)
    assert (project / "bundle.js").read_text().startswith("var a=1;")
