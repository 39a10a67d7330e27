"""Snapshot of ``/cost`` after a scripted turn, with a price set for the model. The clock is
fixed (the model's and the tools' times read 0.0s) and the status bar's host is pinned
(the scripted server's port changes from run to run)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tests.helpers.app import (
    COUNTED_TURNS,
    cost_after,
    main_screen,
    make_app,
    make_config,
    write_user_config,
)
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer


def test_cost_after_a_turn_with_a_price(snap_compare: object, project: Path, home: Path) -> None:
    """The chat shows the prompt "what is the limit in app.py?", a finished Read card and
    the answer "LIMIT is ten.", then a panel titled "Usage and cost" holding a table: columns
    Turn, Requests, In, Out, Model, Tools, Cost; a row "1 · what is the limit in app.py?"
    with 2 requests, 2,550 tokens in, 9 out, 0.0s twice and $0.0078; under it the same
    figures in a bold "This session" row; under the table a line saying what In, Out, Model
    and Tools mean. No "n/a" and no hint about prices. The status bar shows the model, host
    "scripted" and the tokens."""
    write_user_config(home, f'[prices."{DEFAULT_MODEL}"]\ninput = 3.0\noutput = 15.0\n')
    with ScriptedServer(COUNTED_TURNS) as server:

        async def run_before(pilot: Pilot[object]) -> None:
            await cost_after(pilot, "what is the limit in app.py?")
            screen = main_screen(pilot.app)
            screen.status.set(host="scripted")
            screen.prompt_input.cursor_blink = False
            await pilot.pause()

        app = make_app(make_config(project, server.base_url))
        assert snap_compare(app, terminal_size=(120, 32), run_before=run_before)  # type: ignore[operator]
