"""``/cost`` after a scripted turn: the turn's and the session's requests and tokens, and
the cost from the user's price table, or "n/a" with how to set a price."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.core.settings.prices import Price
from openclaude_tui.ui.widgets.chat_items import NoticeItem, PanelItem
from tests.helpers.app import (
    COUNTED_TURNS,
    converse,
    cost_after,
    main_screen,
    make_app,
    make_config,
    write_user_config,
)
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer
from tests.scripted_server.protocol import estimate_completion_tokens

TOKENS_OUT = sum(estimate_completion_tokens(turn) for turn in COUNTED_TURNS)


async def _cost_panel(project: Path) -> tuple[PanelItem, str]:
    with ScriptedServer(COUNTED_TURNS) as server:
        app = make_app(make_config(project, server.base_url))
        async with app.run_test(size=(120, 40)) as pilot:
            panel = await cost_after(pilot, "what is the limit in app.py?")
            return panel, app.config.model or ""


async def test_cost_shows_the_turn_and_the_session_priced(project: Path, home: Path) -> None:
    write_user_config(home, f'[prices."{DEFAULT_MODEL}"]\ninput = 3.0\noutput = 15.0\n')
    panel, model = await _cost_panel(project)
    expected = f"${Price(3.0, 15.0).cost(2_550, TOKENS_OUT):.4f}"
    turn, session = [line for line in panel.body.splitlines() if "| 2 |" in line]
    assert turn.startswith("| 1 · what is the limit in app.py? | 2 | 2,550 |")
    assert f"| {TOKENS_OUT:,} |" in turn and turn.endswith(f"| {expected} |")
    assert session.startswith("| **This session** | 2 | 2,550 |")
    assert session.endswith(f"| {expected} |")
    assert "n/a" not in panel.body and model == DEFAULT_MODEL


@pytest.mark.usefixtures("home")
async def test_cost_is_n_a_without_a_price_and_says_how_to_set_one(project: Path) -> None:
    panel, _ = await _cost_panel(project)
    session = next(line for line in panel.body.splitlines() if "This session" in line)
    assert session.startswith("| **This session** | 2 | 2,550 |") and session.endswith("| n/a |")
    assert f'No price for {DEFAULT_MODEL}: cost is n/a. Add `[prices."{DEFAULT_MODEL}"]`' in (
        panel.body
    )


async def test_cost_before_any_prompt_says_nothing_was_used(project: Path) -> None:
    with ScriptedServer() as server:
        app = make_app(make_config(project, server.base_url))
        async with app.run_test(size=(100, 30)) as pilot:
            await converse(pilot, "/cost")
            notice = main_screen(app).chat.items[-1]
            assert isinstance(notice, NoticeItem) and "nothing used yet" in notice.text
