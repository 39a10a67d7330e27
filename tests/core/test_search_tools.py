"""Grep and Glob on real trees in git repositories, with the real ripgrep binary."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from openclaude_tui.core.tools import search, search_engine
from openclaude_tui.core.tools.base import Tool, ToolContext, ToolResult
from openclaude_tui.core.tools.search import (
    GLOB_LIMIT,
    LINE_CUT_NOTE,
    MAX_LINE_CHARS,
    MAX_OUTPUT_CHARS,
    GlobTool,
    GrepTool,
    find_rg,
    search_tools,
    split_globs,
)

RG = find_rg()


def _git_init(path: Path) -> None:
    for command in (
        ["git", "init", "-q"],
        ["git", "config", "user.name", "Test"],
        ["git", "config", "user.email", "test@example.com"],
    ):
        subprocess.run(command, cwd=path, check=True)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small project: ignored build output, a nested .gitignore, hidden and log files."""
    root = tmp_path / "project"
    root.mkdir()
    _git_init(root)
    _write(
        root,
        {
            ".gitignore": "build/\n*.log\n",
            "src/.gitignore": "generated_*.py\n",
            "src/app.py": (
                "import os\n"
                "def main():\n"
                "    print('Hello World')\n"
                "    return 0\n"
                "\n"
                "class Greeter:\n"
                "    def hello(self):\n"
                "        return 'hello'\n"
            ),
            "src/util.py": "def helper():\n    return 42\n# hello there\n",
            "src/generated_api.py": "hello generated\n",
            "docs/guide.md": "# Guide\nSay Hello to the world.\n",
            "notes.txt": "HELLO upper\n",
            "build/out.py": "hello build\n",
            "debug.log": "hello log\n",
            ".hidden/secret.py": "hello hidden\n",
        },
    )
    return root


def _ctx(cwd: Path) -> ToolContext:
    return ToolContext(project_root=cwd, cwd=cwd)


async def _call(tool: Tool, ctx: ToolContext, **raw: Any) -> ToolResult:
    args, _ = tool.validate(raw)
    return await tool.run(args, ctx, "call-1")


async def _grep(root: Path, **raw: Any) -> ToolResult:
    return await _call(GrepTool(), _ctx(root), **raw)


def _raw_rg(cwd: Path, *flags: str) -> list[str]:
    """Lines of plain ripgrep output run in ``cwd`` on ".", with "./" taken off paths."""
    assert RG is not None
    done = subprocess.run(
        [str(RG), "--no-config", "--color=never", "--no-heading", *flags, "--", "."],
        cwd=cwd,
        capture_output=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    text = done.stdout.decode("utf-8", errors="replace")
    return [line.removeprefix("./") for line in text.split("\n") if line]


def test_rg_used_is_the_one_installed_beside_the_interpreter() -> None:
    assert RG is not None
    assert Path(sys.executable).parent / "rg" == RG
    assert RG.parent in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts")))
    version = subprocess.run([str(RG), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("ripgrep ")


def test_search_tools_are_read_only() -> None:
    tools = search_tools()
    assert [tool.name for tool in tools] == ["Grep", "Glob"]
    assert all(tool.read_only for tool in tools)
    grep = tools[0].schema()["function"]["parameters"]["properties"]
    assert {"-i", "-n", "-A", "-B", "-C", "head_limit", "multiline"} <= set(grep)


async def test_files_with_matches_skips_ignored_hidden_and_nested_ignored(repo: Path) -> None:
    result = await _grep(repo, pattern="hello", **{"-i": True})
    assert not result.is_error
    lines = result.text.splitlines()
    assert lines[0] == "Found 4 files"
    assert set(lines[1:]) == {"src/app.py", "src/util.py", "docs/guide.md", "notes.txt"}


async def test_files_with_matches_are_newest_first(repo: Path) -> None:
    for age, name in enumerate(["notes.txt", "src/util.py", "docs/guide.md", "src/app.py"]):
        stamp = 1_700_000_000 - age * 1000
        os.utime(repo / name, (stamp, stamp))
    result = await _grep(repo, pattern="hello", **{"-i": True})
    assert result.text.splitlines()[1:] == [
        "notes.txt",
        "src/util.py",
        "docs/guide.md",
        "src/app.py",
    ]


async def test_case_sensitive_by_default(repo: Path) -> None:
    result = await _grep(repo, pattern="hello")
    assert set(result.text.splitlines()[1:]) == {"src/app.py", "src/util.py"}


async def test_content_mode_with_and_without_line_numbers(repo: Path) -> None:
    numbered = await _grep(repo, pattern="hello", output_mode="content")
    assert numbered.text.splitlines() == [
        "src/app.py:7:    def hello(self):",
        "src/app.py:8:        return 'hello'",
        "src/util.py:3:# hello there",
    ]
    bare = await _grep(repo, pattern="hello", output_mode="content", **{"-n": False})
    assert bare.text.splitlines() == [
        "src/app.py:    def hello(self):",
        "src/app.py:        return 'hello'",
        "src/util.py:# hello there",
    ]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"-B": 1}, ["src/util.py-1-def helper():", "src/util.py:2:    return 42"]),
        ({"-A": 1}, ["src/util.py:2:    return 42", "src/util.py-3-# hello there"]),
        (
            {"-C": 1},
            [
                "src/util.py-1-def helper():",
                "src/util.py:2:    return 42",
                "src/util.py-3-# hello there",
            ],
        ),
        ({"-C": 5, "-A": 0}, ["src/util.py-1-def helper():", "src/util.py:2:    return 42"]),
    ],
)
async def test_context_lines(repo: Path, flags: dict[str, int], expected: list[str]) -> None:
    result = await _grep(repo, pattern="return 42", output_mode="content", **flags)
    assert result.text.splitlines() == expected


async def test_context_groups_are_separated_like_ripgrep(repo: Path) -> None:
    result = await _grep(
        repo, pattern="import os|return 'hello'|helper", output_mode="content", **{"-A": 1}
    )
    expected = _raw_rg(
        repo, "--sort=path", "-n", "-A", "1", "-e", "import os|return 'hello'|helper"
    )
    assert "--" in expected
    assert result.text.splitlines() == expected


async def test_count_mode(repo: Path) -> None:
    result = await _grep(repo, pattern="hello|return", output_mode="count")
    assert result.text.splitlines() == [
        "src/app.py:3",
        "src/util.py:2",
        "",
        "Found 5 matching lines in 2 files.",
    ]


@pytest.mark.parametrize(
    ("glob", "expected"),
    [
        ("*.md", {"docs/guide.md"}),
        ("*.md *.txt", {"docs/guide.md", "notes.txt"}),
        ("*.{md,txt}", {"docs/guide.md", "notes.txt"}),
        ("src/*.py", {"src/app.py", "src/util.py", "src/generated_api.py"}),
        ("!src/**", {"docs/guide.md", "notes.txt"}),
        # As in ripgrep, a glob that matches an ignored or hidden file selects it.
        ("*.log", {"debug.log"}),
    ],
)
async def test_glob_filter(repo: Path, glob: str, expected: set[str]) -> None:
    result = await _grep(repo, pattern="hello", glob=glob, **{"-i": True})
    assert set(result.text.splitlines()[1:]) == expected
    raw = _raw_rg(repo, "-i", "--files-with-matches", *_glob_flags(glob), "-e", "hello")
    assert set(raw) == expected


def _glob_flags(glob: str) -> list[str]:
    return [f"--glob={part}" for part in split_globs(glob)]


async def test_type_filter(repo: Path) -> None:
    python = await _grep(repo, pattern="hello", type="py", **{"-i": True})
    assert set(python.text.splitlines()[1:]) == {"src/app.py", "src/util.py"}
    markdown = await _grep(repo, pattern="hello", type="md", **{"-i": True})
    assert markdown.text.splitlines()[1:] == ["docs/guide.md"]


async def test_unknown_type_is_an_error_that_suggests_glob(repo: Path) -> None:
    result = await _grep(repo, pattern="hello", type="nosuchtype")
    assert result.is_error
    assert "unrecognized file type: nosuchtype" in result.text
    assert "glob" in result.text


async def test_multiline(repo: Path) -> None:
    pattern = r"def main\(\):\n\s+print"
    result = await _grep(repo, pattern=pattern, output_mode="content", multiline=True)
    assert result.text.splitlines() == [
        "src/app.py:2:def main():",
        "src/app.py:3:    print('Hello World')",
    ]
    dotall = await _grep(repo, pattern="import.*World", multiline=True)
    assert dotall.text.splitlines()[1:] == ["src/app.py"]
    single_line = await _grep(repo, pattern="import.*World")
    assert single_line.text == "No matches found"


async def test_head_limit_notes_what_was_left_out(repo: Path) -> None:
    total = len(_raw_rg(repo, "-n", "-e", "."))
    result = await _grep(repo, pattern=".", output_mode="content", head_limit=3)
    lines = result.text.splitlines()
    assert len(lines) == 4
    assert lines[:3] == sorted(_raw_rg(repo, "-n", "--sort=path", "-e", "."))[:3]
    assert f"{total - 3} more lines not shown (head_limit=3)" in lines[3]

    files = await _grep(repo, pattern="hello", head_limit=1, **{"-i": True})
    assert files.text.splitlines()[0] == "Found 4 files"
    assert "3 more files not shown (head_limit=1)" in files.text.splitlines()[-1]


async def test_output_is_capped_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text(
        "".join(f"needle line {i:05d} {'x' * 40}\n" for i in range(3000))
    )
    result = await _grep(tmp_path, pattern="needle", output_mode="content")
    lines = result.text.splitlines()
    shown = lines[:-1]
    assert len(result.text) <= MAX_OUTPUT_CHARS + 300
    assert all(line.startswith("big.txt:") for line in shown)
    assert (
        f"Output cut at {MAX_OUTPUT_CHARS:,} characters: {3000 - len(shown)} more lines"
        in (lines[-1])
    )


async def test_long_lines_are_cut(tmp_path: Path) -> None:
    (tmp_path / "min.js").write_text("var needle=" + "a" * 5000 + ";\n")
    result = await _grep(tmp_path, pattern="needle", output_mode="content")
    expected = "min.js:1:" + ("var needle=" + "a" * 5000)[:MAX_LINE_CHARS] + LINE_CUT_NOTE
    assert result.text == expected


async def test_invalid_regex_is_an_error_not_no_matches(repo: Path) -> None:
    result = await _grep(repo, pattern="foo(bar")
    assert result.is_error
    assert "regex parse error" in result.text
    assert "No matches" not in result.text


async def test_no_matches_says_so(repo: Path) -> None:
    for mode in ("files_with_matches", "content", "count"):
        result = await _grep(repo, pattern="zz_not_there_zz", output_mode=mode)
        assert not result.is_error
        assert result.text == "No matches found"


async def test_missing_path_is_an_error(repo: Path) -> None:
    result = await _grep(repo, pattern="hello", path="no/such/dir")
    assert result.is_error
    assert "does not exist" in result.text


async def test_pattern_starting_with_a_dash(repo: Path) -> None:
    (repo / "flags.txt").write_text("run with --verbose\n")
    result = await _grep(repo, pattern="--verbose", output_mode="content")
    assert result.text == "flags.txt:1:run with --verbose"


async def test_paths_relative_inside_cwd_absolute_outside(repo: Path) -> None:
    ctx = _ctx(repo / "docs")
    result = await _call(GrepTool(), ctx, pattern="hello", path="..", **{"-i": True})
    paths = set(result.text.splitlines()[1:])
    assert "guide.md" in paths
    assert str(repo / "src" / "app.py") in paths


async def test_a_single_file_is_searched_even_if_ignored(repo: Path) -> None:
    result = await _grep(repo, pattern="hello", path="build/out.py", output_mode="content")
    assert result.text == "build/out.py:1:hello build"


def _live_rg_children() -> list[int]:
    """Process ids of ``rg`` processes whose parent is this test process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        if name == "rg" and int(fields[1]) == os.getpid() and fields[0] != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see child processes")
async def test_cancellation_kills_ripgrep(tmp_path: Path) -> None:
    # ripgrep blocks on a FIFO nobody writes to, so the call is still running when cancelled.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    task = asyncio.create_task(_grep(tmp_path, pattern="x", path=str(fifo)))
    for _ in range(500):
        if _live_rg_children():
            break
        await asyncio.sleep(0.01)
    assert _live_rg_children(), "ripgrep did not start"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _live_rg_children() == []


async def test_timeout_stops_ripgrep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    monkeypatch.setattr(search_engine, "TIMEOUT_SECONDS", 0.2)
    result = await _grep(tmp_path, pattern="x", path=str(fifo))
    assert result.is_error
    assert "stopped after 0.2 s" in result.text
    assert _live_rg_children() == []


def test_split_globs() -> None:
    assert split_globs("*.py  *.md") == ["*.py", "*.md"]
    assert split_globs("*.{ts,tsx},*.js") == ["*.{ts,tsx}", "*.js"]
    assert split_globs("") == []


# The pure-Python fallback must see the same files and lines as ripgrep.

FALLBACK_CASES: list[dict[str, Any]] = [
    {"pattern": "hello", "-i": True},
    {"pattern": "hello"},
    {"pattern": "hello", "-i": True, "output_mode": "content"},
    {"pattern": "return|import", "output_mode": "content", "-C": 1},
    {"pattern": "o", "output_mode": "count"},
    {"pattern": "hello", "-i": True, "glob": "src/**/*.py"},
    {"pattern": "hello", "-i": True, "glob": "*.{md,txt}"},
    {"pattern": "hello", "-i": True, "glob": "!*.md"},
    {"pattern": "hello", "-i": True, "glob": "*.log"},
    {"pattern": "hello", "glob": "*.py"},
    {"pattern": "e", "type": "py"},
    {"pattern": r"def \w+\(", "output_mode": "content", "path": "src"},
    {"pattern": r"main\(\):\n\s+print", "multiline": True, "output_mode": "content"},
]


@pytest.mark.parametrize("raw", FALLBACK_CASES)
async def test_fallback_agrees_with_ripgrep(repo: Path, raw: dict[str, Any]) -> None:
    _write(repo, {"lib/deep/mod.py": "hello deep\n", "lib/.gitignore": "!keep.log\n"})
    _write(repo, {".top.py": "hello top\n", "lib/.ignore": "deep/skip_*\n"})
    _write(repo, {"lib/keep.log": "hello kept log\n", "lib/deep/skip.log": "hello\n"})
    _write(repo, {"lib/deep/skip_me.py": "hello\n"})
    with_rg = await _call(GrepTool(), _ctx(repo), **raw)
    fallback = await _call(GrepTool(use_rg=False), _ctx(repo), **raw)
    assert not with_rg.is_error
    assert with_rg.text != "No matches found"
    assert fallback.text == with_rg.text


async def test_fallback_reports_an_invalid_regex(repo: Path) -> None:
    result = await _call(GrepTool(use_rg=False), _ctx(repo), pattern="foo(bar")
    assert result.is_error
    assert "regex parse error" in result.text


# Glob


async def test_glob_newest_first(repo: Path) -> None:
    _write(repo, {"lib.py": ""})
    for stamp, name in [(1000, "src/app.py"), (3000, "src/util.py"), (2000, "lib.py")]:
        os.utime(repo / name, (stamp, stamp))
    result = await _call(GlobTool(), _ctx(repo), pattern="**/*.py")
    assert result.text.splitlines() == ["src/util.py", "lib.py", "src/app.py"]


@pytest.mark.parametrize("use_rg", [True, False])
async def test_glob_skips_ignored_and_hidden(repo: Path, use_rg: bool) -> None:
    tool = GlobTool(use_rg=use_rg)
    python = await _call(tool, _ctx(repo), pattern="**/*.py")
    assert set(python.text.splitlines()) == {"src/app.py", "src/util.py"}
    everything = await _call(tool, _ctx(repo), pattern="*")
    assert set(everything.text.splitlines()) == {
        "src/app.py",
        "src/util.py",
        "docs/guide.md",
        "notes.txt",
    }
    logs = await _call(tool, _ctx(repo), pattern="*.log")
    assert logs.text.startswith("No files found matching '*.log'")


async def test_glob_caps_at_the_limit_with_the_total(tmp_path: Path) -> None:
    _git_init(tmp_path)
    count = GLOB_LIMIT + 20
    for i in range(count):
        path = tmp_path / "many" / f"f{i:03d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text("")
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    result = await _call(GlobTool(), _ctx(tmp_path), pattern="many/*.txt")
    lines = result.text.splitlines()
    expected = [f"many/f{i:03d}.txt" for i in reversed(range(count))][:GLOB_LIMIT]
    assert lines[:-1] == expected
    assert f"{GLOB_LIMIT} most recently modified of {count} files" in lines[-1]


async def test_glob_relative_to_path_and_absolute_patterns(repo: Path) -> None:
    in_src = await _call(GlobTool(), _ctx(repo), pattern="*.py", path="src")
    assert set(in_src.text.splitlines()) == {"src/app.py", "src/util.py"}
    anchored = await _call(GlobTool(), _ctx(repo), pattern="docs/*.md")
    assert anchored.text == "docs/guide.md"
    absolute = await _call(GlobTool(), _ctx(repo), pattern=f"{repo}/src/*.py")
    assert set(absolute.text.splitlines()) == {"src/app.py", "src/util.py"}


async def test_glob_no_match_and_errors(repo: Path) -> None:
    none = await _call(GlobTool(), _ctx(repo), pattern="**/*.rs")
    assert not none.is_error
    assert none.text.startswith("No files found matching '**/*.rs'")
    bad = await _call(GlobTool(), _ctx(repo), pattern="src/[ab")
    assert bad.is_error
    assert "glob" in bad.text
    file_root = await _call(GlobTool(), _ctx(repo), pattern="*", path="notes.txt")
    assert file_root.is_error
    missing = await _call(GlobTool(), _ctx(repo), pattern="*", path="nowhere")
    assert missing.is_error


@pytest.mark.parametrize("pattern", ["**/*.py", "*.md", "src/*", "**/*.{py,md,log}", "*"])
async def test_glob_fallback_agrees_with_ripgrep(repo: Path, pattern: str) -> None:
    _write(repo, {"lib/.gitignore": "!keep.log\n", "lib/keep.log": "", "lib/a/b.py": ""})
    _write(repo, {".top.py": "", "lib/skip.log": ""})
    with_rg = await _call(GlobTool(), _ctx(repo), pattern=pattern)
    fallback = await _call(GlobTool(use_rg=False), _ctx(repo), pattern=pattern)
    assert not with_rg.text.startswith("No files")
    assert sorted(fallback.text.splitlines()) == sorted(with_rg.text.splitlines())


# Against plain ripgrep on a large real tree: the installed packages.

SITE = Path(sysconfig.get_paths()["purelib"])
INIT = r"def __init__\(self"
_CONTENT_LINE = re.compile(r"^(.*?\.py):(\d+):(.*)$", re.DOTALL)


def _as_the_tool_shows(line: str) -> str:
    path, number, text = _CONTENT_LINE.match(line).groups()  # type: ignore[union-attr]
    if len(text) > MAX_LINE_CHARS:
        text = text[:MAX_LINE_CHARS] + LINE_CUT_NOTE
    return f"{path}:{number}:{text}"


async def test_site_packages_content_matches_plain_ripgrep(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw = _raw_rg(SITE, "-n", "--glob", "*.py", "-e", INIT)
    assert len(raw) > 100
    expected = {_as_the_tool_shows(line) for line in raw}

    capped = await _call(GrepTool(), _ctx(SITE), pattern=INIT, glob="*.py", output_mode="content")
    shown = capped.text.splitlines()[:-1]
    assert set(shown) <= expected
    assert f"{len(raw) - len(shown)} more lines not shown" in capped.text.splitlines()[-1]

    monkeypatch.setattr(search, "MAX_OUTPUT_CHARS", 10**9)
    result = await _call(
        GrepTool(),
        _ctx(SITE),
        pattern=INIT,
        glob="*.py",
        output_mode="content",
        head_limit=10**9,
        **{"-n": True},
    )
    lines = result.text.splitlines()
    assert len(lines) == len(raw)
    assert set(lines) == expected


async def test_site_packages_files_and_counts_match_plain_ripgrep(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search, "MAX_OUTPUT_CHARS", 10**9)
    raw_files = set(_raw_rg(SITE, "--files-with-matches", "--glob", "*.py", "-e", INIT))
    assert len(raw_files) > 50
    files = await _call(GrepTool(), _ctx(SITE), pattern=INIT, glob="*.py")
    lines = files.text.splitlines()
    assert lines[0] == f"Found {len(raw_files)} files"
    assert set(lines[1:]) == raw_files

    raw_counts = set(_raw_rg(SITE, "--count", "--with-filename", "--glob", "*.py", "-e", INIT))
    counts = await _call(GrepTool(), _ctx(SITE), pattern=INIT, glob="*.py", output_mode="count")
    assert set(counts.text.split("\n\n")[0].splitlines()) == raw_counts
