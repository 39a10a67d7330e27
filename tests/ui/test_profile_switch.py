"""/profile NAME carries the conversation on to another server: the next request goes there
with the conversation so far, in the mode the user had chosen."""

from __future__ import annotations

from pathlib import Path

from openclaude_tui.ui.widgets.chat_items import NoticeItem
from tests.helpers.app import converse, main_screen, make_app, make_config, send, wait_for
from tests.scripted_server import ScriptedServer, Turn


def _notices(app: object) -> list[str]:
    return [item.text for item in main_screen(app).chat.items if isinstance(item, NoticeItem)]


async def test_profile_moves_the_conversation_to_the_profile_server(
    project: Path, home: Path
) -> None:
    with (
        ScriptedServer([Turn(text="Answered by the first server.")]) as first,
        ScriptedServer([Turn(text="Answered by the box.")]) as box,
    ):
        (home / "config").mkdir(parents=True)
        (home / "config" / "config.toml").write_text(
            f'[profiles.box]\nbase_url = "{box.base_url}"\nmodel = "scripted-model"\n'
            "[profiles.box.extra_body]\ntop_k = 20\n"
        )
        app = make_app(make_config(project, first.base_url))
        async with app.run_test(size=(120, 40)) as pilot:
            screen = main_screen(app)
            await converse(pilot, "first question")
            await send(pilot, "/mode plan")
            await send(pilot, "/profile")
            await wait_for(pilot, lambda: any(n.startswith("Profiles: ") for n in _notices(app)))
            assert "box" in _notices(app)[-1] and "ollama" in _notices(app)[-1]
            await send(pilot, "/profile nosuch")
            await wait_for(
                pilot, lambda: any("no profile named 'nosuch'" in n for n in _notices(app))
            )
            await send(pilot, "/profile box")
            await wait_for(pilot, lambda: screen.config.default_profile == "box")
            await converse(pilot, "second question")
            assert screen.status.status.profile == "box"
            assert screen.session is not None and screen.session.mode == "plan"
        [asked_box] = box.chat_requests
        assert len(first.chat_requests) == 1
    contents = [m.get("content") for m in asked_box.messages]
    assert "first question" in contents and "Answered by the first server." in contents
    assert contents[-1] == "second question"
    assert asked_box.body["top_k"] == 20
