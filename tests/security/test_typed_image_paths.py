"""Image paths typed in the app's prompt attach files outside the project: the only way
in is the user's own typing. Judged by the request log: a path the model writes, or a link
whose target a deny rule covers, sends no image; the text of a non-image never leaves."""

from __future__ import annotations

from pathlib import Path

from openclaude_tui.core.events import Event
from tests.helpers.agent import call
from tests.helpers.images import image_urls, png
from tests.helpers.sessions import allow_everything, session_in
from tests.scripted_server import ScriptedServer, Turn


def _folder_with_image(folder: Path) -> Path:
    folder.mkdir()
    (folder / "shot.png").write_bytes(png(4, 3))
    return folder


async def _run(project: Path, turns: list[Turn], *prompts: str, deny: str = "") -> ScriptedServer:
    events: list[Event] = []
    with ScriptedServer(turns) as server:
        session = session_in(project, server, events.append, allow_everything)
        session.typed_paths = True
        session.config.vision = True
        if deny:
            session.add_rule("deny", deny)
        for prompt in prompts:
            await session.run_turn(prompt)
        await session.close()
    return server


async def test_a_path_the_model_writes_attaches_nothing(tmp_path: Path) -> None:
    project = _folder_with_image(tmp_path / "project")
    outside = _folder_with_image(tmp_path / "outside")
    turns = [
        Turn(text=f"Look at {outside}/shot.png"),
        Turn(tool_calls=[call("Bash", command=f"echo {outside}/shot.png")]),
        Turn(text="done"),
    ]
    server = await _run(project, turns, "hello", "go on")
    assert all(image_urls(r.messages) == [] for r in server.chat_requests)


async def test_a_typed_link_to_a_denied_image_sends_nothing(tmp_path: Path) -> None:
    project = _folder_with_image(tmp_path / "project")
    (project / "private").mkdir()
    (project / "private" / "card.png").write_bytes(png(3, 3))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "innocent.png").symlink_to(project / "private" / "card.png")
    server = await _run(
        project, [Turn(text="ok")], f"see {outside}/innocent.png", deny="Read(private/**)"
    )
    assert image_urls(server.chat_requests[0].messages) == []


async def test_a_typed_path_to_a_secret_named_like_an_image_sends_no_byte_of_it(
    tmp_path: Path,
) -> None:
    project = _folder_with_image(tmp_path / "project")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "id_rsa").write_text("KEYMATERIAL-7f3a9c\n")
    (outside / "key.png").symlink_to(outside / "id_rsa")
    server = await _run(project, [Turn(text="ok")], f"see {outside}/key.png")
    request = str(server.chat_requests[0].messages)
    assert image_urls(server.chat_requests[0].messages) == []
    assert "KEYMATERIAL-7f3a9c" not in request
