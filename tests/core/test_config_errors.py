"""A setting that cannot work stops ``openclaude -p`` with exit code 2 and one clear line.

Real processes: the message names the file (or ``command line``/``environment``), the
key, and what is expected; never a traceback.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from openclaude_tui.core.settings.config import Overrides, load_config
from tests.scripted_server import DEFAULT_MODEL, ScriptedServer, ToolCallSpec, Turn
from tests.security import processes

PROJECT_FILE = ".openclaude/settings.toml"
SETTINGS_CASES = [
    ('permissions = "x"', "permissions: expected a table"),
    ('first_token_timeout = "abc"', "first_token_timeout: expected a positive number of seconds"),
    ("first_token_timeout = -1", "first_token_timeout: expected a positive number of seconds"),
    ("request_timeout = nan", "request_timeout: expected a positive number of seconds"),
    ("stall_timeout = -inf", "stall_timeout: expected a positive number of seconds"),
    ("stall_timeout = 0", "stall_timeout: expected a positive number of seconds"),
    ('auto_compact = "no"', "auto_compact: expected true or false"),
    ("context_window = 1.5", "context_window: expected a positive whole number"),
    ("max_turns = true", "max_turns: expected a positive whole number"),
    ('permission_mode = "yolo"', "permission_mode: expected one of default"),
    ("compact_threshold = 2", "compact_threshold: expected a number between 0 and 1"),
    ('scrub_env = "AWS_SECRET"', "scrub_env: expected a list of variable names"),
    ('[permissions]\nask = "Bash"', "permissions.ask: expected a list of rules"),
]
FLAG_CASES = [
    (["--base-url", "ftp://example.com/v1"], "--base-url: expected an http:// or https:// URL"),
    (["--base-url", "http://"], "--base-url: expected an http:// or https:// URL"),
    (["--base-url", "localhost:8080/v1"], "--base-url: expected an http:// or https:// URL"),
    (["--first-token-timeout", "nan"], "--first-token-timeout: expected a positive number"),
    (["--request-timeout", "-5"], "--request-timeout: expected a positive number of seconds"),
    (["--stall-timeout", "inf"], "--stall-timeout: expected a positive number of seconds"),
    (["-t", "0"], "--max-turns: expected a positive whole number"),
]


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / ".openclaude").mkdir(parents=True)
    return root


def _assert_config_error(done: subprocess.CompletedProcess[str], expected: str) -> None:
    stderr = done.stderr
    assert done.returncode == 2, stderr
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith("openclaude: config error: ")
    assert expected in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize(("line", "expected"), SETTINGS_CASES)
def test_a_bad_settings_value_is_a_config_error(tmp_path: Path, line: str, expected: str) -> None:
    root = _project(tmp_path)
    (root / PROJECT_FILE).write_text(line + "\n")
    done = processes.run(["-p", "hi"], root, processes.clean_env(tmp_path / "home"))
    _assert_config_error(done, f"{PROJECT_FILE}: {expected}")


@pytest.mark.parametrize(("flags", "expected"), FLAG_CASES)
def test_a_bad_flag_value_is_a_config_error(
    tmp_path: Path, flags: list[str], expected: str
) -> None:
    done = processes.run(
        ["-p", "hi", *flags], _project(tmp_path), processes.clean_env(tmp_path / "home")
    )
    _assert_config_error(done, f"command line: {expected}")


def _run_with_user_config(
    tmp_path: Path, text: str
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """Run ``openclaude -p`` with ``text`` as the user's config.toml; its path and the run."""
    home = tmp_path / "home"
    user_file = home / "config" / "config.toml"
    user_file.parent.mkdir(parents=True)
    user_file.write_text(text)
    return user_file, processes.run(["-p", "hi"], _project(tmp_path), processes.clean_env(home))


def test_a_bad_user_config_names_its_file(tmp_path: Path) -> None:
    user_file, done = _run_with_user_config(tmp_path, 'base_url = "not a url"\n')
    _assert_config_error(done, f"{user_file}: base_url: expected an http:// or https:// URL")


def test_a_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    env = processes.clean_env(tmp_path / "home", OPENAI_BASE_URL="file:///etc/passwd")
    done = processes.run(["-p", "hi"], _project(tmp_path), env)
    _assert_config_error(done, "environment: OPENAI_BASE_URL: expected an http:// or https://")


def test_a_settings_file_that_is_not_toml_is_a_config_error(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / PROJECT_FILE).write_text("base_url = \n")
    done = processes.run(["-p", "hi"], root, processes.clean_env(tmp_path / "home"))
    _assert_config_error(done, "settings.toml is not valid TOML")


def test_an_api_key_of_the_wrong_type_is_not_echoed(tmp_path: Path) -> None:
    _user_file, done = _run_with_user_config(tmp_path, "api_key = 1234567890123\n")
    _assert_config_error(done, "api_key: expected a string")
    assert "1234567890123" not in done.stderr


def test_the_timeouts_have_their_defaults_and_can_be_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path / "home"))
    root = _project(tmp_path)
    config = load_config(root, Overrides())
    assert (config.request_timeout, config.stall_timeout) == (600.0, 90.0)
    (root / PROJECT_FILE).write_text("request_timeout = 30\nstall_timeout = 4.5\n")
    config = load_config(root, Overrides(stall_timeout=7.0))
    assert (config.request_timeout, config.stall_timeout) == (30.0, 7.0)


def test_the_short_flags_work(tmp_path: Path) -> None:
    """-t limits the model requests (exit 3), -q drops the tool log, -c is the window."""
    from openclaude_tui.cli import build_parser

    read = ToolCallSpec("Read", {"file_path": "notes.txt"})
    root = _project(tmp_path)
    (root / "notes.txt").write_text("hello\n")
    with ScriptedServer([Turn(tool_calls=[read]), Turn(tool_calls=[read])]) as server:
        flags = ["--base-url", server.base_url, "-m", DEFAULT_MODEL, "-c", "4096"]
        done = processes.run(
            ["-p", "hi", *flags, "-t", "1", "-q"], root, processes.clean_env(tmp_path / "home")
        )
        assert len(server.chat_requests) == 1
    assert done.returncode == 3, done.stderr
    assert "Read(" not in done.stderr
    assert build_parser().parse_args(["-c", "4096"]).context_window == 4096
