"""The house rule that keeps modules to one concept: none of the program's is past 500 lines."""

from __future__ import annotations

from pathlib import Path

import openclaude_tui

LIMIT = 500


def test_no_module_is_past_the_limit() -> None:
    root = Path(openclaude_tui.__file__).parent
    sizes = {
        str(path.relative_to(root)): len(path.read_text(encoding="utf-8").splitlines())
        for path in root.rglob("*.py")
    }
    too_long = {name: lines for name, lines in sizes.items() if lines > LIMIT}
    assert len(sizes) > 100, "the package was not found where expected"
    assert too_long == {}, f"split these by concept: {too_long}"
