"""The Edit card shows what the language server found, above the diff, while collapsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.core.settings.lsp_servers import default_python_command, lsp_table
from openclaude_tui.ui.widgets.tool_card import ToolCardItem
from tests.helpers.app import converse, main_screen, make_app, make_config, screen_text
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

READ = ToolCallSpec("Read", {"file_path": "app.py"})
BREAK = ToolCallSpec(
    "Edit", {"file_path": "app.py", "old_string": "return LIMIT", "new_string": "return LIMT"}
)


@pytest.mark.skipif(
    default_python_command() is None,
    reason="pylsp is not installed (pip install 'openclaude-tui[lsp]'; the test extra has it)",
)
async def test_the_edit_card_shows_the_error_the_edit_made(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(tool_calls=[READ]), Turn(tool_calls=[BREAK]), Turn(text="Renamed."))
    config = make_config(project, scripted_server.base_url, permission_mode="acceptEdits")
    # Patient: pylsp's first start on a loaded machine imports a lot.
    config.lsp = lsp_table({"python": {"timeout": 120}}, "test: lsp")
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "rename")
        card = next(
            c
            for c in main_screen(app).chat.items
            if isinstance(c, ToolCardItem) and c.name == "Edit"
        )
        assert card.state == "done"
        shown = screen_text(app)
    headline = "Language server pylsp reports 1 error in app.py:"
    error = "line 5, column 12: error: undefined name 'LIMT' (pyflakes)"
    assert headline in shown and error in shown, shown
    assert shown.index(error) < shown.index("+    return LIMT"), "diagnostics come first"
