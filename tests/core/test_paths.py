"""Where the program keeps its files: XDG variables, their defaults and OPENCLAUDE_HOME."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui import paths

XDG_VARIABLES = ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No XDG variables, no override, and a home directory of our own."""
    for name in (*XDG_VARIABLES, "OPENCLAUDE_HOME"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    return home


def test_defaults_follow_the_xdg_spec(clean_environment: Path) -> None:
    home = clean_environment
    assert paths.config_dir() == home / ".config" / "openclaude"
    assert paths.state_dir() == home / ".local" / "state" / "openclaude"
    assert paths.data_dir() == home / ".local" / "share" / "openclaude"


def test_xdg_variables_are_honoured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "st"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "dat"))
    assert paths.config_dir() == tmp_path / "cfg" / "openclaude"
    assert paths.state_dir() == tmp_path / "st" / "openclaude"
    assert paths.data_dir() == tmp_path / "dat" / "openclaude"


def test_relative_or_empty_xdg_values_are_ignored(
    monkeypatch: pytest.MonkeyPatch, clean_environment: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/config")
    monkeypatch.setenv("XDG_STATE_HOME", "")
    assert paths.config_dir() == clean_environment / ".config" / "openclaude"
    assert paths.state_dir() == clean_environment / ".local" / "state" / "openclaude"


def test_openclaude_home_puts_everything_under_one_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The override wins over XDG variables, so a test cannot leak into the user's files.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path / "oc"))
    dirs = [paths.config_dir(), paths.state_dir(), paths.data_dir()]
    assert dirs == [tmp_path / "oc" / "config", tmp_path / "oc" / "state", tmp_path / "oc" / "data"]


def test_openclaude_home_expands_the_home_directory(
    monkeypatch: pytest.MonkeyPatch, clean_environment: Path
) -> None:
    monkeypatch.setenv("OPENCLAUDE_HOME", "~/portable")
    assert paths.config_dir() == clean_environment / "portable" / "config"


def test_directories_are_not_created_by_asking(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path / "oc"))
    paths.config_dir()
    paths.state_dir()
    paths.data_dir()
    assert not (tmp_path / "oc").exists()
