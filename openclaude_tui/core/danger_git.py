"""How dangerous a ``git`` command is: read-only inspection, ordinary changes, or loss of work.

Destructive here means work that is hard to get back: ``push --force`` (the remote's
history), ``reset --hard``, ``clean -f``, ``checkout .`` (uncommitted changes),
``branch -D``, ``stash drop``, ``reflog expire`` and history rewriting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openclaude_tui.core.shell_syntax import Word, operands, short_flags

if TYPE_CHECKING:
    from openclaude_tui.core.danger import Level

Finding = tuple["Level", str]

# fmt: off
_READ_ONLY = frozenset({
    "status", "log", "show", "diff", "blame", "annotate", "ls-files", "ls-tree", "ls-remote",
    "rev-parse", "rev-list", "describe", "shortlog", "whatchanged", "grep", "cat-file",
    "show-ref", "for-each-ref", "merge-base", "name-rev", "count-objects", "check-ignore",
    "check-attr", "var", "version", "help", "diff-tree", "diff-files", "diff-index",
    "show-branch", "cherry", "verify-commit", "verify-tag",
})
# fmt: on
# Long options of `git branch` / `git tag` that change references rather than list them.
_CHANGING = ("--delete", "--move", "--copy", "--set-upstream", "--unset-upstream", "--edit")
_CHANGING_MORE = ("--force", "--annotate", "--sign")
_CONFIG_WRITES = ("--unset", "--add", "--replace", "--rename", "--remove", "--edit")
# Global options that take a value as the next word.
_GLOBAL_WITH_VALUE = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace"})


def git_findings(args: list[Word]) -> list[Finding]:
    """Findings for ``git`` with these arguments; empty when it only reads."""
    findings: list[Finding] = []
    index = 0
    while index < len(args) and args[index].value.startswith("-"):
        value = args[index].value
        if value == "-c" or value.startswith(("--config-env", "--exec-path")):
            # Configuration given here can name a pager, an editor or a diff program to run.
            findings.append(("mutating", "git -c can make git run other programs"))
        index += 2 if value in _GLOBAL_WITH_VALUE else 1
    if index >= len(args):
        return findings
    sub = args[index].value
    rest = args[index + 1 :]
    values = [w.value for w in rest]
    flags = short_flags(rest)
    positional = [w.value for w in operands(rest)]
    if sub in _READ_ONLY:
        unsafe = [v for v in values if v.startswith(("--output", "--ext-diff", "--open-files"))]
        if sub == "grep" and "O" in flags:
            unsafe.append("-O")
        if unsafe:
            findings.append(("mutating", f"git {sub} {unsafe[0]} writes files or runs programs"))
    elif sub in ("branch", "tag"):
        findings += _listing(sub, values, flags, positional)
    elif sub == "push":
        findings += _push(values, flags, positional)
    elif sub in ("stash", "reflog", "worktree", "remote", "config"):
        findings += _subcommand(sub, values, positional)
    else:
        findings += _changing(sub, values, flags, positional)
    return findings


def _listing(sub: str, values: list[str], flags: set[str], positional: list[str]) -> list[Finding]:
    """`git branch` and `git tag` only list unless given a name or a changing option."""
    findings: list[Finding] = []
    changing = "dDmMcCuf" if sub == "branch" else "dasumfFe"
    changes = bool(flags & set(changing))
    changes |= any(v.startswith(_CHANGING + _CHANGING_MORE) for v in values)
    listing = any(v in ("-l", "--list") or v.startswith(("--contains", "--merged")) for v in values)
    if sub == "branch" and ("D" in flags or {"--delete", "--force"} <= set(values)):
        findings.append(("destructive", "git branch -D deletes a branch even if unmerged"))
    if changes or (positional and not listing):
        findings.append(("mutating", f"git {sub} changes references"))
    return findings


def _push(values: list[str], flags: set[str], positional: list[str]) -> list[Finding]:
    findings: list[Finding] = []
    forced = "f" in flags or any(v.startswith(("--force", "--mirror")) for v in values)
    if forced or any(refspec.startswith("+") for refspec in positional[1:]):
        findings.append(("destructive", "git push --force rewrites the remote's history"))
    deletes = "d" in flags or "--delete" in values or "--prune" in values
    if deletes or any(refspec.startswith(":") for refspec in positional[1:]):
        findings.append(("destructive", "git push --delete removes branches from the remote"))
    findings.append(("mutating", "git push publishes commits"))
    return findings


def _changing(sub: str, values: list[str], flags: set[str], positional: list[str]) -> list[Finding]:
    """Subcommands that change the repository, some of them in ways hard to undo."""
    findings: list[Finding] = []
    if sub == "reset" and "--hard" in values:
        findings.append(("destructive", "git reset --hard discards uncommitted changes"))
    elif sub == "clean":
        if "n" in flags or "--dry-run" in values:
            return []
        if "f" in flags or "--force" in values:
            findings.append(("destructive", "git clean -f deletes untracked files"))
    elif sub in ("checkout", "restore", "switch"):
        staged_only = sub == "restore" and ("S" in flags or "--staged" in values)
        if "f" in flags or "--force" in values or "--discard-changes" in values:
            findings.append(("destructive", f"git {sub} --force discards uncommitted changes"))
        elif "." in positional and not staged_only:
            findings.append(("destructive", f"git {sub} . discards uncommitted changes"))
    elif sub in ("filter-branch", "filter-repo"):
        findings.append(("destructive", f"git {sub} rewrites the repository's history"))
    findings.append(("mutating", f"git {sub} is not known to be read-only"))
    return findings


def _subcommand(sub: str, values: list[str], positional: list[str]) -> list[Finding]:
    """Commands whose first operand says whether they read or change (`stash list`)."""
    action = positional[0] if positional else ""
    if sub == "stash" and action in ("drop", "clear"):
        return [("destructive", f"git stash {action} throws away stashed changes")]
    if sub == "reflog" and action in ("expire", "delete"):
        return [("destructive", f"git reflog {action} removes the record of lost commits")]
    if sub == "config":
        writes = any(v.startswith(_CONFIG_WRITES) or v == "-e" for v in values)
        reads = any(v.startswith(("--get", "--list", "-l")) for v in values)
        if not writes and (reads or action in ("get", "list") or len(positional) == 1):
            return []
        return [("mutating", "git config changes settings")]
    reading = {"stash": ("list", "show"), "reflog": ("", "show"), "worktree": ("list",)}
    if action in reading.get(sub, ("", "show", "get-url")):
        return []
    return [("mutating", f"git {sub} {action}".rstrip() + " changes the repository")]
