"""A sub-agent's tokens in the app: the status bar's totals count them as they come while
its context figure stays the parent's, ``/cost`` counts them in their turn with a row of
their own under it, and a resumed session shows the same totals."""

from __future__ import annotations

import threading
from pathlib import Path

from openclaude_tui.core.settings.prices import Price
from openclaude_tui.ui.widgets.chat_items import PanelItem
from tests.helpers.app import (
    idle,
    main_screen,
    make_app,
    make_config,
    send,
    wait_for,
    write_user_config,
)
from tests.helpers.sessions import transcripts
from tests.helpers.subagents import (
    PARENT_TURNS,
    SMALL_MODEL,
    SUBAGENT_TURNS,
    TASK_PROMPT,
    TASK_TURNS,
    define_quick_agent,
)
from tests.scripted_server import DEFAULT_MODEL, RecordedRequest, ScriptedServer, Turn
from tests.scripted_server.protocol import TurnLike, estimate_completion_tokens

PARENT_OUT = sum(estimate_completion_tokens(turn) for turn in PARENT_TURNS)
SUBAGENT_OUT = sum(estimate_completion_tokens(turn) for turn in SUBAGENT_TURNS)
PRICES = {DEFAULT_MODEL: Price(3.0, 15.0), SMALL_MODEL: Price(0.1, 0.2)}


async def test_the_status_bar_cost_and_resume_count_a_sub_agents_tokens(
    project: Path, home: Path
) -> None:
    (project / "notes.txt").write_text("alpha\nbeta\n")
    define_quick_agent(project)
    prices = "".join(
        f'[prices."{model}"]\ninput = {price.input}\noutput = {price.output}\n'
        for model, price in PRICES.items()
    )
    write_user_config(home, prices)
    # The parent's last request waits until the status bar was looked at.
    looked = threading.Event()

    def last_answer(request: RecordedRequest) -> Turn:
        looked.wait(60)
        return TASK_TURNS[-1]

    turns: list[TurnLike] = [*TASK_TURNS[:-1], last_answer]
    with ScriptedServer(turns, models=(DEFAULT_MODEL, SMALL_MODEL)) as server:
        app = make_app(make_config(project, server.base_url))
        async with app.run_test(size=(120, 40)) as pilot:
            screen = main_screen(app)
            await idle(pilot)
            await send(pilot, TASK_PROMPT)
            try:
                # After the sub-agent's two requests: their tokens are in the totals, and the
                # context is still the parent's first prompt (not the sub-agent's 600).
                await wait_for(pilot, lambda: screen.status.status.tokens_in == 2_000)
                assert screen.status.status.context_tokens == 1_000
            finally:
                looked.set()
            await idle(pilot)
            status = screen.status.status
            assert (status.context_tokens, status.tokens_in) == (1_500, 3_500)
            assert status.tokens_out == PARENT_OUT + SUBAGENT_OUT
            await send(pilot, "/cost")
            await wait_for(pilot, lambda: isinstance(screen.chat.items[-1], PanelItem))
            panel = screen.chat.items[-1]
        # Resumed, the status bar shows the same totals and context again.
        (path,) = transcripts(home)
        resumed = make_app(make_config(project, server.base_url), resume=path)
        async with resumed.run_test(size=(120, 40)) as pilot:
            again = main_screen(resumed).status
            await wait_for(pilot, lambda: again.status.tokens_in == 3_500)
            assert again.status.context_tokens == 1_500
    assert isinstance(panel, PanelItem)
    rows = panel.body.splitlines()
    parent = PRICES[DEFAULT_MODEL].cost(2_500, PARENT_OUT)
    theirs = PRICES[SMALL_MODEL].cost(1_000, SUBAGENT_OUT)
    turn, share = [row for row in rows if row.startswith(("| 1 ·", "| ↳"))][:2]
    assert turn.startswith(
        f"| 1 · {TASK_PROMPT[:27]}… | 4 | 3,500 | {PARENT_OUT + SUBAGENT_OUT:,} |"
    )
    assert turn.endswith(f"| ${parent + theirs:.4f} |")
    # Under it, the sub-agents' part of it, priced by their own model.
    assert share == (
        f"| ↳ sub-agents: quick | 2 | 1,000 | {SUBAGENT_OUT:,} | 0.0s |  | ${theirs:.4f} |"
    )
    session = next(row for row in rows if row.startswith("| **This session**"))
    assert session.startswith("| **This session** | 4 | 3,500 |")
    assert rows[rows.index(session) + 1] == share
    assert "↳ rows: the part of the row above that sub-agents" in panel.body
