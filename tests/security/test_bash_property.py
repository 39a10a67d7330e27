"""Generated shell commands built from the dangerous constructs: none may pass as read-only.

Read-only means reading only inside the project and writing nothing anywhere.

Each command is put together from a payload that writes a file or runs code (a marker
outside the project, ``touch``, ``sh -c``), hidden by the constructs a hostile model
would use: parameter and arithmetic expansions, subscripts, brace expansion, quotes that
join words, option abbreviations and attached values, environment assignments, wrappers
and redirections, inside a compound line of harmless commands. The classifier must not
call any of them read-only, and the gate must not let an allow rule for the harmless
program (``Bash(sed:*)``, ``Bash(git log:*)``, ``Bash(sort:*)``) run it without asking.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from openclaude_tui.core.permissions.policy import PermissionPolicy
from openclaude_tui.core.permissions.rules import RuleSet
from openclaude_tui.core.shell.classify import classify
from openclaude_tui.core.tools.shell import Bash

MARKER = "/tmp/openclaude-property-marker"
# Module-wide, as hypothesis draws many examples per test; nothing is written into it.
PROJECT = Path(tempfile.mkdtemp(prefix="openclaude-property-"))
atexit.register(shutil.rmtree, PROJECT, ignore_errors=True)
ALLOW = ("Bash(sed:*)", "Bash(git log:*)", "Bash(git diff:*)", "Bash(sort:*)", "Bash(cat:*)")


def _policy() -> PermissionPolicy:
    rules = RuleSet()
    for text in ALLOW:
        rules.add("allow", text, "test")
    return PermissionPolicy(PROJECT, "default", rules, remember_file=PROJECT / "remember.toml")


POLICY = _policy()
BASH = Bash()


@st.composite
def spelled(draw: st.DrawFn, word: str) -> str:
    """``word`` as bash reads it, written with quotes or backslashes that join its parts."""
    if len(word) < 2 or draw(st.booleans()):
        return word
    cut = draw(st.integers(1, len(word) - 1))
    head, tail = word[:cut], word[cut:]
    style = draw(st.sampled_from(["double", "single", "empty", "backslash"]))
    if style == "double" and '"' not in word and "$" not in word:
        return f'{head}"{tail}"'
    if style == "single" and "'" not in word:
        return f"{head}'{tail}'"
    if style == "empty":
        return f'{head}""{tail}'
    if tail[0].isalnum():
        return f"{head}\\{tail}"
    return word


PAYLOADS = [f"touch {MARKER}", f"sh -c 'touch {MARKER}'", f"cp /etc/hostname {MARKER}"]


@st.composite
def substitution(draw: st.DrawFn) -> str:
    """A word whose expansion runs the payload."""
    payload = draw(st.sampled_from(PAYLOADS))
    form = draw(
        st.sampled_from(
            ["${x:-$(P)}", "${x:=$(P)}", "${x:+`P`}", "$(( $(P) 0 ))", "$(P)", "`P`",
             "${x/y/$(P)}", "<(P)", '"$(P)"', "${x#$(P)}"]
        )
    )  # fmt: skip
    return form.replace("P", payload)


@st.composite
def evaluated_subscript(draw: st.DrawFn) -> str:
    """A variable holding ``a[$(payload)]``, then something that evaluates it."""
    payload = draw(st.sampled_from(PAYLOADS[:1]))
    evaluator = draw(
        st.sampled_from(
            ["echo $((x))", "((x))", "[[ $x -eq 0 ]]", "[[ 1 -lt $x ]]", 'test -v "$x"',
             '[ -v "$x" ]', 'printf -v "$x" 1', "let x", 'declare "$x=1"', 'read "$x" <<< 1',
             "y=abc; echo ${y:x}", "echo ${!x}", "arr[x]=1", "echo $[x]", "declare -i n; n=x",
             "for ((i=x; i<0; i++)); do :; done", "for i in $((x)); do :; done",
             "case $((x)) in *) ;; esac", "select i in $((x)); do break; done"]
        )
    )  # fmt: skip
    return f"x='a[$({payload})]'; {evaluator}"


@st.composite
def writing_option(draw: st.DrawFn) -> str:
    """A harmless program told, in one of its spellings, to write a file or run code."""
    option = draw(
        st.sampled_from(
            [f"sort -o {MARKER} README.md", f"sort -o{MARKER} README.md",
             f"sort -ro{MARKER} README.md", f"sort --output={MARKER} README.md",
             f"sort --outp={MARKER} README.md", f"sort --outpu{{t,t}}={MARKER} README.md",
             "sort --compress-program=sh -S 1k README.md",
             "sed -i s/a/b/ README.md", "sed --in-place s/a/b/ README.md",
             "sed --in-pl s/a/b/ README.md", "sed -ni s/a/b/p README.md",
             "sed -i.bak s/a/b/ README.md", f"sed -n '1w {MARKER}' README.md",
             f'sed -n "-e1w {MARKER}" README.md', f"sed 's/a/b/w {MARKER}' README.md",
             "sed '1e touch x' README.md", "sed -f script.sed README.md",
             f"git log --output={MARKER}", f"git log --outp={MARKER}",
             f"git diff --output {MARKER}", "git -c diff.external=sh diff",
             "git -c core.fsmonitor=sh log", "git diff --ext-diff",
             "git ls-remote --upload-pack=sh .", "git ls-remote --upl=sh .",
             "git grep -Osh x", "git grep --open-files=sh x",
             f"find . -fprint {MARKER}", "find . -exec sh \\;", "find . -delete",
             "find . -delet{e,e}", f"find . -fls {MARKER}",
             "awk 'BEGIN{system(\"sh\")}'", "awk -v x=1 'BEGIN{system(\"sh\")}'",
             "awk -F: 'BEGIN{print 1 > \"f\"}'", "awk -f prog.awk README.md",
             "awk 'BEGIN{\"sh\" | getline}'", f"xxd README.md {MARKER}",
             f"uniq README.md {MARKER}", "rg --pre sh x", "jq -n env"]
        )
    )  # fmt: skip
    words = option.split(" ")
    # Respell the option word (quotes joining its parts) when it carries no quotes itself.
    if len(words) > 1 and not any(q in words[1] for q in "'\"{$\\"):
        words[1] = draw(spelled(words[1]))
    return " ".join(words)


@st.composite
def environment(draw: st.DrawFn) -> str:
    """A variable that makes a read-only program run code, set before it or earlier."""
    name = draw(
        st.sampled_from(
            ["GIT_EXTERNAL_DIFF", "GIT_PAGER", "GIT_CONFIG_PARAMETERS", "GIT_SSH_COMMAND",
             "GIT_CONFIG_COUNT", "LESSOPEN", "PAGER", "EDITOR", "BASH_ENV", "ENV", "PS4",
             "LD_PRELOAD", "PYTHONPATH", "PERL5OPT", "NODE_OPTIONS", "GIT_DIR", "PATH", "IFS"]
        )
    )  # fmt: skip
    command = draw(st.sampled_from(["git diff", "git log", "less README.md", "ls", "cat a"]))
    how = draw(st.sampled_from(["{n}=v {c}", "{n}=v; {c}", "export {n}=v; {c}",
                                "{n}=v; export {n}; {c}", "env {n}=v {c}",
                                "declare -x {n}=v; {c}", "local {n}=v; {c}"]))  # fmt: skip
    return how.format(n=name, c=command)


@st.composite
def redirection(draw: st.DrawFn) -> str:
    """A harmless command whose output goes to a file."""
    command = draw(st.sampled_from(["ls", "cat README.md", "git log", "echo x", "(ls)", "{ ls; }"]))
    op = draw(st.sampled_from([">", ">>", "&>", ">|", "1<>", "2>", "&>>"]))
    target = draw(spelled(MARKER))
    return f"{command} {op} {target}"


@st.composite
def wrapped(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    """A command run through a wrapper that runs what it is given."""
    command = draw(inner)
    wrapper = draw(
        st.sampled_from(
            ["", "env ", "env -i ", "nice ", "nice -n 5 ", "timeout 5 ", "command ", "nohup ",
             "stdbuf -oL ", "builtin ", "exec ", "env X=1 timeout 5 "]
        )
    )  # fmt: skip
    if "'" in command or wrapper == "":
        return wrapper + command
    shell = draw(st.sampled_from([None, "bash -c", "sh -c", "eval"]))
    return f"{shell} '{command}'" if shell else wrapper + command


@st.composite
def outside_read(draw: st.DrawFn) -> str:
    """A reader pointed at a file outside the project, in one of its option spellings."""
    reader = draw(
        st.sampled_from(
            ["cat", "head -n 3", "tail -c5", "grep --color x", "grep -r x", "grep -e x",
             "sort", "uniq --group", "diff --unified README.md", "od -w", "wc -l", "less",
             "sed -n p", "awk 1", "jq .", "cut -c1", "nl", "rg x", "xxd", "file"]
        )
    )  # fmt: skip
    target = draw(
        st.sampled_from(
            ["/etc/hostname", "../outside.txt", "~/.bashrc", "src/../../x", "/proc/self/environ",
             "/proc/self/cwd/../x", "$HOME/.ssh/id_rsa", "~root/x", "/etc/host*"]
        )
    )  # fmt: skip
    how = draw(st.sampled_from(["{r} {t}", "{r} < {t}", "{r} -- {t}", "cd / && {r} {t}"]))
    return how.format(r=reader, t=target)


@st.composite
def dangerous_line(draw: st.DrawFn) -> str:
    """A dangerous command, maybe behind harmless commands in one line."""
    core = draw(
        st.one_of(
            wrapped(st.sampled_from(PAYLOADS)),
            substitution().map(lambda word: f"echo {word}"),
            evaluated_subscript(),
            wrapped(writing_option()),
            environment(),
            redirection(),
            outside_read(),
            substitution().map(lambda word: f"cat <<< {word}"),
            # In a here-document `<(…)` is only text; every other form runs.
            substitution()
            .filter(lambda word: not word.startswith("<("))
            .map(lambda word: f"cat <<EOF\n{word}\nEOF"),
        )
    )
    before = draw(st.sampled_from(["", "ls; ", "git status && ", "cat README.md | ", "true || "]))
    after = draw(st.sampled_from(["", " | wc -l", "; echo done", " && ls"]))
    return before + core + after


@settings(max_examples=300, deadline=None)
@given(dangerous_line())
def test_no_dangerous_command_is_read_only(command: str) -> None:
    verdict = classify(command, PROJECT, PROJECT)
    assert verdict.level != "read_only", command


@settings(max_examples=300, deadline=None)
@given(dangerous_line())
def test_no_dangerous_command_runs_on_a_prefix_rule(command: str) -> None:
    result = POLICY.check(BASH, {"command": command}, PROJECT)
    assert result.action != "allow", (command, result.reason)
