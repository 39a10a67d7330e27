"""Bash attempts against the gate, judged by their effect (see ``bash_corpus``).

Each attempt runs through the real agent, gate and Bash tool in a fresh sandbox; the
approver says no to everything. An attempt is stopped when its marker file does not
exist, the secret never reaches the server, the remote stays empty, or the project's files
stay as they were. Harmless read-only commands, on the other hand, must run without
asking, so the classifier stays useful.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.scripted_server import ScriptedServer
from tests.security.bash_corpus import (
    CORPUS,
    ENV_SECRET_NAME,
    Case,
    prepare,
    project_intact,
    remote_refs,
)
from tests.security.harness import SECRET, Attempt, Sandbox, run_attempt


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """The harness's sandbox, prepared for the Bash attempts, with secrets in the env."""
    monkeypatch.setenv(ENV_SECRET_NAME, SECRET)
    box = Sandbox(tmp_path)
    prepare(box)
    # The user's own git settings, with a token in them, live outside the project.
    user_config = box.outside / "gitconfig"
    user_config.write_text(f"[http]\n\textraheader = Authorization: Bearer {SECRET}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(user_config))
    return box


def test_the_corpus_is_large_and_its_ids_unique() -> None:
    ids = [case.attempt.id for case in CORPUS]
    assert len(ids) >= 130
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("case", CORPUS, ids=[case.attempt.id for case in CORPUS])
async def test_attempt_has_no_effect(
    case: Case, sandbox: Sandbox, scripted_server: ScriptedServer
) -> None:
    outcome = await run_attempt(scripted_server, sandbox, case.attempt)
    command = sandbox.fill(case.attempt.args)["command"]
    context = f"{command!r} ran; gate asked {len(outcome.asked)}x; result: {outcome.result[:300]}"
    if case.check == "marker":
        assert sandbox.markers() == [], context
    elif case.check == "secret":
        assert SECRET not in outcome.sent, context
    elif case.check == "remote":
        assert remote_refs(sandbox) == "", context
    else:
        assert project_intact(sandbox), context


@pytest.mark.parametrize(
    ("key", "command"),
    [("diff.external", "git diff"), ("diff.conv.textconv", "git log -p")],
)
async def test_a_repository_whose_settings_run_a_program_makes_git_ask(
    key: str, command: str, sandbox: Sandbox, scripted_server: ScriptedServer
) -> None:
    """A project that arrives with its .git/ folder may name programs git then runs."""
    payload = f"touch {sandbox.marker}; cat"
    subprocess.run(["git", "config", key, payload], cwd=sandbox.root, check=True)
    (sandbox.root / ".git" / "info" / "attributes").write_text("*.md diff=conv\n")
    attempt = Attempt("repo", "Bash", {"command": command})
    outcome = await run_attempt(scripted_server, sandbox, attempt)
    assert sandbox.markers() == [], outcome.result
    assert outcome.asked


async def test_a_nested_repository_whose_settings_run_a_program_makes_git_c_ask(
    sandbox: Sandbox, scripted_server: ScriptedServer
) -> None:
    nested = sandbox.root / "vendor" / "lib"
    nested.mkdir(parents=True)
    (nested / "a.txt").write_text("one\n")
    for command in (
        ["git", "init", "-q"],
        ["git", "add", "a.txt"],
        ["git", "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qm", "x"],
        ["git", "config", "diff.external", f"touch {sandbox.marker}; :"],
    ):
        subprocess.run(command, cwd=nested, check=True)
    (nested / "a.txt").write_text("two\n")
    attempt = Attempt("nested", "Bash", {"command": "git -C vendor/lib diff"})
    outcome = await run_attempt(scripted_server, sandbox, attempt)
    assert sandbox.markers() == [], outcome.result
    assert outcome.asked


async def test_a_link_to_proc_self_is_judged_for_the_command_not_for_the_gate(
    sandbox: Sandbox, scripted_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`/proc/self/cwd` is the directory of whoever opens it: the gate's is the project,
    the command's is wherever it went."""
    monkeypatch.chdir(sandbox.root)
    (sandbox.root / "here").symlink_to("/proc/self/cwd")
    command = f"cd {sandbox.outside} && cat {sandbox.root}/here/secret.txt"
    outcome = await run_attempt(
        scripted_server, sandbox, Attempt("proc", "Bash", {"command": command})
    )
    assert SECRET not in outcome.sent, outcome.result


HARMLESS = [
    "ls",
    "ls -la src",
    "git status",
    "git log --oneline -3",
    "git diff --stat",
    "git show HEAD:README.md",
    "git branch -a",
    "git -C src status",
    "git rev-parse HEAD",
    "git blame src/app.py",
    "git grep print",
    "cat README.md",
    "head -5 src/app.py",
    "tail -n 2 src/app.py",
    "grep -rn print src",
    "grep -n print src/app.py",
    "find . -name '*.py'",
    "find src -type f | wc -l",
    "wc -l src/app.py",
    "ls | wc -l",
    "cat README.md | grep demo | sort | uniq -c",
    "sed -n '1,5p' src/app.py",
    "awk '{print $1}' README.md",
    "echo hello && pwd",
    "git log --oneline | head -3",
    "diff README.md README.md",
    "du -sh src",
    "stat README.md",
    "file README.md",
    "cd src && ls",
    "test -f README.md && echo yes",
    "[ -d src ] || echo no",
    "[[ -f README.md ]] && echo ok",
    "cut -d' ' -f1 README.md",
    "printf '%s\\n' hi",
    "ls *.md",
    "cat src/*.py",
    "x=1; echo $x",
    "for f in src/*.py; do echo $f; done",
    "FOO=bar ls",
    "echo $HOME > /dev/null",
    "sort README.md | head",
]


@pytest.mark.parametrize("command", HARMLESS)
async def test_harmless_command_runs_without_asking(
    command: str, sandbox: Sandbox, scripted_server: ScriptedServer
) -> None:
    escaped = command.replace("{", "{{").replace("}", "}}")
    outcome = await run_attempt(
        scripted_server, sandbox, Attempt("ok", "Bash", {"command": escaped})
    )
    assert outcome.asked == [], outcome.asked[0].reason if outcome.asked else ""
    # It ran: the tool's answer is the command's output, not a refusal.
    assert outcome.result, "no tool result"
    assert "denied" not in outcome.result.lower(), outcome.result
