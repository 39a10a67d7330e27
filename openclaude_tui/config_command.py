"""``openclaude config``: the effective settings and where each came from; ``config edit``."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import TextIO

from openclaude_tui.core.settings.config import Config, user_config_file
from openclaude_tui.core.settings.report import describe_settings, shown_value

NEW_CONFIG = """\
# openclaude's settings for you (every project). The README's "Configuration" section
# lists every key; `openclaude config` shows what is in effect and where it comes from.
#
# base_url = "http://localhost:11434/v1"
# model = "qwen2.5-coder:14b"
# default_profile = "ollama"
#
# [profiles.work]
# base_url = "https://openrouter.ai/api/v1"
# api_key_env = "OPENROUTER_API_KEY"
# model = "qwen/qwen3-coder"
"""


def print_settings(config: Config, out: TextIO) -> None:
    """The settings table, the profiles, the rules and anything held back or ignored."""
    rows = describe_settings(config)
    width = max(len(key) for key, _, _ in rows)
    out.write(f"project: {config.project_root}\n")
    out.write(f"user config: {user_config_file()}\n\n")
    for key, shown, source in rows:
        out.write(f"{key.ljust(width)}  {shown}  [{source}]\n")
    if config.extra_body:
        out.write(f"{'extra_body'.ljust(width)}  {shown_value(config.extra_body)}  [profile]\n")
    out.write("\nprofiles: " + ", ".join(sorted(config.profiles)) + "\n")
    rules = [
        (kind, rule, source)
        for kind in ("allow", "ask", "deny")
        for rule, source in getattr(config.rules, kind)
    ]
    if rules:
        out.write("\npermission rules:\n")
        for kind, rule, source in rules:
            out.write(f"  {kind:5}  {rule}  [{source}]\n")
    if config.withheld:
        out.write("\nheld back until you trust the project:\n")
        for item in config.withheld:
            out.write(f"  {item}\n")
    if config.warnings:
        out.write("\nignored:\n")
        for warning in config.warnings:
            out.write(f"  {warning}\n")


def edit_user_config(environ: dict[str, str] | None = None) -> int:
    """Open the user's config file in ``$VISUAL`` or ``$EDITOR`` (made first if missing)."""
    environ = dict(os.environ) if environ is None else environ
    path = user_config_file()
    editor = environ.get("VISUAL") or environ.get("EDITOR")
    if not editor:
        sys.stderr.write(f"openclaude: set VISUAL or EDITOR to edit {path}\n")
        return 1
    _make_if_missing(path)
    try:
        completed = subprocess.run([*shlex.split(editor), str(path)], check=False)
    except (OSError, ValueError) as error:
        sys.stderr.write(f"openclaude: could not start the editor {editor!r}: {error}\n")
        return 1
    return completed.returncode


def _make_if_missing(path: Path) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(NEW_CONFIG, encoding="utf-8")
