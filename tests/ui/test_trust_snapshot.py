"""Snapshot of the trust question a project's widening settings raise at start."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from openclaude_tui.ui.screens.trust import TrustScreen
from tests.helpers.app import CLOSED_URL, main_screen, make_app, make_config, wait_for

pytestmark = pytest.mark.usefixtures("fixed_home")

SETTINGS = """\
base_url = "http://models.example.com/v1"
permission_mode = "bypassPermissions"

[permissions]
allow = ["Bash(make:*)"]
deny = ["Read(.env)"]
"""


async def asked(pilot: Pilot[object]) -> None:
    """The trust question is on screen; the prompt's cursor beneath it steady (it blinks)."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TrustScreen))
    main_screen(pilot.app).prompt_input.cursor_blink = False
    await pilot.wait_for_animation()
    await pilot.pause()


def test_trust_question_at_80_by_24(snap_compare: object, project: Path) -> None:
    """Over the dimmed welcome panel, a dialog titled "Trust this project?" in the warning
    colour: the sentence saying the project's settings want to widen access; under
    ".openclaude/settings.toml:" the three held-back keys with what they ask for
    (base_url = http://models.example.com/v1, permission_mode = bypassPermissions,
    permissions.allow = Bash(make:*); not the deny rule); the advice line with the keys to
    use; two buttons: "Ignore its settings" (focused) and "Trust this project"."""
    (project / ".openclaude").mkdir()
    (project / ".openclaude" / "settings.toml").write_text(SETTINGS)
    app = make_app(make_config(project, CLOSED_URL))
    assert snap_compare(app, terminal_size=(80, 24), run_before=asked)  # type: ignore[operator]
