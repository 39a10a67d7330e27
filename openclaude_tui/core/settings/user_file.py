"""Remembering a choice made in the app in the user's own ``config.toml``.

The file is the user's: their comments, order and spacing stay as they are. Only the line
that sets the key is replaced, or a new line is put before the first table; the result is
read back as TOML before it takes the file's place.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from openclaude_tui.core.settings.config import user_config_file

_TABLE = re.compile(r"^\s*\[")


def remember_setting(key: str, value: str, path: Path | None = None) -> str | None:
    """Set the top-level ``key = "value"`` in the user's config.

    Returns:
        None when it was saved; else a sentence saying why it was not (the file is left
        as it was).
    """
    path = path or user_config_file()
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        return f"{path} could not be read: {error}"
    # A TOML basic string takes JSON's escapes.
    line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
    updated = _with_line(text, key, line)
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return f"{path} is not valid TOML ({error}); edit it by hand"
    try:
        written = tomllib.loads(updated).get(key)
    except tomllib.TOMLDecodeError:
        written = None
    if written != value:
        return f"{path} sets {key} in a way this program cannot change; edit it by hand"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(updated, encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        return f"{path} could not be written: {error}"
    return None


def _with_line(text: str, key: str, line: str) -> str:
    """``text`` with the top-level assignment of ``key`` replaced by ``line``, or added."""
    lines = text.splitlines()
    assignment = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
    first_table = len(lines)
    for index, current in enumerate(lines):
        if _TABLE.match(current):
            first_table = index
            break
        if assignment.match(current):
            lines[index] = line
            return "\n".join(lines) + "\n"
    lines.insert(first_table, line)
    return "\n".join(lines) + "\n"
