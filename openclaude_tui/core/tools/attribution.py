"""Git attribution: commits the agent makes through Bash name OpenClaude as co-author.

Git has no setting that adds a trailer to every commit (``trailer.*`` only shapes the
trailers ``--trailer`` or ``interpret-trailers`` add), and a ``commit-msg`` hook would
displace the repository's own hooks. So the Bash tool's ``PATH`` starts with a directory
holding one small ``git`` script that runs the real git, adding ``--trailer
"Co-authored-by: …"`` right after a ``commit`` subcommand and nothing else. The real git
then runs as it would have, with the repository's hooks and config as the user's own
``git commit`` would; nothing else on ``PATH`` is shadowed. ``attribution = false`` in the
settings turns it off.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from openclaude_tui import paths

_log = logging.getLogger(__name__)

TRAILER = "Co-authored-by: OpenClaude <noreply@openclaude.dev>"
# ``git commit --trailer`` exists since git 2.32.
TRAILER_SINCE = (2, 32)

# Git's options before the subcommand that take the next word as their value.
_SCRIPT = """#!/bin/sh
# Written by OpenClaude: adds its co-author trailer to `git commit`, then runs git.
seen=
value=
for arg do
  shift
  if [ -z "$seen" ]; then
    if [ -n "$value" ]; then
      value=
    else
      case $arg in
        -C|-c|--git-dir|--work-tree|--namespace|--super-prefix|--config-env) value=1 ;;
        -*) ;;
        commit) seen=1; set -- "$@" "$arg" --trailer {trailer}; continue ;;
        *) seen=1 ;;
      esac
    fi
  fi
  set -- "$@" "$arg"
done
exec {git} "$@"
"""


def shim_dir() -> Path:
    """The directory that holds the ``git`` script (nothing else)."""
    return paths.data_dir() / "attribution"


def attributed_path(path: str) -> str:
    """``path`` led by the directory of the ``git`` script; ``path`` itself when git is
    missing, too old for ``--trailer``, or the script cannot be written."""
    directory = shim_dir()
    rest = [part for part in path.split(os.pathsep) if part and Path(part) != directory]
    real = shutil.which("git", path=os.pathsep.join(rest))
    if real is None or not _supports_trailer(real):
        return path
    try:
        _write_script(directory, str(Path(real).resolve()))
    except OSError as error:
        _log.warning("git attribution is off: cannot write its script (%s)", error)
        return path
    return os.pathsep.join([str(directory), *rest])


_VERSIONS: dict[str, bool] = {}


def _supports_trailer(git: str) -> bool:
    if git not in _VERSIONS:
        try:
            done = subprocess.run(
                [git, "--version"], capture_output=True, text=True, timeout=10, check=False
            )
            found = re.search(r"(\d+)\.(\d+)", done.stdout)
            version = (int(found[1]), int(found[2])) if found else (0, 0)
        except (OSError, subprocess.SubprocessError):
            version = (0, 0)
        _VERSIONS[git] = version >= TRAILER_SINCE
    return _VERSIONS[git]


def _write_script(directory: Path, git: str) -> None:
    """Write the script unless it is already there as it should be (atomically: another
    OpenClaude may be running a command through it)."""
    text = _SCRIPT.format(trailer=shlex.quote(TRAILER), git=shlex.quote(git))
    target = directory / "git"
    with contextlib.suppress(OSError):
        if target.read_text() == text and os.access(target, os.X_OK):
            return
    directory.mkdir(parents=True, exist_ok=True)
    temp = directory / f".git.{os.getpid()}.tmp"
    temp.write_text(text)
    temp.chmod(0o755)
    os.replace(temp, target)
