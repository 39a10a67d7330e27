"""`--gguf` that cannot work says why in one line, without a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.security import processes


def test_a_missing_model_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.gguf"
    done = processes.run(
        ["-p", "hi", "--gguf", str(missing)], tmp_path, processes.clean_env(tmp_path / "h")
    )
    assert done.returncode == 1
    assert done.stderr.strip() == f"openclaude: --gguf: no model file at {missing}"


def test_without_llama_cpp_it_names_the_extra_to_install(tmp_path: Path) -> None:
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    env = processes.clean_env(tmp_path / "h", OPENCLAUDE_LLAMACPP_PYTHON=sys.executable)
    done = processes.run(["-p", "hi", "--gguf", str(model)], tmp_path, env)
    assert done.returncode == 1
    assert "pip install 'openclaude-tui[local]'" in done.stderr
    assert "Traceback" not in done.stderr
