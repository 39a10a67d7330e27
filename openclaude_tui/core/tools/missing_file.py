"""What a file tool says when the file it was given does not exist.

Weaker models often get a name slightly wrong (``auht.py``) or the folder wrong (``auth.py``
for ``src/auth.py``): the message names the files they may have meant.
"""

from __future__ import annotations

import asyncio
import difflib
import os
import re
from collections.abc import Sequence
from pathlib import Path

from openclaude_tui.core.tools.base import ToolContext
from openclaude_tui.core.tools.search_engine import SearchError, find_rg, list_files

# How long a missing file's name is looked for elsewhere in the project.
SUGGESTION_SECONDS = 3.0
# Characters a glob reads as patterns: a name holding them is not searched for.
_GLOB_SPECIAL = re.compile(r"[*?\[\]{}!\\]")


def missing_message(path: Path, candidates: Sequence[Path] = ()) -> str:
    """Say that ``path`` does not exist, naming the ``candidates`` the model may have meant."""
    text = f"{path} does not exist"
    if not path.parent.is_dir():
        text += f", nor does its directory {path.parent}"
    if candidates:
        return f"{text}. Did you mean: {', '.join(str(c) for c in candidates)}?"
    return f"{text}."


def near_names(path: Path) -> list[Path]:
    """Files beside ``path`` whose names are close to its name."""
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    close = difflib.get_close_matches(path.name, names, n=3, cutoff=0.6)
    return [path.parent / name for name in close]


async def same_name_in_project(path: Path, ctx: ToolContext) -> list[Path]:
    """Files of the project (not ignored) named exactly like ``path``, shallowest first.

    Weaker models often get the folder wrong (``auth.py`` for ``src/auth.py``).
    """
    if _GLOB_SPECIAL.search(path.name):
        return []
    try:
        # A hint is not worth a long wait in a huge tree.
        async with asyncio.timeout(SUGGESTION_SECONDS):
            found = await list_files(ctx.project_root, f"**/{path.name}", find_rg())
    except (SearchError, TimeoutError):
        return []
    # A file kept from reading by a rule is not named either.
    visible = (Path(p) for p in found if ctx.visible("Glob", Path(p)))
    ranked = sorted(visible, key=lambda p: (len(p.parts), str(p)))
    return ranked[:3]
