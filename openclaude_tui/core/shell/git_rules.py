"""How dangerous a ``git`` command is: read-only inspection, ordinary changes, or loss of work.

Destructive here means work that is hard to get back: ``push --force`` (the remote's
history), ``reset --hard``, ``clean -f``, ``checkout .`` (uncommitted changes),
``branch -D``, ``stash drop``, ``reflog expire`` and history rewriting.
"""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

from openclaude_tui.core.git.safety import RUNS_PROGRAM, GitSettingsError, run_git
from openclaude_tui.core.shell.levels import Finding
from openclaude_tui.core.shell.programs import Context
from openclaude_tui.core.shell.syntax import Word, operands, short_flags
from openclaude_tui.core.shell.words import names

# fmt: off
_READ_ONLY = frozenset({
    "status", "log", "show", "diff", "blame", "annotate", "ls-files", "ls-tree", "ls-remote",
    "rev-parse", "rev-list", "describe", "shortlog", "whatchanged", "grep", "cat-file",
    "show-ref", "for-each-ref", "merge-base", "name-rev", "count-objects", "check-ignore",
    "check-attr", "var", "version", "help", "diff-tree", "diff-files", "diff-index",
    "show-branch", "cherry", "verify-commit", "verify-tag",
})
# fmt: on
# Long options of read-only subcommands that write files, run programs or read files
# elsewhere. git accepts any unambiguous abbreviation (`--outp=x` is `--output=x`), so a
# long option is dangerous when it is a prefix of one of these.
_DANGEROUS_LONG = names(
    "output output-directory ext-diff open-files-in-pager upload-pack exec contents "
    "no-index orderfile file blob textconv filters batch-command ignore-revs-file paginate "
    "web man info"
)
# Short options with the same powers, per subcommand (`grep -O`, `diff -O<file>`, …).
_DANGEROUS_SHORT = {
    "grep": "Of", "ls-remote": "u", "log": "O", "diff": "O", "show": "O", "config": "f",
    "help": "wmi",
}  # fmt: skip
# Long options of `git branch` / `git tag` that change references rather than list them.
_CHANGING = ("--delete", "--move", "--copy", "--set-upstream", "--unset-upstream", "--edit")
_CHANGING_MORE = ("--force", "--annotate", "--sign")
_CONFIG_WRITES = ("--unset", "--add", "--replace", "--rename", "--remove", "--edit")
# Global options: harmless ones, and those whose value is a place git then works in.
_GLOBAL_FLAGS = names(
    "--no-pager -P --bare --no-replace-objects --literal-pathspecs --glob-pathspecs "
    "--noglob-pathspecs --icase-pathspecs --no-optional-locks --version --help"
)
_GLOBAL_PLACES = frozenset({"-C", "--git-dir", "--work-tree"})


def repository_runs_programs(directory: str) -> str | None:
    """The first setting of the repository at ``directory`` that makes git run a program."""
    config = _config_file(directory)
    if config is None:
        return None
    try:
        stamp = os.stat(config).st_mtime_ns
    except OSError:
        return None
    return _risky_setting(config, stamp)


def _config_file(directory: str) -> str | None:
    """The .git/config of the repository holding ``directory``, found without running git."""
    current = os.path.abspath(directory)
    if os.path.isfile(os.path.join(current, "config")) and os.path.isdir(
        os.path.join(current, "objects")
    ):
        return os.path.join(current, "config")  # a git directory itself (--git-dir)
    while True:
        candidate = os.path.join(current, ".git", "config")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


@functools.lru_cache(maxsize=64)
def _risky_setting(config: str, stamp: int) -> str | None:
    """Read the file with git itself (its syntax has subsections, quoting and includes)."""
    del stamp  # part of the cache key: a changed file is read again
    try:
        listed = run_git(
            Path(config).parent, "config", "--file", config, "--list", "--name-only"
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError, GitSettingsError):
        return "its settings could not be read"
    return next((key for key in listed.split() if RUNS_PROGRAM.fullmatch(key.lower())), None)


def split_git(args: list[Word], ctx: Context) -> tuple[int, list[Finding]]:
    """Read git's global options: the index of the subcommand, and their findings.

    ``-C DIR``, ``--git-dir`` and ``--work-tree`` name where git works: they are reads of
    that place. ``-c``, ``--config-env`` and ``--exec-path`` can make git run any program.
    """
    findings: list[Finding] = []
    index = 0
    while index < len(args) and args[index].value.startswith("-"):
        word = args[index]
        name, eq, attached = word.value.partition("=")
        index += 1
        if name in _GLOBAL_PLACES or name == "--namespace":
            place = Word(attached, attached, word.quoted, word.expands) if eq else None
            if place is None and index < len(args):
                place, index = args[index], index + 1
            if place is not None and name != "--namespace":
                ctx.reads(place, content=False)
        elif name == "-c" or name.startswith(("--config-env", "--exec-path", "-c")):
            findings.append(
                Finding("mutating", f"git {name} can make git run other programs", True)
            )
            if name == "-c" and not eq:
                index += 1
        elif name not in _GLOBAL_FLAGS:
            findings.append(Finding("mutating", f"git {name} is not known to be harmless", True))
    return index, findings


def git_findings(args: list[Word], ctx: Context) -> list[Finding]:
    """Findings for ``git`` with these arguments; empty when it only reads."""
    index, findings = split_git(args, ctx)
    if index >= len(args):
        return findings
    sub = args[index].value
    rest = args[index + 1 :]
    values = [w.value for w in rest]
    flags = short_flags(rest)
    positional = [w.value for w in operands(rest)]
    own: list[Finding] = []
    if sub in ("branch", "tag"):
        own = _listing(sub, values, flags, positional)
    elif sub == "push":
        own = _push(values, flags, positional)
    elif sub in ("stash", "reflog", "worktree", "remote", "config"):
        own = _subcommand(sub, values, positional)
    elif sub not in _READ_ONLY:
        own = _changing(sub, values, flags, positional)
    # A reading command stays reading only without options that write or run things.
    return findings + (own or _read_only(sub, rest))


def _read_only(sub: str, rest: list[Word]) -> list[Finding]:
    """A reading subcommand: only options that write, run or read elsewhere count."""
    for word in rest:
        value = word.value
        if value == "--":
            break
        if word.expands or word.opaque:
            return [Finding("mutating", f"git {sub} gets an argument only known at run time", True)]
        name = value[2:].split("=", 1)[0]
        dangerous = value.startswith("--") and any(
            option.startswith(name) for option in _DANGEROUS_LONG if name
        )
        short = value.startswith("-") and not value.startswith("--")
        dangerous |= short and bool(set(value[1:]) & set(_DANGEROUS_SHORT.get(sub, "")))
        if dangerous:
            reason = (
                f"git {sub} {value.split('=')[0]} may write files, run programs or read elsewhere"
            )
            return [Finding("mutating", reason, True)]
    return []


def _listing(sub: str, values: list[str], flags: set[str], positional: list[str]) -> list[Finding]:
    """`git branch` and `git tag` only list unless given a name or a changing option."""
    findings: list[Finding] = []
    changing = "dDmMcCuf" if sub == "branch" else "dasumfFe"
    changes = bool(flags & set(changing))
    changes |= any(v.startswith(_CHANGING + _CHANGING_MORE) for v in values)
    listing = any(v in ("-l", "--list") or v.startswith(("--contains", "--merged")) for v in values)
    if sub == "branch" and ("D" in flags or {"--delete", "--force"} <= set(values)):
        findings.append(Finding("destructive", "git branch -D deletes a branch even if unmerged"))
    if changes or (positional and not listing):
        findings.append(Finding("mutating", f"git {sub} changes references"))
    return findings


def _push(values: list[str], flags: set[str], positional: list[str]) -> list[Finding]:
    findings: list[Finding] = []
    forced = "f" in flags or any(v.startswith(("--force", "--mirror")) for v in values)
    if forced or any(refspec.startswith("+") for refspec in positional[1:]):
        findings.append(Finding("destructive", "git push --force rewrites the remote's history"))
    deletes = "d" in flags or "--delete" in values or "--prune" in values
    if deletes or any(refspec.startswith(":") for refspec in positional[1:]):
        findings.append(
            Finding("destructive", "git push --delete removes branches from the remote")
        )
    findings.append(Finding("mutating", "git push publishes commits"))
    return findings


def _changing(sub: str, values: list[str], flags: set[str], positional: list[str]) -> list[Finding]:
    """Subcommands that change the repository, some of them in ways hard to undo."""
    findings: list[Finding] = []
    if sub == "reset" and "--hard" in values:
        findings.append(Finding("destructive", "git reset --hard discards uncommitted changes"))
    elif sub == "clean":
        if "n" in flags or "--dry-run" in values:
            return []
        if "f" in flags or "--force" in values:
            findings.append(Finding("destructive", "git clean -f deletes untracked files"))
    elif sub in ("checkout", "restore", "switch"):
        staged_only = sub == "restore" and ("S" in flags or "--staged" in values)
        if "f" in flags or "--force" in values or "--discard-changes" in values:
            findings.append(
                Finding("destructive", f"git {sub} --force discards uncommitted changes")
            )
        elif "." in positional and not staged_only:
            findings.append(Finding("destructive", f"git {sub} . discards uncommitted changes"))
    elif sub in ("filter-branch", "filter-repo"):
        findings.append(Finding("destructive", f"git {sub} rewrites the repository's history"))
    findings.append(Finding("mutating", f"git {sub} is not known to be read-only"))
    return findings


def _subcommand(sub: str, values: list[str], positional: list[str]) -> list[Finding]:
    """Commands whose first operand says whether they read or change (`stash list`)."""
    action = positional[0] if positional else ""
    if sub == "stash" and action in ("drop", "clear"):
        return [Finding("destructive", f"git stash {action} throws away stashed changes")]
    if sub == "reflog" and action in ("expire", "delete"):
        return [Finding("destructive", f"git reflog {action} removes the record of lost commits")]
    if sub == "config":
        writes = any(v.startswith(_CONFIG_WRITES) or v == "-e" for v in values)
        reads = any(v.startswith(("--get", "--list", "-l")) for v in values)
        listing = any(v.startswith(("--list", "--get-regexp", "--get-urlmatch")) for v in values)
        listing |= "-l" in values or action == "list"
        if listing and "--local" not in values:
            # Every setting, the user's own included: tokens in URLs and headers too.
            return [
                Finding(
                    "mutating", "git config --list prints settings from outside the project", True
                )
            ]
        if not writes and (reads or action in ("get", "list") or len(positional) == 1):
            return []
        return [Finding("mutating", "git config changes settings")]
    reading = {"stash": ("list", "show"), "reflog": ("", "show"), "worktree": ("list",)}
    if action in reading.get(sub, ("", "show", "get-url")):
        return []
    return [Finding("mutating", f"git {sub} {action}".rstrip() + " changes the repository")]
