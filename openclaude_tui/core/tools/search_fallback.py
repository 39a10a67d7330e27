"""A pure-Python file walk and regex search, used when no ripgrep binary can be found.

It follows ripgrep's defaults closely enough that a model's searches find the same files:
hidden entries and symbolic links are skipped; ``.gitignore`` files (the repository's own,
nested ones, and ``.git/info/exclude``) are honoured inside a git work tree, ``.ignore`` and
``.rgignore`` everywhere; ``glob`` filters use gitignore syntax relative to the search root
and, as in ripgrep, a file a glob matches is searched even if ignored or hidden; ``type``
names map to ripgrep's file extensions. A path given explicitly is always searched.
The regex dialect is Python's, which agrees with ripgrep's on everyday patterns.
"""

from __future__ import annotations

import bisect
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# The part of `rg --type-list` that models ask for.
TYPE_GLOBS: dict[str, tuple[str, ...]] = {
    "c": ("*.[chH]",),
    "cpp": ("*.[ChH]", "*.[ch]pp", "*.[ch]xx", "*.cc", "*.hh", "*.inl"),
    "csharp": ("*.cs",),
    "css": ("*.css", "*.scss"),
    "dart": ("*.dart",),
    "go": ("*.go",),
    "html": ("*.ejs", "*.htm", "*.html"),
    "java": ("*.java", "*.jsp", "*.jspx", "*.properties"),
    "js": ("*.cjs", "*.js", "*.jsx", "*.mjs", "*.vue"),
    "json": ("*.json", "*.sarif", "composer.lock"),
    "jsonl": ("*.jsonl",),
    "kotlin": ("*.kt", "*.kts"),
    "lua": ("*.lua",),
    "md": ("*.markdown", "*.md", "*.mdown", "*.mdwn", "*.mdx", "*.mkd", "*.mkdn"),
    "markdown": ("*.markdown", "*.md", "*.mdown", "*.mdwn", "*.mdx", "*.mkd", "*.mkdn"),
    "php": ("*.php", "*.phtml"),
    "py": ("*.py", "*.pyi"),
    "ruby": ("*.gemspec", "*.rb", "*.rbw", "Gemfile", "Rakefile", "config.ru"),
    "rust": ("*.rs",),
    "scala": ("*.sbt", "*.scala"),
    "sh": ("*.bash", "*.csh", "*.ksh", "*.sh", "*.tcsh", "*.zsh"),
    "sql": ("*.psql", "*.sql"),
    "swift": ("*.swift",),
    "toml": ("*.toml", "Cargo.lock"),
    "ts": ("*.cts", "*.mts", "*.ts", "*.tsx"),
    "txt": ("*.txt",),
    "xml": ("*.xml", "*.xsd", "*.xsl", "*.xslt", "*.xhtml"),
    "yaml": ("*.yaml", "*.yml"),
}


class FallbackError(Exception):
    """The search cannot run as asked (bad regex, glob or type); the message says why."""


class Stopped(Exception):
    """The walk was told to stop (the call was cancelled or ran out of time)."""


@dataclass(frozen=True)
class Line:
    """One output line of a content search: a matching line or a context line."""

    number: int
    is_match: bool
    text: str


def glob_regex(glob: str) -> re.Pattern[str]:
    """Compile a gitignore-style glob (``*``, ``**``, ``?``, ``[…]``, ``{a,b}``) to a regex.

    Raises:
        FallbackError: the glob is malformed (an unclosed class or brace group).
    """
    out: list[str] = []
    depth = 0
    i, n = 0, len(glob)
    while i < n:
        char = glob[i]
        if glob.startswith("**", i):
            at_component_start = i == 0 or glob[i - 1] == "/"
            if at_component_start and glob.startswith("/", i + 2):
                # "**/" stands for zero or more whole directories.
                out.append("(?:.*/)?")
                i += 3
            else:
                out.append(".*")
                i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            i = _char_class(glob, i, out)
            continue
        elif char == "{":
            depth += 1
            out.append("(?:")
        elif char == "}" and depth:
            depth -= 1
            out.append(")")
        elif char == "," and depth:
            out.append("|")
        elif char == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(char))
        i += 1
    if depth:
        raise FallbackError(f"error parsing glob '{glob}': unclosed alternate group")
    return re.compile("".join(out))


def _char_class(glob: str, start: int, out: list[str]) -> int:
    """Translate the ``[…]`` class at ``start``; returns the index just past it."""
    i = start + 1
    negate = glob[i : i + 1] in ("!", "^")
    if negate:
        i += 1
    # A "]" right after the opening bracket is a literal member, not the end.
    end = glob.find("]", i + 1 if glob[i : i + 1] == "]" else i)
    if end < 0:
        raise FallbackError(f"error parsing glob '{glob}': unclosed character class")
    body = glob[i:end].replace("\\", "\\\\").replace("[", "\\[")
    if body.startswith("^"):
        body = "\\" + body
    out.append(f"[{'^' if negate else ''}{body}]")
    return end + 1


@dataclass(frozen=True)
class _Rule:
    """One line of an ignore file, or one ``glob`` filter."""

    base: str
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool
    anchored: bool

    def matches(self, path: str, name: str, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        if not self.anchored:
            return self.regex.fullmatch(name) is not None
        if not path.startswith(self.base):
            return False
        return self.regex.fullmatch(path[len(self.base) :]) is not None


def _rule(base: str, pattern: str) -> _Rule | None:
    """Parse one gitignore line relative to directory ``base`` (ending in "/")."""
    negate = pattern.startswith("!")
    if negate:
        pattern = pattern[1:]
    dir_only = pattern.endswith("/")
    pattern = pattern.rstrip("/")
    if not pattern:
        return None
    # A slash anywhere but the end ties the pattern to the ignore file's directory.
    anchored = "/" in pattern
    return _Rule(base, glob_regex(pattern.lstrip("/")), negate, dir_only, anchored)


def _read_ignore_file(path: Path, base: str) -> list[_Rule]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    rules: list[_Rule] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        try:
            rule = _rule(base, line)
        except FallbackError:
            continue  # git skips a malformed line; so do we
        if rule is not None:
            rules.append(rule)
    return rules


def _first_decider(rules: list[_Rule], path: str, name: str, is_dir: bool) -> _Rule | None:
    # Later lines and deeper ignore files take precedence, so look from the end.
    for rule in reversed(rules):
        if rule.matches(path, name, is_dir):
            return rule
    return None


class _Filter:
    """Include/exclude globs the way ripgrep's ``--glob`` (or ``--type``) applies them."""

    def __init__(self, globs: list[str] | tuple[str, ...], base: str) -> None:
        self._rules = [r for g in globs if (r := _rule(base, g)) is not None]
        self._has_include = any(not r.negate for r in self._rules)

    def verdict(self, path: str, name: str, is_dir: bool) -> bool | None:
        """True to take the entry whatever else says, False to skip it, None: no opinion."""
        rule = _first_decider(self._rules, path, name, is_dir)
        if rule is not None:
            return not rule.negate
        # Include globs select files; directories are still entered to look inside.
        return None if is_dir or not self._has_include else False


def _included(
    path: str,
    name: str,
    is_dir: bool,
    rules: list[_Rule],
    glob_filter: _Filter,
    type_filter: _Filter | None,
) -> bool:
    """ripgrep's order: a matching glob decides outright (even for ignored or hidden files),
    then ignore files, then the type; hidden entries go unless something whitelisted them."""
    verdict = glob_filter.verdict(path, name, is_dir)
    if verdict is not None:
        return verdict
    whitelisted = False
    rule = _first_decider(rules, path, name, is_dir)
    if rule is not None:
        if not rule.negate:
            return False
        whitelisted = True
    if type_filter is not None and not is_dir:
        if not type_filter.verdict(path, name, is_dir):
            return False
        whitelisted = True
    return whitelisted or not name.startswith(".")


def _git_root(directory: Path) -> Path | None:
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _ignore_names(in_git: bool) -> tuple[str, ...]:
    return (".gitignore", ".ignore", ".rgignore") if in_git else (".ignore", ".rgignore")


def _dir_key(path: Path) -> str:
    return path.as_posix().rstrip("/") + "/"


def _inherited_rules(root: Path, names: tuple[str, ...], git_root: Path | None) -> list[_Rule]:
    """Ignore rules from the directories above the search root (up to the repository)."""
    rules: list[_Rule] = []
    if git_root is not None:
        exclude = git_root / ".git" / "info" / "exclude"
        rules += _read_ignore_file(exclude, _dir_key(git_root))
        ancestors = [p for p in root.parents if p == git_root or git_root in p.parents]
    else:
        ancestors = []
    for directory in reversed(ancestors):
        for name in names:
            rules += _read_ignore_file(directory / name, _dir_key(directory))
    return rules


def walk_files(
    root: Path,
    globs: list[str],
    file_type: str | None,
    stop: threading.Event,
) -> Iterator[Path]:
    """Yield the files ripgrep would search under ``root``, in path order.

    Raises:
        FallbackError: an unknown ``file_type`` or a malformed glob.
        Stopped: ``stop`` was set.
    """
    type_filter: _Filter | None = None
    if file_type is not None:
        if file_type not in TYPE_GLOBS:
            known = ", ".join(sorted(TYPE_GLOBS))
            raise FallbackError(f"unrecognized file type: {file_type} (known: {known})")
        type_filter = _Filter(TYPE_GLOBS[file_type], "/")
    if root.is_file():
        yield root
        return
    glob_filter = _Filter(globs, _dir_key(root))
    git_root = _git_root(root)
    names = _ignore_names(git_root is not None)
    stack: list[tuple[Path, list[_Rule]]] = [(root, _inherited_rules(root, names, git_root))]
    while stack:
        if stop.is_set():
            raise Stopped
        directory, rules = stack.pop()
        base = _dir_key(directory)
        for name in names:
            rules = rules + _read_ignore_file(directory / name, base)
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            continue
        subdirs: list[Path] = []
        for entry in entries:
            if entry.is_symlink():
                continue
            is_dir = entry.is_dir(follow_symlinks=False)
            if not _included(
                base + entry.name, entry.name, is_dir, rules, glob_filter, type_filter
            ):
                continue
            if is_dir:
                subdirs.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False):
                # Only regular files: a FIFO or a device would block the read or never end.
                yield Path(entry.path)
        stack.extend((subdir, rules) for subdir in reversed(subdirs))


def glob_matcher(root: Path, glob: str) -> Callable[[Path], bool]:
    """A test of whether a file under ``root`` matches ``glob`` as ripgrep's ``--glob`` would.

    Raises:
        FallbackError: the glob is malformed.
    """
    rule = _rule(_dir_key(root), glob)
    if rule is None:
        return lambda path: False
    return lambda path: rule.matches(path.as_posix(), path.name, False) != rule.negate


def compile_pattern(pattern: str, ignore_case: bool, multiline: bool) -> re.Pattern[str]:
    """Compile a search regex with ripgrep's line-anchored ``^``/``$``.

    Raises:
        FallbackError: the regex does not parse.
    """
    flags = re.MULTILINE | (re.IGNORECASE if ignore_case else 0)
    if multiline:
        flags |= re.DOTALL
    try:
        return re.compile(pattern, flags)
    except re.error as error:
        raise FallbackError(f"regex parse error: {error}") from None


def search_file(
    path: Path, regex: re.Pattern[str], multiline: bool, before: int, after: int
) -> tuple[int, list[Line]]:
    """Search one file: the number of matches ripgrep's ``--count`` reports, and the lines.

    Binary files (a NUL byte) and unreadable files count as no match.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return 0, []
    if b"\0" in data:
        return 0, []
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    matched: set[int] = set()
    count = 0
    if multiline:
        starts = [0]
        for line in lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        for match in regex.finditer(text):
            first = bisect.bisect_right(starts, match.start()) - 1
            last = bisect.bisect_right(starts, max(match.end() - 1, match.start())) - 1
            if first not in matched:
                count += 1
            matched.update(range(first, min(last, len(lines) - 1) + 1))
    else:
        matched = {index for index, line in enumerate(lines) if regex.search(line)}
        count = len(matched)
    shown = set(matched)
    for index in matched:
        shown.update(range(max(0, index - before), min(len(lines), index + after + 1)))
    return count, [Line(i + 1, i in matched, lines[i]) for i in sorted(shown)]
