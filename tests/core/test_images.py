"""Images: Read of an image file and ``@image.png`` in a prompt send the image as a data URL
to a model that takes images (the ``vision`` setting), and say why not to one that does not;
the scripted server's request log shows what was sent."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from openclaude_tui.core.agent.context_window import resolve_context_window
from openclaude_tui.core.settings.config import Overrides, load_config, user_config_file
from openclaude_tui.core.settings.values import ConfigError
from openclaude_tui.core.settings.vision import takes_images, vision_setting
from openclaude_tui.core.tools.base import ToolContext
from openclaude_tui.core.tools.files import Read
from openclaude_tui.core.tools.images import MAX_IMAGE_BYTES, load_image
from tests.helpers.images import image_urls, png
from tests.helpers.print_mode import openclaude
from tests.route_server import RouteServer
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn


def project_with_image(tmp_path: Path, settings: str) -> tuple[Path, bytes]:
    project = tmp_path / "project"
    (project / ".openclaude").mkdir(parents=True)
    (project / ".openclaude" / "settings.toml").write_text(settings)
    data = png(4, 3)
    (project / "shot.png").write_bytes(data)
    return project, data


def run_read(
    tmp_path: Path, settings: str, routes: dict[tuple[str, str], tuple[int, Any]] | None = None
) -> tuple[list[str], list[list[str]], bytes]:
    """Print mode: the model Reads shot.png; the tool results and each request's images
    (``routes``: what else the server answers, an Ollama's ``/api/show`` say)."""
    project, data = project_with_image(tmp_path, settings)
    turns = [Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "shot.png"})]), Turn(text="ok")]
    with ScriptedServer(turns, extra_routes=routes) as server:
        done = openclaude(project, tmp_path / "home", "-p", "look", "--base-url", server.base_url)
        sent = [image_urls(request.messages) for request in server.chat_requests]
        results = server.tool_results()
    assert done.returncode == 0, done.stderr
    return results, sent, data


@pytest.mark.parametrize(
    ("capabilities", "settings", "sends"),
    [
        (["completion", "vision"], "", True),
        (["completion", "tools"], "", False),
        (["completion", "vision"], "vision = false\n", False),
    ],
    ids=["the-server-says-it-does", "the-server-says-it-does-not", "the-setting-wins"],
)
def test_an_ollama_that_lists_vision_for_the_model_gets_the_image(
    tmp_path: Path, capabilities: list[str], settings: str, sends: bool
) -> None:
    show = {"capabilities": capabilities, "details": {}, "model_info": {}}
    results, sent, data = run_read(tmp_path, settings, {("POST", "/api/show"): (200, show)})
    expected = f"data:image/png;base64,{base64.b64encode(data).decode()}"
    assert sent == ([[], [expected]] if sends else [[], []])
    assert ("does not take images" in results[0]) is not sends, results[0]


def test_read_of_an_image_sends_it_as_a_data_url_when_the_model_takes_images(
    tmp_path: Path,
) -> None:
    results, sent, data = run_read(tmp_path, "vision = true\n")
    assert results[0].startswith("[image: shot.png 4×3] "), results[0]
    expected = f"data:image/png;base64,{base64.b64encode(data).decode()}"
    assert sent == [[], [expected]]


def test_read_of_an_image_says_the_model_cannot_take_it_and_sends_nothing(
    tmp_path: Path,
) -> None:
    # The server's model is not one the table names.
    results, sent, _ = run_read(tmp_path, 'vision = { "llava*" = true }\n')
    assert "is an image [image: shot.png 4×3] (image/png," in results[0]
    assert "does not take images (set vision = true" in results[0]
    assert sent == [[], []]


def test_an_image_mentioned_in_the_prompt_goes_with_it_or_is_refused(tmp_path: Path) -> None:
    project, data = project_with_image(tmp_path, 'vision = { "scripted-*" = true }\n')
    with ScriptedServer([Turn(text="a grey box")]) as server:
        done = openclaude(
            project, tmp_path / "home", "-p", "what is @shot.png?", "--base-url", server.base_url
        )
        prompt = server.chat_requests[0].messages[-1]
    assert done.returncode == 0, done.stderr
    assert prompt["role"] == "user"
    assert prompt["content"][0]["text"].endswith("Attached image [image: shot.png 4×3] (shot.png).")
    assert image_urls([prompt]) == [f"data:image/png;base64,{base64.b64encode(data).decode()}"]
    assert "attached [image: shot.png 4×3]" in done.stderr

    (project / ".openclaude" / "settings.toml").write_text("vision = false\n")
    with ScriptedServer([Turn(text="cannot see")]) as server:
        done = openclaude(
            project, tmp_path / "home", "-p", "what is @shot.png?", "--base-url", server.base_url
        )
        prompt = server.chat_requests[0].messages[-1]
    assert done.returncode == 0, done.stderr
    assert isinstance(prompt["content"], str)
    assert (
        "@shot.png is an image [image: shot.png 4×3]; the model in use does not take"
        in (prompt["content"])
    )
    assert "does not take images" in done.stderr


async def test_an_image_over_the_size_cap_is_refused_with_the_cap(tmp_path: Path) -> None:
    big = tmp_path / "huge.png"
    big.write_bytes(png(2, 2) + b"\0" * MAX_IMAGE_BYTES)
    ctx = ToolContext(project_root=tmp_path, cwd=tmp_path, takes_images=lambda: True)
    result = await Read().run({"file_path": str(big)}, ctx, "call-1")
    assert result.is_error and not result.images
    assert "images up to 5 MB are sent" in result.text
    loaded = load_image(tmp_path / "huge.png", "huge.png")
    assert isinstance(loaded, str)


def test_the_vision_setting_by_model_and_its_errors() -> None:
    table = vision_setting({"llava*": True, "llava-text": False}, "f: vision")
    assert takes_images(table, "llava:13b") and not takes_images(table, "llava-text")
    assert not takes_images(table, "qwen2.5-coder") and takes_images(True, "anything")
    with pytest.raises(ConfigError, match="f: vision: expected true, false or a table"):
        vision_setting("yes", "f: vision")


def test_a_profile_says_its_models_take_images(tmp_path: Path) -> None:
    user_config_file().parent.mkdir(parents=True, exist_ok=True)
    user_config_file().write_text('[profiles.eyes]\nbase_url = "http://h:1/v1"\nvision = true\n')
    assert load_config(tmp_path, Overrides(), env={}).vision is False
    assert load_config(tmp_path, Overrides(default_profile="eyes"), env={}).vision is True


@pytest.mark.parametrize(
    ("routes", "answer"),
    [
        ({("GET", "/props"): (200, {"modalities": {"vision": True, "audio": False}})}, True),
        ({("GET", "/props"): (200, {"modalities": {"vision": False}})}, False),
        ({("GET", "/api/v0/models"): (200, {"data": [{"id": "m", "type": "vlm"}]})}, True),
        ({("GET", "/api/v0/models"): (200, {"data": [{"id": "m", "type": "llm"}]})}, False),
        ({("GET", "/api/v0/models"): (200, {"data": [{"id": "other", "type": "vlm"}]})}, None),
        ({("GET", "/props"): (200, {"modalities": "vision"})}, None),
        ({}, None),
    ],
    ids=["llama.cpp-yes", "llama.cpp-no", "lmstudio-vlm", "lmstudio-llm", "another-model",
         "malformed", "silent"],
)  # fmt: skip
async def test_what_llama_cpp_and_lm_studio_say_of_images(
    routes: dict[tuple[str, str], Any], answer: bool | None
) -> None:
    with RouteServer(routes) as server:
        window = await resolve_context_window(f"{server.url}/v1", "m", None)
    assert window.takes_images is answer
