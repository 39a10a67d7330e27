"""The API key in the app: no `!command` (nor its background job) sees it, no error shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.app import converse, make_app, make_config, wait_for, wait_to_show
from tests.scripted_server import ScriptedServer, Turn

KEY = "sk-user-key-never-for-commands-5"


@pytest.mark.usefixtures("home")
async def test_a_user_shell_command_sees_no_key(
    project: Path, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("CONTROL_VARIABLE", "shown")
    config = make_config(project, scripted_server.base_url, permission_mode="bypassPermissions")
    assert config.api_key == KEY
    app = make_app(config)
    foreground, background = project / "env.txt", project / "bg-env.txt"
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, f"!env > {foreground}; (env > {background}.part; "
                              f"mv {background}.part {background}) &")  # fmt: skip
        await wait_for(pilot, background.exists)
    for written in (foreground, background):
        content = written.read_text()
        assert "CONTROL_VARIABLE=shown" in content
        assert KEY not in content


@pytest.mark.usefixtures("home")
async def test_a_key_repeated_by_the_server_is_masked_on_screen(
    project: Path, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    scripted_server.script(Turn(status=401, error_message=f"Incorrect API key provided: {KEY}"))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(160, 40)) as pilot:
        await converse(pilot, "hi")
        shown = await wait_to_show(pilot, "Incorrect API key provided: ***")
    assert KEY not in shown
