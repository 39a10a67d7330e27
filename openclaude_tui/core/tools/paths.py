"""Paths as the gate sees them: resolved first, then checked, and the same path is used.

Every path a tool is given goes through ``resolve_path``: ``~`` expanded, taken from the
working directory when relative, and resolved the way the kernel will resolve it (each
symlink followed where it stands, so ``link/../x`` is ``x`` beside the link's target, not
beside the link). The permission policy checks that path and the tool then opens that path,
so what was checked is what is used.

It also names the files that change what runs (``protection``): writing them always asks.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

# Characters a glob reads as patterns.
GLOB_SPECIAL = re.compile(r"[*?\[\]{}]")


class PathArgumentError(ValueError):
    """A path argument that no file can have; the message is written for the model."""


def check_path_text(text: str, what: str = "the path") -> None:
    """Refuse text that cannot name a file: a NUL character or a lone surrogate.

    Raises:
        PathArgumentError: naming the problem and what to send instead.
    """
    if "\0" in text:
        raise PathArgumentError(
            f"{what} contains a NUL character, which no file name can hold. "
            "Send the path as plain text."
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise PathArgumentError(
            f"{what} contains an invalid character ({text[error.start]!r} at position "
            f"{error.start}, a lone surrogate). Send the path as plain UTF-8 text."
        ) from None


def resolve_path(raw: str, cwd: Path) -> Path:
    """The absolute path the OS would open for ``raw`` given from ``cwd``, symlinks resolved.

    A path that does not exist (yet) is resolved as far as it exists; a dangling symlink is
    resolved to where it points, since writing through it would create that file.

    Raises:
        PathArgumentError: ``raw`` holds a NUL character or a lone surrogate.
    """
    check_path_text(raw)
    # os.path's expanduser leaves "~nosuchuser" as it is, as a shell does (Path's raises).
    path = Path(os.path.expanduser(raw))
    if not path.is_absolute():
        path = cwd / path
    return Path(os.path.realpath(path))


def split_glob(pattern: str) -> tuple[str, str]:
    """Split a glob into its literal leading directories and the pattern below them.

    ``../other/**/*.py`` gives ``("../other", "**/*.py")``, ``/etc/*.conf`` gives
    ``("/etc", "*.conf")`` and ``src/*.py`` gives ``("src", "*.py")``, so that where a
    listing happens is a directory that can be resolved and checked like any path.

    Raises:
        PathArgumentError: ``..`` after a wildcard (it could climb anywhere), or bad text.
    """
    check_path_text(pattern, "the pattern")
    parts = PurePosixPath(pattern).parts
    literal = 0
    while literal < len(parts) - 1 and not GLOB_SPECIAL.search(parts[literal]):
        literal += 1
    if ".." in parts[literal:]:
        raise PathArgumentError(
            f"the pattern {pattern!r} has '..' among the parts matched against names, "
            "which could reach any directory. Put the directory in 'path' and keep the "
            "pattern below it."
        )
    prefix = str(PurePosixPath(*parts[:literal])) if literal else ""
    return prefix, "/".join(parts[literal:])


def is_inside(path: Path, root: Path) -> bool:
    """Whether the resolved ``path`` is ``root`` or below it."""
    return path == root or root in path.parents


# Files that change what runs: writing them can make code run later without anyone
# running it on purpose. Each entry: a test on the path relative to the project (lower
# case, "/"-separated) and the reason shown to the user. Names match at any depth, because
# nested repositories and tools started in subdirectories read them there too.
_SHELL_RC = (
    r"\.(bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zshenv|zprofile|zlogin"
    r"|zlogout|cshrc|tcshrc|kshrc|login)"
)
PROTECTED: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"(?:.*/)?{pattern}"), reason)
    for pattern, reason in (
        (r"\.git(?:/.*)?", "git hooks and config"),
        (r"\.openclaude(?:/.*)?", "this program's settings and permission rules"),
        (r"\.claude(?:/.*)?", "agent settings and hooks"),
        (r"\.mcp\.json", "the MCP servers an agent starts"),
        (r"\.envrc", "direnv runs it on entering the directory"),
        (r"\.vscode/(?:tasks|launch|settings)\.json", "editor tasks and settings"),
        (r"[^/]*\.code-workspace", "editor tasks and settings"),
        (r"\.devcontainer(?:/.*)?", "the dev container's set-up commands"),
        (r"\.pre-commit-config\.yaml", "commit hooks"),
        (r"\.husky(?:/.*)?", "commit hooks"),
        (_SHELL_RC, "shell start-up files"),
        (r"\.config/fish(?:/.*)?", "shell start-up files"),
        (r"\.gitconfig", "git config"),
        (r"\.ssh(?:/.*)?", "ssh keys and config"),
        (r"\.(?:npmrc|yarnrc|yarnrc\.yml)", "package manager settings"),
    )
)


def protection(relative: str) -> str | None:
    """Why writing the file at ``relative`` (to the project root) changes what runs, or None.

    Matching ignores case: on a case-insensitive file system ``.GIT/hooks`` is ``.git/hooks``.
    """
    folded = relative.casefold()
    for pattern, reason in PROTECTED:
        if pattern.fullmatch(folded):
            return reason
    return None


def glob_root(pattern: str, path: str | None, cwd: Path) -> tuple[Path, str]:
    """Where a Glob lists files (resolved) and the pattern below it.

    The literal leading directories of ``pattern`` (absolute, or climbing with ``..``) are
    moved into the directory, so the policy checks, and the tool lists, the place the
    pattern really reaches.

    Raises:
        PathArgumentError: the pattern or path cannot name files (see ``split_glob``).
    """
    prefix, below = split_glob(pattern)
    base = path or "."
    check_path_text(base)
    return resolve_path(os.path.join(base, prefix) if prefix else base, cwd), below
