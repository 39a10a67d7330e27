"""The chat follows what is new: after a search, a sidebar row or a scroll, new output shows
(or a "new output" label says it arrived), End jumps to it, and a resize keeps the end."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.color import Color
from textual.command import CommandPalette
from textual.pilot import Pilot

from openclaude_tui.ui import messages
from openclaude_tui.ui.screens.main import MainScreen
from openclaude_tui.ui.widgets.chat import ChatView
from openclaude_tui.ui.widgets.chat_items import PanelItem
from openclaude_tui.ui.widgets.chat_lines import NEW_OUTPUT_LABEL
from tests.helpers.app import (
    CLOSED_URL,
    chat_lines,
    converse,
    idle,
    main_screen,
    make_app,
    make_config,
    screen_text,
    send,
    wait_for,
    wait_to_show,
)
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

pytestmark = pytest.mark.usefixtures("home")

LONG_ANSWER = "The needle is at the top.\n\n" + "".join(
    f"Filler paragraph {n}.\n\n" for n in range(60)
)
MARKER = NEW_OUTPUT_LABEL.strip()


def chat_text(pilot: Pilot[object]) -> str:
    """The lines the chat pane shows now."""
    return "\n".join(chat_lines(pilot.app))


async def scroll_to_top(pilot: Pilot[object]) -> None:
    """Scroll the chat pane to its top, as the mouse wheel would."""
    chat = main_screen(pilot.app).chat
    chat.scroll_to(y=0, animate=False, immediate=True)
    await pilot.pause()
    assert not chat.following


async def read_above(pilot: Pilot[object]) -> MainScreen:
    """A long answer arrives, then the user scrolls back to its top; the main screen."""
    await idle(pilot)
    screen = main_screen(pilot.app)
    screen.post_message(messages.AnswerText(LONG_ANSWER))
    screen.post_message(messages.AnswerDone(0))
    await wait_for(pilot, lambda: "Filler paragraph 59." in chat_text(pilot))
    assert MARKER not in screen_text(pilot.app)
    await scroll_to_top(pilot)
    return screen


async def test_after_a_search_the_next_prompt_and_its_answer_show(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text=LONG_ANSWER), Turn(text="The second answer is here."))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 30)) as pilot:
        await converse(pilot, "hide a needle")
        screen = main_screen(app)
        await pilot.press("ctrl+f", *"needle")
        assert "The needle is at the top." in chat_text(pilot)
        await pilot.press("escape")
        assert screen.prompt_input.has_focus
        await send(pilot, "and now?")
        await idle(pilot)
        shown = await wait_to_show(pilot, "The second answer is here.")
        assert "› and now?" in shown
        assert MARKER not in shown


async def test_after_a_sidebar_row_the_output_of_commands_shows(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(
        Turn(text=LONG_ANSWER, tool_calls=[ToolCallSpec("Read", {"file_path": "app.py"})]),
        Turn(text=LONG_ANSWER),
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 30)) as pilot:
        await converse(pilot, "read it")
        screen = main_screen(app)
        screen.sidebar.query_one("#calls").focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert not screen.chat.following
        await send(pilot, "/mode acceptEdits")
        await pilot.pause()
        assert "Permission mode" not in chat_text(pilot)
        await send(pilot, "/help")
        await wait_for(pilot, lambda: "use @ to complete a file path" in chat_text(pilot))
        await scroll_to_top(pilot)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "the agent has changed nothing yet" in chat_text(pilot))


async def test_output_arriving_while_reading_above_shows_a_label_and_end_jumps_to_it(
    project: Path,
) -> None:
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await read_above(pilot)
        screen.post_message(messages.AgentFailed("the server hung up", False))
        await wait_for(pilot, lambda: MARKER in chat_text(pilot))
        assert "the server hung up" not in chat_text(pilot)
        assert "End Latest" in screen_text(app), "the footer offers the key"
        assert screen.prompt_input.has_focus
        await pilot.press("end")
        await wait_for(pilot, lambda: "the server hung up" in chat_text(pilot))
        assert MARKER not in chat_text(pilot)
        assert screen.chat.following
        assert "End Latest" not in screen_text(app)


async def test_end_in_the_prompt_first_moves_the_cursor_to_the_end_of_its_line(
    project: Path,
) -> None:
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await read_above(pilot)
        screen.prompt_input.load_text("draft")
        screen.prompt_input.move_cursor((0, 2))
        await pilot.press("end")
        assert screen.prompt_input.cursor_location == (0, 5)
        assert not screen.chat.following
        await pilot.press("end")
        await wait_for(pilot, lambda: screen.chat.following)
        assert screen.prompt_input.text == "draft"


async def test_a_click_on_the_label_jumps_to_the_new_output(project: Path) -> None:
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await read_above(pilot)
        screen.post_message(messages.NoticePosted("a late notice", "warning"))
        await wait_for(pilot, lambda: screen.chat.unseen)
        chat = screen.chat
        x = chat.scrollable_content_region.width - 3
        await pilot.click(ChatView, offset=(x, chat.size.height - 1))
        await wait_for(pilot, lambda: "a late notice" in chat_text(pilot))
        assert chat.following and not chat.unseen


async def test_shrinking_the_terminal_keeps_the_end_of_the_chat_in_view(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text=LONG_ANSWER + "The very last line."))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 36)) as pilot:
        await converse(pilot, "a long answer")
        await wait_for(pilot, lambda: "The very last line." in chat_text(pilot))
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: main_screen(app).chat.size.height < 25)
        await wait_for(pilot, lambda: "The very last line." in chat_text(pilot))
        await pilot.resize_terminal(70, 16)
        await wait_for(pilot, lambda: main_screen(app).chat.size.height < 15)
        await wait_for(pilot, lambda: "The very last line." in chat_text(pilot))


async def test_esc_in_the_chat_during_a_search_closes_it_and_returns_to_the_prompt(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text=LONG_ANSWER))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 30)) as pilot:
        await converse(pilot, "hide a needle")
        screen = main_screen(app)
        await pilot.press("ctrl+f", *"needle")
        search = screen.query_one("#search")
        assert search.display
        screen.chat.focus()
        await pilot.press("escape")
        assert screen.prompt_input.has_focus
        assert not search.display
        assert not screen.chat.search


async def test_the_sidebar_shows_its_focus_and_keys_and_gives_typing_to_the_prompt(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(
        Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "app.py"})]), Turn(text="Read.")
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 30)) as pilot:
        await converse(pilot, "read it")
        screen = main_screen(app)
        sidebar = screen.sidebar
        accent = Color.parse(app.theme_variables["accent"])
        assert sidebar.styles.border_left[1] != accent
        assert "Show card" not in screen_text(app)
        # /help states the order Tab really follows.
        await send(pilot, "/help")
        panel = screen.chat.items[-1]
        assert isinstance(panel, PanelItem)
        assert (
            "from the prompt to the sidebar (when shown), the chat pane, the plan offer "
            "(when open), the prompt again" in panel.body
        )
        await pilot.press("tab")
        assert sidebar.has_focus_within
        await pilot.pause()
        assert sidebar.styles.border_left[1] == accent
        footer = screen_text(app).splitlines()[-1]
        assert "Show card" in footer and "esc Prompt" in footer, footer
        await pilot.press("tab")
        assert screen.chat.has_focus
        await pilot.press("tab")
        assert screen.prompt_input.has_focus
        await pilot.press("tab")
        assert sidebar.has_focus_within
        await pilot.press("escape")
        assert screen.prompt_input.has_focus
        await pilot.press("tab", *"why?")
        assert screen.prompt_input.has_focus
        assert screen.prompt_input.text == "why?"
        assert not screen.running, "typing in the sidebar sends nothing"


async def test_with_the_sidebar_hidden_the_plan_shows_above_the_prompt_and_folds(
    project: Path,
) -> None:
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        screen = main_screen(app)
        assert not screen.sidebar_shown
        screen.post_message(
            messages.TodosChanged(
                (
                    messages.TodoRow("Read the failing test", "completed", "Reading"),
                    messages.TodoRow("Fix the attribute name", "in_progress", "Fixing"),
                    messages.TodoRow("Run the tests again", "pending", "Running"),
                )
            )
        )
        shown = await wait_to_show(pilot, "Plan · 1 of 3 done", "☐ Run the tests again")
        assert "☒ Read the failing test" in shown and "◐ Fix the attribute name" in shown
        await pilot.click("#plan-list")
        shown = await wait_to_show(pilot, "◐ Fix the attribute name")
        assert "Run the tests again" not in shown
        await pilot.click("#plan-list")
        await wait_to_show(pilot, "☐ Run the tests again")
        await pilot.press("ctrl+b")
        assert screen.sidebar_shown
        await pilot.pause()
        # The sidebar shows the plan now: it is not shown twice.
        assert screen_text(app).count("Run the tests again") == 1


async def test_a_command_from_the_palette_shows_its_output_too(project: Path) -> None:
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await read_above(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"Help: keys and commands")
        await wait_to_show(pilot, "/help")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_for(pilot, lambda: "use @ to complete a file path" in chat_text(pilot))
        assert screen.chat.following
