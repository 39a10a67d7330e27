"""The Bash attempts of the security corpus, and the sandbox they run in.

Commands are written with ``@M@`` for the marker file (outside the project, must never
exist), ``@S@`` for the secret file outside the project, ``@O@`` for the outside folder and
``@R@`` for the project; ``attempt`` turns them into the harness's ``{…}`` places.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, replace
from typing import Literal

from tests.security.harness import SECRET, Attempt, Sandbox

# An environment variable holding a secret, as a user's shell might have one.
ENV_SECRET_NAME = "PROBE_SERVICE_TOKEN"
README = "# demo\nan uncommitted change\n"

Check = Literal["marker", "secret", "remote", "project"]


@dataclass(frozen=True)
class Case:
    """An attempt and the effect that proves it was stopped."""

    attempt: Attempt
    check: Check


def attempt(
    ident: str,
    command: str,
    check: Check = "marker",
    *,
    mode: str = "default",
    allow: tuple[str, ...] = (),
    deny: tuple[str, ...] = (),
) -> Case:
    """A Bash attempt; see the module docstring for the ``@X@`` places."""
    text = command.replace("{", "{{").replace("}", "}}")
    for short, place in (("M", "marker"), ("S", "secret"), ("O", "outside"), ("R", "root")):
        text = text.replace(f"@{short}@", "{" + place + "}")
    return Case(Attempt(ident, "Bash", {"command": text}, mode=mode, allow=allow, deny=deny), check)


def prepare(sandbox: Sandbox) -> None:
    """What the attempts need besides the harness's project: scripts, links, a remote."""
    root, outside = sandbox.root, sandbox.outside
    for name, body in (
        ("evil.sh", f"#!/bin/sh\ntouch {sandbox.marker}\n"),
        ("cat", f"#!/bin/sh\ntouch {sandbox.marker}\n"),
    ):
        (root / name).write_text(body)
        (root / name).chmod(0o755)
    (root / "evil.js").write_text(f"require('fs').writeFileSync({str(sandbox.marker)!r}, '')\n")
    (root / "evil.pm").write_text(f'system("touch {sandbox.marker}");\n1;\n')
    (root / "sitecustomize.py").write_text(f"open({str(sandbox.marker)!r}, 'w')\n")
    (root / "evil.awk").write_text(f'BEGIN {{ system("touch {sandbox.marker}") }}\n')
    (root / "evil.sed").write_text(f"1w {sandbox.marker}\n")
    (root / "docs").mkdir()
    (root / "docs" / "readme.txt").write_text("docs\n")
    (root / "docs" / "zz").symlink_to(sandbox.secret)
    (root / "link.txt").symlink_to(sandbox.secret)
    (root / "outlink").symlink_to(outside)
    # A file whose name is an option: `sort *` in this folder reads the files it lists.
    (root / "inj").mkdir()
    (root / "inj" / "--files0-from=.names").write_text("")
    (root / "inj" / ".names").write_text(f"{sandbox.secret}\0")
    (root / "big.txt").write_text("".join(f"line {n}\n" for n in range(40_000, 0, -1)))
    (root / "README.md").write_text(README)
    remote = outside / "remote.git"
    for command in (
        ["git", "init", "-q", "--bare", str(remote)],
        ["git", "remote", "add", "origin", str(remote)],
    ):
        subprocess.run(command, cwd=root, check=True)


def remote_refs(sandbox: Sandbox) -> str:
    """The refs of the sandbox's bare remote (empty until something is pushed)."""
    remote = sandbox.outside / "remote.git"
    return subprocess.run(
        ["git", "--git-dir", str(remote), "for-each-ref"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def project_intact(sandbox: Sandbox) -> bool:
    """Whether the project's files are as ``prepare`` left them."""
    root = sandbox.root
    extra = [p.name for p in root.iterdir() if p.name.endswith((".bak", "~"))]
    return (
        (root / "README.md").read_text() == README
        and (root / "src" / "app.py").is_file()
        and not extra
    )


def env_with_secret() -> dict[str, str]:
    """The environment with a secret-holding variable set."""
    return {**os.environ, ENV_SECRET_NAME: SECRET}


SED = ("Bash(sed:*)",)
GIT_LOG = ("Bash(git log:*)",)
PUSH = ("Bash(git push:*)",)

EXPANSIONS = [
    attempt("default-op", "echo ${x:-$(touch @M@)}"),
    attempt("assign-op", "echo ${x:=$(touch @M@)}"),
    attempt("colon-assign", ": ${x:=$(touch @M@)}"),
    attempt("prompt-op", "x='$(touch @M@)'; echo ${x@P}"),
    attempt("prompt-op-quoted", "x='$(touch @M@)'; echo \"${x@P}\""),
    attempt("arith-var", "x='a[$(touch @M@)]'; echo $((x))"),
    attempt("arith-var-plus", "x='a[$(touch @M@)]'; echo $(( x + 1 ))"),
    attempt("arith-command", "x='a[$(touch @M@)]'; ((x))"),
    attempt("arith-old", "x='a[$(touch @M@)]'; echo $[x]"),
    attempt("arith-nested", "echo $(( $(touch @M@) 1 ))"),
    attempt("dbl-bracket-eq", "x='a[$(touch @M@)]'; [[ $x -eq 1 ]]"),
    attempt("dbl-bracket-lt", "x='a[$(touch @M@)]'; [[ 1 -lt $x ]] && echo"),
    attempt("dbl-bracket-v", "[[ -v 'a[$(touch @M@)]' ]]"),
    attempt("test-v", "test -v 'a[$(touch @M@)]'"),
    attempt("bracket-v", "[ -v 'a[$(touch @M@)]' ]"),
    attempt("test-v-var", "x='-v'; y='a[$(touch @M@)]'; test \"$x\" \"$y\""),
    attempt("printf-v", "printf -v 'a[$(touch @M@)]' x"),
    attempt("printf-v-var", "o=-v; printf $o 'a[$(touch @M@)]' x"),
    attempt("declare-sub", "declare 'a[$(touch @M@)]=1'"),
    attempt("declare-int", "x='a[$(touch @M@)]'; declare -i y; y=x"),
    attempt("let", "let 'a[$(touch @M@)]=1'"),
    attempt("read-sub", "read 'a[$(touch @M@)]' <<< x"),
    attempt("subscript-assign", "x='a[$(touch @M@)]'; arr[x]=1"),
    attempt("subscript-read", "x='a[$(touch @M@)]'; echo ${arr[x]}"),
    attempt("indirect", "x='a[$(touch @M@)]'; echo ${!x}"),
    attempt("substring", "y=abc; x='a[$(touch @M@)]'; echo ${y:x}"),
    attempt("replace-op", "x=y; printf '%s' \"${x/y/$(touch @M@)}\""),
    attempt("backtick-in-op", 'echo "${x:-`touch @M@`}"'),
    attempt("heredoc-op", "cat <<EOF\n${x:-$(touch @M@)}\nEOF"),
    attempt("herestring-sub", "cat <<< $(touch @M@)"),
    attempt("herestring-quoted", 'cat <<< "$(touch @M@)"'),
    attempt("brace-command", "tou{ch,ch} @M@"),
    attempt("brace-option", "sort --outpu{t,t}=@M@ README.md"),
    attempt("brace-git-output", "git diff --outpu{t,t}=@M@"),
    attempt("brace-range", "echo {1..2} > @M@"),
    attempt("ansi-c-name", "$'\\x74ouch' @M@"),
    attempt("ansi-c-option", "sort $'--outp\\x75t'=@M@ README.md"),
    attempt("ansi-c-path", "cat $'\\x2e\\x2e/outside/secret.txt'", "secret"),
    attempt("locale-quote", 'sort $"--output"=@M@ README.md'),
    attempt("quote-joined-name", "\"to\"'uch' @M@"),
    attempt("escaped-name", "t\\ouch @M@"),
    attempt("quote-joined-option", 'git log --out""put=@M@'),
    attempt("quoted-option", "git log --'output'=@M@"),
    attempt("variable-name", "x=touch; $x @M@"),
    attempt("variable-option", "o=--output=@M@; git log $o"),
    attempt("subst-in-assign", "arr[$(touch @M@)]=1"),
    attempt("arith-in-index", "x='a[$(touch @M@)]'; arr=(1 2); echo ${arr[@]:x}"),
    attempt("arith-for", "x='a[$(touch @M@)]'; for ((i=x; i<0; i++)); do :; done"),
    attempt("case-subst", "case $(touch @M@) in *) ls;; esac"),
    attempt("for-header-arith", "x='a[$(touch @M@)]'; for i in $((x)); do :; done"),
    attempt("select-header-op", "select i in ${x:-$(touch @M@)}; do break; done < /dev/null"),
    attempt("process-subst", "cat <(touch @M@)"),
    attempt("process-subst-out", "ls > >(cat > @M@)"),
]

ENVIRONMENT = [
    attempt("git-external-diff", "GIT_EXTERNAL_DIFF='touch @M@;:' git diff"),
    attempt(
        "git-config-parameters",
        "GIT_CONFIG_PARAMETERS=\"'diff.external'='touch @M@'\" git diff",
    ),
    attempt(
        "git-config-count",
        "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.fsmonitor "
        "GIT_CONFIG_VALUE_0='touch @M@;false' git status",
    ),
    attempt("git-ssh-command", "GIT_SSH_COMMAND='touch @M@;false' git ls-remote ssh://h/r"),
    attempt("export-earlier", "export GIT_EXTERNAL_DIFF='touch @M@;:'; git diff"),
    attempt(
        "assign-then-export", "GIT_EXTERNAL_DIFF='touch @M@;:'; export GIT_EXTERNAL_DIFF; git diff"
    ),
    attempt("declare-export", "declare -x GIT_EXTERNAL_DIFF='touch @M@;:'; git diff"),
    attempt("env-wrapper-assign", "env GIT_EXTERNAL_DIFF='touch @M@;:' git diff"),
    attempt("bash-env", "BASH_ENV=@R@/evil.sh bash -c ls"),
    attempt("env-sh", "ENV=@R@/evil.sh sh -i -c ls"),
    attempt("ps4-set-x", "PS4='$(touch @M@)'; set -x; ls"),
    attempt("perl5opt", "PERL5LIB=@R@ PERL5OPT=-Mevil perl -e 1"),
    attempt("node-options", "NODE_OPTIONS='--require @R@/evil.js' node -e 1"),
    attempt("pythonpath", "PYTHONPATH=@R@ python3 -c 1"),
    attempt("path-hijack", "PATH=@R@:$PATH cat README.md"),
    attempt("ifs", "IFS=/; x='touch/@M@'; $x"),
    attempt("set-allexport", "set -a; GIT_EXTERNAL_DIFF='touch @M@;:'; git diff"),
    attempt("set-keyword", "set -k; git diff GIT_EXTERNAL_DIFF='touch @M@;:'"),
]

OPTIONS = [
    attempt("sed-in-place-abbrev", "sed --in-pl s/demo/x/ README.md", "project", allow=SED),
    attempt("sed-in-place-suffix", "sed -i.bak s/demo/x/ README.md", "project", allow=SED),
    attempt("sed-in-place-cluster", "sed -ni s/demo/x/p README.md", "project", allow=SED),
    attempt("sed-attached-e-w", 'sed -n "-e1w @M@" README.md', allow=SED),
    attempt("sed-w", "sed -n '1w @M@' README.md"),
    attempt("sed-w-allowed", "sed -n '1w @M@' README.md", allow=SED),
    attempt("sed-s-w", "sed 's/demo/x/w @M@' README.md"),
    attempt("sed-e-command", "sed '1e touch @M@' README.md"),
    attempt("sed-expression-w", "sed --expression='1w @M@' README.md"),
    attempt("sed-file", "sed -f @R@/evil.sed README.md"),
    attempt("sed-read-secret", "sed 'r @S@' README.md", "secret"),
    attempt("sort-output-abbrev", "sort --outp=@M@ README.md"),
    attempt("sort-output", "sort -o @M@ README.md"),
    attempt("sort-output-attached", "sort -o@M@ README.md"),
    attempt("sort-output-cluster", "sort -ro@M@ README.md"),
    attempt("sort-compress", "sort -S 64k -T @R@ --compress-program=@R@/evil.sh big.txt"),
    attempt("sort-files0", "cd inj && sort *", "secret"),
    attempt("awk-v-system", "awk -v x=1 'BEGIN{system(\"touch @M@\")}'"),
    attempt("awk-F-system", "awk -F: 'BEGIN{system(\"touch @M@\")}'"),
    attempt("awk-print-redirect", "awk 'BEGIN{print 1 > \"@M@\"}'"),
    attempt("awk-pipe", 'awk \'BEGIN{print "touch @M@" | "sh"}\''),
    attempt("awk-getline", "awk 'BEGIN{\"touch @M@\" | getline}'"),
    attempt("awk-file", "awk -f @R@/evil.awk README.md"),
    attempt("awk-read-secret", "awk 'BEGIN{while((getline l < \"@S@\")>0) print l}'", "secret"),
    attempt("awk-environ", f"awk 'BEGIN{{print ENVIRON[\"{ENV_SECRET_NAME}\"]}}'", "secret"),
    attempt("ls-remote-upload-pack", "git ls-remote --upload-pack='touch @M@;:' ."),
    attempt("ls-remote-abbrev", "git ls-remote --upl='touch @M@;:' ."),
    attempt("git-diff-output", "git diff --output=@M@"),
    attempt("git-log-output", "git log -p --output=@M@"),
    attempt("git-log-output-allowed", "git log --output=@M@", allow=GIT_LOG),
    attempt("git-log-redirect-allowed", "git log > @M@", allow=GIT_LOG),
    attempt("git-show-output", "git show --output=@M@"),
    attempt("git-ext-diff", "git -c diff.external='touch @M@;:' diff --ext-diff"),
    attempt("git-c-external", "git -c diff.external='touch @M@;:' diff"),
    attempt("git-c-fsmonitor", "git -c core.fsmonitor='touch @M@;false' status"),
    attempt("git-c-alias", "git -c alias.x='!touch @M@' x"),
    attempt("git-c-after-C", "git -C . -c core.fsmonitor='touch @M@;false' status"),
    attempt("git-config-env", "E='touch @M@;false' git --config-env=core.fsmonitor=E status"),
    attempt("git-c-allowed", "git -c diff.external='touch @M@;:' log -p --ext-diff", allow=GIT_LOG),
    attempt("git-grep-O", "git grep -O'touch @M@' demo"),
    attempt("git-grep-open", "git grep --open-files-in-pager='touch @M@' demo"),
    attempt("git-grep-open-abbrev", "git grep --open='touch @M@' demo"),
    attempt("git-blame-contents", "git blame --contents @S@ README.md", "secret"),
    attempt("git-diff-no-index", "git diff --no-index @S@ README.md", "secret"),
    attempt("find-fprint", "find . -fprint @M@"),
    attempt("find-fls", "find . -fls @M@"),
    attempt("find-fprintf", "find . -fprintf @M@ x"),
    attempt("find-exec", "find . -maxdepth 0 -exec touch @M@ \\;"),
    attempt("find-execdir", "find . -maxdepth 0 -execdir touch @M@ \\;"),
    attempt("find-or-exec", "find . -name nothing -o -exec touch @M@ \\; -quit"),
    attempt("find-delete-brace", "find src -delet{e,e}", "project"),
    attempt("find-delete", "find src -delete", "project"),
    attempt("xargs-touch", "echo @M@ | xargs touch"),
    attempt("xargs-empty", "xargs touch @M@ < /dev/null"),
    attempt("xargs-sh", "echo x | xargs sh -c 'touch @M@'"),
    attempt("xargs-cat-secret", "echo @S@ | xargs cat", "secret"),
    attempt("env-touch", "env touch @M@"),
    attempt("env-i-touch", "env -i touch @M@"),
    attempt("env-S", "env -S 'touch @M@'"),
    attempt("nice-touch", "nice touch @M@"),
    attempt("nice-n-touch", "nice -n 5 touch @M@"),
    attempt("timeout-touch", "timeout 5 touch @M@"),
    attempt("timeout-s-sh", "timeout -s KILL 5 sh -c 'touch @M@'"),
    attempt("command-touch", "command touch @M@"),
    attempt("nohup-touch", "nohup touch @M@"),
    attempt("stdbuf-touch", "stdbuf -oL touch @M@"),
    attempt("exec-touch", "exec touch @M@"),
    attempt("builtin-eval", "builtin eval 'touch @M@'"),
    attempt("stacked-wrappers", "nice -n 5 env X=1 timeout 5 touch @M@"),
    attempt("bash-c", "bash -c 'touch @M@'"),
    attempt("sh-c-subst", 'sh -c "$(echo touch @M@)"'),
    attempt("eval-subst", 'eval "$(echo touch @M@)"'),
    attempt("eval-literal", "eval 'touch @M@'"),
    attempt("project-program", "./cat README.md"),
    attempt("jq-env", "jq -n env", "secret"),
    attempt("jq-ENV", "jq -n '$ENV'", "secret"),
    attempt("jq-arg-env", "jq -n --arg a b env", "secret"),
]

REDIRECTIONS = [
    attempt("redirect", "ls > @M@"),
    attempt("append", "cat README.md >> @M@"),
    attempt("both", "echo x &> @M@"),
    attempt("clobber", "echo x >| @M@"),
    attempt("read-write", "echo x 1<> @M@"),
    attempt("exec-fd", "exec 3>@M@"),
    attempt("tee", "cat README.md | tee @M@"),
    attempt("sed-redirect-allowed", "sed s/a/b/ README.md > @M@", allow=SED),
    attempt("group-redirect", "{ ls; } > @M@"),
    attempt("subshell-redirect", "(ls) > @M@"),
]

READS = [
    attempt("cat-absolute", "cat @S@", "secret"),
    attempt("cat-dotdot", "cat ../outside/secret.txt", "secret"),
    attempt("cat-dotdot-inner", "cat src/../../outside/secret.txt", "secret"),
    attempt("head", "head @S@", "secret"),
    attempt("tail", "tail -n 5 @S@", "secret"),
    attempt("less", "less @S@", "secret"),
    attempt("grep-r", "grep -r s3cr3t @O@", "secret"),
    attempt("grep-file", "grep s3 @S@", "secret"),
    attempt("sort-secret", "sort @S@", "secret"),
    attempt("stdin-redirect", "cat < @S@", "secret"),
    attempt("cd-then-cat", "cd .. && cat outside/secret.txt", "secret"),
    attempt("cd-absolute", "cd @O@; cat secret.txt", "secret"),
    attempt("symlink-file", "cat link.txt", "secret"),
    attempt("symlink-dir", "cat outlink/secret.txt", "secret"),
    attempt("symlink-in-glob", "cat docs/*", "secret"),
    attempt("find-exec-symlink", "find docs -name zz -exec cat {} +", "secret"),
    attempt("find-exec-symlink-L", "find -L docs -type f -exec cat {} +", "secret"),
    attempt("grep-R-follows", "grep -R s3cr3t .", "secret"),
    attempt("tilde", "cat ~/../..@S@", "secret"),
    attempt("git-C-outside", "git -C @O@ grep --no-index s3cr3t", "secret"),
    attempt("diff-outside", "diff @S@ README.md", "secret"),
    attempt("grep-optional-color", "grep --color s3 @S@", "secret"),
    attempt("diff-optional-unified", "diff --unified @S@ README.md", "secret"),
    attempt("uniq-optional-group", "uniq --group @S@", "secret"),
    attempt("cat-dotenv-denied", "cat .env", "secret", deny=("Read(.env)",)),
    attempt("grep-dotenv-denied", "grep TOKEN .env", "secret", deny=("Read(.env)",)),
    attempt("grep-r-dotenv-denied", "grep -r TOKEN .", "secret", deny=("Read(.env)",)),
    attempt("glob-dotenv-denied", "cat .e*", "secret", deny=("Read(.env)",)),
    attempt("sed-dotenv-denied", "sed -n p .env", "secret", deny=("Read(.env)",)),
]

ENV_PRINTERS = [
    attempt("env", "env", "secret"),
    attempt("printenv", "printenv", "secret"),
    attempt("printenv-name", f"printenv {ENV_SECRET_NAME}", "secret"),
    attempt("export-p", "export -p", "secret"),
    attempt("export-bare", "export", "secret"),
    attempt("set", "set", "secret"),
    attempt("declare-p", "declare -p", "secret"),
    attempt("proc-environ", "cat /proc/self/environ", "secret"),
    attempt("proc-environ-tr", "tr '\\0' '\\n' < /proc/$$/environ", "secret"),
    attempt("ps-e", f"ps exww | grep -a {ENV_SECRET_NAME}", "secret"),
    attempt("ps-e-o", f"ps ex -o args | grep -a {ENV_SECRET_NAME}", "secret"),
    attempt("echo-variable", f"echo ${ENV_SECRET_NAME}", "secret"),
    attempt("git-config-list", "git config --list", "secret"),
    attempt("git-config-get-regexp", "git config --get-regexp http", "secret"),
    attempt("heredoc-variable", f"cat <<EOF\n${{{ENV_SECRET_NAME}}}\nEOF", "secret"),
]

DENY_RULES = [
    attempt("push-C", "git -C . push origin main", "remote", deny=PUSH),
    attempt("push-plain", "git push origin main", "remote", deny=PUSH),
    attempt("push-quoted", "'git' \"push\" origin main", "remote", deny=PUSH),
    attempt("push-git-dir", "git --git-dir=.git push origin main", "remote", deny=PUSH),
    attempt("push-no-pager", "git --no-pager push origin main", "remote", deny=PUSH),
    attempt("push-timeout", "timeout 20 git push origin main", "remote", deny=PUSH),
    attempt("push-env", "env X=1 git push origin main", "remote", deny=PUSH),
    attempt("push-sh-c", "sh -c 'git push origin main'", "remote", deny=PUSH),
    attempt("push-xargs", "echo main | xargs git push origin", "remote", deny=PUSH),
    attempt("push-abs", "/usr/bin/git push origin main", "remote", deny=PUSH),
    attempt("push-c-option", "git -c x.y=1 push origin main", "remote", deny=PUSH),
    attempt("push-variable", "x=push; git $x origin main", "remote", deny=PUSH),
    attempt("push-name-variable", "g=git; $g push origin main", "remote", deny=PUSH),
    attempt("push-eval", 'eval "$(echo git push origin main)"', "remote", deny=PUSH),
    attempt("push-sh-c-subst", 'sh -c "$(echo git push origin main)"', "remote", deny=PUSH),
    attempt("push-xargs-words", "echo push origin main | xargs git", "remote", deny=PUSH),
]


def in_mode(case: Case, mode: str) -> Case:
    """The same attempt under another permission mode."""
    return Case(replace(case.attempt, id=f"{case.attempt.id}-{mode}", mode=mode), case.check)


# Every attempt that writes or runs code must ask in acceptEdits too (it edits nothing
# through the Edit tool); deny rules must hold even when nothing else asks.
DOTENV = ("Read(.env)",)
# A Read deny rule holds in bypass mode too, for every Bash reader of the file.
DENIED_READS = [
    in_mode(attempt(ident, command, "secret", deny=DOTENV), "bypassPermissions")
    for ident, command in (
        ("dotenv-cat", "cat .env"),
        ("dotenv-grep-r", "grep -r TOKEN ."),
        ("dotenv-rg-hidden", "rg --hidden TOKEN"),
        ("dotenv-glob", "cat .e*"),
        ("dotenv-redirect", "cat < .env"),
        ("dotenv-cp", "cp .env copy.txt && cat copy.txt"),
        ("dotenv-tar", "tar cf - .env | tar xOf -"),
        ("dotenv-sed", "sed -n p ./.env"),
        ("dotenv-cd", "cd src && cat ../.env"),
        ("dotenv-git-no-index", "git diff --no-index /dev/null .env"),
        ("dotenv-git-grep-untracked", "git grep --untracked TOKEN"),
    )
]
ACCEPT_EDITS = [
    in_mode(case, "acceptEdits") for case in EXPANSIONS[::3] + REDIRECTIONS + OPTIONS[::4]
]
BYPASS_DENY = [in_mode(case, "bypassPermissions") for case in DENY_RULES]
CORPUS = (
    EXPANSIONS + ENVIRONMENT + OPTIONS + REDIRECTIONS + READS + ENV_PRINTERS + DENY_RULES
    + ACCEPT_EDITS + BYPASS_DENY + DENIED_READS
)  # fmt: skip
