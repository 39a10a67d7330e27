"""The project's files and directories for ``@`` completion: git's list when in a
repository, else a walk."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from openclaude_tui.core.git.safety import GitSettingsError, git_argv, safe_environment
from openclaude_tui.core.permissions.rules import LOCAL_SETTINGS

MAX_FILES = 20_000
# Never worth offering, and often huge.
SKIPPED_DIRECTORIES = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".mypy_cache",
     ".pytest_cache", ".ruff_cache", ".tox", "dist", "build", ".idea", ".vscode"}
)  # fmt: skip


# This machine's permission answers: not project content, even where git does not ignore it.
_NOT_OFFERED = frozenset({LOCAL_SETTINGS.as_posix()})


async def list_project_files(root: Path) -> list[str]:
    """Relative paths of the project's files (tracked and untracked, not ignored)."""
    try:
        # With the repository's own programs (fsmonitor, hooks…) switched off.
        environment = await asyncio.to_thread(safe_environment, root)
        process = await asyncio.create_subprocess_exec(
            *git_argv(["ls-files", "--cached", "--others", "--exclude-standard", "-z"]),
            cwd=root,
            env=environment,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        output, _ = await process.communicate()
    except (OSError, GitSettingsError):
        output, process = b"", None
    if process is not None and process.returncode == 0:
        names = [name for name in output.decode("utf-8", "replace").split("\0") if name]
        return sorted(set(names) - _NOT_OFFERED)[:MAX_FILES]
    return [name for name in await asyncio.to_thread(_walk, root) if name not in _NOT_OFFERED]


def _walk(root: Path) -> list[str]:
    found: list[str] = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRECTORIES)
        relative = Path(directory).relative_to(root)
        for name in sorted(files):
            found.append((relative / name).as_posix())
            if len(found) >= MAX_FILES:
                return found
    return found


async def list_project_paths(root: Path) -> list[str]:
    """The project's files, then the directories that hold them (``src/``, ``src/app/``)."""
    files = await list_project_files(root)
    return files + directories_of(files)


def directories_of(files: list[str]) -> list[str]:
    """Every directory above the relative paths ``files``, each once, with a trailing ``/``."""
    found: set[str] = set()
    for name in files:
        parts = name.split("/")[:-1]
        found.update("/".join(parts[: depth + 1]) + "/" for depth in range(len(parts)))
    return sorted(found)
