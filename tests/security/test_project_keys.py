"""A repository cannot move the keys that answer a permission question, and the user's own
``!command`` goes through the same gate as the model's calls: judged by the files on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui import paths
from openclaude_tui.core.permissions.policy import Decision, PermissionRequest
from openclaude_tui.core.permissions.rules import RuleSet
from openclaude_tui.core.session import Session
from openclaude_tui.core.settings.config import Config
from tests.helpers.app import EDIT, READ, ask_for_approval, make_app, make_config
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, Turn

ORIGINAL = "LIMIT = 10\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / ".openclaude").mkdir(parents=True)
    (root / "app.py").write_text(ORIGINAL)
    return root


async def _x_left_the_modal_waiting(project: Path, server: ScriptedServer) -> bool:
    """Press ``x`` at the Edit's permission modal; whether the modal still waited after it."""
    server.script(Turn(tool_calls=[READ]), Turn(tool_calls=[EDIT]), Turn(text="Done."))
    app = make_app(make_config(project, server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        modal = await ask_for_approval(pilot, "raise the limit")
        await pilot.press("x")
        await pilot.pause()
        still_asking = app.screen is modal
        if still_asking:
            await pilot.press("3")  # deny, so the turn ends
        await pilot.pause()
    return still_asking


async def test_a_keymap_in_the_projects_settings_answers_nothing(
    project: Path, scripted_server: ScriptedServer
) -> None:
    (project / ".openclaude" / "settings.toml").write_text(
        '[keymap]\n"permission.allow_once" = "x"\n'
    )
    assert await _x_left_the_modal_waiting(project, scripted_server)
    assert (project / "app.py").read_text() == ORIGINAL


async def test_the_same_keymap_in_the_users_own_config_does_answer(
    project: Path, scripted_server: ScriptedServer
) -> None:
    """The control: the key works where the user put it, so the test above can fail."""
    user_file = paths.config_dir() / "config.toml"
    user_file.parent.mkdir(parents=True, exist_ok=True)
    user_file.write_text('[keymap]\n"permission.allow_once" = "x"\n')
    assert not await _x_left_the_modal_waiting(project, scripted_server)
    assert (project / "app.py").read_text() == "LIMIT = 20\n"


async def _allow_everything(request: PermissionRequest) -> Decision:
    return Decision("allow")


@pytest.mark.parametrize(
    ("mode", "deny"),
    [("default", ("Bash(touch:*)",)), ("plan", ())],
    ids=["deny-rule", "plan-mode"],
)
async def test_the_users_own_command_is_refused_where_the_gate_refuses(
    project: Path, mode: str, deny: tuple[str, ...]
) -> None:
    rules = RuleSet()
    for text in deny:
        rules.add("deny", text, "test")
    with ScriptedServer([]) as server:
        config = Config(
            cwd=project,
            project_root=project,
            base_url=server.base_url,
            model=DEFAULT_MODEL,
            context_window=100_000,
            permission_mode=mode,  # type: ignore[arg-type]
            rules=rules,
        )
        session = Session(config, _allow_everything, lambda event: None)
        # Even an approver that allows everything is not asked: the gate refuses first.
        assert await session.run_user_shell("touch made-by-user") == "denied"
        await session.close()
    assert not (project / "made-by-user").exists()
