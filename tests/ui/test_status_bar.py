"""What the status bar makes of the facts it shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.ui.widgets.status_bar import short_model_name
from tests.helpers.app import converse, idle, main_screen, make_app, make_config
from tests.route_server import ollama_routes
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, Turn


@pytest.mark.parametrize(
    ("served", "shown"),
    [
        ("/models/SmolLM2-135M-Instruct.Q4_1.gguf", "SmolLM2-135M-Instruct.Q4_1.gguf"),
        ("~/llm/qwen2.5-coder-7b-q4_k_m.gguf", "qwen2.5-coder-7b-q4_k_m.gguf"),
        ("C:\\models\\phi-4.Q8_0.gguf", "phi-4.Q8_0.gguf"),
        ("Qwen/Qwen2.5-Coder-32B-Instruct", "Qwen/Qwen2.5-Coder-32B-Instruct"),
        ("qwen2.5-coder:14b", "qwen2.5-coder:14b"),
    ],
)
def test_a_model_file_is_shown_by_its_name(served: str, shown: str) -> None:
    assert short_model_name(served) == shown


@pytest.mark.usefixtures("home")
@pytest.mark.parametrize(("asked", "sent"), [(16384, True), (None, False)])
async def test_the_status_bar_says_when_the_window_is_asked_for_with_each_request(
    project: Path, asked: int | None, sent: bool
) -> None:
    """An Ollama serving its default window: a larger window asked for is sent as
    ``options.num_ctx`` with every request, and the status bar says so."""
    routes = {
        key: answer
        for key, answer in ollama_routes(models=(DEFAULT_MODEL,)).items()
        if key[1].startswith("/api/") and not callable(answer)
    }
    show = {"parameters": 'stop "<|im_end|>"', "model_info": {}, "details": {}}
    routes[("POST", "/api/show")] = (200, show)
    with ScriptedServer([Turn(text="Done.")], extra_routes=routes) as server:
        app = make_app(make_config(project, server.base_url, context_window=asked))
        async with app.run_test(size=(140, 30)) as pilot:
            await idle(pilot)
            await converse(pilot, "hi")
            shown = main_screen(app).status.render().plain
        body = server.last_request.body
    assert ("num_ctx sent" in shown) is sent, shown
    assert ("options" in body) is sent, body
