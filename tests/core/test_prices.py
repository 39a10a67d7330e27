"""The price table of the user's config (``[prices."model"]``): read, checked with a clear
message, and ignored in a project's settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.core.settings.config import ConfigError, Overrides, load_config
from openclaude_tui.core.settings.prices import Price
from tests.helpers.app import write_user_config


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("OPENCLAUDE_HOME", str(path))
    return path


def test_prices_are_read_per_model_in_dollars_per_million_tokens(
    home: Path, tmp_path: Path
) -> None:
    write_user_config(
        home,
        '[prices."gpt-4o-mini"]\ninput = 0.15\noutput = 0.6\n\n'
        '[prices."deepseek/deepseek-chat"]\ninput = 0\noutput = 1\n',
    )
    config = load_config(tmp_path, Overrides())
    assert config.prices == {
        "gpt-4o-mini": Price(0.15, 0.6),
        "deepseek/deepseek-chat": Price(0.0, 1.0),
    }
    assert config.prices["gpt-4o-mini"].cost(1_000_000, 500_000) == pytest.approx(0.45)
    assert config.warnings == []


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            '[prices."m"]\ninput = "cheap"\noutput = 1\n',
            "prices.m.input: expected US dollars per million tokens as a number, got 'cheap'",
        ),
        ('[prices."m"]\ninput = -1\noutput = 1\n', "prices.m.input: expected a price of zero"),
        ('[prices."m"]\ninput = 1\n', "prices.m: output is missing"),
        ('[prices."m"]\ninput = 1\noutput = 2\ncached = 0.5\n', "prices.m.cached: unknown key"),
        ('[prices."m"]\ninput = true\noutput = 1\n', "prices.m.input: expected US dollars"),
        ("prices = 3\n", 'expected tables like [prices."model-name"]'),
        ("[prices]\nm = 3\n", "prices.m: expected a table with input and output"),
    ],
)
def test_a_bad_price_is_a_config_error_that_says_where_and_what(
    home: Path, tmp_path: Path, table: str, message: str
) -> None:
    write_user_config(home, table)
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path, Overrides())
    assert message in str(raised.value)
    assert str(raised.value).startswith(str(home / "config" / "config.toml"))


def test_a_project_cannot_set_the_prices(home: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / ".openclaude").mkdir(parents=True)
    (project / ".openclaude" / "settings.toml").write_text(
        '[prices."m"]\ninput = 100\noutput = 100\n'
    )
    config = load_config(project, Overrides())
    assert config.prices == {}
    assert any("prices is read from your own config only" in w for w in config.warnings)
