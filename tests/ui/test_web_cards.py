"""The web tools in the app: the modal offers the domain, the card and the sidebar row show
what was fetched, and the answer's rule is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.ui.widgets.tool_card import ToolCardItem
from openclaude_tui.ui.widgets.tool_sidebar import ToolSidebar
from tests.helpers.app import ask_for_approval, idle, main_screen, make_app, make_config
from tests.helpers.web import Reply, WebServer
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

pytestmark = pytest.mark.usefixtures("home")

PAGE = b"<html><head><title>Widget docs</title></head><body><h1>Install</h1></body></html>"


async def test_always_allowing_a_fetch_keeps_its_domain_and_the_card_shows_the_page(
    project: Path, scripted_server: ScriptedServer
) -> None:
    with WebServer({"/docs": Reply(PAGE)}) as site:
        url = site.url("/docs", host="localhost")
        fetch = ToolCallSpec("WebFetch", {"url": url, "prompt": "How to install?"})
        scripted_server.script(
            Turn(tool_calls=[fetch]), Turn(text="pip install widget"), Turn(text="Done.")
        )
        app = make_app(make_config(project, scripted_server.base_url))
        async with app.run_test(size=(140, 40)) as pilot:
            modal = await ask_for_approval(pilot, "read the docs")
            assert modal.view.always_label == (
                "Always allow `WebFetch(domain:localhost)` in this project"
            )
            await pilot.press("2")
            await idle(pilot)
            screen = main_screen(app)
            card = next(item for item in screen.chat.items if isinstance(item, ToolCardItem))
            row = str(
                screen.query_one(ToolSidebar).query_one("#calls").get_option_at_index(0).prompt
            )
        assert [request.path for request in site.log] == ["/docs"]
    assert card.state == "done" and card.summary == url
    assert card.result.startswith(f"Fetched {url} “Widget docs”: HTTP 200")
    assert card.result.endswith("pip install widget")
    # The row starts with the host the page came from, as much as fits.
    assert "WebFetch localhost:" in row
    local = (project / ".openclaude" / "settings.local.toml").read_text()
    assert "WebFetch(domain:localhost)" in local
