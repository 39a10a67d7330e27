"""Every setting is read the same way from each layer, and a key that names no setting is
reported with its file and line instead of being ignored in silence."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.core.settings.config import Overrides, load_config
from openclaude_tui.core.settings.table import SETTINGS
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, Turn
from tests.security import processes

PROJECT_FILE = ".openclaude/settings.toml"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path / "home"))
    root = tmp_path / "project"
    (root / ".openclaude").mkdir(parents=True)
    return root


def test_a_misspelt_setting_is_reported_with_its_line_and_the_setting_meant(
    project: Path,
) -> None:
    (project / PROJECT_FILE).write_text('model = "m"\n\npermision_mode = "plan"\n')
    config = load_config(project, Overrides())
    assert config.warnings == [
        f"{PROJECT_FILE}:3: unknown setting 'permision_mode', ignored "
        "(did you mean permission_mode?)"
    ]
    assert config.permission_mode == "default"
    assert config.model == "m"


def test_an_unknown_table_in_the_user_config_is_reported_too(project: Path, tmp_path: Path) -> None:
    user_file = tmp_path / "home" / "config" / "config.toml"
    user_file.parent.mkdir(parents=True)
    user_file.write_text('theme = "nord"\n[colours]\naccent = "red"\n')
    config = load_config(project, Overrides())
    assert config.warnings == [f"{user_file}:2: unknown setting 'colours', ignored"]
    assert config.theme == "nord"


def test_known_settings_and_tables_raise_no_warning(project: Path) -> None:
    lines = [
        'model = "m"',
        "temperature = 0.2",
        "max_tokens = 512",
        'scrub_env = ["X_TOKEN"]',
        "[permissions]",
        'deny = ["Read(.env)"]',
    ]
    (project / PROJECT_FILE).write_text("\n".join(lines) + "\n")
    config = load_config(project, Overrides())
    assert config.warnings == []
    assert (config.temperature, config.max_tokens, config.scrub_env) == (0.2, 512, ("X_TOKEN",))


def test_each_layer_wins_over_the_one_below_and_says_where_it_came_from(project: Path) -> None:
    (project / PROJECT_FILE).write_text(
        'base_url = "http://file.example/v1"\ncontext_window = 1000\n'
    )
    # An untrusted project's base_url is held back: trust it to see the file's layer.
    config = load_config(project, Overrides(trust_project=True), env={})
    assert (config.base_url, config.base_url_source) == ("http://file.example/v1", PROJECT_FILE)
    env = {"OPENAI_BASE_URL": "http://env.example/v1/", "CONTEXT_WINDOW": "2_000"}
    config = load_config(project, Overrides(trust_project=True), env=env)
    assert (config.base_url, config.base_url_source) == ("http://env.example/v1", "OPENAI_BASE_URL")
    assert (config.context_window, config.context_window_source) == (2000, "CONTEXT_WINDOW")
    flags = Overrides(trust_project=True, base_url="http://flag.example/v1", context_window=3000)
    config = load_config(project, flags, env=env)
    assert (config.base_url, config.base_url_source) == ("http://flag.example/v1", "--base-url")
    assert (config.context_window, config.context_window_source) == (3000, "--context-window")


def test_every_flag_of_the_table_is_a_field_of_the_overrides() -> None:
    fields = set(Overrides.__dataclass_fields__)
    assert {s.key for s in SETTINGS if s.flag} <= fields


def test_print_mode_warns_of_an_unknown_setting_and_runs(project: Path, tmp_path: Path) -> None:
    (project / PROJECT_FILE).write_text("max_turn = 3\n")
    with ScriptedServer([Turn(text="Done.")]) as server:
        flags = ["--base-url", server.base_url, "-m", DEFAULT_MODEL]
        done = processes.run(["-p", "hi", *flags], project, processes.clean_env(tmp_path / "h"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Done."
    assert (
        f"openclaude: warning: {PROJECT_FILE}:1: unknown setting 'max_turn', ignored "
        "(did you mean max_turns?)" in done.stderr
    )
