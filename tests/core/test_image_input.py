"""Images the user gives with a prompt: told once that a model takes no images, and paths
to image files typed or pasted without ``@`` (quoted, escaped, ``file://``) attached.

Core sessions against the scripted server; its request log shows what was sent."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from openclaude_tui.core.events import Event, Notice
from openclaude_tui.core.extensions.typed_paths import typed_paths
from openclaude_tui.core.tools.images import MAX_IMAGE_BYTES
from tests.helpers.agent import call
from tests.helpers.images import image_urls, png, png_url
from tests.helpers.sessions import allow_everything, session_in
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, Turn

NOT_TAKEN = "does not take images"


def notices(events: list[Event], words: str) -> list[str]:
    """The warnings among ``events`` that hold ``words``."""
    return [
        event.message
        for event in events
        if isinstance(event, Notice) and event.level == "warning" and words in event.message
    ]


def user_prompts(server: ScriptedServer) -> list[Any]:
    """The content of the last user message of each request."""
    return [
        next(m for m in reversed(r.messages) if m["role"] == "user")["content"]
        for r in server.chat_requests
    ]


def prompt_text(content: Any) -> str:
    """A user message's text (the first part of one with images)."""
    return content if isinstance(content, str) else content[0]["text"]


def folder_with(folder: Path, name: str, image: bytes) -> Path:
    """``folder``, made, holding the file ``name`` with ``image`` in it."""
    folder.mkdir()
    (folder / name).write_bytes(image)
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return folder_with(tmp_path / "project", "shot.png", png(4, 3))


async def run(
    project: Path, turns: list[Turn], *prompts: str, vision: bool = False, model: str = ""
) -> tuple[list[Event], ScriptedServer]:
    """Run ``prompts`` in one app-like session (its prompts are the user's own writing);
    ``model``: switched to before the last prompt."""
    events: list[Event] = []
    with ScriptedServer(turns) as server:
        session = session_in(project, server, events.append, allow_everything)
        session.typed_paths = True
        session.config.vision = vision
        for number, prompt in enumerate(prompts, 1):
            if model and number == len(prompts):
                await session.set_model(model)
            await session.run_turn(prompt)
        await session.close()
    return events, server


# Told once


async def test_a_model_without_images_is_said_once_over_two_prompts(project: Path) -> None:
    turns = [
        Turn(text="I cannot see it."),
        Turn(tool_calls=[call("Read", file_path="shot.png")]),
        Turn(text="Still nothing."),
    ]
    events, server = await run(project, turns, "what is @shot.png?", "and @shot.png? read it")
    assert len(notices(events, NOT_TAKEN)) == 1, notices(events, NOT_TAKEN)
    assert notices(events, NOT_TAKEN)[0].startswith("@shot.png is an image [image: shot.png 4×3]")
    # Nothing image-shaped went: the model is told, in words, every time.
    assert all(image_urls(r.messages) == [] for r in server.chat_requests)
    prompts = user_prompts(server)
    assert all(isinstance(p, str) and NOT_TAKEN in p for p in prompts), prompts
    assert NOT_TAKEN in server.tool_results()[0]


async def test_a_read_image_is_said_once_and_a_model_switch_says_it_again(
    project: Path,
) -> None:
    read = Turn(tool_calls=[call("Read", file_path="shot.png")])
    turns = [read, Turn(text="no"), read, Turn(text="no"), Turn(text="neither")]
    events, server = await run(
        project, turns, "read shot.png", "read it again", "what is @shot.png?", model="other"
    )
    said = notices(events, NOT_TAKEN)
    assert len(said) == 2, said
    size = len(png(4, 3))
    assert said[0] == (
        f"{project / 'shot.png'} is an image [image: shot.png 4×3] (image/png, {size} bytes); the"
        " model in use does not take images (set vision = true in the settings, or in its"
        " profile, for a model that does), so it was not sent"
    )
    assert said[1].startswith("@shot.png is an image")
    assert all(image_urls(r.messages) == [] for r in server.chat_requests)


# Paths typed or pasted without @


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the project, as a desktop with a screenshot whose name has spaces."""
    return folder_with(tmp_path / "Desktop", "Screen Shot (1).png", png(5, 2))


@pytest.mark.parametrize(
    "written",
    [
        "'{desktop}/Screen Shot (1).png'",
        '"{desktop}/Screen Shot (1).png"',
        "{escaped}/Screen\\ Shot\\ \\(1\\).png",
        "file://{url}/Screen%20Shot%20%281%29.png",
        "'file://{url}/Screen%20Shot%20(1).png'",
    ],
    ids=["single-quoted", "double-quoted", "escaped", "file-url", "quoted-file-url"],
)
async def test_a_dragged_image_path_is_attached_outside_the_project(
    project: Path, outside: Path, written: str
) -> None:
    desktop = str(outside)
    path = written.format(
        desktop=desktop, escaped=desktop.replace(" ", "\\ "), url=desktop.replace(" ", "%20")
    )
    events, server = await run(
        project, [Turn(text="A grey strip.")], f"what is {path} ?", vision=True
    )
    assert image_urls(server.chat_requests[0].messages) == [png_url(png(5, 2))]
    assert Notice("attached [image: Screen Shot (1).png 5×2]") in events
    assert prompt_text(user_prompts(server)[0]).startswith(f"what is {path} ?")


async def test_a_home_path_is_attached_and_the_same_image_once(
    project: Path, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(outside.parent))
    _, server = await run(
        project,
        [Turn(text="Same picture twice.")],
        "compare ~/Desktop/Screen\\ Shot\\ (1).png with "
        f"'{outside}/Screen Shot (1).png', then see @shot.png.",
        vision=True,
    )
    urls = image_urls(server.chat_requests[0].messages)
    assert urls == [png_url(png(4, 3)), png_url(png(5, 2))]


async def test_paths_that_name_no_image_stay_text(project: Path, outside: Path) -> None:
    (outside / "notes.txt").write_text("not a picture\n")
    prompt = (
        f"see {outside}/notes.txt and {outside} and '{outside}' and {outside}/missing.png "
        "and shot.png and ./shot.png and http://example.com/shot.png"
    )
    events, server = await run(project, [Turn(text="ok")], prompt, vision=True)
    assert user_prompts(server) == [prompt]
    assert not [event for event in events if isinstance(event, Notice)]


async def test_a_pipe_and_a_fake_image_and_a_huge_one_are_refused_with_the_reason(
    project: Path, outside: Path
) -> None:
    os.mkfifo(outside / "pipe.png")
    (outside / "fake.png").write_text("not a png\n")
    (outside / "huge.png").write_bytes(png(2, 2) + b"\0" * MAX_IMAGE_BYTES)
    prompt = f"see {outside}/pipe.png {outside}/fake.png {outside}/huge.png"
    events, server = await run(project, [Turn(text="ok")], prompt, vision=True)
    assert image_urls(server.chat_requests[0].messages) == []
    said = notices(events, "")
    assert said == [
        f"{outside}/pipe.png was not attached: it is not a regular file",
        f"{outside}/fake.png was not attached: it is not a PNG, JPEG, GIF or WebP image",
        f"{outside}/huge.png is an image of {MAX_IMAGE_BYTES + len(png(2, 2)):,} bytes; "
        "images up to 5 MB are sent. Make a smaller copy first (fewer pixels, or JPEG), and "
        "send that",
    ]


async def test_a_read_deny_rule_covers_a_typed_path(project: Path) -> None:
    (project / "private").mkdir()
    (project / "private" / "card.png").write_bytes(png(3, 3))
    events: list[Event] = []
    with ScriptedServer([Turn(text="ok")]) as server:
        session = session_in(project, server, events.append, allow_everything)
        session.typed_paths = True
        session.config.vision = True
        session.add_rule("deny", "Read(private/**)")
        await session.run_turn(f"see {project}/private/card.png")
        await session.close()
    assert image_urls(server.chat_requests[0].messages) == []
    assert notices(events, f"{project}/private/card.png was not attached: ")


async def test_only_the_users_own_writing_is_read_for_paths(project: Path, outside: Path) -> None:
    """A custom command's file names an image: not attached; its arguments do: attached.
    A session whose prompts may be a file's text (print mode) reads no paths at all."""
    commands = project / ".claude" / "commands"
    commands.mkdir(parents=True)
    (commands / "look.md").write_text(f"Look at {outside}/Screen Shot (1).png and $ARGUMENTS\n")
    (outside / "two.png").write_bytes(png(2, 2))
    events, server = await run(project, [Turn(text="ok")], f"/look {outside}/two.png", vision=True)
    assert image_urls(server.chat_requests[0].messages) == [png_url(png(2, 2))]

    events = []
    with ScriptedServer([Turn(text="ok")]) as server:
        session = session_in(project, server, events.append, allow_everything)
        session.config.vision = True
        await session.run_turn(f"see {outside}/two.png")
        await session.close()
    assert image_urls(server.chat_requests[0].messages) == []


def test_typed_paths_are_read_as_a_shell_reads_them() -> None:
    text = (
        "see '/a b/c.png', \"/d/e f.png\" and /g/h\\ i.png. Also file:///j/k%23l.png "
        "(/m/n.png) ~/o.png src/p.png x/q.png http://r/s.png @/t.png file://elsewhere/u.png"
    )
    assert typed_paths(text) == [
        "/a b/c.png",
        "/d/e f.png",
        "/g/h i.png.",
        "/j/k#l.png",
        "/m/n.png)",
        "~/o.png",
    ]


async def test_a_switch_to_a_model_the_server_says_takes_images_sends_them(
    project: Path,
) -> None:
    # LM Studio's list says which of its models see images.
    models = {"data": [{"id": DEFAULT_MODEL, "type": "llm"}, {"id": "eyes", "type": "vlm"}]}
    routes = {("GET", "/api/v0/models"): (200, models)}
    events: list[Event] = []
    turns = [Turn(text="I cannot see it."), Turn(text="A tiny picture.")]
    with ScriptedServer(turns, extra_routes=routes) as server:
        session = session_in(project, server, events.append, allow_everything)
        await session.run_turn("what is @shot.png?")
        await session.set_model("eyes")
        await session.run_turn("and now, @shot.png?")
        await session.close()
    before, after = (image_urls(r.messages[-1:]) for r in server.chat_requests)
    assert before == [] and after == [png_url(png(4, 3))]
    assert len(notices(events, NOT_TAKEN)) == 1
