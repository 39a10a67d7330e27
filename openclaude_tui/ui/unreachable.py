"""The help shown when the model server cannot be reached."""

from __future__ import annotations

from openclaude_tui.core.llm.discovery import DEFAULT_CANDIDATES, describe_candidates
from openclaude_tui.core.settings.config import Config, user_config_file
from openclaude_tui.paths import shown_home


def unreachable_help(config: Config, error: str) -> str:
    """The body (Markdown) of the panel shown when the server cannot be reached."""
    url = config.base_url
    example = "http://HOST:PORT/v1"
    lines = [
        f"**URL tried:** `{url}` (from {config.base_url_source})",
        "",
        f"**Error:** {error}",
        "",
        "Start the server, or point OpenClaude at a running one:",
        "",
        f"- the flag `openclaude --base-url {example}`",
        f"- the environment: `export OPENAI_BASE_URL={example}`",
        f'- a setting: `base_url = "{example}"` in `.openclaude/settings.toml` (this '
        f"project) or `{shown_home(user_config_file())}`",
    ]
    if config.base_url_source == "default" or config.base_url_source.startswith("found"):
        lines += ["", f"Local servers probed: {describe_candidates(DEFAULT_CANDIDATES)}."]
    lines += ["", "Send a message to try again."]
    return "\n".join(lines)
