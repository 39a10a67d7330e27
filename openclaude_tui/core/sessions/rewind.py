"""Rewind: the files, the conversation, or both, taken back to before one of the user's
prompts.

Everything comes from the transcript, so a resumed session rewinds as well as a live one:

* the prompts offered are its ``prompt`` records, less those a rewind of the conversation
  took back;
* the conversation before a prompt is the transcript read up to that prompt's record;
* the files are those ``checkpoint`` records name from that prompt's turn on, each put back
  as the first of them found it (bytes from the blob store; a file that did not exist is
  removed). A file whose content is no longer what the agent (or a rewind) last wrote
  there was changed by the user since: it is listed and left alone unless the user
  confirms a second time.

What shell commands did is not tracked, and not undone. A rewind is itself recorded (a
``rewind`` record with the conversation it left, and ``checkpoint`` and ``written`` records,
marked ``rewind``, for the files it put back), so a resumed session shows the conversation
as the rewind left it, and the session's change list (``/diff``) the files as it left them.
A later rewind goes by the agent's checkpoints only: it does not undo an earlier rewind.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openclaude_tui.core.agent.history import History
from openclaude_tui.core.changes.textfile import write_atomic
from openclaude_tui.core.sessions.checkpoints import state_digest
from openclaude_tui.core.sessions.recorder import Recorder
from openclaude_tui.core.sessions.transcript import Transcript, apply_record, read_transcript


@dataclass(frozen=True)
class PromptPoint:
    """One of the user's prompts, a point the session can go back to.

    Attributes:
        turn: The prompt's number in the session (0 for the first; never reused).
        text: What the user typed (the prompt box gets it back).
        position: Where its record is among the transcript's records.
    """

    turn: int
    text: str
    position: int


@dataclass(frozen=True)
class FileRestore:
    """One file a rewind of the code takes back.

    Attributes:
        path: The file.
        before: The digest of what it held before the prompt; None: it did not exist.
        user_changed: It no longer holds what the agent last wrote there.
        new_dirs: For a file that did not exist, the folders made for it (deepest first),
            removed with it when left empty.
    """

    path: Path
    before: str | None
    user_changed: bool
    new_dirs: tuple[Path, ...] = ()


@dataclass
class RewindPlan:
    """What rewinding to before ``point`` would do.

    Attributes:
        point: The prompt.
        files: The files that would change (those already as they were are left out).
        messages: The conversation as it was before the prompt.
    """

    point: PromptPoint
    files: list[FileRestore]
    messages: list[dict[str, Any]]

    @property
    def user_changed(self) -> list[Path]:
        """The files the user changed since the agent last wrote them."""
        return [item.path for item in self.files if item.user_changed]


@dataclass
class RewindResult:
    """What a rewind did.

    Attributes:
        restored: Files written back as they were.
        removed: Files the agent had created, removed.
        kept: Files the user changed, left as they are.
        failed: A sentence for each file that could not be put back.
    """

    restored: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line saying what happened to the files."""
        parts = [
            f"{len(self.restored)} file{'s' if len(self.restored) != 1 else ''} restored",
            f"{len(self.removed)} removed",
        ]
        if self.kept:
            parts.append(f"{len(self.kept)} changed by you kept")
        if self.failed:
            parts.append(f"{len(self.failed)} failed: {'; '.join(self.failed)}")
        return ", ".join(parts)


def prompt_points(records: Sequence[dict[str, Any]]) -> list[PromptPoint]:
    """The prompts a rewind can go back to, oldest first."""
    points: list[PromptPoint] = []
    turn = 0
    for position, record in enumerate(records):
        kind = record["type"]
        if kind == "prompt":
            text = str(record.get("typed") or record.get("text") or "")
            points.append(PromptPoint(turn, text, position))
            turn += 1
        elif kind == "rewind" and isinstance(record.get("messages"), list):
            back_to = _turn_of(record)
            points = [point for point in points if point.turn < back_to]
    return points


def conversation_before(records: Sequence[dict[str, Any]], point: PromptPoint) -> list[Any]:
    """The conversation as the transcript had it just before ``point``'s prompt."""
    state = Transcript()
    for record in records[: point.position]:
        apply_record(state, record)
    return [dict(message) for message in state.messages]


def files_since(records: Sequence[dict[str, Any]], point: PromptPoint) -> list[FileRestore]:
    """The files changed from ``point``'s turn on that are not as they were before it."""
    first_before: dict[str, tuple[str | None, tuple[Path, ...]]] = {}
    last_written: dict[str, str | None] = {}
    for record in records:
        kind = record["type"]
        path = record.get("path")
        if not isinstance(path, str):
            continue
        if kind == "checkpoint" and "rewind" not in record and _turn_of(record) >= point.turn:
            folders = record.get("new_dirs")
            new_dirs = (
                tuple(Path(f) for f in folders if isinstance(f, str))
                if isinstance(folders, list)
                else ()
            )
            first_before.setdefault(path, (recorded_digest(record.get("before")), new_dirs))
        elif kind == "written":
            last_written[path] = recorded_digest(record.get("after"))
    restores: list[FileRestore] = []
    for name, (before, new_dirs) in sorted(first_before.items()):
        path = Path(name)
        try:
            now = state_digest(path)
        except OSError:
            now = "unreadable"
        if now == before:
            continue
        # Without a record of what the agent left (the process died meanwhile), its own
        # write is the likeliest reason for the difference.
        changed = name in last_written and last_written[name] != now
        restores.append(FileRestore(path, before, changed, new_dirs))
    return restores


def restore_files(
    plan: RewindPlan, read_blob: Callable[[str], bytes], *, overwrite_changed: bool = False
) -> RewindResult:
    """Put the plan's files back (those the user changed only if ``overwrite_changed``).

    Args:
        plan: The rewind.
        read_blob: The stored bytes of a digest (``BlobStore.get``).
        overwrite_changed: The user confirmed that their own changes are overwritten too.
    """
    result = RewindResult()
    for item in plan.files:
        if item.user_changed and not overwrite_changed:
            result.kept.append(item.path)
            continue
        try:
            if item.before is None:
                item.path.unlink(missing_ok=True)
                result.removed.append(item.path)
                _remove_empty(item.new_dirs)
            else:
                write_atomic(item.path, read_blob(item.before))
                result.restored.append(item.path)
        except (OSError, ValueError) as error:
            why = getattr(error, "strerror", None) or str(error)
            result.failed.append(f"{item.path}: {why}")
    return result


class Rewinder:
    """Rewinds one running session: its transcript, its files and its conversation.

    Args:
        recorder: The session's transcript (and its checkpoints).
        history: The agent's conversation.
    """

    def __init__(self, recorder: Recorder, history: History) -> None:
        self.recorder = recorder
        self.history = history

    def records(self) -> list[dict[str, Any]]:
        """The session's transcript records, as far as written.

        Raises:
            OSError: the transcript cannot be read.
        """
        self.recorder.sync(self.history.messages)
        return read_transcript(self.recorder.writer.path).records

    def points(self) -> list[PromptPoint]:
        """The prompts the session can go back to, newest first.

        Raises:
            OSError: the transcript cannot be read.
        """
        return list(reversed(prompt_points(self.records())))

    def plan(self, point: PromptPoint) -> RewindPlan:
        """What going back to before ``point`` would do (nothing is changed yet).

        Raises:
            OSError: the transcript cannot be read.
        """
        records = self.records()
        return RewindPlan(point, files_since(records, point), conversation_before(records, point))

    def apply(
        self,
        plan: RewindPlan,
        *,
        code: bool,
        conversation: bool,
        overwrite_changed: bool = False,
    ) -> RewindResult:
        """Rewind the files (``code``), the conversation, or both, as ``plan`` says."""
        result = RewindResult()
        if code:
            checkpoints = self.recorder.checkpoints
            # What the files hold before the rewind is kept as before an edit: "/diff since"
            # a prompt before the rewind compares with it.
            touched = [i.path for i in plan.files if overwrite_changed or not i.user_changed]
            checkpoints.before_edit(touched, lambda text: None, rewind=plan.point.turn)
            result = restore_files(plan, checkpoints.blobs.get, overwrite_changed=overwrite_changed)
            # What a rewind wrote is the agent's from now on: the user did not change it.
            checkpoints.written([*result.restored, *result.removed], rewind=plan.point.turn)
        record: dict[str, Any] = {
            "type": "rewind",
            "turn": plan.point.turn,
            "code": code,
            "conversation": conversation,
        }
        if conversation:
            self.history.replace(plan.messages)
            record["messages"] = self.history.messages
        self.recorder.rewound(record, self.history.messages)
        return result


def _remove_empty(folders: Sequence[Path]) -> None:
    """Remove ``folders`` (deepest first) while they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty (or gone): what is above it stays too


def _turn_of(record: dict[str, Any]) -> int:
    with contextlib.suppress(TypeError, ValueError):
        return int(record.get("turn", 0))
    return 0


def recorded_digest(value: object) -> str | None:
    """A record's digest field (``before``, ``after``); None for no file."""
    return value if isinstance(value, str) and value else None
