"""/think changes what the next chat requests ask of the model's reasoning, as the server
receives them."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.core.thinking import thinking_fields
from openclaude_tui.ui.widgets.chat_items import NoticeItem
from tests.helpers.app import converse, main_screen, make_app, make_config, send, wait_for
from tests.scripted_server import ScriptedServer, Turn

pytestmark = pytest.mark.usefixtures("home")


async def test_think_sets_the_fields_of_the_next_requests(project: Path) -> None:
    turns = [Turn(text="one"), Turn(text="two"), Turn(text="three")]
    with ScriptedServer(turns) as server:
        app = make_app(make_config(project, server.base_url))
        async with app.run_test(size=(120, 40)) as pilot:
            await converse(pilot, "first")
            await send(pilot, "/think high")
            await converse(pilot, "second")
            await send(pilot, "/think off")
            await converse(pilot, "third")
            await send(pilot, "/think loud")
            notices = main_screen(app).chat.items
            await wait_for(
                pilot,
                lambda: any("unknown choice 'loud'" in getattr(n, "text", "") for n in notices),
            )
            assert any(isinstance(n, NoticeItem) and "thinking off" in n.text for n in notices)
        first, second, third = (r.body for r in server.chat_requests)
    assert "reasoning_effort" not in first and "chat_template_kwargs" not in first
    assert second["reasoning_effort"] == "high"
    assert "reasoning_effort" not in third
    assert third["chat_template_kwargs"] == {"enable_thinking": False}


def test_think_keeps_the_other_request_fields_a_profile_sets() -> None:
    fields = {"top_k": 20, "chat_template_kwargs": {"enable_thinking": True, "x": 1}}
    assert thinking_fields(fields, "high") == {
        "top_k": 20,
        "chat_template_kwargs": {"x": 1},
        "reasoning_effort": "high",
    }
    assert thinking_fields(fields, "default") == {"top_k": 20, "chat_template_kwargs": {"x": 1}}
    assert thinking_fields({}, "on") == {"chat_template_kwargs": {"enable_thinking": True}}
    with pytest.raises(ValueError, match="unknown choice 'max'"):
        thinking_fields({}, "max")
