"""Theme files (TOML) turned into Textual themes, checked before they are used.

Themes come from the ``themes/`` folder shipped with the program and from the user's
``themes/`` folder in the config directory (a user's theme of the same name wins). A file
that cannot be read or has a colour Textual cannot parse is skipped with a message saying
which and why; the app keeps its default theme.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

from openclaude_tui import paths

COLOUR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "warning",
    "error",
    "success",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)


@dataclass
class LoadedThemes:
    """The themes that loaded, and one sentence per file that did not."""

    themes: list[Theme] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def theme_dirs() -> list[Path]:
    """Where themes are looked for, shipped ones first."""
    package = Path(__file__).resolve().parent.parent
    # In a wheel the folder sits inside the package; in a source checkout beside it.
    shipped = [package / "themes", package.parent / "themes"]
    return [*[d for d in shipped if d.is_dir()][:1], paths.config_dir() / "themes"]


def load_themes(directories: list[Path] | None = None) -> LoadedThemes:
    """Every valid theme in ``directories`` (default: ``theme_dirs()``), by name."""
    found: dict[str, Theme] = {}
    loaded = LoadedThemes()
    for directory in theme_dirs() if directories is None else directories:
        for path in sorted(directory.glob("*.toml")) if directory.is_dir() else ():
            try:
                theme = read_theme(path)
            except ValueError as problem:
                loaded.problems.append(str(problem))
                continue
            found[theme.name] = theme
    loaded.themes = list(found.values())
    return loaded


def read_theme(path: Path) -> Theme:
    """One theme file as a Textual theme.

    Raises:
        ValueError: the file is unreadable, or a value is missing or not a colour.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"theme {path.name} skipped: {error}") from None
    name = data.get("name") or path.stem
    if "primary" not in data:
        raise ValueError(f"theme {path.name} skipped: it needs at least a primary colour")
    # Any: these become keywords of Theme, whose other keywords (dark, variables…) are not
    # strings; every key here is one of COLOUR_KEYS, all of which take a string.
    colours: dict[str, Any] = {}
    for key in COLOUR_KEYS:
        if key not in data:
            continue
        value = str(data[key])
        try:
            Color.parse(value)
        except ColorParseError:
            raise ValueError(
                f"theme {path.name} skipped: {key} = {value!r} is not a colour "
                "(use #RRGGBB, rgb(…) or a colour name)"
            ) from None
        colours[key] = value
    unknown = sorted(set(data) - {*COLOUR_KEYS, "name", "dark"})
    if unknown:
        raise ValueError(f"theme {path.name} skipped: unknown keys {', '.join(unknown)}")
    return Theme(name=str(name), dark=bool(data.get("dark", True)), **colours)
