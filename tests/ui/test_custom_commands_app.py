"""Custom commands in the app: offered by completion, /help and the palette, sent expanded;
a built-in command wins its name; ``@`` completion offers directories."""

from __future__ import annotations

from pathlib import Path

from openclaude_tui.ui.widgets.chat_items import NoticeItem, PanelItem
from openclaude_tui.ui.widgets.prompt import PromptArea
from tests.helpers.app import idle, main_screen, make_app, make_config, send, wait_for
from tests.scripted_server import ScriptedServer, Turn


def _command(project: Path, name: str, text: str) -> None:
    path = project / ".openclaude" / "commands" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


async def test_a_custom_command_is_completed_listed_and_sent_expanded(
    project: Path, scripted_server: ScriptedServer
) -> None:
    _command(
        project,
        "greet",
        "---\ndescription: Greet someone warmly\nargument-hint: [name]\n---\nSay hello to $1.\n",
    )
    scripted_server.script(Turn(text="Hello, Bob!"))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        screen = main_screen(app)
        area = screen.query_one(PromptArea)
        await pilot.press("/", "g", "r")
        assert area.completing
        assert area.completions.get_option_at_index(0).id == "greet"
        await pilot.press("escape", "ctrl+u")
        await send(pilot, "/help")
        await pilot.pause()
        panels = [item for item in screen.chat.items if isinstance(item, PanelItem)]
        assert "| `/greet [name]` | Greet someone warmly (project) |" in panels[-1].body
        titles = [title for title, _, _ in screen.palette_commands()]
        assert "/greet: Greet someone warmly" in titles
        await send(pilot, "/greet Bob")
        await idle(pilot)
    assert scripted_server.last_request.messages[-1]["content"] == "Say hello to Bob.\n"


async def test_a_builtin_command_wins_over_a_custom_one_of_the_same_name(
    project: Path, scripted_server: ScriptedServer
) -> None:
    _command(project, "clear", "Never sent.\n")
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        screen = main_screen(app)
        notices = [item.text for item in screen.chat.items if isinstance(item, NoticeItem)]
        assert any(text.startswith("the built-in /clear wins over the custom") for text in notices)
        await send(pilot, "/clear")
        await pilot.pause()
    assert scripted_server.chat_requests == []


async def test_at_completion_offers_directories_then_what_they_hold(
    project: Path, scripted_server: ScriptedServer
) -> None:
    (project / "docs").mkdir()
    (project / "docs" / "guide.md").write_text("# Guide\n")
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        area = main_screen(app).query_one(PromptArea)
        await pilot.press(*"see @doc")
        await wait_for(pilot, lambda: area.completing)
        assert area.completions.get_option_at_index(0).id == "docs/"
        await pilot.press("tab")
        assert area.input.text == "see @docs/"
        await wait_for(pilot, lambda: area.completing)
        assert area.completions.get_option_at_index(0).id == "docs/guide.md"


async def test_at_path_in_a_typed_prompt_attaches_the_file(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text="It sets LIMIT."))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await send(pilot, "what does @app.py do?")
        await idle(pilot)
    sent = scripted_server.last_request.messages[-1]["content"]
    assert sent.startswith("what does @app.py do?\n\nContents of app.py:\n```\nLIMIT = 10\n")
