"""How commands that run other commands are rated: wrappers, shells, eval and sudo.

``timeout 5 git push`` is a push, ``sh -c 'rm -r x'`` removes, ``env X=1 ls`` is ls with a
variable: the command inside is classified as a command of its own (so permission rules see
it too), and what the wrapper adds (``env -S``, ``xargs -a``) is judged on its own.
A mixin of the classifier's walker (``core.shell.walker``).
"""

from __future__ import annotations

import re

from openclaude_tui.core.shell.levels import Level
from openclaude_tui.core.shell.words import SimpleCommand, Word, name_of, names, short_flags

SHELLS = names("sh bash zsh dash ksh mksh ash fish")
_INTERPRETER = re.compile(r"(python|pypy)[\d.]*|perl|ruby|node|php|pwsh|bun|deno")
# Options that take a value, per command that runs another command.
WRAPPERS: dict[str, frozenset[str]] = {
    "nice": names("-n --adjustment"),
    "nohup": frozenset(),
    "setsid": frozenset(),
    "timeout": names("-s --signal -k --kill-after"),
    "stdbuf": names("-i -o -e"),
    "ionice": names("-c -n -p -P -u"),
    "exec": names("-a"),
    "builtin": frozenset(),
    "command": frozenset(),
    "env": names("-u --unset -C --chdir -S --split-string"),
    "xargs": names("-I -n -P -L -d -E -s -a --arg-file -e -l"),
}
# Options of sudo and doas that take a value.
ELEVATE_VALUED = names("-u -g -C -D -h -p -r -t -U -T --user --group --chdir --prompt")
_FUNCTION = re.compile(
    r"(?:function\s+([^\s(){}]+)\s*(?:\(\s*\))?|([^\s(){}<>;&|'\"]+)\s*\(\s*\))\s*\{(.*?)\}",
    re.DOTALL,
)


def is_interpreter(name: str | None) -> bool:
    return name is not None and (name in SHELLS or _INTERPRETER.fullmatch(name) is not None)


def reads_stdin(name: str, args: list[Word]) -> bool:
    """Whether an interpreter would run its standard input as a program."""
    values = [a.value for a in args]
    if name in SHELLS and "-s" in values:
        return True
    for value in values:
        if value in ("-c", "-m", "-e", "-E", "--eval", "-p", "--print", "--command"):
            return False
        if value == "-":
            return True
        if not value.startswith("-"):
            return False
    return True


def fork_bomb(source: str) -> bool:
    """A function whose body runs itself into a pipe or the background."""
    for match in _FUNCTION.finditer(source):
        name = match.group(1) or match.group(2)
        calls_itself = rf"(?<![\w.:-]){re.escape(name)}\s*(?:\|(?!\|)|&(?!&))"
        if re.search(calls_itself, match.group(3)):
            return True
    return False


class RunChecks:
    """Checks of commands that run other commands."""

    def add(self, level: Level, reason: str, effect: bool = False) -> None:
        """Record a finding (implemented by the walker)."""
        raise NotImplementedError

    def effect(self, reason: str, level: Level = "mutating") -> None:
        """Record a finding no allow rule covers (implemented by the walker)."""
        raise NotImplementedError

    def check_source(self, source: str, depth: int) -> None:
        """Classify a command line (implemented by the walker)."""
        raise NotImplementedError

    def check_words(self, words: list[Word], simple: SimpleCommand, depth: int) -> None:
        """Classify a command given as words (implemented by the walker)."""
        raise NotImplementedError

    def check_assignments(self, assignments: list[Word]) -> None:
        """Check ``NAME=value`` words (implemented by the walker)."""
        raise NotImplementedError

    def runs_unknown(self, text: str) -> None:
        """Record a command only known at run time (implemented by the walker)."""
        raise NotImplementedError

    @staticmethod
    def after_options(args: list[Word], valued: frozenset[str]) -> list[Word]:
        """The words after a wrapper's options (``--`` ends them)."""
        index = 0
        while index < len(args) and args[index].value.startswith("-"):
            if args[index].value == "--":
                return args[index + 1 :]
            index += 2 if args[index].value in valued else 1
        return args[index:]

    def check_wrapper(self, name: str, args: list[Word], simple: SimpleCommand, depth: int) -> None:
        """Commands that run another command (`timeout 5 make`, `xargs rm`, `env X=1 ls`)."""
        index = 0
        while index < len(args):
            value = args[index].value
            if value == "--":
                index += 1
                break
            if not value.startswith("-") or value == "-" or args[index].expands:
                break
            if name == "env" and value in ("-S", "--split-string") and index + 1 < len(args):
                self.check_source(args[index + 1].value, depth + 1)
                return
            if name == "env" and value.startswith(("-C", "--chdir", "-S", "--split")):
                self.effect(f"env {value} changes what runs or where")
            if name == "xargs" and value.startswith(("-a", "--arg-file")):
                self.effect("xargs reads its arguments from a file")
            index += 2 if value in WRAPPERS[name] else 1
        if name == "env":
            start = index
            while index < len(args) and args[index].is_assignment:
                index += 1
            self.check_assignments(args[start:index])
        elif name == "timeout":
            index += 1
        inner = args[index:]
        if not inner:
            if name == "env":
                self.effect("prints every environment variable, secrets included")
            elif name == "exec":
                return
            else:
                self.effect(f"{name} without a command")
            return
        if name == "xargs":
            # xargs appends words read from its input: their values are unknown.
            unknown = Word("$INPUT", "$INPUT", expands=True)
            inner = [*inner, unknown]
        self.check_words(inner, simple, depth)
        recursive = short_flags(inner[1:]) & {"r", "R"} or "--recursive" in (w.value for w in inner)
        if name == "xargs" and name_of(inner) == "rm" and recursive:
            self.add("destructive", "rm -r of paths read from input")

    def check_shell(self, name: str, args: list[Word], depth: int) -> None:
        """`eval` and `sh -c` strings are classified like the command line itself."""
        if name == "eval":
            if any(w.expands or w.opaque for w in args):
                self.effect("eval of text only known at run time")
                self.runs_unknown(" ".join(w.raw for w in args))
            else:
                self.check_source(" ".join(w.value for w in args), depth + 1)
            return
        for index, word in enumerate(args):
            value = word.value
            if value.startswith("-") and not value.startswith("--") and "c" in value[1:]:
                if index + 1 >= len(args):
                    break
                script = args[index + 1]
                if script.expands or script.opaque:
                    self.effect(f"{name} -c runs text only known at run time")
                    self.runs_unknown(script.raw)
                elif set(value[1:]) - set("ceuxo") or any(
                    w.value.startswith("-") for w in args[:index]
                ):
                    self.effect(f"{name} {value} runs with options not known to be harmless")
                else:
                    self.check_source(script.value, depth + 1)
                return
            if not value.startswith("-"):
                break
        self.add("mutating", f"{name} runs a script")
