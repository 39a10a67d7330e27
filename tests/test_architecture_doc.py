"""ARCHITECTURE.md stays true: it names every module of the package, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "openclaude_tui"
# A module as the map writes it: `name.py` or `folder/name.py` in backticks.
NAMED = re.compile(r"`((?:[a-z_]+/)*[a-z_]+\.py)`")
# Which folder a line's relative names are in: the section or table it belongs to.
SECTIONS = {
    "The core, by concept": PACKAGE / "core",
    "The entry points": PACKAGE,
    "The app (in": PACKAGE / "ui",
}


def _named_modules() -> set[Path]:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Module map", 1)[1]
    named: set[Path] = set()
    folder: Path | None = None
    for line in section.splitlines():
        if line.startswith("`tests/"):
            break  # the closing note names this test, not a module
        for title, place in SECTIONS.items():
            if line.startswith(title):
                folder = place
        if folder is not None:
            named.update(folder / name for name in NAMED.findall(line))
    return named


def _package_modules() -> set[Path]:
    return {path for path in PACKAGE.rglob("*.py") if path.name != "__init__.py"}


def test_every_module_named_in_the_map_exists() -> None:
    missing = sorted(str(p.relative_to(ROOT)) for p in _named_modules() - _package_modules())
    assert missing == [], f"ARCHITECTURE.md names modules that do not exist: {missing}"


def test_every_module_of_the_package_is_in_the_map() -> None:
    unnamed = sorted(str(p.relative_to(ROOT)) for p in _package_modules() - _named_modules())
    assert unnamed == [], f"modules missing from ARCHITECTURE.md's map: {unnamed}"
