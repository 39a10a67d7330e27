"""The session's changes as ``/diff`` reviews them, read from its transcript and kept files.

Each file a ``checkpoint`` record names is compared, as it is on disk now, with a kept
version of it (from the blob store):

* the session's changes (``/diff``): the version before the agent first changed it. A
  rewind that wrote a file back to exactly that version ends its change: the file leaves
  the list (until the agent changes it again), so what the list shows is what the rewind
  left on disk; a file the rewind did not put back (the user's changes, kept) stays;
* the changes since a prompt (``/diff since N``): the version the first checkpoint after
  that prompt found, a rewind's own included, so a rewind made since shows as a change.

It all comes from the transcript, so a resumed session shows the same as the live one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openclaude_tui.core.changes.sources import ReviewError, ReviewFile, SessionSource
from openclaude_tui.core.changes.textfile import decode_text
from openclaude_tui.core.sessions.checkpoints import BlobStore
from openclaude_tui.core.sessions.rewind import (
    PromptPoint,
    Rewinder,
    prompt_points,
    recorded_digest,
)

SESSION_TITLE = "Changes made by the agent"
SINCE_USAGE = "/diff since N: N is a prompt's number, as /rewind lists them"


def baselines(
    records: Sequence[dict[str, Any]], since: PromptPoint | None = None
) -> dict[Path, str | None]:
    """Each changed file and the digest of the version it is compared with (None: it did
    not exist), in the order the agent first changed them.

    Args:
        records: The transcript's records.
        since: Compare with the files as they were before this prompt; None: the whole
            session, less what rewinds put back.
    """
    found: dict[str, str | None] = {}
    start = since.position if since is not None else 0
    for record in records[start:]:
        path = record.get("path")
        if not isinstance(path, str):
            continue
        kind = record["type"]
        by_rewind = "rewind" in record
        if kind == "checkpoint" and (since is not None or not by_rewind):
            found.setdefault(path, recorded_digest(record.get("before")))
        elif kind == "written" and by_rewind and since is None:
            # Put back as it was before the agent's first change: no change of the agent's.
            after = recorded_digest(record.get("after"))
            if path in found and found[path] == after:
                del found[path]
    return {Path(path): before for path, before in found.items()}


class CheckpointSource(SessionSource):
    """Files from their kept versions to what is on disk now.

    Args:
        bases: Each file and the digest of its kept version (None: no file).
        blobs: Where the versions are kept.
        root: The project root; paths inside it are shown relative to it.
        title: What the review shows.
        since: What each file's change is counted from, for its caption ("": the agent's
            first change to it).
    """

    def __init__(
        self,
        bases: dict[Path, str | None],
        blobs: BlobStore,
        root: Path,
        title: str,
        since: str = "",
    ) -> None:
        super().__init__((), root)
        self.title = title
        self.bases = bases
        self.blobs = blobs
        self.since = since

    def caption(self, file: ReviewFile) -> str:
        """Since a prompt, a file may have been changed by a rewind or the user too."""
        return f"changed since {self.since}" if self.since else super().caption(file)

    def originals(self) -> dict[Path, str | None]:
        """Each file's kept version, decoded as the file tools decode it.

        Raises:
            ReviewError: a kept version is gone or damaged.
        """
        texts: dict[Path, str | None] = {}
        for path, name in self.bases.items():
            if name is None:
                texts[path] = None
                continue
            try:
                texts[path] = decode_text(self.blobs.get(name))[0]
            except (OSError, ValueError) as error:
                why = getattr(error, "strerror", None) or str(error)
                raise ReviewError(f"the kept version of {path} cannot be read: {why}") from None
        return texts


def session_changes(
    records: Sequence[dict[str, Any]], blobs: BlobStore, root: Path, since: int | None = None
) -> CheckpointSource | None:
    """What ``/diff`` (``since`` None) or ``/diff since N`` (the prompt's number, from 1,
    as ``/rewind`` lists it) reviews; None when the agent never set out to change a file.

    Raises:
        ReviewError: there is no such prompt (the message names those there are).
    """
    if since is None:
        if not any(record["type"] == "checkpoint" for record in records):
            return None
        return CheckpointSource(baselines(records), blobs, root, SESSION_TITLE)
    points = prompt_points(records)
    for point in points:
        if point.turn + 1 == since:
            prompt = f"prompt {since}"
            return CheckpointSource(
                baselines(records, point), blobs, root, f"Changes since {prompt}", prompt
            )
    numbers = ", ".join(str(point.turn + 1) for point in points) or "none yet"
    raise ReviewError(f"there is no prompt {since} to compare with; the prompts: {numbers}")


def since_prompt(argument: str) -> int | None:
    """The prompt number of ``/diff``'s argument: ``since N`` gives N, ``session`` or
    nothing gives None.

    Raises:
        ReviewError: the argument is neither (the message gives the usage).
    """
    words = argument.split()
    if words in ([], ["session"]):
        return None
    if len(words) == 2 and words[0] == "since" and words[1].isdigit() and int(words[1]) > 0:
        return int(words[1])
    raise ReviewError(SINCE_USAGE)


def review_of(rewinder: Rewinder | None, root: Path, argument: str) -> CheckpointSource | None:
    """What ``/diff ARGUMENT`` (nothing, ``session`` or ``since N``) reviews in a session
    (``rewinder`` None before its first prompt); None when the agent changed no file.

    Raises:
        ReviewError: the argument or the prompt is wrong, or the transcript is unreadable.
    """
    since = since_prompt(argument)
    if rewinder is None:
        if since is None:
            return None
        raise ReviewError(f"there is no prompt {since} yet to compare with")
    try:
        records = rewinder.records()
    except OSError as error:
        raise ReviewError(f"cannot read the session: {error.strerror or error}") from None
    return session_changes(records, rewinder.recorder.checkpoints.blobs, root, since)
