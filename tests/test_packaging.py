"""The package as users get it: `python -m build` makes an sdist and a wheel that pass
`twine check`; the wheel, installed (not editable) into a fresh virtual environment, gives a
working `openclaude` with its themes and ripgrep."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from openclaude_tui import __version__
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, Turn

ROOT = Path(__file__).resolve().parent.parent
# Builds and installs from the package registry: minutes on a slow link, not seconds.
LIMIT = 900

pytestmark = pytest.mark.xdist_group("packaging")


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=LIMIT, check=False
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel, built from a copy of the sources git tracks."""
    source = tmp_path_factory.mktemp("source")
    tracked = _run(["git", "ls-files", "-z"], ROOT).split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)], source)
    return dist


def test_the_sdist_and_wheel_pass_twine_check(built: Path) -> None:
    files = sorted(built.iterdir())
    assert sorted(path.suffix for path in files) == [".gz", ".whl"]
    _run([sys.executable, "-m", "twine", "check", "--strict", *map(str, files)], built)


def test_the_wheel_installed_in_a_fresh_venv_runs(built: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    wheel = next(built.glob("*.whl"))
    _run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], tmp_path)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "MODEL", "PYTHONPATH")
    }
    env["OPENCLAUDE_HOME"] = str(tmp_path / "home")
    project = tmp_path / "project"
    project.mkdir()
    openclaude = str(venv / "bin" / "openclaude")
    assert _run([openclaude, "--version"], project, env) == f"openclaude {__version__}\n"
    assert "[default]" in _run([openclaude, "config"], project, env)
    with ScriptedServer([Turn(text="Installed and answering.")]) as server:
        flags = ["--base-url", server.base_url, "-m", DEFAULT_MODEL, "--output-format", "json"]
        answer = json.loads(_run([openclaude, "-p", "hello", *flags], project, env))
    assert answer["result"] == "Installed and answering."
    # Imported from the installed copy, not from these sources.
    probe = (
        "import openclaude_tui, json;"
        "from openclaude_tui.ui.themes import load_themes;"
        "from openclaude_tui.core.tools.search_engine import find_rg;"
        "loaded = load_themes();"
        "print(json.dumps({'file': openclaude_tui.__file__, 'rg': str(find_rg()),"
        " 'themes': sorted(t.name for t in loaded.themes), 'problems': loaded.problems}))"
    )
    facts = json.loads(_run([str(venv / "bin" / "python"), "-c", probe], tmp_path, env))
    assert facts["file"].startswith(str(venv))
    assert facts["rg"].startswith(str(venv))
    shipped = sorted(path.stem for path in (ROOT / "themes").glob("*.toml"))
    assert facts["themes"] == shipped and facts["problems"] == []
