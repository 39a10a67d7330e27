"""The system prompt and project memory, against real directories and real git repositories."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from openclaude_tui.core.git.state import (
    STATUS_LINE_LIMIT,
    current_branch,
    find_project_root,
    read_git_state,
)
from openclaude_tui.core.prompt.memory import MEMORY_CHAR_LIMIT, load_project_memory
from openclaude_tui.core.prompt.system import (
    PromptEnvironment,
    build_system_prompt,
    gather_environment,
)

ALL_TOOLS = ["Read", "Edit", "Write", "Bash", "Grep", "Glob", "TodoWrite"]


@pytest.fixture(autouse=True)
def hermetic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """User files under a private OPENCLAUDE_HOME; git ignores the machine's own config."""
    home = tmp_path / "openclaude-home"
    monkeypatch.setenv("OPENCLAUDE_HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return home


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


def make_repo(path: Path, branch: str = "main") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", branch)
    git(path, "config", "user.name", "Test User")
    git(path, "config", "user.email", "test@example.com")
    return path


def commit(repo: Path, name: str, text: str, message: str) -> str:
    (repo / name).write_text(text)
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "--short=7", "HEAD")


def prompt_for(cwd: Path, mode: str = "default", tools: list[str] | None = None) -> str:
    env = gather_environment(
        cwd, mode, ALL_TOOLS if tools is None else tools, model="test-model",
        now=datetime(2025, 3, 4, 12, 30),
    )  # fmt: skip
    return build_system_prompt(env)


def section(prompt: str, heading: str) -> str:
    """The text of one ``# heading`` section of the prompt."""
    start = prompt.index(f"# {heading}\n")
    end = prompt.find("\n# ", start + 1)
    return prompt[start : end if end != -1 else None]


# --- project root ------------------------------------------------------------------------------


def test_project_root_is_the_git_root_from_any_subdirectory(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    deep = repo / "src" / "pkg"
    deep.mkdir(parents=True)
    assert find_project_root(deep) == repo
    assert find_project_root(repo) == repo


def test_a_git_file_marks_a_root_too(tmp_path: Path) -> None:
    # Worktrees and submodules have a .git file instead of a directory.
    checkout = tmp_path / "worktree"
    (checkout / "sub").mkdir(parents=True)
    (checkout / ".git").write_text("gitdir: /somewhere/else\n")
    assert find_project_root(checkout / "sub") == checkout


def test_outside_git_the_working_directory_is_the_root(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert find_project_root(plain) == plain


# --- environment and rules ---------------------------------------------------------------------


def test_non_git_directory(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    prompt = prompt_for(plain)
    assert read_git_state(plain) is None
    assert "not a git repository" in section(prompt, "Git")
    environment = section(prompt, "Environment")
    assert f"Working directory: {plain}" in environment
    assert f"Project root: {plain}" in environment
    assert "Date: 2025-03-04 (Tuesday)" in environment
    assert "Model: test-model" in environment


def test_environment_names_the_shell_and_falls_back_to_bash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHELL", "/usr/bin/fish")
    assert "Shell: /usr/bin/fish" in prompt_for(tmp_path)
    monkeypatch.delenv("SHELL")
    assert "Shell: bash" in prompt_for(tmp_path)


def test_plan_mode_forbids_changes_and_asks_for_a_plan(tmp_path: Path) -> None:
    plan = section(prompt_for(tmp_path, mode="plan"), "Environment")
    assert "Permission mode: plan" in plan
    assert "PLAN MODE: nothing may be changed" in plan
    assert "present a concrete plan" in plan
    default = section(prompt_for(tmp_path, mode="default"), "Environment")
    assert "Permission mode: default" in default
    assert "PLAN MODE" not in default


def test_tool_guidance_follows_the_offered_tools(tmp_path: Path) -> None:
    full = prompt_for(tmp_path)
    assert "Available tools: Read, Edit, Write, Bash, Grep, Glob, TodoWrite." in full
    assert "TodoWrite" in section(full, "How to work")
    assert "with Edit" in section(full, "How to work")

    read_only = prompt_for(tmp_path, tools=["Read", "Grep", "Glob", "WebFetch"])
    assert "Available tools: Read, Grep, Glob, WebFetch." in read_only
    assert "TodoWrite" not in read_only
    assert "Edit" not in read_only
    assert "Bash" not in read_only

    assert "No tools are available" in prompt_for(tmp_path, tools=[])


def test_gitpython_is_imported_only_for_a_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    repo = make_repo(tmp_path / "repo")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from openclaude_tui.core.prompt.system import gather_environment, build_system_prompt\n"
        "assert 'git' not in sys.modules, 'imported with the module'\n"
        f"build_system_prompt(gather_environment(Path({str(plain)!r}), 'default', []))\n"
        "assert 'git' not in sys.modules, 'imported for a plain directory'\n"
        f"build_system_prompt(gather_environment(Path({str(repo)!r}), 'default', []))\n"
        "assert 'git' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- git ---------------------------------------------------------------------------------------


def test_repository_with_commits_and_changes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    shas = [commit(repo, "notes.txt", f"v{i}\n", f"Change number {i}") for i in range(6)]
    commit(repo, "app.py", "print('hi')\n", "Add the app")
    git(repo, "checkout", "-q", "-b", "feature/login")
    (repo / "app.py").write_text("print('changed')\n")
    (repo / "new file.txt").write_text("untracked\n")
    (repo / "café.txt").write_text("untracked\n")
    (repo / "build").mkdir()
    (repo / "build" / "out.o").write_text("")

    prompt = prompt_for(repo / "build")
    git_text = section(prompt, "Git")
    assert f"Repository: {repo}" in git_text
    assert "Branch: feature/login\n" in git_text
    assert "Default branch: main" in git_text
    assert " M app.py" in git_text
    assert '?? "new file.txt"' in git_text
    # Non-ASCII names stay readable instead of becoming octal escapes.
    assert "?? café.txt" in git_text
    # An untracked directory is one line, not a line per file.
    assert "?? build/\n" in git_text
    assert "out.o" not in git_text
    assert "and more" not in git_text
    recent = [line.strip() for line in git_text.split("Recent commits:\n")[1].splitlines()]
    assert [line.split(" ", 1)[1] for line in recent] == [
        "Add the app",
        "Change number 5",
        "Change number 4",
        "Change number 3",
        "Change number 2",
    ]
    assert recent[1].startswith(shas[5])
    assert f"Project root: {repo}\n" in prompt


def test_clean_repository_says_so(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", branch="master")
    commit(repo, "a.txt", "a\n", "First")
    git_text = section(prompt_for(repo), "Git")
    assert "Status: clean" in git_text
    assert "Default branch: master" in git_text


def test_default_branch_comes_from_origin_head(tmp_path: Path) -> None:
    upstream = make_repo(tmp_path / "upstream", branch="trunk")
    commit(upstream, "a.txt", "a\n", "First")
    git(tmp_path, "clone", "-q", str(upstream), "clone")
    clone = tmp_path / "clone"
    git(clone, "checkout", "-q", "-b", "main")
    state = read_git_state(clone)
    assert state is not None
    assert state.default_branch == "trunk"
    assert state.branch == "main"


def test_detached_head(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    first = commit(repo, "a.txt", "1\n", "One")
    commit(repo, "a.txt", "2\n", "Two")
    git(repo, "checkout", "-q", "--detach", "HEAD~1")
    state = read_git_state(repo)
    assert state is not None
    assert state.branch is None
    assert state.head == first
    git_text = section(prompt_for(repo), "Git")
    assert f"detached HEAD at {first}" in git_text
    assert "Default branch: main" in git_text


def test_empty_repository(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "draft.txt").write_text("not committed yet\n")
    git_text = section(prompt_for(repo), "Git")
    assert "Branch: main (no commits yet)" in git_text
    assert "empty repository" in git_text
    assert "?? draft.txt" in git_text
    assert "Not available" not in git_text


@pytest.fixture
def scratch_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory where creating many files is cheap: memory-backed when the system has one."""
    # Creating 50,000 files takes seconds on a busy disk and well under one in /dev/shm.
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        with tempfile.TemporaryDirectory(dir=shm, prefix="openclaude-test-") as directory:
            yield Path(directory)
    else:
        yield tmp_path


def test_fifty_thousand_untracked_files_keep_the_prompt_small(scratch_dir: Path) -> None:
    repo = make_repo(scratch_dir / "repo")
    commit(repo, "README.md", "hello\n", "Start")
    count = 50_000
    directory = os.open(repo, os.O_RDONLY)
    try:
        for i in range(count):
            os.close(os.open(f"generated_{i:05}.tmp", os.O_CREAT | os.O_WRONLY, dir_fd=directory))
    finally:
        os.close(directory)

    state = read_git_state(repo)
    assert state is not None and state.status is not None
    assert len(state.status) == STATUS_LINE_LIMIT
    assert state.more_changes == count - STATUS_LINE_LIMIT

    prompt = prompt_for(repo)
    git_text = section(prompt, "Git")
    assert f"… and {count - STATUS_LINE_LIMIT:,} more" in git_text
    assert git_text.count("generated_") == STATUS_LINE_LIMIT
    assert len(prompt) < 15_000


# --- project memory ----------------------------------------------------------------------------


def test_memory_from_every_level_outermost_first(tmp_path: Path, hermetic: Path) -> None:
    repo = make_repo(tmp_path / "work" / "repo")
    # Above the project root: not part of this project's memory.
    (tmp_path / "work" / "AGENT.md").write_text("outside the project\n")
    (repo / "AGENT.md").write_text("root agent\n")
    (repo / "CLAUDE.md").write_text("root claude\n")
    (repo / "pkg").mkdir()
    (repo / "pkg" / "AGENTS.md").write_text("package agents\n")
    (repo / "pkg" / "deep").mkdir()
    (repo / "pkg" / "deep" / "CLAUDE.md").write_text("deep claude\n")
    (repo / "pkg" / "deep" / "empty").mkdir()
    (repo / "pkg" / "deep" / "empty" / "AGENT.md").write_text("  \n")
    (repo / "other").mkdir()
    (repo / "other" / "AGENT.md").write_text("a sibling directory\n")
    (hermetic / "config").mkdir(parents=True)
    (hermetic / "config" / "CLAUDE.md").write_text("user preference\n")

    cwd = repo / "pkg" / "deep" / "empty"
    memory = load_project_memory(repo, cwd)
    assert [(m.path, m.text.strip()) for m in memory] == [
        (hermetic / "config" / "CLAUDE.md", "user preference"),
        (repo / "AGENT.md", "root agent"),
        (repo / "CLAUDE.md", "root claude"),
        (repo / "pkg" / "AGENTS.md", "package agents"),
        (repo / "pkg" / "deep" / "CLAUDE.md", "deep claude"),
    ]
    assert not any(m.truncated for m in memory)

    text = section(prompt_for(cwd), "Project memory")
    order = [text.index(f"## {m.path}\n{m.text.strip()}") for m in memory]
    assert order == sorted(order)
    assert "outside the project" not in text
    assert "a sibling directory" not in text


def test_no_memory_means_no_memory_section(tmp_path: Path) -> None:
    assert "# Project memory" not in prompt_for(tmp_path)


def test_a_file_reached_twice_is_read_once(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "AGENTS.md").write_text("shared rules\n")
    (repo / "CLAUDE.md").symlink_to("AGENTS.md")
    memory = load_project_memory(repo, repo)
    assert [m.text.strip() for m in memory] == ["shared rules"]


def test_long_memory_is_cut_and_the_cut_is_noted(tmp_path: Path) -> None:
    (tmp_path / "AGENT.md").write_text("x" * (MEMORY_CHAR_LIMIT + 5_000))
    (tmp_path / "CLAUDE.md").write_text("y" * MEMORY_CHAR_LIMIT)
    long, exact = load_project_memory(tmp_path, tmp_path)
    assert long.truncated
    assert long.text.count("x") == MEMORY_CHAR_LIMIT
    assert f"cut at {MEMORY_CHAR_LIMIT:,} characters" in long.text
    assert not exact.truncated
    assert exact.text == "y" * MEMORY_CHAR_LIMIT


def test_imports_are_inlined_one_level_deep(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "style.md").write_text("Use tabs.\n@nested.md\n")
    (tmp_path / "docs" / "nested.md").write_text("SECOND LEVEL\n")
    (tmp_path / "AGENT.md").write_text("Rules:\n@docs/style.md\nThanks to @alice for these.\n")

    [memory] = load_project_memory(tmp_path, tmp_path)
    assert "Use tabs." in memory.text
    # The import inside the import stays a plain line.
    assert "@nested.md" in memory.text
    assert "SECOND LEVEL" not in memory.text
    # Only a line that is nothing but @path imports; a mention in a sentence does not.
    assert "Thanks to @alice for these." in memory.text
    assert memory.text.index("Rules:") < memory.text.index("Use tabs.")


def test_missing_import_is_noted_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "AGENT.md").write_text("before\n@docs/gone.md\nafter\n")
    [memory] = load_project_memory(tmp_path, tmp_path)
    assert "[@docs/gone.md not imported:" in memory.text
    assert "does not exist" in memory.text
    assert "before" in memory.text and "after" in memory.text


def test_imports_in_code_blocks_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "property").write_text("SHOULD NOT APPEAR\n")
    (tmp_path / "AGENT.md").write_text("Example:\n```python\n@property\ndef x(self): ...\n```\n")
    [memory] = load_project_memory(tmp_path, tmp_path)
    assert "SHOULD NOT APPEAR" not in memory.text
    assert "@property" in memory.text


def test_project_memory_cannot_import_from_outside(tmp_path: Path, hermetic: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("PRIVATE KEY\n")
    repo = make_repo(tmp_path / "repo")
    (repo / "link.txt").symlink_to(secret)
    (repo / "AGENT.md").write_text(f"@{secret}\n@link.txt\n")
    [memory] = load_project_memory(repo, repo)
    assert "PRIVATE KEY" not in memory.text
    assert memory.text.count("outside the project") == 2

    # The user's own memory file may import from anywhere.
    (hermetic / "config").mkdir(parents=True)
    (hermetic / "config" / "AGENT.md").write_text(f"@{secret}\n")
    user = load_project_memory(repo, repo)[0]
    assert user.path == hermetic / "config" / "AGENT.md"
    assert "PRIVATE KEY" in user.text


def test_a_huge_import_counts_towards_the_cap(tmp_path: Path) -> None:
    (tmp_path / "big.md").write_text("z" * 500)
    (tmp_path / "AGENT.md").write_text("@big.md\n")
    [memory] = load_project_memory(tmp_path, tmp_path, char_limit=100)
    assert memory.truncated
    assert "cut at 100 characters" in memory.text
    assert memory.text.count("z") < 100


def test_memory_appears_in_the_prompt_under_its_path(tmp_path: Path, hermetic: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "AGENT.md").write_text("Always run make check.\n")
    (hermetic / "config").mkdir(parents=True)
    (hermetic / "config" / "AGENT.md").write_text("Answer in British English.\n")
    env = PromptEnvironment(
        cwd=repo, project_root=repo, permission_mode="default", tool_names=ALL_TOOLS
    )
    text = section(build_system_prompt(env), "Project memory")
    assert f"## {hermetic / 'config' / 'AGENT.md'}\nAnswer in British English." in text
    assert f"## {repo / 'AGENT.md'}\nAlways run make check." in text


def test_the_current_branch_is_read_without_running_git(tmp_path: Path) -> None:
    """The status bar's branch: named, a short hash when detached, through a worktree's
    ``.git`` file, and none outside a repository."""
    repo = make_repo(tmp_path / "repo", branch="topic")
    assert current_branch(repo / "deep" / "er") == "topic"
    first = commit(repo, "a.txt", "1\n", "One")
    git(repo, "worktree", "add", "-q", "-b", "side", str(tmp_path / "side"))
    assert current_branch(tmp_path / "side") == "side"
    git(repo, "checkout", "-q", "--detach", "HEAD")
    assert current_branch(repo) == first
    plain = tmp_path / "plain"
    plain.mkdir()
    assert current_branch(plain) is None
