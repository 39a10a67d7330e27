"""The walk behind the shell-command classifier (``core.shell.classify``): every command a line
runs, what each does, and which files it reads.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field

from openclaude_tui.core.shell.env import dangerous_variable, mentions_wrapper
from openclaude_tui.core.shell.file_rules import FileChecks
from openclaude_tui.core.shell.git_rules import git_findings, repository_runs_programs, split_git
from openclaude_tui.core.shell.levels import Finding, Level, Read
from openclaude_tui.core.shell.programs import check_program, known
from openclaude_tui.core.shell.run_rules import (
    ELEVATE_VALUED,
    SHELLS,
    WRAPPERS,
    RunChecks,
    fork_bomb,
    is_interpreter,
    reads_stdin,
)
from openclaude_tui.core.shell.syntax import SimpleCommand, Word, parse
from openclaude_tui.core.shell.words import name_of, names, without_assignments

_WRITERS = names("cp mv ln install tee truncate")
_PERMISSIONS = names("chmod chown chgrp")
_ELEVATE = names("sudo doas su pkexec run0")
_DISK_TOOLS = names("mke2fs mkswap fdisk sfdisk cfdisk parted wipefs")
_POWER = names("shutdown reboot halt poweroff")
_DOWNLOADERS = names("curl wget")
_VERSION_ARGS = names("--version -V version --help -h help")
# Asking these for their version runs nothing from the project (pytest would load
# conftest.py, go and cargo may fetch a toolchain the project names).
_VERSIONED_TOOLS = names(
    "python python3 node npm gcc clang java javac ruby perl pip pip3 make cmake docker "
    "kubectl deno bun ruff rg fd gh git"
)
_READ_ONLY_SUBCOMMANDS: dict[str, frozenset[str]] = {
    "pip": names("list show freeze check"),
    "pip3": names("list show freeze check"),
    "npm": names("ls list view info outdated root prefix"),
}
# Where a program named by an absolute path is the same as the one found by name.
_SYSTEM_DIRS = names("/bin /usr/bin /usr/local/bin /sbin /usr/sbin")
_MAX_DEPTH = 4
# git subcommands that print what files hold (log and whatchanged only with a patch).
_GIT_SHOWS_CONTENT = names(
    "show cat-file grep blame annotate diff diff-tree diff-index diff-files log whatchanged"
)
# Variables that hold no secret: the shell's own and the usual locations.
_KNOWN_VARIABLES = names(
    "HOME PWD OLDPWD USER LOGNAME SHELL PATH LANG LC_ALL TERM HOSTNAME UID EUID PPID RANDOM "
    "LINENO SECONDS BASH_VERSION OSTYPE COLUMNS LINES TMPDIR IFS"
)
_LOOP_VARIABLE = re.compile(r"\b(?:for|select)\s+([A-Za-z_][A-Za-z0-9_]*)")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Builtins whose plain-name arguments are variables they set.
_DECLARING = frozenset({"read", "export", "local", "declare", "typeset", "readonly"})
# Most entries a glob may expand to before the classifier gives up on it.
_GLOB_LIMIT = 200


@dataclass
class CommandInfo:
    """One command a line runs (wrapped and nested ones included), for permission rules.

    Attributes:
        text: Its source text.
        normalized: Its words after quote removal, without leading assignments and
            without git's global options (``git -C . push`` is ``git push``).
        findings: What it does beyond reading inside the project.
        open_end: Some of its words are only known at run time, so it may be any
            command that starts with the part before them.
    """

    text: str
    normalized: str
    findings: list[Finding] = field(default_factory=list)
    open_end: bool = False


class Walker(FileChecks, RunChecks):
    """Walks the commands of a command line and collects findings, commands and reads."""

    def __init__(self, root: str, cwd: str, home: str) -> None:
        self.root = root
        # None once a `cd` went somewhere only known at run time.
        self.cwd: str | None = cwd
        self.home = home
        self.commands: list[CommandInfo] = []
        self.loose: list[Finding] = []
        self.read_paths: list[Read] = []
        self.current: CommandInfo | None = None
        # Every directory the line may be in at this point: a `cd` that fails, or runs
        # in a subshell or behind `&&`, leaves the shell where it was.
        self.cwds: set[str | None] = {cwd}

    def add(self, level: Level, reason: str, effect: bool = False) -> None:
        """Record a finding against the command being checked."""
        finding = Finding(level, reason, effect)
        (self.current.findings if self.current else self.loose).append(finding)

    def effect(self, reason: str, level: Level = "mutating") -> None:
        """Record a finding that no allow rule covers."""
        self.add(level, reason, True)

    def runs_unknown(self, text: str) -> None:
        """A command only known at run time (``eval "$x"``): any rule may match it."""
        self.commands.append(CommandInfo(text, "", open_end=True))

    def reads(
        self, word: Word, *, recursive: bool = False, content: bool = True, hidden: bool = True
    ) -> None:
        """The command reads the path ``word`` names: it must stay inside the project."""
        if word.value == "/dev/null" and not (word.expands or word.opaque):
            return
        for path in self.paths_in_every_cwd(word):
            if path is None:
                self.effect(f"reads a path only known at run time: {word.raw}")
            elif not self.inside(path):
                self.effect(f"reads outside the project: {path}")
            elif content:
                self.read_paths.append(Read(path, recursive, hidden))

    def runs_here(self, name: str) -> None:
        """A program that works on its directory (make, npm, git) must run in the project:
        an allow rule for it is about this project, not wherever a `cd` went."""
        for cwd in self.cwds | {self.cwd}:
            if cwd is None or not self.inside(cwd):
                where = cwd or "a directory only known at run time"
                self.effect(f"{name} runs outside the project: {where}")
                return

    def mentions(self, args: list[Word]) -> None:
        """A program whose reads are not modelled may read any file it names (``cp .env x``,
        ``tar czf x.tgz .``): each existing one counts as read, folders in full."""
        for word in args:
            if word.expands or word.opaque or word.value.startswith("-"):
                continue
            for path in self.paths_in_every_cwd(word):
                if path is not None and self.inside(path) and os.path.exists(path):
                    self.read_paths.append(Read(path, os.path.isdir(path), True))

    def paths_in_every_cwd(self, word: Word) -> list[str | None]:
        """The path ``word`` names from each directory the line may be in."""
        if word.expands or word.opaque:
            return [None]
        latest = self.cwd
        found: list[str | None] = []
        try:
            for cwd in self.cwds | {latest}:
                self.cwd = cwd
                found.append(self.path(word, follow_last=True))
        finally:
            self.cwd = latest
        return found

    # Sources and commands

    def check_source(self, source: str, depth: int) -> None:
        """Classify a whole command line (or an `sh -c` string inside one)."""
        if depth > _MAX_DEPTH:
            self.loose.append(Finding("mutating", "nested shell commands too deep to check", True))
            return
        script = parse(source)
        for error in script.errors:
            self.loose.append(Finding("mutating", f"could not parse the command: {error}", True))
        for opaque in script.opaque:
            self.loose.append(
                Finding("mutating", f"{opaque} cannot be known without running it", True)
            )
        if fork_bomb(source):
            self.loose.append(
                Finding("destructive", "fork bomb: a function that keeps spawning itself")
            )
        if "\x00" in source:
            self.loose.append(Finding("mutating", "the command holds a NUL byte", True))
        if mentions_wrapper(source):
            self.loose.append(Finding("mutating", "touches the Bash tool's own state", True))
        for simple in script.commands:
            self.check_simple(simple, depth)
        self.check_variables(source, script.variables, script.commands)
        for pipeline in script.pipelines:
            downloading = False
            for stage in pipeline:
                for simple in stage:
                    name = name_of(simple.words)
                    args = without_assignments(simple.words)[1:]
                    if downloading and is_interpreter(name) and reads_stdin(str(name), args):
                        self.loose.append(Finding("destructive", f"pipes a download into {name}"))
                downloading |= any(name_of(s.words) in _DOWNLOADERS for s in stage)

    def check_variables(
        self, source: str, variables: list[str], commands: list[SimpleCommand]
    ) -> None:
        """Expanding a variable the line did not set prints the environment's secrets."""
        assigned = set(_LOOP_VARIABLE.findall(source))
        for simple in commands:
            for word in simple.words:
                if word.is_assignment:
                    assigned.add(word.value.split("=", 1)[0].split("[", 1)[0].rstrip("+"))
                elif word.value == "read" or not _IDENTIFIER.fullmatch(word.value):
                    continue
                elif simple.words and simple.words[0].value in _DECLARING:
                    assigned.add(word.value)
        for name in dict.fromkeys(variables):
            if name not in assigned and name not in _KNOWN_VARIABLES:
                self.loose.append(
                    Finding("mutating", f"reads the environment variable {name}", True)
                )

    def check_simple(self, simple: SimpleCommand, depth: int) -> None:
        """One simple command: its assignments, redirections and words."""
        words = without_assignments(simple.words)
        normalized = " ".join(w.value for w in words)
        if words and os.path.dirname(words[0].value) in _SYSTEM_DIRS:
            # `/usr/bin/git push` is `git push` to the rules.
            normalized = " ".join([os.path.basename(words[0].value)] + [w.value for w in words[1:]])
        info = CommandInfo(simple.text, normalized)
        self.commands.append(info)
        saved, self.current = self.current, info
        try:
            self.check_assignments(simple.words[: len(simple.words) - len(words)])
            for redirect in simple.redirects:
                if redirect.target is None:
                    continue
                if redirect.target.opaque:
                    self.effect(f"{redirect.target.opaque} cannot be known without running it")
                if redirect.writes:
                    self.check_write(redirect.target)
                elif redirect.op in ("<", "<>"):
                    self.reads(redirect.target)
                elif redirect.op == "<&" and redirect.target.expands:
                    self.effect(f"reads a descriptor only known at run time: {redirect.target.raw}")
            if words:
                self.check_words(words, simple, depth, own=True)
        finally:
            self.current = saved

    def check_assignments(self, assignments: list[Word]) -> None:
        """``NAME=value`` words: a name that changes what programs run asks."""
        for word in assignments:
            name = word.value.split("=", 1)[0].split("+", 1)[0]
            if "[" in name:
                self.effect(f"assigns through a subscript, which can run code: {word.raw}")
            elif dangerous_variable(name):
                self.effect(f"sets {name}, which can make programs run other code")
            if word.opaque:
                self.effect(f"{word.opaque} cannot be known without running it")

    def check_words(
        self, words: list[Word], simple: SimpleCommand, depth: int, *, own: bool = False
    ) -> None:
        """Classify one command given as words (the first is the command name).

        Wrapped commands (``timeout 5 X``, ``find -exec X``) count as commands of their
        own for the permission rules; ``own`` says the words are the current command's.
        """
        if not own:
            info = CommandInfo(" ".join(w.raw for w in words), " ".join(w.value for w in words))
            self.commands.append(info)
            saved, self.current = self.current, info
            try:
                self.check_words(words, simple, depth, own=True)
            finally:
                self.current = saved
            return
        for word in words:
            if word.opaque:
                self.effect(f"{word.opaque} cannot be known without running it: {word.raw}")
        if self.current is not None and any(w.expands or w.opaque for w in words):
            self.current.open_end = True
        name = name_of(words)
        args = words[1:]
        if name is None:
            self.effect(f"runs a command named by an expansion: {words[0].raw}")
            return
        if "/" in words[0].value and os.path.dirname(words[0].value) not in _SYSTEM_DIRS:
            # `./cat` is the project's own program, not the system's cat.
            self.add("mutating", f"{words[0].value} is not known to be read-only")
            return
        downloads = any(name_of(n.words) in _DOWNLOADERS for n in simple.nested)
        if downloads and (is_interpreter(name) or name in ("eval", "source", ".")):
            self.add("destructive", f"{name} runs a downloaded script")
        self.dispatch(name, words, args, simple, depth)

    def dispatch(
        self, name: str, words: list[Word], args: list[Word], simple: SimpleCommand, depth: int
    ) -> None:
        """Send a command to the check for its kind of program."""
        if name in _ELEVATE:
            self.add("destructive", f"{name} runs commands with root privileges")
            inner = self.after_options(args, ELEVATE_VALUED)
            if inner and name != "su":
                self.check_words(inner, simple, depth)
        elif name in WRAPPERS and not (
            name == "command" and args[:1] and args[0].value in ("-v", "-V")
        ):
            self.check_wrapper(name, args, simple, depth)
        elif name in SHELLS or name == "eval":
            self.check_shell(name, args, depth)
        elif name in ("cd", "pushd", "popd"):
            self.check_cd(name, args)
        elif name == "rm":
            self.check_rm(args)
        elif name in _WRITERS:
            self.check_writer(name, args)
            self.mentions(args)
        elif name in _PERMISSIONS:
            self.check_permissions(name, args)
        elif name == "dd":
            self.check_dd(args)
        elif name == "git":
            self.check_git(args)
        elif name == "find":
            for root in self.check_find(self.expand_globs(args) or args, simple, depth):
                self.reads(root, content=False)
        elif name.startswith("mkfs") or name in _DISK_TOOLS:
            self.add("destructive", f"{name} formats or repartitions a disk")
        elif name == "shred":
            self.add("destructive", "shred destroys files beyond recovery")
        elif name in _POWER or self.powers_off(name, args):
            what = name if name in _POWER else " ".join(w.value for w in words[:2])
            self.add("destructive", f"{what} stops the machine")
        elif name in ("kill", "pkill", "killall"):
            self.check_kill(name, args)
        else:
            self.check_other(name, args)

    def check_git(self, args: list[Word]) -> None:
        """git: its global options are part of the command (``git -C . push`` pushes)."""
        places = _Places()
        index, _ = split_git(args, places)
        if not places.words:
            self.runs_here("git")
        if self.current is not None:
            rest = " ".join(w.value for w in args[index:])
            self.current.normalized = f"git {rest}".rstrip()
        for finding in git_findings(args, self):
            self.add(finding.level, finding.reason, finding.effect)
        self.git_contents(args[index:])
        # The repository git works in: where it runs, or where -C / --git-dir send it.
        where = [self.path(word, follow_last=True) for word in places.words]
        for directory in [self.cwd or self.root, *(w for w in where if w is not None)]:
            setting = repository_runs_programs(directory)
            if setting is not None:
                self.effect(f"the repository's git settings name a program git may run: {setting}")
                break

    def glob_everything(self, args: list[Word]) -> list[Word]:
        """Every file a glob may match, hidden ones too (for deny rules, when bash's own
        answer is not known)."""
        found: list[Word] = []
        for word in args:
            if word.glob and not word.expands and self.cwd is not None:
                matches = glob.glob(word.value, root_dir=self.cwd, include_hidden=True)
                found.extend(Word(m, m) for m in matches[:_GLOB_LIMIT])
        return found

    def git_contents(self, words: list[Word]) -> None:
        """Files whose content a git command prints: ``REV:path`` blobs and the paths it
        is given (for Read deny rules; git reads its own history, inside the project)."""
        if not words or words[0].value not in _GIT_SHOWS_CONTENT:
            return
        values = {w.value for w in words}
        if words[0].value == "grep" and values & {"--untracked", "--no-index"}:
            self.mentions([Word(".", ".")])
        patch = {"-p", "-u", "--patch"} & values
        if words[0].value in ("log", "whatchanged") and not patch:
            return
        for word in words[1:]:
            value = word.value
            if word.expands or word.opaque or value.startswith("-"):
                continue
            if ":" in value:
                blob = value.split(":", 1)[1]
                base = (self.cwd or self.root) if blob.startswith(("./", "../")) else self.root
                path = os.path.normpath(os.path.join(base, blob))
                if self.inside(path):
                    self.read_paths.append(Read(path, os.path.isdir(path), True))
            else:
                self.mentions([word])

    def expand_globs(self, args: list[Word]) -> list[Word] | None:
        """The words with their globs expanded as bash would, or None when unknowable."""
        result: list[Word] = []
        for word in args:
            if not word.glob:
                result.append(word)
                continue
            pattern = word.value
            if word.raw.startswith("~"):
                if not re.match(r"~(/|$)", word.raw):
                    return None
                pattern = self.home + pattern[1:]
            relative = not pattern.startswith("/")
            unsure = self.cwd is None or (relative and len(self.cwds | {self.cwd}) > 1)
            if word.quoted or word.expands or "[" in pattern or unsure:
                return None
            parts = pattern.split("/")
            if any(p.startswith(".") and ("*" in p or "?" in p) for p in parts):
                # `.*` matches `..` in older bash: the parent of the project.
                return None
            base = self.cwd
            matches = sorted(glob.glob(pattern, root_dir=base))[: _GLOB_LIMIT + 1]
            if len(matches) > _GLOB_LIMIT:
                return None
            result.extend(Word(m, m) for m in matches) if matches else result.append(word)
        return result

    def check_cd(self, name: str, args: list[Word]) -> None:
        """cd moves where later relative paths point."""
        found = [w for w in args if not w.value.startswith("-") or w.value == "-"]
        if name == "popd" or (found and found[0].value == "-"):
            self.cwd = None
        elif not found:
            self.cwd = self.home
        else:
            self.cwd = self.path(found[0], follow_last=True)
        self.cwds.add(self.cwd)

    def check_kill(self, name: str, args: list[Word]) -> None:
        """kill -1 stops every process of the user."""
        if name == "kill" and any(w.value == "-1" for w in args):
            self.add("destructive", "kill -1 stops every process of the user")
        self.add("mutating", f"{name} stops processes")

    def powers_off(self, name: str, args: list[Word]) -> bool:
        """Whether `systemctl`/`init` is asked to stop or restart the machine."""
        values = {w.value for w in args}
        if name == "systemctl":
            return bool(values & {"reboot", "poweroff", "halt", "kexec", "suspend", "hibernate"})
        return name in ("init", "telinit") and bool(values & {"0", "6"})

    def check_other(self, name: str, args: list[Word]) -> None:
        """Programs on the allow-list, with their grammars; anything else is not read-only."""
        values = [w.value for w in args]
        if name in _VERSIONED_TOOLS and len(values) == 1 and values[0] in _VERSION_ARGS:
            return
        subcommands = _READ_ONLY_SUBCOMMANDS.get(name)
        if subcommands is not None and values and values[0] in subcommands:
            if any(w.expands or w.opaque for w in args):
                self.effect(f"{name} gets an argument only known at run time")
            return
        if name == "printenv":
            self.effect("printenv prints environment variables, secrets included")
        elif not known(name):
            self.add("mutating", f"{name} is not known to be read-only")
            self.mentions(args)
            self.runs_here(name)
        else:
            expanded = self.expand_globs(args)
            if expanded is None:
                self.effect(f"{name} gets a pattern the classifier cannot expand")
                self.mentions(self.glob_everything(args))
            else:
                check_program(self, name, expanded)


class _Places:
    """A context that only collects the places git's global options name."""

    def __init__(self) -> None:
        self.words: list[Word] = []

    def effect(self, reason: str, level: Level = "mutating") -> None:
        """Ignored: the walker reports git's findings itself."""

    def reads(
        self, word: Word, *, recursive: bool = False, content: bool = True, hidden: bool = True
    ) -> None:
        """A place git works in."""
        self.words.append(word)

    def check_write(self, word: Word, verb: str = "writes to") -> None:
        """Ignored."""
