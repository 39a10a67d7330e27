"""The app against the scripted server: streaming, approvals, interruptions, failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.ui.screens.permission import PermissionScreen
from openclaude_tui.ui.widgets.assistant_message import CodeItem, MarkdownItem
from openclaude_tui.ui.widgets.chat_items import NoticeItem, PanelItem
from openclaude_tui.ui.widgets.tool_card import ToolCardItem
from tests.helpers.app import (
    CLOSED_URL,
    EDIT,
    READ,
    ask_for_approval,
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


def edit_script() -> list[Turn]:
    return [
        Turn(text="I will read the file.", tool_calls=[READ]),
        Turn(text="Now the edit.", tool_calls=[EDIT]),
        Turn(text="Finished."),
    ]


async def test_a_streamed_answer_appears(project: Path, scripted_server: ScriptedServer) -> None:
    scripted_server.script(
        Turn(text="Here is **the answer**.\n\n```python\nprint('hi')\n```\n\nDone.", chunk_size=5)
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "hello")
        chat = main_screen(app).chat
        markdown = [item.text for item in chat.items if isinstance(item, MarkdownItem)]
        assert markdown == ["Here is **the answer**.", "Done."]
        assert [item.code for item in chat.items if isinstance(item, CodeItem)] == ["print('hi')"]
        shown = screen_text(app)
        assert "Here is the answer." in shown
        assert "print('hi')" in shown
    assert scripted_server.last_request.messages[-1] == {"role": "user", "content": "hello"}


async def test_edit_asks_and_1_applies_it(project: Path, scripted_server: ScriptedServer) -> None:
    scripted_server.script(edit_script())
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        modal = await ask_for_approval(pilot, "raise the limit")
        diff = modal.view.file_diff
        assert diff is not None and [hunk.text() for hunk in diff.hunks] == [
            "@@ -1,4 +1,4 @@\n-LIMIT = 10\n+LIMIT = 20\n \n \n def limit():\n"
        ]
        assert "Approve Edit?" in app.title
        assert not main_screen(app).prompt_input.cursor_blink, "no blinking during a turn"
        await pilot.press("1")
        await idle(pilot)
        assert app.title == "OpenClaude"
        assert main_screen(app).prompt_input.cursor_blink
        card = main_screen(app).cards["call_2_0"]
        assert card.state == "done"
    assert (project / "app.py").read_text().startswith("LIMIT = 20\n")


async def test_3_with_a_reason_refuses_and_the_model_gets_the_reason(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(edit_script())
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await ask_for_approval(pilot, "raise the limit")
        await pilot.press("3")
        await pilot.press(*"keep it at ten")
        await pilot.press("enter")
        await idle(pilot)
        assert main_screen(app).cards["call_2_0"].state == "denied"
    assert (project / "app.py").read_text().startswith("LIMIT = 10\n")
    denial = scripted_server.tool_results()[-1]
    assert "denied" in denial
    assert "keep it at ten" in denial


async def test_esc_in_the_reason_field_goes_back_to_the_options(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(edit_script())
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        modal = await ask_for_approval(pilot, "raise the limit")
        await pilot.press("n")
        assert modal.asking_reason
        await pilot.press("y")  # typed into the reason field, not taken as "allow"
        await pilot.press("escape")
        assert not modal.asking_reason and app.screen is modal
        await pilot.press("y")
        await idle(pilot)
    assert (project / "app.py").read_text().startswith("LIMIT = 20\n")


async def test_2_stops_asking_for_the_same_rule(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(
        Turn(tool_calls=[ToolCallSpec("Bash", {"command": "touch first.txt"})]),
        Turn(tool_calls=[ToolCallSpec("Bash", {"command": "touch second.txt"})]),
        Turn(text="Both created."),
    )
    app = make_app(make_config(project, scripted_server.base_url))
    asked = 0
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await send(pilot, "make two files")
        await wait_for(pilot, lambda: isinstance(app.screen, PermissionScreen))
        modal = app.screen
        assert isinstance(modal, PermissionScreen)
        assert modal.view.always_label == "Always allow `Bash(touch:*)` in this project"
        asked += 1
        await pilot.press("2")
        await idle(pilot)
        states = [card.state for card in main_screen(app).cards.values()]
    assert asked == 1 and states == ["done", "done"]
    assert (project / "first.txt").exists() and (project / "second.txt").exists()
    local = (project / ".openclaude" / "settings.local.toml").read_text()
    assert "Bash(touch:*)" in local


async def test_esc_mid_stream_leaves_a_usable_app_and_a_valid_history(
    project: Path, scripted_server: ScriptedServer
) -> None:
    long_answer = " ".join(f"word{n}" for n in range(400))
    scripted_server.script(
        Turn(text=long_answer, chunk_size=8, token_delay=0.02), Turn(text="Second answer.")
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await send(pilot, "write a lot")
        screen = main_screen(app)
        await wait_for(pilot, lambda: screen.answer is not None and "word3" in screen.answer.text)
        await pilot.press("escape")
        await idle(pilot)
        notices = [item.text for item in screen.chat.items if isinstance(item, NoticeItem)]
        assert any(text.startswith("Interrupted") for text in notices)
        await send(pilot, "go on")
        await idle(pilot)
        assert "Second answer." in screen_text(app)
    # The strict server accepted the second request: the history was valid.
    messages = scripted_server.last_request.messages
    assert messages[-1] == {"role": "user", "content": "go on"}
    assert messages[-2]["role"] == "assistant"
    assert "interrupted" in messages[-2]["content"]


async def test_esc_on_the_modal_denies_and_interrupts(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(edit_script()[:2], Turn(text="Understood."))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await ask_for_approval(pilot, "raise the limit")
        await pilot.press("escape")
        await idle(pilot)
        screen = main_screen(app)
        assert not isinstance(app.screen, PermissionScreen)
        assert screen.cards["call_2_0"].state == "denied"
        assert screen.prompt_input.has_focus
        requests_before = len(scripted_server.chat_requests)
        await send(pilot, "leave it then")
        await idle(pilot)
        assert len(scripted_server.chat_requests) == requests_before + 1
    denial = scripted_server.tool_results()[-1]
    assert "interrupted" in denial
    assert (project / "app.py").read_text().startswith("LIMIT = 10\n")


async def test_shift_tab_changes_the_mode(project: Path, scripted_server: ScriptedServer) -> None:
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        screen = main_screen(app)
        assert screen.session is not None and screen.session.mode == "default"
        await pilot.press("shift+tab")
        assert screen.session.mode == "acceptEdits"
        assert "acceptEdits" in screen_text(app)
        await pilot.press("shift+tab")
        assert screen.session.mode == "plan"
        await pilot.press("shift+tab")
        assert screen.session.mode == "default"


async def test_clear_empties_the_conversation(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text="First answer."), Turn(text="Fresh start."))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "hello")
        await send(pilot, "/clear")
        await idle(pilot)
        screen = main_screen(app)
        assert screen.session is not None and screen.session.agent is not None
        assert screen.session.agent.messages == []
        assert [type(item) for item in screen.chat.items] == [NoticeItem]
        await send(pilot, "again")
        await idle(pilot)
    assert scripted_server.last_request.messages[1:] == [{"role": "user", "content": "again"}]


async def test_a_500_shows_a_retry_line_then_the_answer(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(status=500), Turn(text="Recovered."))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "hello")
        chat = main_screen(app).chat
        retries = [item.text for item in chat.items if isinstance(item, NoticeItem)]
        assert any("server returned 500" in text and "attempt 2/4" in text for text in retries)
        assert "Recovered." in screen_text(app)


async def test_an_unreachable_server_shows_the_panel_and_the_app_stays(project: Path) -> None:
    app = make_app(make_config(project, CLOSED_URL, model=None))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        chat = main_screen(app).chat
        await wait_for(
            pilot, lambda: any(isinstance(i, PanelItem) and "reach" in i.title for i in chat.items)
        )
        panel = next(i for i in chat.items if isinstance(i, PanelItem) and "reach" in i.title)
        assert CLOSED_URL in panel.body
        assert "--base-url" in panel.body and "OPENAI_BASE_URL" in panel.body
        await send(pilot, "are you there?")
        await idle(pilot)
        assert app.is_running
        panels = [i for i in chat.items if isinstance(i, PanelItem) and "reach" in i.title]
        assert len(panels) == 2
        assert "Traceback" not in screen_text(app)


async def test_tool_cards_and_sidebar_rows_follow_the_calls(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(
        Turn(tool_calls=[READ, ToolCallSpec("Grep", {"pattern": "LIMIT"})]),
        Turn(text="Read and searched."),
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "look around")
        screen = main_screen(app)
        cards = [item for item in screen.chat.items if isinstance(item, ToolCardItem)]
        assert [(card.name, card.state) for card in cards] == [("Read", "done"), ("Grep", "done")]
        assert "2 calls" in screen_text(app)
        assert "2 done" in screen_text(app)


async def test_an_applied_edit_card_shows_its_diff_in_colour(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(edit_script())
    app = make_app(make_config(project, scripted_server.base_url, permission_mode="acceptEdits"))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "raise the limit")
        chat = main_screen(app).chat
        card = next(c for c in chat.items if isinstance(c, ToolCardItem) and c.name == "Edit")
        assert card.state == "done"
        shown = screen_text(app)
        assert "-LIMIT = 10" in shown and "+LIMIT = 20" in shown
        assert "+++ b/app.py" not in shown, "the file names are in the headline already"
        assert "Edited app.py" in shown, "paths in the project are shown relative to it"
        assert str(project) in card.result, "the model gets the whole path"
        drawn = {strip.text.strip(): strip for strip in chat.lines_of(card)}
        for text, style in (("-LIMIT = 10", "removed"), ("+LIMIT = 20", "added")):
            expected = chat.get_component_rich_style(f"chat--diff-{style}").bgcolor
            assert expected is not None
            backgrounds = {segment.style.bgcolor for segment in drawn[text] if segment.style}
            assert expected in backgrounds, f"{text} is drawn on the {style} colour"


async def test_a_new_file_card_shows_what_was_written(
    project: Path, scripted_server: ScriptedServer
) -> None:
    content = "def add(a, b):\n    return a + b\n"
    write = ToolCallSpec("Write", {"file_path": "util/helpers.py", "content": content})
    scripted_server.script(Turn(tool_calls=[write]), Turn(text="Written."))
    app = make_app(make_config(project, scripted_server.base_url, permission_mode="acceptEdits"))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "add a helper")
        shown = screen_text(app)
        assert "+def add(a, b):" in shown and "+    return a + b" in shown
        assert "return a + b" not in scripted_server.tool_results()[-1], (
            "the model is not sent back what it wrote"
        )


async def test_a_running_bash_card_shows_its_output_live(
    project: Path, scripted_server: ScriptedServer
) -> None:
    command = "for i in 1 2 3 4; do echo step$i; sleep 0.4; done"
    scripted_server.script(Turn(tool_calls=[ToolCallSpec("Bash", {"command": command})]), "Ran.")
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        screen = main_screen(app)
        screen.submit("count")  # not through Pilot.press, which waits for an idle app
        await wait_for(pilot, lambda: "call_1_0" in screen.cards)
        card = screen.cards["call_1_0"]
        await wait_for(pilot, lambda: "step1" in card.body)
        assert card.state == "running"
        assert "step4" not in card.body
        assert "step1" in screen_text(app)
        await idle(pilot)
        assert card.state == "done" and "step4" in card.body


async def test_esc_during_a_command_kills_it_and_the_next_prompt_works(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(
        Turn(tool_calls=[ToolCallSpec("Bash", {"command": "sleep 30"})]), Turn(text="Fine.")
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        screen = main_screen(app)
        screen.submit("wait a while")
        await wait_for(pilot, lambda: "call_1_0" in screen.cards)
        await wait_for(pilot, lambda: screen.cards["call_1_0"].state == "running")
        await pilot.press("escape")
        await idle(pilot)
        assert screen.cards["call_1_0"].state == "interrupted"
        await send(pilot, "never mind")
        await idle(pilot)
        assert "Fine." in screen_text(app)
    results = scripted_server.tool_results()
    assert results == ["Interrupted by user"]


async def test_ctrl_c_on_the_modal_denies_and_interrupts(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(edit_script()[:2])
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await ask_for_approval(pilot, "raise the limit")
        await pilot.press("ctrl+c")
        await idle(pilot)
        assert not isinstance(app.screen, PermissionScreen)
        assert main_screen(app).cards["call_2_0"].state == "denied"
        assert app.is_running
    assert (project / "app.py").read_text().startswith("LIMIT = 10\n")


async def test_the_context_figure_is_an_estimate_when_the_server_reports_no_usage(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text="Unmetered.", omit_usage=True), Turn(text="Metered."))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "first")
        await wait_to_show(pilot, "ctx ~")
        assert "↑" not in screen_text(app), "no reported tokens to count yet"
        await converse(pilot, "second")
        await wait_to_show(pilot, "↑")
        assert "ctx ~" not in screen_text(app)


async def test_the_status_bar_names_the_server_that_discovery_found(
    project: Path, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openclaude_tui.core import assembly
    from openclaude_tui.core.llm.discovery import Candidate

    search = assembly.discover_local_server
    # Discovery probes the scripted server's port instead of the usual local ones.
    monkeypatch.setattr(
        assembly,
        "discover_local_server",
        lambda candidates: search([Candidate("scripted", scripted_server.port)]),
    )
    config = make_config(project, "http://localhost:11434/v1")
    config.base_url_source = "default"
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        shown = await wait_to_show(pilot, f"127.0.0.1:{scripted_server.port}")
        assert "11434" not in shown
