"""A change to one file: its whole text before and after."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileChange:
    """A change a file tool made (or proposes): full texts before and after.

    ``before`` is None for a file that did not exist.
    """

    path: Path
    before: str | None
    after: str
