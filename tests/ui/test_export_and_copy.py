"""``/export`` writes the conversation as Markdown (tool calls collapsed, changes as diff
blocks) and ``/copy`` copies the last answer: real turns against the scripted server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from openclaude_tui.core.sessions.export import fenced
from openclaude_tui.ui.widgets.chat_items import NoticeItem
from tests.helpers.app import (
    EDIT,
    READ,
    converse,
    main_screen,
    make_app,
    make_config,
    send,
    wait_for,
    wait_to_show,
)
from tests.scripted_server import ScriptedServer, Turn

pytestmark = pytest.mark.usefixtures("home")


def _notices(app: object) -> str:
    items = main_screen(app).chat.items
    return "\n".join(item.text for item in items if isinstance(item, NoticeItem))


async def test_export_writes_prompts_answers_collapsed_calls_and_diffs(project: Path) -> None:
    turns = [
        Turn(text="Reading first.", tool_calls=[READ]),
        Turn(tool_calls=[EDIT]),
        Turn(text="LIMIT is **20** now."),
    ]
    with ScriptedServer(turns) as server:
        config = make_config(project, server.base_url, permission_mode="acceptEdits")
        app = make_app(config)
        async with app.run_test(size=(100, 30)) as pilot:
            await converse(pilot, "raise the limit to 20")
            await send(pilot, "/export notes/session.md")
            await wait_to_show(pilot, "Exported the conversation")
            await send(pilot, "/export notes/session.md")
            # The notice names the file's whole path, which wraps on screen: read the chat.
            await wait_for(pilot, lambda: "writes elsewhere" in _notices(app))
    exported = (project / "notes" / "session.md").read_text(encoding="utf-8")
    assert exported.startswith("# OpenClaude session ")
    assert "## You\n\nraise the limit to 20" in exported
    assert "## Assistant\n\nReading first." in exported
    assert "## Assistant\n\nLIMIT is **20** now." in exported
    assert "<details>\n<summary>Read(app.py) · done</summary>" in exported
    assert "LIMIT = 10" in exported.split("<summary>Read")[1].split("</details>")[0]
    assert "```diff\n" in exported and "\n-LIMIT = 10\n+LIMIT = 20\n" in exported
    assert exported.count("<details>") == exported.count("</details>") == 2


async def test_export_before_any_prompt_and_copy_of_the_last_answer(project: Path) -> None:
    with ScriptedServer(["First answer.", "The **last** answer."]) as server:
        app = make_app(make_config(project, server.base_url))
        async with app.run_test(size=(100, 30)) as pilot:
            await send(pilot, "/export")
            await wait_to_show(pilot, "nothing to export yet")
            await send(pilot, "/copy")
            await wait_to_show(pilot, "no answer to copy yet")
            await converse(pilot, "one")
            await converse(pilot, "two")
            await send(pilot, "/copy")
            await wait_for(pilot, lambda: app.clipboard == "The **last** answer.")
    assert not any(name.endswith(".md") for name in os.listdir(project))


def test_a_fence_is_longer_than_any_backtick_run_inside() -> None:
    assert fenced("a\n```\nb\n````") == "`````\na\n```\nb\n````\n`````"
    assert fenced("plain", "diff") == "```diff\nplain\n```"
