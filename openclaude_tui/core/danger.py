"""How dangerous a shell command is, from a real parse of it.

``classify`` rates a command line ``read_only`` (safe to run without asking),
``mutating`` (changes something, or is not known to be safe) or ``destructive`` (hard to
undo or reaching outside the project: ``rm -r`` outside it, ``git push --force``, writes
into ``.git/``, ``curl … | sh``, ``sudo`` …). A compound command gets the most severe level
of the simple commands inside it, including those in ``$(…)``, backticks, subshells and
here-documents, and ``sh -c '…'`` strings are classified as well.

Two deliberate choices: ``env`` and ``printenv`` without arguments are *not* read-only,
because they print every variable, secrets included, into a conversation that goes to a
model server; and plain ``rm`` (not only ``rm -r``) of a path outside the project is
destructive, since nothing outside the project is under the user's version control.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from openclaude_tui.core.danger_git import git_findings
from openclaude_tui.core.shell_syntax import SimpleCommand, Word, operands, parse, short_flags

Level = Literal["read_only", "mutating", "destructive"]
_RANK: dict[Level, int] = {"read_only": 0, "mutating": 1, "destructive": 2}


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class Verdict:
    """The classifier's answer: a level and short sentences saying why."""

    level: Level
    reasons: tuple[str, ...] = ()


_READ_ONLY = _names(
    "ls cat head tail wc pwd echo printf grep egrep fgrep file stat which whereis type du df "
    "whoami id uname basename dirname realpath readlink true false : test [ [[ seq cut tr diff "
    "cmp comm nl od hexdump md5sum sha1sum sha256sum sha512sum cksum jq less more column fold "
    "rev tac paste expand unexpand sleep ps pgrep free uptime dirs export unset set shift locale "
    "nproc groups wait tty lsblk printenv date hostname sort tree uniq xxd sed awk gawk mawk nawk "
    "fd fdfind rg"
)
_WRITERS = frozenset({"cp", "mv", "ln", "install", "tee", "truncate"})
_PERMISSIONS = frozenset({"chmod", "chown", "chgrp"})
_ELEVATE = frozenset({"sudo", "doas", "su", "pkexec", "run0"})
_DISK_TOOLS = frozenset({"mke2fs", "mkswap", "fdisk", "sfdisk", "cfdisk", "parted", "wipefs"})
_POWER = frozenset({"shutdown", "reboot", "halt", "poweroff"})
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish"})
_INTERPRETER = re.compile(r"(python|pypy)[\d.]*|perl|ruby|node|php|pwsh|bun|deno")
_DOWNLOADERS = frozenset({"curl", "wget"})
# Options that take a value, per command that runs another command.
_WRAPPERS: dict[str, frozenset[str]] = {
    "time": frozenset({"-f", "--format", "-o", "--output"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "nohup": frozenset(),
    "timeout": frozenset({"-s", "--signal", "-k", "--kill-after"}),
    "stdbuf": frozenset({"-i", "-o", "-e"}),
    "ionice": frozenset({"-c", "-n", "-p", "-P", "-u"}),
    "exec": frozenset({"-a"}),
    "builtin": frozenset(),
    "command": frozenset(),
    "env": frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}),
    "xargs": frozenset({"-I", "-n", "-P", "-L", "-d", "-E", "-s", "-a", "--arg-file"}),
}
_VERSION_ARGS = frozenset({"--version", "-V", "version", "--help", "-h", "help"})
_VERSIONED_TOOLS = _names(
    "python python3 node npm npx pnpm yarn cargo rustc go gcc clang java javac ruby perl pip pip3 "
    "uv poetry git make cmake docker kubectl deno bun tsc ruff pytest rg fd gh"
)
_READ_ONLY_SUBCOMMANDS: dict[str, frozenset[str]] = {
    "pip": frozenset({"list", "show", "freeze", "check"}),
    "pip3": frozenset({"list", "show", "freeze", "check"}),
    "npm": frozenset({"ls", "list", "view", "info", "outdated", "root", "prefix"}),
    "pnpm": frozenset({"ls", "list", "outdated", "why"}),
    "yarn": frozenset({"list", "info", "why"}),
    "cargo": frozenset({"tree", "metadata"}),
    "go": frozenset({"version", "doc"}),
}
_HARMLESS_TARGETS = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"})
_FUNCTION = re.compile(
    r"(?:function\s+([^\s(){}]+)\s*(?:\(\s*\))?|([^\s(){}<>;&|'\"]+)\s*\(\s*\))\s*\{(.*?)\}",
    re.DOTALL,
)
# Variables whose value the classifier can know: the home directory and the cwd.
_KNOWN_VARIABLE = re.compile(r"\$(?:\{(HOME|PWD)\}|(HOME|PWD)\b)")
# Leading assignments a permission rule may look past: literal values of these names only.
_HARMLESS_ASSIGNMENTS = _names(
    "CI NODE_ENV RUST_BACKTRACE RUST_LOG DEBUG FORCE_COLOR NO_COLOR TERM LANG LC_ALL TZ "
    "PYTHONUNBUFFERED PYTHONDONTWRITEBYTECODE CARGO_TERM_COLOR COLUMNS LINES LOG_LEVEL VERBOSE"
)
_SUBCOMMAND_TOOLS = _names(
    "git npm pnpm yarn bun cargo go docker kubectl pip pip3 uv poetry pdm hatch gh brew apt "
    "apt-get dnf conda dotnet helm terraform rustup podman systemctl deno"
)
# Tools whose `run X` names the real thing to allow, so the prefix keeps X.
_RUN_TOOLS = frozenset({"npm", "pnpm", "yarn", "bun", "uv", "poetry", "pdm", "hatch"})
_MAX_DEPTH = 4


def classify(command: str, project_root: Path, cwd: Path) -> Verdict:
    """Rate a command line: the most severe level of any simple command inside it.

    Args:
        command: The command line, as the model wrote it.
        project_root: The project's root; writes and deletions outside it are destructive.
        cwd: The directory the command runs in (relative paths resolve from here).

    Returns:
        The verdict; reasons name what made it that severe. Never raises.
    """
    checker = _Checker(
        root=os.path.realpath(project_root),
        cwd=os.path.realpath(cwd),
        home=os.path.realpath(Path.home()),
    )
    checker.check_source(command, depth=0)
    return checker.verdict()


def split_commands(command: str) -> list[str]:
    """The simple commands of a compound command, as source text.

    Splits on ``&&``, ``||``, ``;``, ``|``, ``&`` and newlines, and includes the commands
    inside ``$(…)``, backticks and subshells, so a permission rule can be checked against
    each of them. Leading ``NAME=value`` assignments of a few harmless names (``CI``,
    ``NODE_ENV``, …) are dropped from the text.
    """
    pieces = []
    for simple in parse(command).commands:
        text = simple.text
        for word in simple.words:
            name = word.value.split("=", 1)[0]
            harmless = name in _HARMLESS_ASSIGNMENTS and not word.expands
            if not (word.is_assignment and harmless and text.startswith(word.raw)):
                break
            text = text[len(word.raw) :].lstrip(" \t")
        if text:
            pieces.append(text)
    return pieces


def command_prefix(command: str) -> str:
    """The prefix an "always allow" rule should use for a command.

    The first word; the first two for tools with subcommands (``git commit``,
    ``npm install``); three for ``npm run X``-style runners and ``python -m MODULE``.
    Leading ``NAME=value`` assignments are skipped.
    """
    commands = parse(command).commands
    if not commands:
        return ""
    words = [w.raw for w in _without_assignments(commands[0].words)]
    if not words:
        return ""
    name = os.path.basename(words[0])
    if re.fullmatch(r"python[\d.]*", name) and len(words) >= 3 and words[1] == "-m":
        return " ".join(words[:3])
    if name in _SUBCOMMAND_TOOLS and len(words) >= 2:
        if name in _RUN_TOOLS and words[1] == "run" and len(words) >= 3:
            return " ".join(words[:3])
        return " ".join(words[:2])
    return words[0]


def _without_assignments(words: list[Word]) -> list[Word]:
    index = 0
    while index < len(words) and words[index].is_assignment:
        index += 1
    return words[index:]


def _name_of(words: list[Word]) -> str | None:
    """The command name (basename) of a word list, or None when an expansion names it."""
    words = _without_assignments(words)
    if not words or words[0].expands:
        return None
    return os.path.basename(words[0].value) or words[0].value


def _is_interpreter(name: str | None) -> bool:
    return name is not None and (name in _SHELLS or _INTERPRETER.fullmatch(name) is not None)


def _reads_stdin(name: str, args: list[Word]) -> bool:
    """Whether an interpreter would run its standard input as a program."""
    values = [a.value for a in args]
    if name in _SHELLS and "-s" in values:
        return True
    for value in values:
        if value in ("-c", "-m", "-e", "-E", "--eval", "-p", "--print", "--command"):
            return False
        if value == "-":
            return True
        if not value.startswith("-"):
            return False
    return True


def _fork_bomb(source: str) -> bool:
    """A function whose body runs itself into a pipe or the background."""
    for match in _FUNCTION.finditer(source):
        name = match.group(1) or match.group(2)
        calls_itself = rf"(?<![\w.:-]){re.escape(name)}\s*(?:\|(?!\|)|&(?!&))"
        if re.search(calls_itself, match.group(3)):
            return True
    return False


def _in_git(path: str) -> bool:
    """Whether a path names ``.git`` or something inside it (glob patterns included)."""
    for part in path.split(os.sep):
        if part == ".git" or (part.startswith(".") and fnmatch.fnmatchcase(".git", part)):
            return True
    return False


class _Checker:
    """Walks the simple commands of a command line and collects findings."""

    def __init__(self, root: str, cwd: str, home: str) -> None:
        self.root = root
        # None once a `cd` went somewhere only known at run time.
        self.cwd: str | None = cwd
        self.home = home
        self.findings: list[tuple[Level, str]] = []

    def add(self, level: Level, reason: str) -> None:
        self.findings.append((level, reason))

    def verdict(self) -> Verdict:
        if not self.findings:
            return Verdict("read_only")
        level = max((lvl for lvl, _ in self.findings), key=_RANK.__getitem__)
        reasons = dict.fromkeys(reason for lvl, reason in self.findings if lvl == level)
        return Verdict(level, tuple(reasons))

    def check_source(self, source: str, depth: int) -> None:
        if depth > _MAX_DEPTH:
            self.add("mutating", "nested shell commands too deep to check")
            return
        script = parse(source)
        for error in script.errors:
            self.add("mutating", f"could not parse the command: {error}")
        if _fork_bomb(source):
            self.add("destructive", "fork bomb: a function that keeps spawning itself")
        for simple in script.commands:
            for redirect in simple.redirects:
                if redirect.writes and redirect.target is not None:
                    self.check_write(redirect.target)
            words = _without_assignments(simple.words)
            if words:
                self.check_words(words, simple, depth)
        for pipeline in script.pipelines:
            downloading = False
            for stage in pipeline:
                for simple in stage:
                    name = _name_of(simple.words)
                    args = _without_assignments(simple.words)[1:]
                    if downloading and _is_interpreter(name) and _reads_stdin(str(name), args):
                        self.add("destructive", f"pipes a download into {name}")
                downloading |= any(_name_of(s.words) in _DOWNLOADERS for s in stage)

    # Paths

    def path(self, word: Word, *, follow_last: bool = False) -> str | None:
        """The absolute path a word names, or None when only known at run time."""
        value = word.value
        if word.expands:
            value = _KNOWN_VARIABLE.sub(
                lambda m: self.home if (m.group(1) or m.group(2)) == "HOME" else self.cwd or "$",
                value,
            )
            if "$" in value or "`" in value:
                return None
        if word.raw.startswith("~"):
            value = os.path.expanduser(value)
        if not os.path.isabs(value):
            if self.cwd is None:
                return None
            value = os.path.join(self.cwd, value)
        # A trailing slash makes even `rm` go through a symlink to the directory behind it.
        follow_last |= value.endswith(("/", "/."))
        value = os.path.normpath(value)
        if follow_last:
            return os.path.realpath(value)
        # Removing a symlink removes the link itself: resolve only the directories above it.
        head, tail = os.path.split(value)
        return os.path.join(os.path.realpath(head), tail) if tail else os.path.realpath(value)

    def inside(self, path: str) -> bool:
        return os.path.commonpath([path, self.root]) == self.root

    def check_write(self, word: Word, verb: str = "writes to") -> None:
        harmless = word.value in _HARMLESS_TARGETS or word.value.startswith("/dev/fd/")
        if harmless and not word.expands:
            return
        path = self.path(word, follow_last=True)
        if path is None:
            self.add("mutating", f"{verb} a path only known at run time: {word.raw}")
        elif _in_git(path):
            self.add("destructive", f"{verb} .git/")
        elif not self.inside(path):
            self.add("destructive", f"{verb} a path outside the project: {path}")
        else:
            self.add("mutating", f"{verb} {os.path.relpath(path, self.root)}")

    # Commands

    def check_words(self, words: list[Word], simple: SimpleCommand, depth: int) -> None:
        """Classify one command given as words (the first is the command name)."""
        name = _name_of(words)
        args = words[1:]
        if name is None:
            self.add("mutating", f"runs a command named by an expansion: {words[0].raw}")
            return
        downloads = any(_name_of(n.words) in _DOWNLOADERS for n in simple.nested)
        if downloads and (_is_interpreter(name) or name in ("eval", "source", ".")):
            self.add("destructive", f"{name} runs a downloaded script")
        if name in _ELEVATE:
            self.add("destructive", f"{name} runs commands with root privileges")
        elif name in _WRAPPERS:
            self.check_wrapper(name, args, simple, depth)
        elif name in _SHELLS or name == "eval":
            self.check_shell(name, args, depth)
        elif name in ("cd", "pushd", "popd"):
            self.check_cd(name, args)
        elif name == "rm":
            self.check_rm(args)
        elif name in _WRITERS:
            self.check_writer(name, args)
        elif name in _PERMISSIONS:
            self.check_permissions(name, args)
        elif name == "dd":
            self.check_dd(args)
        elif name == "git":
            self.findings.extend(git_findings(args))
        elif name == "find":
            self.check_find(args, simple, depth)
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

    def check_wrapper(self, name: str, args: list[Word], simple: SimpleCommand, depth: int) -> None:
        """Commands that run another command (`timeout 5 make`, `xargs rm`, `env X=1 ls`)."""
        index = 0
        while index < len(args):
            value = args[index].value
            if value == "--":
                index += 1
                break
            if not value.startswith("-") or value == "-":
                break
            if name == "time" and value in ("-o", "--output") and index + 1 < len(args):
                self.check_write(args[index + 1])
            if name == "command" and value in ("-v", "-V"):
                return
            if name == "env" and value in ("-S", "--split-string") and index + 1 < len(args):
                self.check_source(args[index + 1].value, depth + 1)
            index += 2 if value in _WRAPPERS[name] else 1
        if name == "env":
            while index < len(args) and args[index].is_assignment:
                index += 1
        elif name == "timeout":
            index += 1
        inner = args[index:]
        if not inner:
            if name == "env":
                self.add("mutating", "prints every environment variable, secrets included")
            return
        self.check_words(inner, simple, depth)
        recursive = short_flags(inner[1:]) & {"r", "R"} or "--recursive" in (w.value for w in inner)
        if name == "xargs" and _name_of(inner) == "rm" and recursive:
            self.add("destructive", "rm -r of paths read from input")

    def check_shell(self, name: str, args: list[Word], depth: int) -> None:
        """`eval` and `sh -c` strings are classified like the command line itself."""
        if name == "eval":
            if any(w.expands for w in args):
                self.add("mutating", "eval of text only known at run time")
            else:
                self.check_source(" ".join(w.value for w in args), depth + 1)
            return
        for index, word in enumerate(args):
            value = word.value
            if value.startswith("-") and not value.startswith("--") and "c" in value[1:]:
                if index + 1 >= len(args):
                    break
                script = args[index + 1]
                if script.expands:
                    self.add("mutating", f"{name} -c runs text only known at run time")
                else:
                    self.check_source(script.value, depth + 1)
                return
            if not value.startswith("-"):
                break
        self.add("mutating", f"{name} runs a script")

    def check_cd(self, name: str, args: list[Word]) -> None:
        found = operands(args)
        if name == "popd" or (found and found[0].value == "-"):
            self.cwd = None
        elif not found:
            self.cwd = self.home
        else:
            self.cwd = self.path(found[0], follow_last=True)

    def check_rm(self, args: list[Word]) -> None:
        recursive = short_flags(args) & {"r", "R"} or "--recursive" in (w.value for w in args)
        verb = "rm -r" if recursive else "rm"
        if any(w.value == "--no-preserve-root" for w in args):
            self.add("destructive", "rm --no-preserve-root")
        for target in operands(args):
            path = self.path(target)
            if path is None:
                level: Level = "destructive" if recursive else "mutating"
                self.add(level, f"{verb} of a path only known at run time: {target.raw}")
            elif path in ("/", self.home):
                self.add("destructive", f"{verb} of {'/' if path == '/' else 'the home directory'}")
            elif _in_git(path):
                self.add("destructive", "deletes .git/ data (the repository's history)")
            elif path == self.root and recursive:
                self.add("destructive", "rm -r of the whole project")
            elif not self.inside(path):
                self.add("destructive", f"{verb} outside the project: {path}")
        self.add("mutating", "deletes files")

    def check_writer(self, name: str, args: list[Word]) -> None:
        """cp, mv, ln, install, tee, truncate: where they write, and what mv takes away."""
        target_dir: Word | None = None
        for index, word in enumerate(args):
            if word.value in ("-t", "--target-directory") and index + 1 < len(args):
                target_dir = args[index + 1]
            elif word.value.startswith("--target-directory="):
                value = word.value.split("=", 1)[1]
                target_dir = Word(value, value, word.quoted, word.expands, word.glob)
        found = operands(args, frozenset({"-t", "--target-directory", "-s", "-r", "-S"}))
        if name in ("tee", "truncate"):
            targets, sources = found, []
        elif target_dir is not None:
            targets, sources = [target_dir], found
        else:
            targets, sources = found[-1:], found[:-1]
        for target in targets:
            self.check_write(target)
        if name == "mv":
            for source in sources:
                path = self.path(source)
                if path is not None and _in_git(path):
                    self.add("destructive", "moves files out of .git/")
                elif path is not None and not self.inside(path):
                    self.add("destructive", f"moves files from outside the project: {path}")
        if targets or name != "tee":
            self.add("mutating", f"{name} writes files")

    def check_permissions(self, name: str, args: list[Word]) -> None:
        # Modes such as `-x` look like options; only these letters are chmod/chown options.
        found = [w for w in args if not re.fullmatch(r"-[Rcfvh]+|--.*", w.value)]
        if not any(w.value.startswith("--reference") for w in args):
            found = found[1:]
        for word in found:
            path = self.path(word, follow_last=True)
            if path is None:
                self.add("mutating", f"{name} of a path only known at run time: {word.raw}")
            elif not self.inside(path) or path == self.home:
                self.add("destructive", f"{name} outside the project: {path}")
        self.add("mutating", f"{name} changes file permissions")

    def check_dd(self, args: list[Word]) -> None:
        for word in args:
            if word.value.startswith("of="):
                value = word.value[3:]
                if value.startswith("/dev/") and value not in _HARMLESS_TARGETS:
                    self.add("destructive", f"dd writes to a device: {value}")
                else:
                    self.check_write(Word(value, value, word.quoted, word.expands, word.glob))
        self.add("mutating", "dd copies raw data")

    def check_find(self, args: list[Word], simple: SimpleCommand, depth: int) -> None:
        """find is read-only unless it deletes, writes lists, or runs commands on matches."""
        index = 0
        while index < len(args) and args[index].value in ("-H", "-L", "-P"):
            index += 1
        roots: list[Word] = []
        while index < len(args) and not args[index].value.startswith(("-", "(", "!", ")")):
            roots.append(args[index])
            index += 1
        roots = roots or [Word(".", ".")]
        expression = args[index:]
        for position, word in enumerate(expression):
            action = word.value
            if action == "-delete":
                for root in roots:
                    path = self.path(root)
                    if path is None or not self.inside(path) or _in_git(path):
                        self.add("destructive", f"find -delete outside the project: {root.raw}")
                self.add("mutating", "find -delete deletes files")
            elif action in ("-exec", "-execdir", "-ok", "-okdir"):
                end = position + 1
                while end < len(expression) and expression[end].value not in (";", "+"):
                    end += 1
                inner = expression[position + 1 : end]
                for root in roots:
                    # A child of each starting point stands in for the `{}` of each match.
                    child = root.value.rstrip("/") + "/x"
                    stand_in = Word(child, child, root.quoted, root.expands, root.glob)
                    command = [stand_in if w.value == "{}" else w for w in inner]
                    if command:
                        self.check_words(command, simple, depth)
            elif action.startswith(("-fprint", "-fls")) and position + 1 < len(expression):
                self.check_write(expression[position + 1])

    def check_sed(self, args: list[Word]) -> None:
        """`sed -i` edits its files; other scripts are safe unless they write or execute."""
        found = operands(args, frozenset({"-e", "-f", "-l"}))
        scripts = [args[i + 1].value for i, w in enumerate(args[:-1]) if w.value == "-e"]
        scripts += [w.value.split("=", 1)[-1] for w in args if w.value.startswith("--expression")]
        script_file = any(w.value == "-f" or w.value.startswith("--file") for w in args)
        files = found if scripts or script_file else found[1:]
        scripts = scripts or [w.value for w in found[:1]]
        if "i" in short_flags(args) or any(w.value.startswith("--in-place") for w in args):
            for target in files:
                self.check_write(target, verb="edits")
        elif script_file or any(set(script) & set("wWe") for script in scripts):
            self.add("mutating", "the sed script may write files or run commands")

    def check_kill(self, name: str, args: list[Word]) -> None:
        if name == "kill" and any(w.value == "-1" for w in args[1:] + operands(args)):
            self.add("destructive", "kill -1 stops every process of the user")
        self.add("mutating", f"{name} stops processes")

    def powers_off(self, name: str, args: list[Word]) -> bool:
        values = {w.value for w in args}
        if name == "systemctl":
            return bool(values & {"reboot", "poweroff", "halt", "kexec", "suspend", "hibernate"})
        return name in ("init", "telinit") and bool(values & {"0", "6"})

    def check_other(self, name: str, args: list[Word]) -> None:
        """Read-only tools, with the options that make some of them write or run things."""
        values = [w.value for w in args]
        flags = short_flags(args)
        found = operands(args)
        if name in _VERSIONED_TOOLS and len(values) == 1 and values[0] in _VERSION_ARGS:
            return
        subcommands = _READ_ONLY_SUBCOMMANDS.get(name)
        if subcommands is not None and found and values[0] in subcommands:
            return
        if name in ("sort", "tree"):
            for index, value in enumerate(values):
                if value in ("-o", "--output") and index + 1 < len(args):
                    self.check_write(args[index + 1])
                elif value.startswith("--output="):
                    self.add("mutating", f"{name} writes a file")
        elif name in ("uniq", "xxd") and len(found) > 1:
            self.check_write(found[1])
        elif name == "sed":
            self.check_sed(args)
        elif name in ("awk", "gawk", "mawk", "nawk"):
            program = found[0].value if found else ""
            risky = any(mark in program for mark in (">", "|", "system", "getline"))
            if risky or flags & {"f", "i"} or not found:
                self.add("mutating", f"the {name} program may write files or run commands")
        elif name in ("fd", "fdfind", "rg"):
            runs = ("-x", "-X", "--exec", "--exec-batch")
            if any(v in runs or v.startswith("--pre") for v in values):
                self.add("mutating", f"{name} runs a command for each match")
        elif name == "printenv" and not found:
            self.add("mutating", "prints every environment variable, secrets included")
        elif name == "date" and (flags & {"s"} or "--set" in values):
            self.add("mutating", "date -s sets the clock")
        elif name == "hostname" and found:
            self.add("mutating", "hostname NAME renames the machine")
        elif name not in _READ_ONLY:
            self.add("mutating", f"{name} is not known to be read-only")
