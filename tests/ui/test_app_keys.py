"""The app's keys and commands: queue, shell, history, completion, quitting, sidebar, search."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.ui.app import OpenClaudeApp
from openclaude_tui.ui.screens.models import ModelScreen
from openclaude_tui.ui.screens.rules import RulesScreen
from openclaude_tui.ui.widgets.chat import ChatView
from openclaude_tui.ui.widgets.chat_items import NoticeItem, PanelItem, ReasoningItem, UserItem
from openclaude_tui.ui.widgets.prompt import PromptArea
from openclaude_tui.ui.widgets.tool_card import ToolCardItem
from tests.helpers.app import (
    CLOSED_URL,
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


async def test_a_prompt_sent_while_the_agent_works_is_queued_then_sent(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(
        Turn(text="slow " * 200, chunk_size=10, token_delay=0.05), Turn(text="Queued one answered.")
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        screen = main_screen(app)
        # Submitted directly: Pilot.press waits for an idle app, which a stream is not.
        screen.submit("first")
        await wait_for(pilot, lambda: screen.answer is not None)
        screen.submit("second")
        screen.chat.flush()
        queued = [item for item in screen.chat.items if isinstance(item, UserItem) and item.queued]
        assert [item.text for item in queued] == ["second"]
        assert "queued" in screen_text(app)
        await wait_for(
            pilot, lambda: len(scripted_server.chat_requests) == 2 and not screen.running
        )
        await idle(pilot)
        assert "Queued one answered." in screen_text(app)
    assert scripted_server.last_request.messages[-1] == {"role": "user", "content": "second"}


async def test_interrupting_puts_queued_prompts_back_in_the_prompt(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text="slow " * 400, chunk_size=10, token_delay=0.05))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        screen = main_screen(app)
        screen.submit("first")
        await wait_for(pilot, lambda: screen.answer is not None)
        screen.submit("later")
        await pilot.press("ctrl+c")
        await idle(pilot)
        assert screen.prompt_input.text == "later"
        assert screen.prompt_input.cursor_location == screen.prompt_input.document.end
        assert not any(isinstance(i, UserItem) and i.queued for i in screen.chat.items)
        assert app.is_running


async def test_bang_runs_a_shell_command_and_the_model_sees_its_output(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text="I see the listing."))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "!ls")
        screen = main_screen(app)
        card = next(item for item in screen.chat.items if isinstance(item, ToolCardItem))
        assert (card.name, card.summary, card.state) == ("Bash", "ls", "done")
        assert "app.py" in card.body
        assert scripted_server.chat_requests == []
        await send(pilot, "what do you see?")
        await idle(pilot)
    prompt = scripted_server.last_request.messages[-1]["content"]
    assert "`ls`" in prompt and "app.py" in prompt and prompt.endswith("what do you see?")


async def test_history_is_kept_per_project_and_browsed_with_up_and_down(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text="one"), Turn(text="two"))
    config = make_config(project, scripted_server.base_url)
    async with make_app(config).run_test(size=(120, 40)) as pilot:
        await converse(pilot, "first question")
        await send(pilot, "second question")
        await idle(pilot)
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        prompt = main_screen(app).prompt_input
        await pilot.press(*"draft")
        await pilot.press("up")
        assert prompt.text == "second question"
        await pilot.press("up")
        assert prompt.text == "first question"
        await pilot.press("down", "down")
        assert prompt.text == "draft"


async def test_ctrl_j_inserts_a_new_line_and_enter_sends(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text="ok"))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await pilot.press(*"line one", "ctrl+j", *"line two", "enter")
        await idle(pilot)
    assert scripted_server.last_request.messages[-1]["content"] == "line one\nline two"


async def test_slash_completes_commands(project: Path, scripted_server: ScriptedServer) -> None:
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        area = main_screen(app).query_one(PromptArea)
        await pilot.press("/", "c")
        assert area.completing
        options = [area.completions.get_option_at_index(i).id for i in range(2)]
        assert options == ["clear", "compact"]
        await pilot.press("tab")
        assert area.input.text == "/clear "
        assert not area.completing
        await pilot.press("enter")
        await pilot.pause()
        notices = [i.text for i in main_screen(app).chat.items if isinstance(i, NoticeItem)]
        assert notices == ["New conversation"]


async def test_at_completes_file_paths(project: Path, scripted_server: ScriptedServer) -> None:
    (project / "docs").mkdir()
    (project / "docs" / "guide.md").write_text("# Guide\n")
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        area = main_screen(app).query_one(PromptArea)
        await pilot.press(*"look at @gui")
        await wait_for(pilot, lambda: area.completing)
        assert area.completions.get_option_at_index(0).id == "docs/guide.md"
        await pilot.press("enter")
        assert area.input.text == "look at @docs/guide.md "


async def test_ctrl_c_twice_on_an_idle_app_quits(project: Path) -> None:
    from tests.helpers.app import CLOSED_URL

    clock = [100.0]
    config = make_config(project, CLOSED_URL)
    app = OpenClaudeApp(config, clock=lambda: clock[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await pilot.press("ctrl+c")
        assert app.is_running
        clock[0] += 5  # too late: this press only warns again
        await pilot.press("ctrl+c")
        assert app.is_running
        clock[0] += 1
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


async def test_ctrl_q_quits(project: Path) -> None:
    from tests.helpers.app import CLOSED_URL

    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running


async def test_sidebar_toggles_hides_when_narrow_and_selecting_a_row_scrolls_to_the_card(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(
        Turn(text="\n\n".join(f"Paragraph {n}." for n in range(30)), tool_calls=[
            ToolCallSpec("Read", {"file_path": "app.py"})
        ]),
        Turn(text="\n\n".join(f"Closing paragraph {n}." for n in range(40))),
    )  # fmt: skip
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 30)) as pilot:
        await idle(pilot)
        screen = main_screen(app)
        assert screen.sidebar_shown
        await send(pilot, "read it")
        await idle(pilot)
        card = next(item for item in screen.chat.items if isinstance(item, ToolCardItem))
        assert screen.chat.item_at(screen.chat.scroll_offset.y) is not card
        calls = screen.sidebar.query_one("#calls")
        calls.focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert screen.chat.selected is card
        assert screen.chat.item_at(screen.chat.scroll_offset.y) is card
        await pilot.press("ctrl+b")
        assert not screen.sidebar_shown
        await pilot.pause()
        assert not screen.sidebar.display and screen.sidebar.region.width == 0
        await pilot.press("ctrl+b")
        assert screen.sidebar_shown
        await pilot.pause()
        assert screen.sidebar.display and screen.sidebar.region.width > 0
    narrow = make_app(make_config(project, scripted_server.base_url))
    async with narrow.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        assert not main_screen(narrow).sidebar_shown


async def test_a_long_sidebar_row_is_shortened_and_keeps_its_duration(project: Path) -> None:
    app = make_app(make_config(project, CLOSED_URL))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause(0.2)
        sidebar = main_screen(app).sidebar
        sidebar.add_call("c1", "Bash", "python -m pytest tests/test_authentication_flow.py -q")
        sidebar.set_state("c1", "done", 12.3)
        sidebar.add_call("c2", "TodoWrite", "3 steps: read, fix and run the failing tests")
        sidebar.set_state("c2", "failed", 1.25)
        lines = (await wait_to_show(pilot, "python -m", "TodoWrite")).splitlines()
        bash = [line for line in lines if "python -m" in line]
        assert len(bash) == 1 and "…" in bash[0] and bash[0].rstrip().endswith(" 12s"), bash
        todo = [line for line in lines if "TodoWrite" in line]
        assert len(todo) == 1 and "…" in todo[0] and todo[0].rstrip().endswith(" 1.2s"), todo


async def test_chat_keys_expand_a_card_and_copy_an_entry(
    project: Path, scripted_server: ScriptedServer
) -> None:
    long_file = "".join(f"line {n}\n" for n in range(20))
    (project / "long.txt").write_text(long_file)
    scripted_server.script(
        Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "long.txt"})]),
        Turn(text="It has twenty lines."),
    )
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "read long.txt")
        screen = main_screen(app)
        card = next(item for item in screen.chat.items if isinstance(item, ToolCardItem))
        assert "more lines (Enter to expand)" in screen_text(app)
        screen.chat.focus()
        await pilot.pause()
        await pilot.press("up")
        assert screen.chat.selected is card
        await pilot.press("enter")
        assert card.expanded
        await wait_for(pilot, lambda: "line 19" in screen_text(app))
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard.startswith("Read(long.txt)")
        assert "line 19" in app.clipboard
        await pilot.press("escape")
        assert screen.prompt_input.has_focus


async def test_ctrl_f_finds_text_in_the_conversation(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(text="The needle is here.\n\n" + "Filler.\n\n" * 40))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 30)) as pilot:
        await converse(pilot, "hide a needle")
        screen = main_screen(app)
        await pilot.press("ctrl+f")
        await pilot.press(*"needle is")
        selected = screen.chat.selected
        assert selected is not None and "needle is here" in selected.search_text()
        assert screen.chat.item_at(screen.chat.scroll_offset.y) is selected
        await pilot.press("escape")
        assert screen.prompt_input.has_focus


async def test_model_picker_switches_the_model(project: Path) -> None:
    with ScriptedServer([Turn(text="from beta")], models=["alpha", "beta"]) as server:
        app = make_app(make_config(project, server.base_url, model="alpha"))
        async with app.run_test(size=(120, 40)) as pilot:
            await idle(pilot)
            await send(pilot, "/model")
            await wait_for(pilot, lambda: isinstance(app.screen, ModelScreen))
            await pilot.press("down", "enter")
            await wait_for(pilot, lambda: main_screen(app).status.status.model == "beta")
            await send(pilot, "hi")
            await idle(pilot)
        assert server.last_request.model == "beta"


async def test_permissions_lists_rules_and_removes_one(
    project: Path, scripted_server: ScriptedServer
) -> None:
    config = make_config(project, scripted_server.base_url, allow=["Bash(npm test:*)"])
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        await send(pilot, "/permissions")
        await wait_for(pilot, lambda: isinstance(app.screen, RulesScreen))
        rules = app.screen
        assert isinstance(rules, RulesScreen)
        assert [(row.kind, row.text, row.source) for row in rules.rows] == [
            ("allow", "Bash(npm test:*)", "--allow")
        ]
        await pilot.press("d")
        assert rules.rows == []
        await pilot.press("escape")
        session = main_screen(app).session
        assert session is not None and session.rules() == []


async def test_help_and_unknown_commands(project: Path, scripted_server: ScriptedServer) -> None:
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 60)) as pilot:
        await idle(pilot)
        await send(pilot, "/help")
        await send(pilot, "/frobnicate")
        await pilot.pause()
        chat = main_screen(app).query_one(ChatView)
        panel = next(
            i for i in chat.items if isinstance(i, PanelItem) and i.title.startswith("Keys")
        )
        assert "/permissions" in panel.body and "Shift+Tab" in panel.body
        # No search backend is configured: /help says how to give the model WebSearch.
        assert "Web search is off: set `web_search_url` to a SearXNG instance" in panel.body
        notices = [i.text for i in chat.items if isinstance(i, NoticeItem)]
        assert notices[-1].startswith("unknown command /frobnicate")
        # A usage with "|" in it stays one cell of the table (the panel's top in view: the
        # list of commands grows longer than the terminal).
        chat.scroll_to_item(panel, top=True)
        await wait_to_show(pilot, "/diff [since N | worktree |", "REV_RANGE]")
    assert scripted_server.chat_requests == []


async def test_help_says_nothing_of_web_search_once_it_is_configured(
    project: Path, scripted_server: ScriptedServer
) -> None:
    config = make_config(project, scripted_server.base_url, web_search_url="http://127.0.0.1:9")
    app = make_app(config)
    async with app.run_test(size=(120, 60)) as pilot:
        await idle(pilot)
        await send(pilot, "/help")
        await pilot.pause()
        chat = main_screen(app).query_one(ChatView)
        panel = next(
            i for i in chat.items if isinstance(i, PanelItem) and i.title.startswith("Keys")
        )
        assert "Shift+Tab" in panel.body and "Web search is off" not in panel.body


async def test_model_picker_lists_ollamas_own_models_too(project: Path) -> None:
    from tests.route_server import RouteServer, ollama_routes

    routes = ollama_routes(("qwen2.5-coder:7b",))
    routes[("GET", "/api/tags")] = (
        200,
        {"models": [{"name": "qwen2.5-coder:7b"}, {"name": "llama3.1:8b"}]},
    )
    with RouteServer(routes) as server:
        app = make_app(make_config(project, f"{server.url}/v1", model="qwen2.5-coder:7b"))
        async with app.run_test(size=(120, 40)) as pilot:
            await idle(pilot)
            await send(pilot, "/model")
            await wait_for(pilot, lambda: isinstance(app.screen, ModelScreen))
            shown = screen_text(app)
    assert "qwen2.5-coder:7b" in shown and "llama3.1:8b" in shown


async def test_compact_summarises_older_work_and_says_so(
    project: Path, scripted_server: ScriptedServer
) -> None:
    long = "word " * 400
    scripted_server.script(
        Turn(text=long), Turn(text=long), Turn(text=long), Turn(text="The summary of the work.")
    )
    config = make_config(
        project, scripted_server.base_url, context_window=4000, no_auto_compact=True
    )
    app = make_app(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        for question in ("one", "two", "three"):
            await send(pilot, question)
            await converse(pilot, "/compact the numbers")
        session = main_screen(app).session
        assert session is not None and session.agent is not None
        notices = [i.text for i in main_screen(app).chat.items if isinstance(i, NoticeItem)]
        assert notices[-1] != "Compacting the conversation…", notices
        summary_request = scripted_server.last_request.messages
    assert "the numbers" in str(summary_request)
    assert any("The summary of the work." in str(m.get("content")) for m in session.agent.messages)


async def test_mode_command_sets_a_mode_and_refuses_bypass(
    project: Path, scripted_server: ScriptedServer
) -> None:
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        screen = main_screen(app)
        await send(pilot, "/mode plan")
        assert screen.session is not None and screen.session.mode == "plan"
        assert screen.status.status.mode == "plan"
        await send(pilot, "/mode bypassPermissions")
        assert screen.session.mode == "plan"
        notices = [i.text for i in screen.chat.items if isinstance(i, NoticeItem)]
        assert "only available when started with" in notices[-1]


async def test_reasoning_is_collapsed_and_enter_opens_it(
    project: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.script(Turn(reasoning="First I think about the limit.", text="Twenty."))
    app = make_app(make_config(project, scripted_server.base_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "what limit?")
        screen = main_screen(app)
        reasoning = next(i for i in screen.chat.items if isinstance(i, ReasoningItem))
        assert reasoning.done and not reasoning.expanded
        assert "Thought (30 characters)" in screen_text(app)
        assert "First I think" not in screen_text(app)
        screen.chat.focus()
        screen.chat.select(reasoning)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "First I think about the limit." in screen_text(app))


async def test_settings_shows_each_setting_with_its_source_and_never_the_key(
    project: Path, scripted_server: ScriptedServer
) -> None:
    config = make_config(project, scripted_server.base_url)
    secret = "sk-test-0123456789abcdefghij"
    config.api_key = secret
    config.sources["api_key"] = "environment: OPENAI_API_KEY"
    app = make_app(config)
    async with app.run_test(size=(140, 60)) as pilot:
        await idle(pilot)
        await send(pilot, "/settings")
        chat = main_screen(app).query_one(ChatView)
        await wait_for(pilot, lambda: any(isinstance(i, PanelItem) for i in chat.items))
        panel = next(i for i in chat.items if isinstance(i, PanelItem) and i.title == "Settings")
        assert secret not in panel.body
        assert "| api_key | `…ghij (28 characters)` | environment: OPENAI_API_KEY |" in panel.body
        assert "| max_turns | `30` | default |" in panel.body
    assert scripted_server.chat_requests == []
