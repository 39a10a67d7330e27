"""Images into the prompt: Ctrl+V pastes the system clipboard's image as a chip (read by a
real ``xclip`` stand-in on PATH), and a dragged file's path pasted as text attaches the
image it names; the scripted server's request log shows the data URL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

from openclaude_tui.core.clipboard_image import NO_TOOL
from openclaude_tui.ui.app import OpenClaudeApp
from openclaude_tui.ui.widgets.chat_items import NoticeItem
from tests.helpers.app import idle, main_screen, make_app, make_config, wait_for, write_user_config
from tests.helpers.images import clipboard_tool, image_urls, png, png_url
from tests.scripted_server import ScriptedServer, Turn

pytestmark = pytest.mark.usefixtures("home")


def notices(app: OpenClaudeApp) -> list[str]:
    """The notifications the app showed."""
    return [notification.message for notification in app._notifications]


async def press_ctrl_v_with(
    pilot: Pilot[object], path: Path, monkeypatch: pytest.MonkeyPatch, done: object
) -> None:
    """Ctrl+V in the prompt with only ``path`` on PATH, until ``done()`` holds."""
    with monkeypatch.context() as patch:
        patch.setenv("PATH", str(path))
        await pilot.press("ctrl+v")
        await wait_for(pilot, done)  # type: ignore[arg-type]


async def test_ctrl_v_pastes_the_clipboards_image_as_a_chip_and_sends_it(
    project: Path, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_user_config(home, "vision = true\n")
    image = png(4, 3)
    tools = clipboard_tool(tmp_path / "bin", "xclip", image)
    with ScriptedServer([Turn(text="A grey box.")]) as server:
        app = make_app(make_config(project, server.base_url))
        async with app.run_test(size=(120, 40)) as pilot:
            await idle(pilot)
            screen = main_screen(app)
            prompt = screen.prompt_input
            prompt.focus()
            await pilot.press(*"what is ")
            await press_ctrl_v_with(pilot, tools, monkeypatch, lambda: "[image" in prompt.text)
            assert prompt.text == "what is [image: clipboard-1.png 4×3]"
            # Backspace takes the chip whole; the next paste is a new file.
            await pilot.press("backspace")
            await wait_for(pilot, lambda: prompt.text == "what is ")
            await press_ctrl_v_with(pilot, tools, monkeypatch, lambda: "[image" in prompt.text)
            assert prompt.text == "what is [image: clipboard-2.png 4×3]"
            await pilot.press(*"?")
            await pilot.press("enter")
            await wait_for(pilot, lambda: not server.remaining and not screen.running)
            said = [item.text for item in screen.chat.items if isinstance(item, NoticeItem)]
        request = server.chat_requests[0]
    assert (tools / "xclip.arguments").read_text() == "-selection clipboard -t image/png -o"
    assert image_urls(request.messages) == [png_url(image)]
    assert "attached [image: clipboard-2.png 4×3]" in said
    kept = home / "cache" / "clipboard" / "clipboard-2.png"
    assert kept.read_bytes() == image
    assert oct(kept.stat().st_mode & 0o777) == "0o600"


async def test_ctrl_v_says_what_is_missing(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    no_image = clipboard_tool(tmp_path / "bin", "wl-paste", None)
    app = make_app(make_config(project, "http://127.0.0.1:9/v1"))
    async with app.run_test(size=(120, 40)) as pilot:
        prompt = main_screen(app).prompt_input
        prompt.focus()
        await press_ctrl_v_with(pilot, empty, monkeypatch, lambda: notices(app))
        await press_ctrl_v_with(pilot, no_image, monkeypatch, lambda: len(notices(app)) == 2)
        assert prompt.text == ""
    assert notices(app) == [
        NO_TOOL,
        "no image in the clipboard (wl-paste: Error: target image/png not available)",
    ]


async def test_ctrl_v_without_an_image_pastes_text_copied_in_the_app(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    app = make_app(make_config(project, "http://127.0.0.1:9/v1"))
    async with app.run_test(size=(120, 40)) as pilot:
        prompt = main_screen(app).prompt_input
        prompt.focus()
        app.copy_to_clipboard("copied words")
        await press_ctrl_v_with(pilot, empty, monkeypatch, lambda: prompt.text)
        assert prompt.text == "copied words"
        assert notices(app) == []


async def test_a_dragged_path_pasted_in_the_prompt_attaches_the_image(
    project: Path, home: Path, tmp_path: Path
) -> None:
    write_user_config(home, "vision = true\n")
    desktop = tmp_path / "My Desktop"
    desktop.mkdir()
    image = png(5, 2)
    (desktop / "Screen Shot.png").write_bytes(image)
    (desktop / "notes.txt").write_text("words\n")
    with ScriptedServer([Turn(text="A strip.")]) as server:
        app = make_app(make_config(project, server.base_url))
        async with app.run_test(size=(120, 40)) as pilot:
            await idle(pilot)
            screen = main_screen(app)
            screen.prompt_input.focus()
            await pilot.press(*"compare ")
            # As a terminal pastes two files dragged onto it.
            event = events.Paste(f"'{desktop}/Screen Shot.png' '{desktop}/notes.txt' ")
            event.set_sender(app)
            assert app._driver is not None
            app._driver.send_message(event)
            await wait_for(pilot, lambda: screen.prompt_input.text.endswith("' "))
            await pilot.press("enter")
            await wait_for(pilot, lambda: not server.remaining and not screen.running)
            said = [item.text for item in screen.chat.items if isinstance(item, NoticeItem)]
        request = server.chat_requests[0]
    assert image_urls(request.messages) == [png_url(image)]
    assert said == ["attached [image: Screen Shot.png 5×2]"]
    assert os.fspath(desktop / "notes.txt") in request.messages[-1]["content"][0]["text"]
