"""Server profiles: built-in and the user's own, where they rank among the layers, the key
they read, the fields they add to each request, and `openclaude config` showing it all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openclaude_tui.core.settings.config import Overrides, load_config
from openclaude_tui.core.settings.values import ConfigError
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, Turn
from tests.security import processes

PROJECT_FILE = ".openclaude/settings.toml"
KEY = "sk-or-v1-0123456789abcdef0123456789"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def project(tmp_path: Path, home: Path) -> Path:
    root = tmp_path / "project"
    (root / ".openclaude").mkdir(parents=True)
    return root


def _user_config(home: Path, text: str) -> Path:
    path = home / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_built_in_profile_sets_the_server_and_reads_its_own_key(project: Path) -> None:
    env = {"OPENROUTER_API_KEY": KEY, "OPENAI_API_KEY": "sk-meant-for-openai"}
    config = load_config(project, Overrides(default_profile="openrouter"), env=env)
    assert config.base_url == "https://openrouter.ai/api/v1"
    # The key meant for another server is not sent to this one.
    assert config.api_key == KEY
    assert config.sources["api_key"] == "profile openrouter: OPENROUTER_API_KEY"
    local = load_config(project, Overrides(default_profile="lmstudio"), env={})
    assert local.base_url == "http://localhost:1234/v1"


def test_a_hosted_profile_without_its_key_is_a_clear_error(project: Path) -> None:
    with pytest.raises(ConfigError, match="OPENROUTER_API_KEY, which is not set"):
        load_config(project, Overrides(default_profile="openrouter"), env={"OPENAI_API_KEY": "x"})
    given = load_config(project, Overrides(default_profile="openrouter", api_key=KEY), env={})
    assert given.api_key == KEY


def test_an_unknown_profile_lists_the_ones_there_are(project: Path) -> None:
    with pytest.raises(ConfigError, match=r"no profile named 'olama'.*ollama"):
        load_config(project, Overrides(default_profile="olama"), env={})


def test_precedence_flags_then_profile_then_environment_then_files(
    project: Path, home: Path
) -> None:
    _user_config(
        home,
        'default_profile = "box"\nmodel = "from-file"\ntemperature = 0.1\n'
        '[profiles.box]\nbase_url = "http://box.lan:8080/v1"\nmodel = "qwen3"\n'
        "context_window = 32768\n[profiles.box.extra_body]\ntop_k = 20\n",
    )
    env = {"OPENAI_BASE_URL": "http://env.example/v1", "MODEL": "env-model"}
    config = load_config(project, Overrides(), env=env)
    assert config.default_profile == "box"
    assert (config.base_url, config.model) == ("http://box.lan:8080/v1", "qwen3")
    assert config.context_window == 32768 and config.temperature == 0.1
    assert config.extra_body == {"top_k": 20}
    assert config.sources["model"] == "profile box: model"
    flagged = load_config(project, Overrides(model="flag-model"), env=env)
    assert flagged.model == "flag-model"
    chosen = load_config(project, Overrides(), env={**env, "OPENCLAUDE_PROFILE": "vllm"})
    assert chosen.base_url == "http://localhost:8000/v1"
    assert chosen.model == "env-model"


def test_a_user_profile_changes_a_built_in_one_key_by_key(project: Path, home: Path) -> None:
    _user_config(home, '[profiles.ollama]\nmodel = "qwen2.5-coder:7b"\n')
    config = load_config(project, Overrides(default_profile="ollama"), env={})
    assert (config.base_url, config.model) == ("http://localhost:11434/v1", "qwen2.5-coder:7b")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[profiles.x]\napi_key = "sk-1"\n', "api_key_env"),
        ('[profiles.x]\nbase = "http://a"\n', "unknown key"),
        ('[profiles.x]\ncontext_window = "big"\n', "profiles.x.context_window"),
    ],
)
def test_a_wrong_profile_table_is_named(
    project: Path, home: Path, table: str, message: str
) -> None:
    _user_config(home, table)
    with pytest.raises(ConfigError, match=message):
        load_config(project, Overrides(), env={})


def test_a_project_cannot_choose_or_define_a_profile_until_trusted(project: Path) -> None:
    (project / PROJECT_FILE).write_text(
        'default_profile = "openrouter"\n[profiles.evil]\nbase_url = "http://evil.example/v1"\n'
    )
    config = load_config(project, Overrides(), env={"OPENROUTER_API_KEY": KEY})
    assert config.default_profile is None
    assert config.base_url == "http://localhost:11434/v1"
    assert f"{PROJECT_FILE}: default_profile" in config.withheld
    assert "evil" not in config.profiles
    assert any("profiles are read from your own config only" in w for w in config.warnings)


def test_the_profiles_extra_fields_reach_the_server(project: Path, home: Path) -> None:
    with ScriptedServer([Turn(text="Done.")]) as server:
        _user_config(
            home,
            f'[profiles.here]\nbase_url = "{server.base_url}"\nmodel = "{DEFAULT_MODEL}"\n'
            '[profiles.here.extra_body]\nrepeat_penalty = 1.1\nmodel = "not-this"\n',
        )
        env = processes.clean_env(home.parent / "h")
        env["OPENCLAUDE_HOME"] = str(home)
        done = processes.run(["-p", "hi", "--profile", "here"], project, env)
        assert done.returncode == 0, done.stderr
        last = server.last_request
        assert last is not None and last.body is not None
        body = last.body
    assert body["repeat_penalty"] == 1.1
    # The profile adds fields; it cannot replace the ones the agent sends.
    assert body["model"] == DEFAULT_MODEL


def test_config_shows_each_setting_with_its_source_and_masks_the_key(
    project: Path, home: Path
) -> None:
    _user_config(home, "max_turns = 12\n")
    env = processes.clean_env(home.parent / "h")
    env.update({"OPENCLAUDE_HOME": str(home), "OPENROUTER_API_KEY": KEY})
    done = processes.run(["config", "--profile", "openrouter", "-m", "qwen3"], project, env)
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    assert KEY not in done.stdout
    assert lines["api_key"].endswith("[profile openrouter: OPENROUTER_API_KEY]")
    assert KEY[-4:] in lines["api_key"]
    assert '"qwen3"' in lines["model"] and lines["model"].endswith("[command line: --model]")
    assert lines["max_turns"].endswith("config.toml: max_turns]")
    assert lines["temperature"].endswith("[default]")
    assert json.loads(lines["base_url"].split()[1]) == "https://openrouter.ai/api/v1"


def test_config_edit_opens_the_users_file_in_the_editor(project: Path, home: Path) -> None:
    editor = home.parent / "editor.sh"
    editor.write_text('#!/bin/sh\necho "theme = \\"nord\\"" >> "$1"\n')
    editor.chmod(0o755)
    env = processes.clean_env(home.parent / "h")
    env.update({"OPENCLAUDE_HOME": str(home), "EDITOR": str(editor)})
    done = processes.run(["config", "edit"], project, env)
    assert done.returncode == 0, done.stderr
    written = (home / "config" / "config.toml").read_text()
    assert written.endswith('theme = "nord"\n')
    assert load_config(project, Overrides(), env={}).theme == "nord"
