"""Checkpoints: a file's bytes kept before a file tool changes it, so ``/rewind`` can put
them back.

Before a tool whose ``file_access`` is ``"edit"`` runs, each file it names (``Tool.paths``)
is read: its bytes go to the session's blob store, named by their SHA-256 (so a file changed
fifty times is stored once per distinct version), and a ``checkpoint`` record says which
prompt's turn changed which file from what (``before`` is null for a file that did not
exist, and ``new_dirs`` names the folders missing above it). Once the tool is done, a
``written`` record gives the digest of what it left (null: no file), which tells a later
rewind whether the user changed the file since; that version is kept too, so a loaded
session can show the change as it was made, whatever the file holds now. Both records name
the tool call (``call_id``) whose change they are. A rewind's own writes are recorded the
same way, marked with the ``rewind`` (the turn it went back to): the session's change list
(``core.sessions.session_diff``) follows them, a later rewind does not.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from openclaude_tui.core.sessions.transcript import FILE_MODE

BLOBS_SUFFIX = ".files"
DIR_MODE = 0o700


def blobs_dir(folder: Path, session_id: str) -> Path:
    """The blob store of session ``session_id``, beside its transcript in ``folder``."""
    return folder / f"{session_id}{BLOBS_SUFFIX}"


def digest(data: bytes) -> str:
    """The name a version of a file is stored under (its SHA-256, in hex)."""
    return hashlib.sha256(data).hexdigest()


def read_state(path: Path) -> bytes | None:
    """A file's bytes, or None when there is no file.

    Raises:
        OSError: the path exists but cannot be read (a folder, no permission).
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def state_digest(path: Path) -> str | None:
    """The digest of a file's bytes, None when there is no file.

    Raises:
        OSError: the path exists but cannot be read.
    """
    data = read_state(path)
    return None if data is None else digest(data)


def missing_folders(path: Path) -> list[Path]:
    """The folders above ``path`` that do not exist, the deepest first."""
    missing: list[Path] = []
    folder = path.parent
    while folder != folder.parent and not folder.exists():
        missing.append(folder)
        folder = folder.parent
    return missing


class BlobStore:
    """Versions of files, each stored once under its digest (the folder and files are the
    user's own: 0700 and 0600).

    Args:
        root: The folder (made when the first version is kept).
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, data: bytes) -> str:
        """Keep ``data`` (once); its digest."""
        name = digest(data)
        target = self.root / name
        if target.exists():
            return name
        self.root.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        temporary = self.root / f".{name}.{os.getpid()}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, FILE_MODE)
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            # Whole or not at all: a reader never finds half a version under its name.
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return name

    def get(self, name: str) -> bytes:
        """The version stored as ``name``.

        Raises:
            OSError: it is not there (the store was deleted) or cannot be read.
            ValueError: what is stored does not match its name.
        """
        data = (self.root / name).read_bytes()
        if digest(data) != name:
            raise ValueError(f"the kept copy {name[:12]} is damaged")
        return data


# What a file tool's run is wrapped in: called with its files before it runs, it returns
# what to call once the tool is done.
AfterEdit = Callable[[], None]


class Checkpoints:
    """Keeps the files a turn's tools change, in the blob store and the transcript.

    Args:
        blobs: Where the files' versions go.
        append: Appends a record to the transcript.
        turn: The number of the prompt whose turn runs now (0 for the first).
    """

    def __init__(
        self,
        blobs: BlobStore,
        append: Callable[[dict[str, Any]], None],
        turn: Callable[[], int],
    ) -> None:
        self.blobs = blobs
        self._append = append
        self._turn = turn

    def before_edit(
        self,
        paths: Iterable[Path],
        warn: Callable[[str], None],
        *,
        rewind: int | None = None,
        call_id: str = "",
    ) -> AfterEdit:
        """Keep what ``paths`` hold now; the returned call records what the tool left.

        ``warn`` is told, in a sentence, of a file that could not be kept; ``rewind`` marks
        the records of a rewind back to before that turn; ``call_id`` names the tool call.
        """
        kept: list[Path] = []
        for path in paths:
            try:
                data = read_state(path)
                before = None if data is None else self.blobs.put(data)
            except OSError as error:
                # The tool itself will say why it cannot change such a path; if it can,
                # the user is told that /rewind cannot take that change back.
                warn(f"no checkpoint of {path}: {error.strerror or error}")
                continue
            record = {"type": "checkpoint", "turn": self._turn(), "path": str(path)}
            record["before"] = before
            record.update(_marks(rewind, call_id))
            if data is None:
                # Folders the tool will create for a new file go when a rewind removes it.
                record["new_dirs"] = [str(folder) for folder in missing_folders(path)]
            self._append(record)
            kept.append(path)
        return lambda: self.written(kept, rewind=rewind, call_id=call_id)

    def written(
        self, paths: Iterable[Path], *, rewind: int | None = None, call_id: str = ""
    ) -> None:
        """Record (and keep) what ``paths`` hold now, as the agent's call ``call_id`` (or a
        rewind back to before turn ``rewind``) left them."""
        for path in paths:
            after: str | None = None
            with contextlib.suppress(OSError):
                data = read_state(path)
                after = None if data is None else self.blobs.put(data)
            record = {"type": "written", "turn": self._turn(), "path": str(path), "after": after}
            record.update(_marks(rewind, call_id))
            self._append(record)


def _marks(rewind: int | None, call_id: str) -> dict[str, Any]:
    """What a record says of who changed the file: a rewind (to before that turn), a call."""
    marks: dict[str, Any] = {}
    if rewind is not None:
        marks["rewind"] = rewind
    if call_id:
        marks["call_id"] = call_id
    return marks


def checkpoint_hook(
    current: Callable[[], Checkpoints | None], warn: Callable[[str], None]
) -> Callable[[list[Path], str], AfterEdit]:
    """The ``ToolContext.checkpoint`` of a session whose checkpoints ``current`` gives (None
    while it records nothing)."""

    def keep(paths: list[Path], call_id: str) -> AfterEdit:
        checkpoints = current()
        if checkpoints is None:
            return lambda: None
        return checkpoints.before_edit(paths, warn, call_id=call_id)

    return keep
