"""A hostile repository's git settings never run a program through the git the program runs.

Each repository here is real (``git init`` in a tmp dir); its ``.git/config``, a file it
includes, its ``.gitattributes`` and its hooks name commands that create a marker file in a
directory outside the project. The program's own git commands (the system prompt's status
and log, the review's diffs and hunk operations, ``@`` completion's file list, the shell
classifier's look at the settings) then run for real, and the marker directory must stay
empty: the effect on disk, not a classifier's answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from openclaude_tui.core.changes.review import Reviewer
from openclaude_tui.core.changes.sources import RangeSource, ReviewError, ReviewFile, WorktreeSource
from openclaude_tui.core.git.safety import run_git
from openclaude_tui.core.git.state import read_git_state
from openclaude_tui.core.project_files import list_project_files
from openclaude_tui.core.prompt.system import build_system_prompt, gather_environment
from openclaude_tui.core.shell.git_rules import repository_runs_programs
from tests.scripted_server import ScriptedServer, Turn

HOOKS = ("post-checkout", "post-index-change", "reference-transaction", "pre-commit")

Settings = Callable[[Path, Path], dict[str, str]]


def git(root: Path, *args: str) -> str:
    """Git as the test's setup runs it (before any hostile setting is in place)."""
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, check=True)
    return done.stdout.decode()


def touch(marks: Path, name: str) -> str:
    """A shell command that leaves the marker ``name``."""
    return f"touch {shlex.quote(str(marks / name))}"


def fsmonitor(marks: Path, project: Path) -> dict[str, str]:
    return {"core.fsmonitor": f"{touch(marks, 'fsmonitor')}; false"}


def filters(marks: Path, project: Path) -> dict[str, str]:
    # A driver name with upper case and one with "=": both are names git accepts.
    return {
        "filter.Evil.clean": f"{touch(marks, 'clean')}; cat",
        "filter.Evil.smudge": f"{touch(marks, 'smudge')}; cat",
        "filter.Evil.required": "true",
        "filter.odd=name.clean": f"{touch(marks, 'odd-clean')}; cat",
    }


def filter_process(marks: Path, project: Path) -> dict[str, str]:
    return {"filter.Evil.process": f"{touch(marks, 'process')}; false"}


def included(marks: Path, project: Path) -> dict[str, str]:
    # The included files are in the project (they came with it); relative paths are
    # relative to .git/config.
    (project / "extra.cfg").write_text(
        f'[filter "inc"]\n\tclean = "{touch(marks, "included-clean")}; cat"\n'
    )
    (project / "more.cfg").write_text(f'[core]\n\tfsmonitor = "{touch(marks, "ifsmon")}; false"\n')
    return {"include.path": "../extra.cfg", f"includeIf.gitdir:{project}/.git.path": "../more.cfg"}


def hooks(marks: Path, project: Path) -> dict[str, str]:
    directory = project / "hooks"
    directory.mkdir()
    for name in HOOKS:
        hook = directory / name
        hook.write_text(f"#!/bin/sh\n{touch(marks, 'hook-' + name)}\n")
        hook.chmod(0o755)
    return {"core.hooksPath": str(directory)}


def lazy_fetch(marks: Path, project: Path) -> dict[str, str]:
    """A partial clone missing a blob, whose promisor remote runs a command when fetched."""
    blob = git(project, "rev-parse", "HEAD:notes.txt").strip()
    (project / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    return {
        "core.repositoryFormatVersion": "1",
        "extensions.partialClone": "origin",
        "remote.origin.promisor": "true",
        "remote.origin.url": f"ext::sh -c {touch(marks, 'lazy').replace(' ', '% ')}",
        "protocol.ext.allow": "always",
    }


def programs(marks: Path, project: Path) -> dict[str, str]:
    """Every other setting that names a program, each with its own marker."""
    return {
        "core.pager": f"{touch(marks, 'pager')}; cat",
        "pager.status": f"{touch(marks, 'pager-status')}; cat",
        "pager.diff": f"{touch(marks, 'pager-diff')}; cat",
        "diff.external": f"{touch(marks, 'external')}; true",
        "diff.Evil.textconv": f"{touch(marks, 'textconv')}; cat",
        "diff.Evil.command": f"{touch(marks, 'diff-command')}; true",
        "merge.Evil.driver": f"{touch(marks, 'merge')}; true",
        "core.sshCommand": touch(marks, "ssh"),
        "core.gitProxy": touch(marks, "proxy"),
        "core.askPass": touch(marks, "askpass"),
        "core.editor": touch(marks, "editor"),
        "sequence.editor": touch(marks, "sequence-editor"),
        "credential.helper": f"!{touch(marks, 'credential')}",
        "uploadpack.packObjectsHook": touch(marks, "pack-objects"),
        "remote.origin.uploadpack": touch(marks, "uploadpack"),
        "log.showSignature": "true",
        "gpg.program": touch(marks, "gpg"),
        "core.alternateRefsCommand": touch(marks, "alternate-refs"),
    }


def everything(marks: Path, project: Path) -> dict[str, str]:
    """All of them at once (the lazy fetch apart: it removes an object)."""
    settings: dict[str, str] = {}
    for group in (fsmonitor, filters, included, hooks, programs):
        settings |= group(marks, project)
    return settings


def make_project(tmp_path: Path, settings: Settings | None) -> tuple[Path, Path]:
    """A committed project with changes in its working tree, and the marker directory."""
    marks = tmp_path / "marks"
    marks.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.name", "Dev")
    git(project, "config", "user.email", "dev@example.test")
    (project / ".gitattributes").write_text(
        "*.txt filter=Evil diff=Evil merge=Evil\n*.md filter=inc\n*.odd filter=odd=name\n"
    )
    (project / "notes.txt").write_text("hello\n")
    (project / "readme.md").write_text("read me\n")
    (project / "data.odd").write_text("odd\n")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "First notes")
    if settings is not None:
        for name, value in settings(marks, project).items():
            git(project, "config", name, value)
    # Same sizes, new content: git must read the files (through any clean filter) to see it.
    (project / "notes.txt").write_text("HELLO\n")
    (project / "readme.md").write_text("READ ME\n")
    (project / "data.odd").write_text("ODD\n")
    (project / "new.txt").write_text("brand new\n")
    return project, marks


def markers(marks: Path) -> list[str]:
    return sorted(path.name for path in marks.iterdir())


def find(files: list[ReviewFile], path: str, origin: str) -> ReviewFile:
    return next(f for f in files if f.diff.path == path and f.origin == origin)


ONE_AT_A_TIME = [fsmonitor, filters, filter_process, included]


@pytest.mark.parametrize("settings", [*ONE_AT_A_TIME, everything])
def test_the_system_prompt_reads_git_without_running_the_repositorys_programs(
    tmp_path: Path, settings: Settings
) -> None:
    project, marks = make_project(tmp_path, settings)
    state = read_git_state(project)
    prompt = build_system_prompt(gather_environment(project, "default", ["Read"]))
    assert markers(marks) == []
    assert state is not None and state.branch == "main" and not state.problems
    assert " M notes.txt" in (state.status or ())
    assert "First notes" in prompt


@pytest.mark.parametrize("settings", [*ONE_AT_A_TIME, hooks, everything])
def test_the_review_runs_none_of_the_repositorys_programs(
    tmp_path: Path, settings: Settings
) -> None:
    project, marks = make_project(tmp_path, settings)
    reviewer = Reviewer(WorktreeSource(project))
    files = reviewer.load()
    assert {(f.diff.path, f.origin) for f in files} >= {
        ("notes.txt", "unstaged"),
        ("readme.md", "unstaged"),
        ("new.txt", "untracked"),
    }
    reviewer.stage(find(files, "readme.md", "unstaged"))  # git add: clean filter, index hooks
    reviewer.stage(find(files, "data.odd", "unstaged"))
    reviewer.revert(find(files, "notes.txt", "unstaged"))  # git checkout: smudge, post-checkout
    assert (project / "notes.txt").read_text() == "hello\n"
    reviewer.load()
    Reviewer(RangeSource(project, "HEAD")).load()  # git show and a diff of a commit
    assert markers(marks) == []


def test_a_partial_clone_fetches_nothing_from_a_command_remote(tmp_path: Path) -> None:
    project, marks = make_project(tmp_path, lazy_fetch)
    read_git_state(project)
    with contextlib.suppress(ReviewError):  # the missing object stays missing
        Reviewer(RangeSource(project, "HEAD")).load()
    with contextlib.suppress(ReviewError):
        Reviewer(WorktreeSource(project)).load()
    assert markers(marks) == []


def test_git_does_not_look_inside_a_submodule_with_its_own_filter(tmp_path: Path) -> None:
    """A submodule's settings are not read when the program runs git in the superproject."""
    project, marks = make_project(tmp_path, None)
    sub = project / "sub"
    sub.mkdir()
    git(sub, "init", "-q", "-b", "main")
    (sub / ".gitattributes").write_text("*.txt filter=subevil\n")
    (sub / "a.txt").write_text("hello\n")
    git(sub, "add", "-A")
    git(sub, "-c", "user.name=Dev", "-c", "user.email=dev@example.test", "commit", "-qm", "Sub")
    git(project, "add", "sub")
    git(project, "commit", "-qm", "Add the submodule")
    git(sub, "config", "filter.subevil.clean", f"{touch(marks, 'submodule-clean')}; cat")
    (sub / "a.txt").write_text("HELLO\n")
    state = read_git_state(project)
    WorktreeSource(project).load()
    assert markers(marks) == []
    assert state is not None and " M notes.txt" in (state.status or ())


@pytest.mark.parametrize("settings", [fsmonitor, everything])
def test_the_file_list_for_completion_runs_none_of_the_repositorys_programs(
    tmp_path: Path, settings: Settings
) -> None:
    project, marks = make_project(tmp_path, settings)
    listed = asyncio.run(list_project_files(project))
    assert markers(marks) == []
    assert {"notes.txt", "readme.md", "new.txt", ".gitattributes"} <= set(listed)


def test_the_shell_classifier_reads_the_settings_without_running_them(tmp_path: Path) -> None:
    """A guard: the classifier's own look at .git/config must not run what it finds."""
    project, marks = make_project(tmp_path, everything)
    assert repository_runs_programs(str(project)) is not None
    assert markers(marks) == []


def test_print_mode_in_a_hostile_repository_runs_none_of_its_programs(tmp_path: Path) -> None:
    project, marks = make_project(tmp_path, everything)
    env = {k: v for k, v in os.environ.items() if k not in ("MODEL", "OPENAI_BASE_URL")}
    env["OPENCLAUDE_HOME"] = str(tmp_path / "home")
    with ScriptedServer([Turn(text="Nothing to do.")]) as server:
        done = subprocess.run(
            [sys.executable, "-m", "openclaude_tui", "-p", "hello", "--base-url", server.base_url],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        requests = server.chat_requests
    assert done.returncode == 0, done.stderr
    assert markers(marks) == []
    system = requests[0].messages[0]["content"]
    assert "main" in system and "notes.txt" in system and "First notes" in system


def test_settings_the_user_passes_in_the_environment_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, marks = make_project(tmp_path, filters)
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "user.name")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "From The Environment")
    assert run_git(project, "config", "user.name").stdout == b"From The Environment\n"
    assert run_git(project, "diff").returncode == 0
    assert markers(marks) == []


def test_a_normal_repository_still_shows_its_branch_changes_and_diffs(tmp_path: Path) -> None:
    project, _ = make_project(tmp_path, None)
    (project / ".gitattributes").unlink()
    state = read_git_state(project)
    assert state is not None and not state.problems
    assert state.branch == "main" and state.head is not None
    assert state.commits and state.commits[0].endswith("First notes")
    assert {" M notes.txt", " M readme.md", "?? new.txt", " D .gitattributes"} <= set(
        state.status or ()
    )
    files = WorktreeSource(project).load()
    notes = find(files, "notes.txt", "unstaged").diff
    assert "-hello\n+HELLO\n" in notes.patch()
    assert find(files, "new.txt", "untracked").diff.status == "new"
    committed = RangeSource(project, "HEAD").load()
    assert {f.diff.path for f in committed} == {
        ".gitattributes",
        "notes.txt",
        "readme.md",
        "data.odd",
    }
    assert "new.txt" in asyncio.run(list_project_files(project))
