"""How commands that change files are rated: rm, cp/mv/ln/tee, chmod, dd and find.

A mixin of the classifier's walker (``core.shell.classify``): these checks need its idea of the
working directory and of the project, and report through it.
"""

from __future__ import annotations

import fnmatch
import os
import re

from openclaude_tui.core.shell.levels import Level
from openclaude_tui.core.shell.syntax import SimpleCommand, Word, operands, short_flags

_HARMLESS_TARGETS = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"})
# Variables whose value the classifier can know: the home directory and the cwd.
_KNOWN_VARIABLE = re.compile(r"\$(?:\{(HOME|PWD)\}|(HOME|PWD)\b)")
# find's tests and actions that only look: their number of values.
_FIND_TESTS: dict[str, int] = {
    **dict.fromkeys(
        " ".join((
            "-print -print0 -prune -o -or -a -and -not ! ( ) , -depth -empty -false -true",
            "-follow -ignore_readdir_race -noleaf -mount -xdev -daystart -readable -writable",
            "-executable -nouser -nogroup -ls -quit",
        )).split(),
        0,
    ),
    **dict.fromkeys(
        " ".join((
            "-name -iname -path -ipath -wholename -iwholename -regex -iregex -type -xtype",
            "-maxdepth -mindepth -mtime -mmin -atime -amin -ctime -cmin -size -perm -user",
            "-group -uid -gid -links -inum -newer -anewer -cnewer -lname -ilname -used",
            "-printf -fstype -regextype",
        )).split(),
        1,
    ),
}  # fmt: skip
_FIND_RUNS = frozenset({"-exec", "-execdir", "-ok", "-okdir"})


# Places whose meaning depends on the process looking (`/proc/self/cwd` is the cwd of
# whoever opens it): resolving them here would describe this program, not the command.
_PER_PROCESS = ("/proc", "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr")
_MAX_LINKS = 40


def resolve(path: str) -> str | None:
    """``path`` with every symlink followed, as the kernel would; None when it depends on
    the process that opens it (it goes through /proc or /dev/fd) or loops."""
    result = "/"
    todo = path.split("/")
    links = 0
    while todo:
        part = todo.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            result = os.path.dirname(result)
            continue
        candidate = os.path.join(result, part)
        if candidate.startswith(_PER_PROCESS):
            return None
        if os.path.islink(candidate):
            links += 1
            if links > _MAX_LINKS:
                return None
            target = os.readlink(candidate)
            if target.startswith("/"):
                result = "/"
            todo = target.split("/") + todo
            continue
        result = candidate
    return result


def in_git(path: str) -> bool:
    """Whether a path names ``.git`` or something inside it (glob patterns included)."""
    for part in path.split(os.sep):
        if part == ".git" or (part.startswith(".") and fnmatch.fnmatchcase(".git", part)):
            return True
    return False


class FileChecks:
    """Checks of commands that write, move, delete or change files."""

    root: str
    home: str
    cwd: str | None

    def add(self, level: Level, reason: str, effect: bool = False) -> None:
        """Record a finding (implemented by the walker)."""
        raise NotImplementedError

    def check_words(self, words: list[Word], simple: SimpleCommand, depth: int) -> None:
        """Classify a command given as words (implemented by the walker)."""
        raise NotImplementedError

    # Paths

    def path(self, word: Word, *, follow_last: bool = False) -> str | None:
        """The absolute path a word names, or None when only known at run time."""
        value = word.value
        if word.opaque:
            return None
        if word.expands:
            value = _KNOWN_VARIABLE.sub(
                lambda m: self.home if (m.group(1) or m.group(2)) == "HOME" else self.cwd or "$",
                value,
            )
            if "$" in value or "`" in value:
                return None
        if word.raw.startswith("~"):
            if not re.match(r"~(/|$)", word.raw):
                return None
            value = self.home + value[1:]
        if not os.path.isabs(value):
            if self.cwd is None:
                return None
            value = os.path.join(self.cwd, value)
        # A trailing slash makes even `rm` go through a symlink to the directory behind it.
        follow_last |= value.endswith(("/", "/."))
        if follow_last:
            return resolve(value)
        # Removing a symlink removes the link itself: resolve only the directories above it.
        value = os.path.normpath(value)
        head, tail = os.path.split(value)
        above = resolve(head)
        if above is None:
            return None
        return os.path.join(above, tail) if tail else above

    def inside(self, path: str) -> bool:
        """Whether an absolute path is the project or inside it."""
        return os.path.commonpath([path, self.root]) == self.root

    def check_write(self, word: Word, verb: str = "writes to", *, effect: bool = True) -> None:
        """A write to the path ``word`` names; ``effect`` unless the program is a writer."""
        harmless = word.value in _HARMLESS_TARGETS or word.value.startswith("/dev/fd/")
        if harmless and not word.expands and not word.opaque:
            return
        path = self.path(word, follow_last=True)
        if path is None:
            self.add("mutating", f"{verb} a path only known at run time: {word.raw}", True)
        elif in_git(path):
            self.add("destructive", f"{verb} .git/", True)
        elif not self.inside(path):
            self.add("destructive", f"{verb} a path outside the project: {path}", True)
        else:
            self.add("mutating", f"{verb} {os.path.relpath(path, self.root)}", effect)

    # Commands

    def check_rm(self, args: list[Word]) -> None:
        """rm: destructive outside the project, of the project itself, or of .git/."""
        recursive = short_flags(args) & {"r", "R"} or "--recursive" in (w.value for w in args)
        verb = "rm -r" if recursive else "rm"
        if any(w.value == "--no-preserve-root" for w in args):
            self.add("destructive", "rm --no-preserve-root")
        for target in operands(args):
            path = self.path(target)
            if path is None:
                level: Level = "destructive" if recursive else "mutating"
                self.add(level, f"{verb} of a path only known at run time: {target.raw}", True)
            elif path in ("/", self.home):
                self.add("destructive", f"{verb} of {'/' if path == '/' else 'the home directory'}")
            elif in_git(path):
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
            self.check_write(target, effect=False)
        if name == "mv":
            for source in sources:
                path = self.path(source)
                if path is not None and in_git(path):
                    self.add("destructive", "moves files out of .git/")
                elif path is not None and not self.inside(path):
                    self.add("destructive", f"moves files from outside the project: {path}")
        if targets or name != "tee":
            self.add("mutating", f"{name} writes files")

    def check_permissions(self, name: str, args: list[Word]) -> None:
        """chmod, chown, chgrp: destructive outside the project."""
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
        """dd: writing a device is destructive."""
        for word in args:
            if word.value.startswith("of="):
                value = word.value[3:]
                if value.startswith("/dev/") and value not in _HARMLESS_TARGETS:
                    self.add("destructive", f"dd writes to a device: {value}")
                else:
                    self.check_write(Word(value, value, word.quoted, word.expands, word.glob))
        self.add("mutating", "dd copies raw data")

    def check_find(self, args: list[Word], simple: SimpleCommand, depth: int) -> list[Word]:
        """find: only known tests are read-only; returns its starting points."""
        index = 0
        follows = False
        while index < len(args) and args[index].value in ("-H", "-L", "-P"):
            follows |= args[index].value != "-P"
            index += 1
        roots: list[Word] = []
        while index < len(args) and not args[index].value.startswith(("-", "(", "!", ")")):
            roots.append(args[index])
            index += 1
        roots = roots or [Word(".", ".")]
        expression = args[index:]
        position = 0
        while position < len(expression):
            word = expression[position]
            action = word.value
            position += 1
            if word.expands or word.opaque:
                self.add(
                    "mutating", f"find gets an argument only known at run time: {word.raw}", True
                )
            elif action in _FIND_TESTS:
                position += _FIND_TESTS[action]
            elif action == "-delete":
                for root in roots:
                    path = self.path(root)
                    if path is None or not self.inside(path) or in_git(path):
                        self.add("destructive", f"find -delete outside the project: {root.raw}")
                self.add("mutating", "find -delete deletes files", True)
            elif action in _FIND_RUNS:
                end = position
                while end < len(expression) and expression[end].value not in (";", "+"):
                    end += 1
                # Only plain files and folders are surely inside the starting points: a
                # symbolic link among the matches would take `cat {}` anywhere.
                values = [w.value for w in expression]
                plain = any(
                    values[i : i + 2] in (["-type", "f"], ["-type", "d"])
                    for i in range(len(values))
                )
                plain &= not follows and "-follow" not in values
                self._find_exec(roots, expression[position:end], simple, depth, plain)
                position = end + 1
            elif action.startswith(("-fprint", "-fls")) and position < len(expression):
                self.check_write(expression[position])
                position += 2 if action == "-fprintf" else 1
            else:
                self.add("mutating", f"find {action} is not known to be harmless", True)
        return roots

    def _find_exec(
        self,
        roots: list[Word],
        inner: list[Word],
        simple: SimpleCommand,
        depth: int,
        plain: bool,
    ) -> None:
        for root in roots:
            # A child of each starting point stands in for the `{}` of each match; when a
            # match may be a symbolic link, where it leads is only known at run time.
            child = root.value.rstrip("/") + "/x"
            stand_in = Word(child, child, root.quoted, root.expands or not plain, root.glob)
            command = [stand_in if w.value == "{}" else w for w in inner]
            if command:
                self.check_words(command, simple, depth)
