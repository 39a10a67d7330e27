"""The programs a command may run without asking, each with the options known to be harmless.

This is an allow-list: a program not named here is not read-only, and an option a grammar
does not list makes the command not read-only either. Operands that name files are handed
back as reads, so the caller can check that they stay inside the project and away from
files a deny rule protects.
"""

from __future__ import annotations

import re
from typing import Protocol

from openclaude_tui.core.shell.env import dangerous_variable, mentions_wrapper
from openclaude_tui.core.shell.grammar import (
    Grammar,
    Parsed,
    awk_program_is_safe,
    grammar,
    jq_program_is_safe,
    parse_arguments,
    sed_script_is_safe,
)
from openclaude_tui.core.shell.levels import Level
from openclaude_tui.core.shell.syntax import Word

# Programs that show names and sizes, not what files hold.
_LISTING = frozenset({"ls", "tree", "stat", "du", "fd", "fdfind", "file"})
_ANY_DATA = grammar(any_option=True, operands="data")
_NO_ARGS = grammar(operands="none")
_SUMS = grammar("btz", "", "binary text tag zero")

# fmt: off
PROGRAMS: dict[str, Grammar] = {
    "ls": grammar(any_option=True),
    "cat": grammar("AbeEnstTuv", "", "show-all number-nonblank show-ends number squeeze-blank "
                   "show-tabs show-nonprinting"),
    "head": grammar("qvz", "nc", "quiet silent verbose zero-terminated", "lines bytes",
                    numeric=True),
    "tail": grammar("qvzfF", "ncs", "quiet silent verbose zero-terminated follow retry",
                    "lines bytes pid sleep-interval max-unchanged-stats", numeric=True),
    "wc": grammar("clmwL", "", "bytes chars lines words max-line-length", "total"),
    "grep": grammar(
        "EFGPiyvwxclLoqsbHnhTZzrUaI", "efmABCdD",
        "extended-regexp fixed-strings basic-regexp perl-regexp ignore-case no-ignore-case "
        "word-regexp line-regexp null-data no-messages invert-match byte-offset line-number "
        "line-buffered with-filename no-filename only-matching quiet silent text "
        "files-with-matches files-without-match count initial-tab null recursive",
        "regexp file max-count label binary-files devices directories exclude exclude-dir "
        "include after-context before-context context", long_optional="color colour",
        numeric=True, path_options="f file", recursive="r recursive",
        pattern_first=True, pattern_options="e f regexp file"),
    "rg": grammar(
        "iSswxvclnNoFUuHIpq0a.", "egtTmABCMjrEd",
        "hidden no-ignore no-ignore-vcs no-ignore-parent no-ignore-dot files files-with-matches "
        "files-without-match count count-matches json vimgrep column no-column heading "
        "no-heading line-number no-line-number fixed-strings ignore-case smart-case "
        "case-sensitive word-regexp line-regexp invert-match only-matching stats trim "
        "multiline multiline-dotall pcre2 no-messages null null-data passthru text binary "
        "unrestricted quiet no-config pretty byte-offset with-filename no-filename "
        "include-zero no-unicode crlf",
        "glob iglob type type-not max-count max-depth replace context after-context "
        "before-context color colors sort sortr max-filesize threads regexp file engine "
        "encoding max-columns context-separator field-match-separator path-separator",
        path_options="f file", recursive="ALWAYS",
        pattern_first=True, pattern_options="e f regexp file files type-list"),
    "find": grammar(any_option=True),  # checked by its own reader (see danger_find)
    "sort": grammar("bdfgiMhnRrVcCsuzm", "ktS",
                    "ignore-leading-blanks dictionary-order ignore-case general-numeric-sort "
                    "ignore-nonprinting month-sort human-numeric-sort numeric-sort random-sort "
                    "reverse version-sort check merge stable unique zero-terminated",
                    "key field-separator buffer-size sort parallel random-source",
                    path_options="random-source"),
    "uniq": grammar("cdDiuz", "fsw", "count repeated unique ignore-case zero-terminated",
                    "skip-fields skip-chars check-chars", long_optional="all-repeated group"),
    "cut": grammar("sz", "bcdf", "complement only-delimited zero-terminated",
                   "bytes characters delimiter fields output-delimiter"),
    "tr": grammar("cdsCt", "", "complement delete squeeze-repeats truncate-set1",
                  operands="data"),
    "nl": grammar("p", "bhfvinswdl"),
    "tac": grammar("br", "s", "before regex", "separator"),
    "rev": grammar(),
    "paste": grammar("sz", "d", "serial zero-terminated", "delimiters"),
    "fold": grammar("bs", "w", "bytes spaces", "width"),
    "expand": grammar("i", "t", "initial", "tabs"),
    "unexpand": grammar("a", "t", "all first-only", "tabs"),
    "column": grammar("txneJL", "sco"),
    "comm": grammar("123iz", "", "check-order nocheck-order total zero-terminated",
                    "output-delimiter"),
    "cmp": grammar("blsz", "in", "print-bytes verbose quiet silent", "ignore-initial bytes"),
    # Not -r: diff follows symbolic links in the folders it compares.
    "diff": grammar("qsuyiEZbBwaTtNpe", "UCIFS",
                    "brief report-identical-files new-file ignore-case "
                    "ignore-all-space ignore-space-change ignore-blank-lines text side-by-side "
                    "normal strip-trailing-cr suppress-common-lines expand-tabs "
                    "initial-tab no-dereference unidirectional-new-file minimal",
                    "width exclude label ignore-matching-lines from-file to-file",
                    long_optional="unified context color",
                    path_options="from-file to-file"),
    # -w and -S take their value attached or not at all.
    "od": grammar("bcdfiloxsvwS", "AjNt"),
    "hexdump": grammar("bcCdoxv", "enNs"),
    "xxd": grammar("aCEiupvr", "cglosn"),
    "md5sum": _SUMS, "sha1sum": _SUMS, "sha256sum": _SUMS, "sha512sum": _SUMS,
    "b2sum": _SUMS, "cksum": grammar(),
    "file": grammar("bLhiNkr0", "", "brief mime mime-type mime-encoding dereference "
                    "no-dereference keep-going raw"),
    "stat": grammar("LftZ", "c", "dereference file-system terse", "format printf"),
    "du": grammar("ahcsSxLPbkmHlD0", "dBt", "all human-readable total summarize "
                  "apparent-size bytes count-links dereference separate-dirs one-file-system "
                  "null si", "max-depth block-size threshold exclude", recursive="ALWAYS",
                  long_optional="time"),
    "df": _ANY_DATA,
    "tree": grammar("adflFiLpsugDrtvUcCnhNQxJ", "LPI", "noreport dirsfirst prune du si "
                    "gitignore", "charset filelimit sort"),
    "jq": grammar("rcnsejSaMCj", "", "raw-output compact-output null-input slurp "
                  "exit-status join-output sort-keys ascii-output monochrome-output "
                  "color-output tab raw-input seq stream", "indent"),
    "less": grammar(), "more": grammar(),
    "echo": _ANY_DATA, "true": _ANY_DATA, "false": _ANY_DATA, ":": _ANY_DATA,
    "pwd": grammar("LP"), "whoami": _NO_ARGS, "id": grammar("ugGnrz", operands="data"),
    "uname": _ANY_DATA, "basename": _ANY_DATA, "dirname": _ANY_DATA, "realpath": _ANY_DATA,
    "readlink": _ANY_DATA, "seq": _ANY_DATA, "nproc": _ANY_DATA, "uptime": _ANY_DATA,
    "free": _ANY_DATA, "groups": _ANY_DATA, "tty": _ANY_DATA, "locale": _ANY_DATA,
    "sleep": _ANY_DATA, "which": _ANY_DATA, "whereis": _ANY_DATA, "type": _ANY_DATA,
    "lsblk": _ANY_DATA, "dirs": _ANY_DATA, "wait": _ANY_DATA, "exit": _ANY_DATA,
    "return": _ANY_DATA, "break": _ANY_DATA, "continue": _ANY_DATA, "shift": _ANY_DATA,
    "hostname": grammar("fsidAI", operands="none"),
    # An operand other than +FORMAT sets the clock.
    "date": grammar("uRI", "d", "utc universal rfc-email debug",
                    "date rfc-3339", operands="none", long_optional="iso-8601"),
    "pgrep": grammar("flnoxvciaw", "dgGPsuUt"),
    "test": grammar(any_option=True, operands="data"),
    "[": grammar(any_option=True, operands="data"),
}
# fmt: on
PROGRAMS["egrep"] = PROGRAMS["fgrep"] = PROGRAMS["grep"]
PROGRAMS["fdfind"] = PROGRAMS["fd"] = grammar(
    "HIsigap0Fu1l", "tedESjc",
    "hidden no-ignore no-ignore-vcs case-sensitive ignore-case glob regex fixed-strings "
    "absolute-path full-path list-details print0 one-file-system prune",
    "type extension exclude max-depth min-depth exact-depth max-results color size "
    "changed-within changed-before owner",
    recursive="ALWAYS", pattern_first=True,
)  # fmt: skip

# Words whose value in `[[ … ]]` or `test` is evaluated as arithmetic, or names a variable
# whose subscript is: `a[$(cmd)]` in either runs cmd.
_EVALUATING = frozenset({"-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-v", "-R"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SET_FLAGS = re.compile(r"[-+][euxvfCnhB]+")
_SET_OPTIONS = frozenset({"errexit", "nounset", "xtrace", "verbose", "pipefail", "noglob"})
# `ps` without a dash takes BSD letters; `e` there prints each process's environment.
_PS_BSD = re.compile(r"[auxwfjlTrSchHmvsZ]+")
_PS_DASH = grammar("eAafFlHjwxTcyMLZNdg", "opuUCgGtsq", operands="none")


class Context(Protocol):
    """What a program check reports to (the classifier's walker)."""

    def effect(self, reason: str, level: Level = "mutating") -> None:
        """A finding no allow rule covers."""

    def reads(
        self, word: Word, *, recursive: bool = False, content: bool = True, hidden: bool = True
    ) -> None:
        """The command reads this path (a file's content, or only a directory's listing).

        ``hidden`` is False when a recursive read skips names starting with a dot.
        """

    def check_write(self, word: Word, verb: str = "writes to") -> None:
        """The command writes this path."""


def known(name: str) -> bool:
    """Whether ``name`` is a program this module can classify."""
    return name in PROGRAMS or name in _SPECIAL


def check_program(ctx: Context, name: str, args: list[Word]) -> None:
    """Report what ``name args`` does beyond reading inside the project."""
    special = _SPECIAL.get(name)
    if special is not None:
        special(ctx, name, args)
        return
    check_program_spec(ctx, name, PROGRAMS[name], args)


def _date(ctx: Context, name: str, args: list[Word]) -> None:
    formats = [w for w in args if w.value.startswith("+") and not w.expands]
    check_program_spec(ctx, name, PROGRAMS[name], [w for w in args if w not in formats])


def check_program_spec(ctx: Context, name: str, spec: Grammar, args: list[Word]) -> None:
    """Check ``args`` against a grammar, for programs without special rules."""
    if spec.operands != "data" and any(w.expands for w in args):
        ctx.effect(f"{name} gets an argument only known at run time")
        return
    _report(ctx, name, spec, parse_arguments(spec, args))


def _report(ctx: Context, name: str, spec: Grammar, parsed: Parsed) -> None:
    if parsed.unknown:
        ctx.effect(f"{name} {parsed.unknown[0]} is not known to be harmless")
    for option, value in parsed.options:
        if option in spec.path_options and value is not None:
            ctx.reads(Word(value, value))
    operands = list(parsed.operands)
    if spec.pattern_first and not parsed.has(*spec.pattern_options):
        operands = operands[1:]
    if spec.operands == "none" and operands:
        ctx.effect(f"{name} {operands[0].raw} changes something")
    if spec.operands != "paths":
        return
    recursive = "ALWAYS" in spec.recursive or parsed.has(*spec.recursive)
    recursive |= ("recurse" in parsed.values("d", "directories")) and name.endswith("grep")
    if recursive and not operands:
        operands = [Word(".", ".")]
    # rg skips hidden files unless told otherwise; listing tools read no content.
    hidden = name != "rg" or parsed.has(".", "hidden", "u", "unrestricted")
    content = name not in _LISTING
    for word in operands:
        if word.value != "-":
            ctx.reads(word, recursive=recursive, content=content, hidden=hidden)


def _sed(ctx: Context, name: str, args: list[Word]) -> None:
    spec = grammar("nrEsuz", "elf", "quiet silent regexp-extended separate unbuffered "
                   "null-data posix debug sandbox", "expression line-length file")  # fmt: skip
    # `-i[SUFFIX]` and `--in-place[=SUFFIX]` (any abbreviation of it) edit the files.
    in_place = [w for w in args if re.fullmatch(r"-[nrEsuz]*i.*", w.value)]
    in_place += [w for w in args if "in-place".startswith(w.value[2:].split("=")[0] or "x")
                 and w.value.startswith("--in")]  # fmt: skip
    rest = [w for w in args if w not in in_place]
    if any(w.expands for w in rest):
        ctx.effect("sed gets an argument only known at run time")
        return
    parsed = parse_arguments(spec, rest)
    if parsed.has("f", "file"):
        ctx.effect("sed -f runs a script from a file")
    scripts = parsed.values("e", "expression")
    files = parsed.operands if scripts else parsed.operands[1:]
    if not scripts and parsed.operands:
        scripts = [parsed.operands[0].value]
    if in_place:
        for target in files:
            ctx.check_write(target, verb="edits")
        ctx.effect("sed -i edits files in place")
    if not all(sed_script_is_safe(script) for script in scripts):
        ctx.effect("the sed script may write files, read other files or run commands")
    parsed.operands = files
    parsed.options = [(n, v) for n, v in parsed.options if n not in ("e", "expression", "f")]
    _report(ctx, name, grammar(any_option=True), parsed)


def _awk(ctx: Context, name: str, args: list[Word]) -> None:
    if any(w.expands for w in args):
        ctx.effect(f"{name} gets an argument only known at run time")
        return
    spec = grammar("", "Fv", "", "field-separator assign")
    parsed = parse_arguments(spec, args)
    if parsed.unknown or not parsed.operands:
        ctx.effect(f"{name} {' '.join(parsed.unknown[:1]) or 'without a program'} may run code")
        return
    program, *files = parsed.operands
    if not awk_program_is_safe(program.value):
        ctx.effect(f"the {name} program may write files, run commands or read the environment")
    for word in files:
        if not re.fullmatch(r"[A-Za-z_]\w*=.*", word.value):
            ctx.reads(word)


def _jq(ctx: Context, name: str, args: list[Word]) -> None:
    # `--arg NAME VALUE` and `--argjson NAME JSON` take two words: set them aside first.
    kept: list[Word] = []
    skip = 0
    for word in args:
        if skip:
            skip -= 1
        elif word.value in ("--arg", "--argjson"):
            skip = 2
        else:
            kept.append(word)
    parsed = parse_arguments(PROGRAMS["jq"], [w for w in kept if not w.expands])
    if any(w.expands for w in args) or parsed.unknown:
        ctx.effect("jq gets an option or argument not known to be harmless")
        return
    program, *files = parsed.operands or [Word(".", ".")]
    if not jq_program_is_safe(program.value):
        ctx.effect("the jq program may read the environment or other files")
    for word in files:
        ctx.reads(word)


def _writes_second(ctx: Context, name: str, args: list[Word]) -> None:
    """`uniq IN OUT` and `xxd IN OUT` write their second operand; `sort -o` its value."""
    if any(w.expands for w in args):
        ctx.effect(f"{name} gets an argument only known at run time")
        return
    spec = PROGRAMS[name]
    if name == "sort":
        long_valued = " ".join(spec.long_valued | {"output"})
        spec = grammar(spec.flags, spec.valued + "o", " ".join(spec.long_flags), long_valued,
                       path_options="random-source")  # fmt: skip
    parsed = parse_arguments(spec, args)
    outputs = [Word(v, v) for v in parsed.values("o", "output")]
    if name != "sort":
        outputs += parsed.operands[1:2]
        parsed.operands = parsed.operands[:1]
    for output in outputs:
        ctx.check_write(output)
    if outputs:
        ctx.effect(f"{name} writes a file")
    _report(ctx, name, spec, parsed)


def _printf(ctx: Context, name: str, args: list[Word]) -> None:
    first = args[0] if args else None
    if first is None or first.expands or first.value.startswith("-"):
        # `printf -v 'a[$(cmd)]'` assigns through a subscript, which runs cmd.
        ctx.effect("printf with an option or a format only known at run time")


def _test(ctx: Context, name: str, args: list[Word]) -> None:
    values = {w.value for w in args if not w.quoted}
    if name == "[[":
        if values & _EVALUATING:
            ctx.effect("[[ … ]] evaluates arithmetic or variable names, which can run code")
    elif any(w.expands for w in args) or values & {"-v", "-R"}:
        ctx.effect(f"{name} with -v or an argument only known at run time can run code")


def _export(ctx: Context, name: str, args: list[Word]) -> None:
    if not args or any(w.value.startswith("-") for w in args):
        ctx.effect(f"{name} with options prints or changes the environment")
    _assignments(ctx, args)


def _assignments(ctx: Context, args: list[Word]) -> None:
    for word in args:
        variable = word.value.split("=", 1)[0]
        if not _IDENTIFIER.fullmatch(variable) or word.opaque:
            ctx.effect(f"assigns to something that is not a plain variable: {word.raw}")
        elif dangerous_variable(variable):
            ctx.effect(f"sets {variable}, which can make programs run other code")


def _unset(ctx: Context, name: str, args: list[Word]) -> None:
    names = [w for w in args if w.value not in ("-v", "-f")]
    if any(not _IDENTIFIER.fullmatch(w.value) or w.expands for w in names):
        ctx.effect("unset of an array element evaluates its subscript")
    if any(mentions_wrapper(w.value) for w in names):
        ctx.effect("unset of the Bash tool's own state")


def _set(ctx: Context, name: str, args: list[Word]) -> None:
    index = 0
    while index < len(args):
        value = args[index].value
        if (
            value in ("-o", "+o")
            and index + 1 < len(args)
            and args[index + 1].value in _SET_OPTIONS
        ):
            index += 2
        elif _SET_FLAGS.fullmatch(value) and not args[index].expands:
            index += 1
        else:
            break
    if not args or index < len(args):
        ctx.effect("set prints every variable or changes how the shell parses")


def _ps(ctx: Context, name: str, args: list[Word]) -> None:
    parsed = parse_arguments(_PS_DASH, args)
    if any(w.expands for w in args) or parsed.unknown:
        ctx.effect("ps with options not known to be harmless")
    # What is left are BSD-style letter clusters; `e` among them prints environments.
    if not all(_PS_BSD.fullmatch(w.value) for w in parsed.operands):
        ctx.effect("ps e prints the environment of processes")


def _pager(ctx: Context, name: str, args: list[Word]) -> None:
    # `less +CMD` runs a pager command first (`!` among them runs a shell command).
    if any(w.value.startswith("+") for w in args):
        ctx.effect(f"{name} +COMMAND runs a pager command")
    check_program_spec(ctx, name, PROGRAMS[name], args)


def _command(ctx: Context, name: str, args: list[Word]) -> None:
    # Only `command -v NAME` / `-V` reach here; running a command is a wrapper's job.
    if any(w.expands for w in args):
        ctx.effect("command gets an argument only known at run time")


_SPECIAL = {
    "sed": _sed, "awk": _awk, "gawk": _awk, "mawk": _awk, "nawk": _awk, "jq": _jq,
    "uniq": _writes_second, "xxd": _writes_second, "sort": _writes_second,
    "printf": _printf, "test": _test, "[": _test, "[[": _test, "export": _export,
    "unset": _unset, "set": _set, "ps": _ps, "command": _command, "date": _date,
    "less": _pager, "more": _pager,
    "local": _export, "declare": _export, "typeset": _export, "readonly": _export,
}  # fmt: skip
