"""The gate and the web tools: WebFetch asks per domain, WebSearch runs without asking.

A fetch changes nothing, yet it sends the URL to a host: it asks, in every mode but bypass,
until a ``WebFetch(domain:…)`` rule allows the host, and "always allow" offers exactly
that rule. Whether a denied fetch really reaches no server is checked in
``test_web_tools.py`` against a live server's log.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openclaude_tui.core.permissions.policy import PermissionPolicy
from openclaude_tui.core.settings.config import Overrides, load_config
from openclaude_tui.core.tomlfile import read_toml
from openclaude_tui.core.tools.arguments import ToolInputError
from openclaude_tui.core.tools.web_fetch import WebFetchTool
from openclaude_tui.core.tools.web_search import WebSearchTool
from openclaude_tui.core.tools.web_search_backends import SearxngBackend
from tests.helpers.policy import make_policy

FETCH = WebFetchTool()
SEARCH = WebSearchTool(SearxngBackend("http://127.0.0.1:9"))


def _fetch(policy: PermissionPolicy, url: str, cwd: Path) -> str:
    args, _ = FETCH.validate({"url": url, "prompt": "what is new?"})
    return policy.check(FETCH, args, cwd).action


@pytest.mark.parametrize("mode", ["default", "acceptEdits", "plan"])
def test_a_fetch_asks_in_every_mode_but_bypass(tmp_path: Path, mode: str) -> None:
    assert _fetch(make_policy(tmp_path, mode), "https://example.com/a", tmp_path) == "ask"


def test_bypass_allows_a_fetch_but_a_deny_rule_still_holds(tmp_path: Path) -> None:
    policy = make_policy(tmp_path, "bypassPermissions", deny=["WebFetch(domain:evil.com)"])
    assert _fetch(policy, "https://example.com/", tmp_path) == "allow"
    assert _fetch(policy, "https://cdn.EVIL.com./x", tmp_path) == "deny"


def test_an_allowed_domain_covers_its_subdomains_and_nothing_else(tmp_path: Path) -> None:
    policy = make_policy(tmp_path, allow=["WebFetch(domain:python.org)"])
    assert _fetch(policy, "https://docs.python.org/3/", tmp_path) == "allow"
    assert _fetch(policy, "http://python.org", tmp_path) == "allow"
    assert _fetch(policy, "https://python.org.evil.com/", tmp_path) == "ask"
    assert _fetch(policy, "https://notpython.org/", tmp_path) == "ask"


def test_deny_beats_ask_beats_allow(tmp_path: Path) -> None:
    policy = make_policy(
        tmp_path,
        allow=["WebFetch(domain:example.com)"],
        ask=["WebFetch(domain:private.example.com)"],
        deny=["WebFetch(domain:secret.private.example.com)"],
    )
    assert _fetch(policy, "https://www.example.com/", tmp_path) == "allow"
    assert _fetch(policy, "https://private.example.com/", tmp_path) == "ask"
    assert _fetch(policy, "https://secret.private.example.com/", tmp_path) == "deny"


def test_always_allow_offers_the_host_and_remembers_it(tmp_path: Path) -> None:
    policy = make_policy(tmp_path)
    args, _ = FETCH.validate({"url": "https://Docs.Python.org/3/library/", "prompt": "x"})
    request = policy.request_for("c1", FETCH, args, tmp_path, "asks")
    assert request.always_rules == ("WebFetch(domain:docs.python.org)",)
    assert request.always_label == "Always allow `WebFetch(domain:docs.python.org)` in this project"
    policy.remember(request)
    assert _fetch(policy, "https://docs.python.org/3/other", tmp_path) == "allow"
    saved = read_toml(tmp_path / ".openclaude" / "settings.local.toml")
    assert saved["permissions"]["allow"] == ["WebFetch(domain:docs.python.org)"]


def test_no_always_offer_where_an_ask_rule_would_still_ask(tmp_path: Path) -> None:
    policy = make_policy(tmp_path, ask=["WebFetch"])
    args, _ = FETCH.validate({"url": "https://example.com/", "prompt": "x"})
    assert policy.request_for("c1", FETCH, args, tmp_path, "asks").always_rules == ()


def test_web_search_runs_without_asking_unless_a_rule_says_otherwise(tmp_path: Path) -> None:
    args, _ = SEARCH.validate({"query": "textual 8 release notes"})
    assert make_policy(tmp_path).check(SEARCH, args, tmp_path).action == "allow"
    assert make_policy(tmp_path, "plan").check(SEARCH, args, tmp_path).action == "allow"
    denying = make_policy(tmp_path, deny=["WebSearch"])
    assert denying.check(SEARCH, args, tmp_path).action == "deny"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/file", "only http:// and https:// URLs are fetched"),
        ("https://user:pw@example.com/", "URLs with a user name or password are not fetched"),
        ("https:///path", "names no usable host"),
        ("example.com", "only http:// and https:// URLs are fetched"),
    ],
)
def test_a_url_that_cannot_be_fetched_is_a_message_for_the_model(url: str, message: str) -> None:
    with pytest.raises(ToolInputError) as raised:
        FETCH.validate({"url": url, "prompt": "x"})
    assert message in str(raised.value)


def test_an_untrusted_project_cannot_choose_where_searches_go(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".openclaude").mkdir()
    (tmp_path / ".openclaude" / "settings.toml").write_text(
        'web_search_url = "https://collector.example"\n'
    )
    config = load_config(tmp_path, Overrides(), env={})
    assert config.web_search_url is None
    assert ".openclaude/settings.toml: web_search_url" in config.withheld
    trusted = load_config(tmp_path, Overrides(trust_project=True), env={})
    assert trusted.web_search_url == "https://collector.example"
