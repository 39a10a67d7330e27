"""Unified diffs: make them from two texts, read them into a model, apply chosen hunks.

``unified_diff`` writes a git-style diff of two texts (what ``git apply`` and ``patch``
accept). ``parse_diff`` reads any unified diff, git's extended headers included (renames,
copies, modes, binary files), into ``FileDiff`` → ``Hunk`` → ``Line``; ``diff_texts`` does
both at once (``diff_apply.apply_hunks`` applies only some hunks of a file's diff);
``FileDiff.patch`` writes a patch of some hunks for ``git apply``. A large text is diffed
only where it changed (``diff_window``); a change too large to show line by line gives a
``FileDiff`` with a ``note`` instead of hunks.

Lines are split on ``\\n`` only, and a line's text keeps a ``\\r`` before its newline, so
CRLF files and stray carriage returns survive a round trip byte for byte.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple

from unidiff import PatchSet
from unidiff.errors import UnidiffParseError

from openclaude_tui.core.changes.file_change import FileChange
from openclaude_tui.core.changes.window import DiffTooLarge, changed_region, check_size

DEFAULT_CONTEXT = 3
_NO_NEWLINE = "\\ No newline at end of file\n"
_HUNK_HEADER = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
# Only "\n" ends a line for diff tools; str.splitlines would also split on "\r", "\f", …
LINE_PATTERN = re.compile(r"[^\n]*\n|[^\n]+")
# The start line numbers of a hunk header (after "-" and "+").
_HUNK_NUMBERS = re.compile(r"(?<=[-+])\d+")
# Texts larger than this (both sides) are diffed only where they changed.
WINDOW_FROM = 200_000

FileStatus = Literal["modified", "new", "deleted", "renamed", "copied"]
LineKind = Literal["context", "added", "removed"]

STATUS_LETTERS: dict[FileStatus, str] = {
    "modified": "M",
    "new": "A",
    "deleted": "D",
    "renamed": "R",
    "copied": "C",
}
_SIGNS: dict[str, str] = {"context": " ", "added": "+", "removed": "-"}
_KINDS: dict[str, LineKind] = {" ": "context", "": "context", "+": "added", "-": "removed"}


class DiffParseError(ValueError):
    """The text is not a unified diff that can be read."""


class HunkMismatchError(ValueError):
    """A hunk's lines are not in the text it should apply to.

    Attributes:
        hunk: The index of the hunk in its file's diff.
    """

    def __init__(self, hunk: int, message: str) -> None:
        super().__init__(message)
        self.hunk = hunk


class Line(NamedTuple):
    """One line of a hunk (a tuple: a diff of 10,000 lines makes 10,000 of them quickly).

    Attributes:
        kind: ``context``, ``added`` or ``removed``.
        text: The line without its ``\\n`` (a ``\\r`` before it stays).
        old_no: Its 1-based number in the old file (None for an added line).
        new_no: Its 1-based number in the new file (None for a removed line).
        no_newline: The line ends its file without a newline.
    """

    kind: LineKind
    text: str
    old_no: int | None
    new_no: int | None
    no_newline: bool = False

    @property
    def content(self) -> str:
        """The line as it is in the file, with its newline if it has one."""
        return self.text if self.no_newline else self.text + "\n"


@dataclass(frozen=True, slots=True)
class Hunk:
    """A block of changes with its surrounding context.

    Attributes:
        old_start: First old line (for an insertion with no old lines, the line after which
            the new lines go; 0 at the top of the file).
        old_count: Old lines covered (context and removed).
        new_start: First new line, read the same way as ``old_start``.
        new_count: New lines covered (context and added).
        section: The function context git writes after the second ``@@``.
        lines: The hunk's lines.
    """

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    section: str
    lines: tuple[Line, ...]

    @property
    def header(self) -> str:
        """The ``@@ -a,b +c,d @@ section`` line."""
        head = f"@@ -{self.old_start},{self.old_count} +{self.new_start},{self.new_count} @@"
        return f"{head} {self.section}" if self.section else head

    @property
    def added(self) -> int:
        """Number of added lines."""
        return sum(line.kind == "added" for line in self.lines)

    @property
    def removed(self) -> int:
        """Number of removed lines."""
        return sum(line.kind == "removed" for line in self.lines)

    def text(self, header: str | None = None) -> str:
        """The hunk as unified diff text, ``\\ No newline`` markers included."""
        parts = [(header or self.header) + "\n"]
        for line in self.lines:
            parts.append(_SIGNS[line.kind] + line.text + "\n")
            if line.no_newline:
                parts.append(_NO_NEWLINE)
        return "".join(parts)

    def reversed(self) -> Hunk:
        """The hunk that undoes this one."""
        flip: dict[LineKind, LineKind] = {
            "added": "removed",
            "removed": "added",
            "context": "context",
        }
        lines = tuple(
            Line(flip[line.kind], line.text, line.new_no, line.old_no, line.no_newline)
            for line in self.lines
        )
        return Hunk(
            self.new_start, self.new_count, self.old_start, self.old_count, self.section, lines
        )


@dataclass(frozen=True)
class FileDiff:
    """The changes to one file.

    Attributes:
        old_path: The path before (None for a new file), without git's ``a/`` prefix.
        new_path: The path after (None for a deleted file), without ``b/``.
        status: ``modified``, ``new``, ``deleted``, ``renamed`` or ``copied``.
        hunks: The text changes.
        old_mode: Git's file mode before (``100644``…), when the diff says.
        new_mode: Git's file mode after, when the diff says.
        binary: The file is binary; there are no hunks to show.
        similarity: For a rename or copy, how similar the files are, in percent.
        note: Why there are no hunks although the file changed ("too large to diff…").
    """

    old_path: str | None
    new_path: str | None
    status: FileStatus = "modified"
    hunks: tuple[Hunk, ...] = ()
    old_mode: str | None = None
    new_mode: str | None = None
    binary: bool = False
    similarity: int | None = None
    note: str = ""

    @property
    def path(self) -> str:
        """The file's current path (its old one when it was deleted)."""
        return self.new_path or self.old_path or ""

    @property
    def status_letter(self) -> str:
        """Git's one-letter status: M, A, D, R or C."""
        return STATUS_LETTERS[self.status]

    @property
    def mode_changed(self) -> bool:
        """Whether an existing file's mode changed (e.g. it became executable)."""
        return (
            self.status in ("modified", "renamed", "copied")
            and self.old_mode is not None
            and self.new_mode is not None
            and self.old_mode != self.new_mode
        )

    @property
    def added(self) -> int:
        """Added lines in all hunks."""
        return sum(hunk.added for hunk in self.hunks)

    @property
    def removed(self) -> int:
        """Removed lines in all hunks."""
        return sum(hunk.removed for hunk in self.hunks)

    def patch(self, selected: Iterable[int] | None = None) -> str:
        """A git patch of this file with only the ``selected`` hunks (all when None).

        Later hunks' new line numbers are recomputed for the hunks left out, so
        ``git apply`` (``--cached`` to stage) takes the patch as it is.
        """
        chosen = set(range(len(self.hunks))) if selected is None else set(selected)
        old = _quote_path(f"a/{self.old_path or self.new_path}")
        new = _quote_path(f"b/{self.new_path or self.old_path}")
        out = [f"diff --git {old} {new}\n"]
        if self.status == "new":
            out.append(f"new file mode {self.new_mode or '100644'}\n")
        elif self.status == "deleted":
            out.append(f"deleted file mode {self.old_mode or '100644'}\n")
        elif self.mode_changed:
            out.append(f"old mode {self.old_mode}\nnew mode {self.new_mode}\n")
        if self.status in ("renamed", "copied"):
            verb = "rename" if self.status == "renamed" else "copy"
            out.append(f"{verb} from {_quote_path(self.old_path or '')}\n")
            out.append(f"{verb} to {_quote_path(self.new_path or '')}\n")
        hunks = [hunk for index, hunk in enumerate(self.hunks) if index in chosen]
        if hunks:
            out.append(f"--- {'/dev/null' if self.status == 'new' else old}\n")
            out.append(f"+++ {'/dev/null' if self.status == 'deleted' else new}\n")
        shift = 0
        for hunk in hunks:
            start = hunk.old_start + shift
            start += 1 if hunk.old_count == 0 else 0
            start -= 1 if hunk.new_count == 0 else 0
            counts = f"-{hunk.old_start},{hunk.old_count} +{start},{hunk.new_count}"
            header = f"@@ {counts} @@" + (f" {hunk.section}" if hunk.section else "")
            out.append(hunk.text(header))
            shift += hunk.new_count - hunk.old_count
        return "".join(out)


def _quote_path(path: str) -> str:
    """A path as git writes it in headers: C-quoted when it holds awkward characters."""
    if not any(char in path for char in '"\\\t\n') and path.isprintable():
        return path
    escapes = {'"': '\\"', "\\": "\\\\", "\t": "\\t", "\n": "\\n"}
    body = "".join(
        escapes.get(char, char) if char.isprintable() or char in escapes else f"\\{ord(char):03o}"
        for char in path
    )
    return f'"{body}"'


def _unquote_path(path: str) -> str:
    """Undo git's C-quoting of a path (octal escapes are UTF-8 bytes)."""
    if not (len(path) >= 2 and path[0] == path[-1] == '"'):
        return path
    raw = bytearray()
    simple = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, '"': 34, "\\": 92}
    body = path[1:-1]
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            following = body[index + 1]
            if following in simple:
                raw.append(simple[following])
                index += 2
                continue
            if re.fullmatch(r"[0-7]{3}", body[index + 1 : index + 4]):
                raw.append(int(body[index + 1 : index + 4], 8))
                index += 4
                continue
        raw.extend(char.encode("utf-8", "surrogateescape"))
        index += 1
    return raw.decode("utf-8", "surrogateescape")


def unified_diff(before: str | None, after: str, path: str, context: int = DEFAULT_CONTEXT) -> str:
    """A git-style unified diff turning ``before`` into ``after``.

    Args:
        before: The old text, or None when the file is new (the diff then starts
            from ``/dev/null``).
        after: The new text.
        path: The file's path as the headers should name it. A relative path gets git's
            ``a/`` and ``b/`` prefixes; an absolute one is written as it is.
        context: Unchanged lines shown around each change.

    Returns:
        The diff, ending in a newline, or "" when the texts are equal. A side that does
        not end in a newline is marked with ``\\ No newline at end of file``.

    Raises:
        DiffTooLarge: The changed part is too large to diff line by line.
    """
    if before == after:
        return ""
    check_size(before, after)
    relative = not path.startswith("/")
    old_name = "/dev/null" if before is None else (f"a/{path}" if relative else path)
    new_name = f"b/{path}" if relative else path
    shift = 0
    if before is not None and len(before) + len(after) > WINDOW_FROM:
        # Only the changed region is diffed; its hunks are moved to their lines in the file.
        region = changed_region(before, after, context)
        before, after, shift = region.before, region.after, region.line
    lines = difflib.unified_diff(
        LINE_PATTERN.findall(before or ""),
        LINE_PATTERN.findall(after),
        fromfile=old_name,
        tofile=new_name,
        n=context,
        lineterm="\n",
    )
    out: list[str] = []
    for line in lines:
        if shift and line.startswith("@@"):
            line = _HUNK_NUMBERS.sub(lambda m: str(int(m[0]) + shift), line, count=2)
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n" + _NO_NEWLINE)
    return "".join(out)


def count_changes(diff: str) -> tuple[int, int]:
    """Count the added and removed lines of a unified diff.

    Hunk headers are followed to their stated lengths, so a removed line that itself
    starts with ``--`` is not mistaken for a file header.

    Returns:
        ``(added, removed)``.
    """
    added = removed = 0
    old_left = new_left = 0
    for line in diff.split("\n"):
        if old_left > 0 or new_left > 0:
            tag = line[:1]
            if tag == "+":
                added += 1
                new_left -= 1
            elif tag == "-":
                removed += 1
                old_left -= 1
            elif tag != "\\":
                # Some tools strip the space from empty context lines.
                old_left -= 1
                new_left -= 1
            continue
        match = _HUNK_HEADER.match(line)
        if match:
            old_left = int(match[1] or 1)
            new_left = int(match[2] or 1)
    return added, removed


def parse_diff(text: str) -> list[FileDiff]:
    """Read a unified diff (plain, or git's with its extended headers) into file diffs.

    Raises:
        DiffParseError: The text is not a diff that can be read.
    """
    try:
        patch = PatchSet(text)
    except UnidiffParseError as error:
        raise DiffParseError(f"not a readable unified diff: {error}") from None
    return [_file_diff(patched) for patched in patch]


def diff_texts(
    before: str | None, after: str | None, path: str, context: int = DEFAULT_CONTEXT
) -> FileDiff:
    """The diff turning ``before`` into ``after`` (None: the file does not exist on that side)."""
    if before is None and after is None:
        raise ValueError("a file diff needs at least one side")
    try:
        text = unified_diff(before, after or "", path, context)
    except DiffTooLarge as error:
        status: FileStatus = "new" if before is None else "modified"
        return FileDiff(path, path, status, note=str(error))
    parsed = parse_diff(text)
    if not parsed:
        return FileDiff(path, path)
    found = parsed[0]
    if after is None:
        return dataclasses.replace(found, status="deleted", new_path=None)
    return found


def diff_change(change: FileChange, root: Path | None = None) -> FileDiff:
    """The diff of a file tool's change, named relative to ``root`` when inside it.

    Its hunks are the ones a permission decision's ``hunks`` count.
    """
    return diff_texts(change.before, change.after, _change_path(change, root))


def change_diff_text(change: FileChange, root: Path | None = None) -> str:
    """A file tool's change as unified diff text for showing: named relative to ``root``
    when inside it, with CRLF line ends shown as plain ones."""
    before = None if change.before is None else change.before.replace("\r\n", "\n")
    after = (change.after or "").replace("\r\n", "\n")
    try:
        return unified_diff(before, after, _change_path(change, root))
    except DiffTooLarge:
        return ""  # ``too_large_note`` says so where the change is described


def _change_path(change: FileChange, root: Path | None) -> str:
    path = change.path
    if root is not None and path.is_relative_to(root):
        path = path.relative_to(root)
    return path.as_posix()


_EXTENDED = re.compile(
    r"^(?P<key>old mode|new mode|new file mode|deleted file mode|similarity index"
    r"|rename from|rename to|copy from|copy to) (?P<value>.*?)%?\r?\n?$"
)


def _file_diff(patched: object) -> FileDiff:
    """Our model of one of unidiff's patched files."""
    headers: dict[str, str] = {}
    for raw in getattr(patched, "patch_info", None) or ():
        match = _EXTENDED.match(raw)
        if match:
            headers[match["key"]] = match["value"]
    old_path = _side_path(getattr(patched, "source_file", None), "a/")
    new_path = _side_path(getattr(patched, "target_file", None), "b/")
    status: FileStatus = "modified"
    if "new file mode" in headers:
        status, old_path = "new", None
    elif "deleted file mode" in headers:
        status, new_path = "deleted", None
    elif "copy from" in headers:
        status = "copied"
        old_path = _unquote_path(headers["copy from"])
        new_path = _unquote_path(headers.get("copy to", new_path or ""))
    elif "rename from" in headers:
        status = "renamed"
        old_path = _unquote_path(headers["rename from"])
        new_path = _unquote_path(headers.get("rename to", new_path or ""))
    elif old_path is None:
        status = "new"
    elif new_path is None:
        status = "deleted"
    elif old_path != new_path:
        status = "renamed"
    similarity = headers.get("similarity index")
    return FileDiff(
        old_path=old_path,
        new_path=new_path,
        status=status,
        hunks=tuple(_hunk(hunk) for hunk in patched),  # type: ignore[attr-defined]
        old_mode=headers.get("old mode") or headers.get("deleted file mode"),
        new_mode=headers.get("new mode") or headers.get("new file mode"),
        binary=bool(getattr(patched, "is_binary_file", False)),
        similarity=int(similarity) if similarity and similarity.isdigit() else None,
    )


def _side_path(name: str | None, prefix: str) -> str | None:
    if not name or name == "/dev/null":
        return None
    name = _unquote_path(name)
    return name[len(prefix) :] if name.startswith(prefix) else name


def _hunk(source: object) -> Hunk:
    lines: list[Line] = []
    for item in source:  # type: ignore[attr-defined]
        sign = item.line_type
        if sign == "\\":
            if lines:
                lines[-1] = lines[-1]._replace(no_newline=True)
            continue
        kind = _KINDS.get(sign)
        # A blank line after a finished hunk is a separator, not a line of the file.
        if kind is None or (sign == "" and item.source_line_no is None):
            continue
        value: str = item.value
        lines.append(Line(kind, value.removesuffix("\n"), item.source_line_no, item.target_line_no))
    return Hunk(
        source.source_start,  # type: ignore[attr-defined]
        source.source_length,  # type: ignore[attr-defined]
        source.target_start,  # type: ignore[attr-defined]
        source.target_length,  # type: ignore[attr-defined]
        source.section_header.rstrip("\r\n"),  # type: ignore[attr-defined]
        tuple(lines),
    )
