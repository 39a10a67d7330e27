"""Running a search: ripgrep when it can be found, else the pure-Python walk.

ripgrep runs asynchronously inside the searched directory (so globs with a slash are
relative to it), with ``--null`` so paths parse unambiguously; it is killed on
cancellation, after ``TIMEOUT_SECONDS`` and when its output passes ``MAX_READ_BYTES``.
The fallback runs in a thread that stops when told to. Both give the same ``Found``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import sys
import sysconfig
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

from openclaude_tui.core.tools.search_fallback import (
    FallbackError,
    Line,
    Stopped,
    compile_pattern,
    glob_matcher,
    search_file,
    walk_files,
)

TIMEOUT_SECONDS = 60.0
# Past this much raw output the answer is useless to a model anyway; stop reading.
MAX_READ_BYTES = 64 * 1024 * 1024
_RG_NAME = "rg.exe" if os.name == "nt" else "rg"
_NUMBERED = re.compile(rb"(\d+)([:-])")

OutputMode = Literal["files_with_matches", "content", "count"]
_T = TypeVar("_T")


def find_rg() -> Path | None:
    """The ripgrep binary: the one installed beside this interpreter, else one on PATH."""
    beside = [Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))]
    for directory in beside:
        candidate = directory / _RG_NAME
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(_RG_NAME)
    return Path(found) if found else None


class SearchError(Exception):
    """The search cannot give results; the message is the error text the model reads."""


@dataclass
class FileHits:
    """What one file contributed: its match count and, in content mode, its lines."""

    path: str
    count: int = 0
    lines: list[Line] = field(default_factory=list)


@dataclass
class Found:
    """Everything a search turned up, before it is sorted and formatted."""

    hits: list[FileHits]
    notes: list[str] = field(default_factory=list)
    cut_short: bool = False


@dataclass(frozen=True)
class Query:
    """A content search, its arguments checked (context counts apply to content mode)."""

    pattern: str
    root: Path
    mode: OutputMode
    ignore_case: bool
    multiline: bool
    globs: list[str]
    file_type: str | None
    before: int
    after: int


@dataclass
class _Process:
    stdout: bytes
    stderr: str
    returncode: int
    cut_short: bool


async def _run(argv: list[str], cwd: Path) -> _Process:
    """Run ripgrep to completion, reading at most ``MAX_READ_BYTES`` of its output."""
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=cwd,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as error:
        raise SearchError(f"Could not start ripgrep ({argv[0]}): {error}") from None
    assert proc.stdout is not None and proc.stderr is not None

    async def read_stdout() -> tuple[bytes, bool]:
        assert proc.stdout is not None
        chunks: list[bytes] = []
        total = 0
        while chunk := await proc.stdout.read(1 << 16):
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_READ_BYTES:
                _kill(proc)
                return b"".join(chunks), True
        return b"".join(chunks), False

    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            (stdout, cut_short), stderr = await asyncio.gather(read_stdout(), proc.stderr.read())
            returncode = await proc.wait()
    except TimeoutError:
        raise SearchError(_timeout_message()) from None
    finally:
        if proc.returncode is None:
            _kill(proc)
            await proc.wait()
    return _Process(stdout, stderr.decode("utf-8", errors="replace"), returncode, cut_short)


def _kill(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        proc.kill()


def _timeout_message() -> str:
    return (
        f"The search was stopped after {TIMEOUT_SECONDS:g} s. Narrow it: search a "
        "subdirectory with path, or filter files with glob or type."
    )


async def _in_thread(work: Callable[[threading.Event], _T]) -> _T:
    """Run blocking walk code in a thread, telling it to stop on cancellation or timeout."""
    stop = threading.Event()
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            return await asyncio.to_thread(work, stop)
    except TimeoutError:
        raise SearchError(_timeout_message()) from None
    except FallbackError as error:
        raise SearchError(_error_text(str(error))) from None
    finally:
        stop.set()


def _error_text(message: str) -> str:
    """The tool's error for a search ripgrep (or the fallback) refused, with what to do."""
    message = "\n".join(line.removeprefix("rg: ") for line in message.strip().splitlines())
    if "regex parse error" in message:
        hint = (
            "Fix the regular expression: escape literal ( ) [ ] { } . * + ? | \\ with a "
            "backslash (e.g. 'interface\\{\\}' to find 'interface{}')."
        )
    elif "unrecognized file type" in message:
        hint = "Use a standard type (py, js, ts, rust, go, java, c, cpp, md …) or a glob instead."
    elif "glob" in message:
        hint = "Fix the glob pattern (e.g. '*.py', 'src/**/*.{ts,tsx}')."
    else:
        hint = "Check the arguments and try again."
    return f"Search failed: {message or 'ripgrep stopped without a message'}\n{hint}"


def _stderr_notes(stderr: str) -> list[str]:
    lines = [line.removeprefix("rg: ") for line in stderr.splitlines() if line.strip()]
    if not lines:
        return []
    shown = "; ".join(lines[:3]) + (f" (and {len(lines) - 3} more)" if len(lines) > 3 else "")
    return [f"[Some paths could not be searched: {shown}]"]


def _rooted(query_root: Path) -> tuple[Path, str]:
    """Where ripgrep runs and the path it is given.

    Running inside the searched directory makes globs with a slash relative to it, the way
    the model means them (ripgrep matches globs relative to its working directory).
    """
    if query_root.is_dir():
        return query_root, "."
    return query_root.parent, str(query_root)


def _absolute(raw: bytes, run_dir: Path) -> str:
    return os.path.normpath(os.path.join(run_dir, os.fsdecode(raw)))


def _complete_records(data: bytes, separator: bytes, cut_short: bool) -> list[bytes]:
    records = data.split(separator)
    # The last record is empty after a final separator, or partial if reading stopped early.
    records.pop()
    return records if not cut_short or not records else records[:-1]


async def _rg_grep(rg: Path, query: Query) -> Found:
    argv = [str(rg), "--no-config", "--color=never", "--null", "--with-filename"]
    if query.mode == "files_with_matches":
        argv.append("--files-with-matches")
    elif query.mode == "count":
        argv.append("--count")
    else:
        # Numbers are always asked for: they tell match lines (":") from context ("-").
        argv += ["--line-number", "--no-heading"]
        argv += [f"--after-context={query.after}", f"--before-context={query.before}"]
    if query.ignore_case:
        argv.append("--ignore-case")
    if query.multiline:
        argv += ["--multiline", "--multiline-dotall"]
    argv += [f"--glob={glob}" for glob in query.globs]
    if query.file_type:
        argv.append(f"--type={query.file_type}")
    run_dir, target = _rooted(query.root)
    argv += ["--regexp", query.pattern, "--", target]
    proc = await _run(argv, run_dir)
    if query.mode == "files_with_matches":
        records = _complete_records(proc.stdout, b"\0", proc.cut_short)
        hits = [FileHits(_absolute(r, run_dir), 1) for r in records]
        notes: list[str] = []
    else:
        hits, notes = _parse_lines(proc.stdout, run_dir, query.mode, proc.cut_short)
    if proc.returncode == 2 and not hits:
        raise SearchError(_error_text(proc.stderr))
    notes += _stderr_notes(proc.stderr)
    return Found(hits, notes, proc.cut_short)


def _parse_lines(
    data: bytes, run_dir: Path, mode: OutputMode, cut_short: bool
) -> tuple[list[FileHits], list[str]]:
    """Parse ``path NUL count`` or ``path NUL number [:-] text`` lines, grouped by file."""
    by_path: dict[bytes, FileHits] = {}
    notes: list[str] = []
    for record in _complete_records(data, b"\n", cut_short):
        raw_path, nul, rest = record.partition(b"\0")
        if not nul:
            # Context group separators ("--") carry nothing; anything else is a message
            # such as "binary file matches".
            if record != b"--":
                notes.append(f"[{record.decode('utf-8', errors='replace')}]")
            continue
        hits = by_path.get(raw_path)
        if hits is None:
            hits = by_path[raw_path] = FileHits(_absolute(raw_path, run_dir))
        if mode == "count":
            hits.count = int(rest)
            continue
        numbered = _NUMBERED.match(rest)
        if numbered is None:
            continue
        is_match = numbered.group(2) == b":"
        text = rest[numbered.end() :].decode("utf-8", errors="replace")
        hits.lines.append(Line(int(numbered.group(1)), is_match, text))
        hits.count += is_match
    return list(by_path.values()), notes


def _python_grep(query: Query, stop: threading.Event) -> Found:
    regex = compile_pattern(query.pattern, query.ignore_case, query.multiline)
    content = query.mode == "content"
    before, after = (query.before, query.after) if content else (0, 0)
    hits: list[FileHits] = []
    for path in walk_files(query.root, query.globs, query.file_type, stop):
        if stop.is_set():
            raise Stopped
        count, lines = search_file(path, regex, query.multiline, before, after)
        if count:
            hits.append(FileHits(str(path), count, lines if content else []))
    return Found(hits)


def newest_first(paths: list[str]) -> list[str]:
    """The paths sorted by modification time, newest first (ties by path)."""

    def mtime(path: str) -> int:
        try:
            return os.stat(path).st_mtime_ns
        except OSError:
            return 0

    stamped = [(mtime(path), path) for path in paths]
    stamped.sort(key=lambda item: (-item[0], item[1]))
    return [path for _, path in stamped]


async def _rg_files(rg: Path, root: Path, pattern: str) -> list[str]:
    # A file that matches --glob is listed even when gitignored (ripgrep lets globs override
    # ignore rules), so keep only the matches that a plain listing also has.
    argv = [str(rg), "--no-config", "--files", "--null"]
    globbed = await _run([*argv, f"--glob={pattern}", "--", "."], root)
    matches = _complete_records(globbed.stdout, b"\0", globbed.cut_short)
    if globbed.returncode == 2 and not matches:
        raise SearchError(_error_text(globbed.stderr))
    if not matches:
        return []
    listed = await _run([*argv, "--", "."], root)
    kept = set(_complete_records(listed.stdout, b"\0", listed.cut_short))
    return [_absolute(record, root) for record in matches if record in kept]


def _python_files(root: Path, pattern: str, stop: threading.Event) -> list[str]:
    matches = glob_matcher(root, pattern)
    return [str(path) for path in walk_files(root, [], None, stop) if matches(path)]


async def grep(query: Query, rg: Path | None) -> Found:
    """Search file contents with ripgrep at ``rg``, or with the Python fallback when None.

    Raises:
        SearchError: the search cannot run (bad regex, glob or type, timeout); the message
            is written for the model.
    """
    if rg is not None:
        return await _rg_grep(rg, query)
    return await _in_thread(lambda stop: _python_grep(query, stop))


async def list_files(root: Path, pattern: str, rg: Path | None) -> list[str]:
    """Absolute paths of the files under directory ``root`` that match the glob ``pattern``.

    Unlike Grep's ``glob`` (a ripgrep override, which can select ignored or hidden files),
    a pattern here only picks among the files a plain search would see.

    Raises:
        SearchError: a malformed glob or a timeout; the message is written for the model.
    """
    if rg is not None:
        return await _rg_files(rg, root, pattern)
    return await _in_thread(lambda stop: _python_files(root, pattern, stop))
