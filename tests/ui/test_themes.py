"""Theme files: the shipped ones load, a broken one is skipped with a reason, users win."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.ui.themes import load_themes, read_theme, theme_dirs

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_shipped_themes_load() -> None:
    loaded = load_themes([ROOT / "themes"])
    assert loaded.problems == []
    names = {theme.name for theme in loaded.themes}
    assert {"openclaude-dusk", "openclaude-paper"} <= names
    paper = next(theme for theme in loaded.themes if theme.name == "openclaude-paper")
    assert paper.dark is False and paper.primary == "#1F6FB2"


def test_the_shipped_folder_is_found(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path))
    dirs = theme_dirs()
    assert dirs[0].name == "themes" and any(dirs[0].glob("*.toml"))
    assert dirs[-1] == tmp_path / "config" / "themes"


def test_a_broken_theme_is_skipped_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text('name = "good"\nprimary = "#336699"\n')
    (tmp_path / "bad-colour.toml").write_text('name = "bad"\nprimary = "#33669"\n')
    (tmp_path / "no-primary.toml").write_text('name = "empty"\n')
    (tmp_path / "not-toml.toml").write_text("primary = \n")
    (tmp_path / "typo.toml").write_text('primary = "red"\nbackgroud = "black"\n')
    loaded = load_themes([tmp_path])
    assert [theme.name for theme in loaded.themes] == ["good"]
    problems = "\n".join(loaded.problems)
    assert "bad-colour.toml skipped: primary = '#33669' is not a colour" in problems
    assert "no-primary.toml skipped: it needs at least a primary colour" in problems
    assert "not-toml.toml skipped" in problems
    assert "typo.toml skipped: unknown keys backgroud" in problems


def test_a_users_theme_of_the_same_name_wins(tmp_path: Path) -> None:
    shipped, user = tmp_path / "shipped", tmp_path / "user"
    shipped.mkdir()
    user.mkdir()
    (shipped / "a.toml").write_text('name = "same"\nprimary = "#111111"\n')
    (user / "b.toml").write_text('name = "same"\nprimary = "#222222"\n')
    (theme,) = load_themes([shipped, user]).themes
    assert theme.primary == "#222222"


def test_the_name_defaults_to_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "midnight.toml"
    path.write_text('primary = "navy"\ndark = true\n')
    assert read_theme(path).name == "midnight"


async def test_the_app_uses_a_configured_theme_and_warns_of_an_unknown_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.helpers.app import CLOSED_URL, make_app, make_config

    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path / "home"))
    app = make_app(make_config(tmp_path, CLOSED_URL, theme="openclaude-paper"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.1)
        assert app.theme == "openclaude-paper"
        assert "openclaude-dusk" in app.available_themes
    app = make_app(make_config(tmp_path, CLOSED_URL, theme="no-such-theme"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.1)
        messages = [notification.message for notification in app._notifications]
        assert any("unknown theme 'no-such-theme'" in message for message in messages)


async def test_a_theme_chosen_in_the_app_is_kept_in_the_users_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/theme NAME switches and writes `theme` into the user's config, leaving the rest of
    the file (comments, tables) as it was; the next start uses it."""
    from openclaude_tui.core.settings.config import Overrides, load_config
    from tests.helpers.app import CLOSED_URL, make_app, make_config, send

    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path / "home"))
    user_file = tmp_path / "home" / "config" / "config.toml"
    user_file.parent.mkdir(parents=True)
    user_file.write_text('# mine\nmodel = "m"\n\n[profiles.box]\nbase_url = "http://b:1/v1"\n')
    app = make_app(make_config(tmp_path, CLOSED_URL, theme="openclaude-paper"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.1)
        # The theme set at start is not written back.
        assert "theme" not in user_file.read_text()
        await send(pilot, "/theme openclaude-dusk")
        for _ in range(200):
            if "theme" in user_file.read_text():
                break
            await pilot.pause(0.05)
        assert app.theme == "openclaude-dusk"
    assert user_file.read_text() == (
        '# mine\nmodel = "m"\n\ntheme = "openclaude-dusk"\n[profiles.box]\n'
        'base_url = "http://b:1/v1"\n'
    )
    assert load_config(tmp_path, Overrides(), env={}).theme == "openclaude-dusk"


def test_remembering_a_setting_replaces_its_line_and_refuses_what_it_cannot_change(
    tmp_path: Path,
) -> None:
    from openclaude_tui.core.settings.user_file import remember_setting

    path = tmp_path / "config.toml"
    assert remember_setting("theme", "nord", path) is None
    assert path.read_text() == 'theme = "nord"\n'
    path.write_text('theme = "nord"  # old\n[permissions]\ndeny = []\n')
    assert remember_setting("theme", 'dusk "2"', path) is None
    assert path.read_text() == 'theme = "dusk \\"2\\""\n[permissions]\ndeny = []\n'
    broken = "theme = [\n"
    path.write_text(broken)
    problem = remember_setting("theme", "nord", path)
    assert problem is not None and "not valid TOML" in problem
    assert path.read_text() == broken
