"""Running git by ourselves in a repository that may be hostile.

A repository that arrives with its ``.git/`` folder (an archive, a shared disk) or a config
file it includes can set keys that make even ``git status`` run a program: ``core.fsmonitor``,
a ``filter.<driver>.clean`` named by ``.gitattributes``, hooks, a pager. Every git command the
program runs on its own (not the Bash tool's, which go through the permission gate) is built
here, so that those settings are switched off in one place:

- fixed overrides: ``core.fsmonitor=false``, ``core.hooksPath=/dev/null`` (``checkout --
  path`` runs post-checkout), ``core.pager=cat``, ``log.showSignature=false`` (gpg), no
  recursion into submodules;
- every setting from the repository's own config (scope ``local`` or ``worktree``, included
  files too) that names a program is blanked, and a filter driver defined there gets
  ``required=false`` so that blanking it does not make git fail;
- ``--no-ext-diff --no-textconv`` for commands that show diffs (a blank ``diff.external`` or
  textconv makes git fail instead of ignoring it), ``--ignore-submodules=dirty`` where git
  would otherwise run itself inside submodules, whose settings are not read here;
- ``GIT_ALLOW_PROTOCOL`` empty and ``GIT_NO_LAZY_FETCH``: no transport (an ``ext::`` remote
  runs a command) even when a partial clone would fetch a missing object;
  ``GIT_TERMINAL_PROMPT=0``.

The user's own global and system settings are left alone. The overrides travel in
``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_<n>`` variables rather than ``-c``, which cannot carry a
driver name containing ``=`` (git 2.31 or later reads them); they outrank repository
settings and reach the git processes git itself starts. Settings the user passes that way
are kept: ours are numbered after them.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = [
    "RUNS_PROGRAM",
    "GitSettingsError",
    "git_argv",
    "repository_overrides",
    "run_git",
    "safe_environment",
    "safe_variables",
]

# Settings that make git run a program (or read settings from elsewhere). Also what the shell
# classifier looks for in a repository before it lets a git command run without asking.
RUNS_PROGRAM = re.compile(
    r"core\.(fsmonitor|pager|editor|sshcommand|askpass|hookspath|gitproxy|alternaterefscommand)"
    r"|(diff|merge|filter)\..*\.(textconv|command|driver|clean|smudge|process)"
    r"|diff\.external|pager\..*|sequence\.editor|gpg\..*program|credential\..*helper"
    r"|include\.path|includeif\..*|remote\..*\.(uploadpack|receivepack)|uploadpack\..*hook",
)

FIXED_OVERRIDES: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", os.devnull),
    ("core.pager", "cat"),
    ("log.showSignature", "false"),
    # Git run inside a submodule reads that submodule's settings, which are not blanked here.
    ("submodule.recurse", "false"),
    ("status.submoduleSummary", "false"),
)
_FIXED_NAMES = frozenset(name.lower() for name, _ in FIXED_OVERRIDES)
# Scopes whose files come with the repository rather than from the user.
_REPOSITORY_SCOPES = frozenset({"local", "worktree"})
# Neutralised by a command-line option instead: a blank value makes git fail.
_BY_OPTION = re.compile(r"diff\.external|diff\..*\.(textconv|command)")
# Includes cannot be switched off; the settings they bring in are listed one by one.
_INCLUDES = re.compile(r"include\.path|includeif\..*")
_FILTER_PROGRAM = re.compile(r"filter\.(.*)\.(clean|smudge|process)")

_NO_DIFF_PROGRAMS = ("--no-ext-diff", "--no-textconv")
# Options each subcommand gets right after its name.
_SUBCOMMAND_OPTIONS: dict[str, tuple[str, ...]] = {
    "diff": (*_NO_DIFF_PROGRAMS, "--ignore-submodules=dirty"),
    "status": ("--ignore-submodules=dirty",),
    "show": _NO_DIFF_PROGRAMS,
    "log": _NO_DIFF_PROGRAMS,
    "diff-files": _NO_DIFF_PROGRAMS,
    "diff-index": _NO_DIFF_PROGRAMS,
    "diff-tree": _NO_DIFF_PROGRAMS,
}
_ENVIRONMENT = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_ALLOW_PROTOCOL": "",
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_PAGER": "cat",
}
LIST_TIMEOUT_SECONDS = 10.0


class GitSettingsError(Exception):
    """The repository's settings could not be read, so git is not run there."""


def git_argv(args: Sequence[str], *, options: Sequence[str] = ()) -> list[str]:
    """``git options… subcommand safe-options… rest…`` for ``args`` (subcommand first)."""
    if not args:
        return ["git", *options]
    sub, *rest = args
    return ["git", *options, sub, *_SUBCOMMAND_OPTIONS.get(sub, ()), *rest]


def repository_overrides(cwd: Path) -> list[tuple[str, str]]:
    """Blank values for the settings of the repository at ``cwd`` that run programs.

    Raises:
        GitSettingsError: git could not list the settings (a broken config file).
        OSError: git could not be started.
    """
    try:
        listed = subprocess.run(
            ["git", "config", "--list", "--show-scope", "-z"],
            cwd=cwd,
            env={**os.environ, **_ENVIRONMENT, **_config_variables(FIXED_OVERRIDES)},
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=LIST_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GitSettingsError("git config did not answer") from None
    if listed.returncode != 0:
        message = listed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitSettingsError(message[-1] if message else "git config failed")
    fields = listed.stdout.decode("utf-8", "surrogateescape").split("\0")
    overrides: dict[str, str] = {}
    for scope, entry in zip(fields[0::2], fields[1::2], strict=False):
        name = entry.split("\n", 1)[0]
        lowered = name.lower()
        if scope not in _REPOSITORY_SCOPES or not RUNS_PROGRAM.fullmatch(lowered):
            continue
        if lowered in _FIXED_NAMES or _BY_OPTION.fullmatch(lowered) or _INCLUDES.fullmatch(lowered):
            continue
        overrides[name] = ""
        if driver := _FILTER_PROGRAM.fullmatch(name):
            # A required filter without a program is an error; not required, it is skipped.
            overrides[f"filter.{driver.group(1)}.required"] = "false"
    return list(overrides.items())


def safe_variables(cwd: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment variables to add to ``environ`` for git at ``cwd`` (see the module).

    Raises:
        GitSettingsError: The repository's settings could not be read.
        OSError: git could not be started.
    """
    environ = os.environ if environ is None else environ
    overrides = [*FIXED_OVERRIDES, *repository_overrides(cwd)]
    return {**_ENVIRONMENT, **_config_variables(overrides, environ)}


def safe_environment(cwd: Path) -> dict[str, str]:
    """This process's environment with ``safe_variables`` added."""
    return {**os.environ, **safe_variables(cwd)}


def run_git(
    cwd: Path,
    *args: str,
    options: Sequence[str] = (),
    stdin: bytes | None = None,
    timeout: float = LIST_TIMEOUT_SECONDS,
    variables: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``git options… args…`` at ``cwd`` with the repository's programs switched off.

    ``variables`` are ``safe_variables(cwd)`` when the caller already has them (one
    ``git config`` run fewer); they are read afresh otherwise.

    Raises:
        GitSettingsError: The repository's settings could not be read.
        OSError: git could not be started.
        subprocess.TimeoutExpired: git did not finish within ``timeout`` seconds.
    """
    return subprocess.run(
        git_argv(args, options=options),
        cwd=cwd,
        env={**os.environ, **(safe_variables(cwd) if variables is None else variables)},
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def _config_variables(
    overrides: Sequence[tuple[str, str]], environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """``GIT_CONFIG_COUNT`` and its pairs, after any the user's environment already has."""
    environ = os.environ if environ is None else environ
    try:
        start = max(0, int(environ.get("GIT_CONFIG_COUNT", "0") or 0))
    except ValueError:
        start = 0  # git itself would refuse a bogus count; ours replaces it
    variables = {"GIT_CONFIG_COUNT": str(start + len(overrides))}
    for index, (name, value) in enumerate(overrides, start):
        variables[f"GIT_CONFIG_KEY_{index}"] = name
        variables[f"GIT_CONFIG_VALUE_{index}"] = value
    return variables
