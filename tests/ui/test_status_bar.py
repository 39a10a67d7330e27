"""What the status bar makes of the facts it shows."""

from __future__ import annotations

import pytest

from openclaude_tui.ui.widgets.status_bar import short_model_name


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
