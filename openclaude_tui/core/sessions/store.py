"""Where saved sessions live, how they are listed, found and pruned.

``<data dir>/sessions/<project>/<id>.jsonl`` is a session's transcript, ``<id>.files/``
the versions of the files it changed (``core.sessions.checkpoints``), and
``<id>.meta.json`` a small summary (when, first prompt, messages, model, branch)
rewritten at each turn's end, so listing a thousand sessions reads a thousand small files,
not a thousand transcripts. Directories are made 0700 and files 0600: a transcript holds
the conversation and what the tools read.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from openclaude_tui import paths
from openclaude_tui.core.sessions.checkpoints import blobs_dir
from openclaude_tui.core.sessions.transcript import FILE_MODE, Transcript, read_transcript

DIR_MODE = 0o700
TRANSCRIPT_SUFFIX = ".jsonl"
META_SUFFIX = ".meta.json"
DAY = 86400.0


@dataclass
class SessionInfo:
    """What the picker shows of a session.

    Attributes:
        id: The session's id (also its file's name).
        created: When it started (seconds since the epoch).
        updated: When it last changed.
        first_prompt: Its first prompt ("" when none was sent).
        messages: How many messages its conversation has.
        model: The model last used.
        branch: The git branch it started on ("" outside a repository).
        project: The project's folder.
    """

    id: str
    created: float
    updated: float
    first_prompt: str = ""
    messages: int = 0
    model: str = ""
    branch: str = ""
    project: str = ""


class SessionNotFound(LookupError):
    """No saved session has the id asked for (or the prefix given names several)."""


def project_dir(project_root: Path) -> Path:
    """The folder of ``project_root``'s sessions."""
    return paths.sessions_dir() / paths.project_key(project_root)


def new_session_id(now: float | None = None) -> str:
    """A new id: the time it starts (so ids sort by age) and six random hex digits."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(time.time() if now is None else now))
    return f"{stamp}-{secrets.token_hex(3)}"


def make_dirs(folder: Path) -> None:
    """Create ``folder`` and the sessions folder above it, readable by the user only."""
    root = paths.sessions_dir()
    for place in (root.parent, root, folder):
        place.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for place in (root, folder):
        # mkdir's mode is cut by the umask, and an old folder keeps its own.
        os.chmod(place, DIR_MODE)


def transcript_path(folder: Path, session_id: str) -> Path:
    """The transcript of ``session_id`` in ``folder``."""
    return folder / f"{session_id}{TRANSCRIPT_SUFFIX}"


def write_info(folder: Path, info: SessionInfo) -> None:
    """Replace the session's summary at once (a reader never sees half of it)."""
    target = folder / f"{info.id}{META_SUFFIX}"
    temporary = folder / f".{info.id}{META_SUFFIX}.tmp"
    data = json.dumps(asdict(info), ensure_ascii=False).encode("utf-8", "surrogatepass")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, FILE_MODE)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.replace(temporary, target)


def list_sessions(project_root: Path) -> list[SessionInfo]:
    """The project's saved sessions, the most recently changed first."""
    folder = project_dir(project_root)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found = [
        info
        for name in names
        if name.endswith(TRANSCRIPT_SUFFIX)
        and (info := _info(folder, name.removesuffix(TRANSCRIPT_SUFFIX))) is not None
    ]
    return sorted(found, key=lambda info: (info.updated, info.id), reverse=True)


def _info(folder: Path, session_id: str) -> SessionInfo | None:
    try:
        data = json.loads((folder / f"{session_id}{META_SUFFIX}").read_bytes())
        return SessionInfo(**data)
    except (OSError, ValueError, TypeError):
        pass
    # No summary yet (the first turn never ended): read the transcript itself.
    path = transcript_path(folder, session_id)
    try:
        transcript = read_transcript(path)
        changed = path.stat().st_mtime
    except OSError:
        return None
    return info_from(session_id, transcript, changed)


def info_from(session_id: str, transcript: Transcript, updated: float) -> SessionInfo:
    """The summary of a session read back, last changed at ``updated``."""
    header = transcript.header
    return SessionInfo(
        session_id,
        float(header.get("created") or updated),
        updated,
        transcript.first_prompt,
        len(transcript.messages),
        transcript.model,
        str(header.get("branch") or ""),
        str(header.get("project") or ""),
    )


def find_session(project_root: Path, wanted: str) -> Path:
    """The transcript of the session ``wanted`` (an id, or the start of one): this project's
    first, then any project's.

    Raises:
        SessionNotFound: none matches, or the prefix matches several (the message says).
    """
    wanted = wanted.strip().removesuffix(TRANSCRIPT_SUFFIX)
    if not wanted or "/" in wanted or wanted.startswith("."):
        raise SessionNotFound(f"{wanted!r} is not a session id")
    own = project_dir(project_root)
    folders = [own, *(p for p in _project_folders() if p != own)]
    for folder in folders:
        exact = transcript_path(folder, wanted)
        if exact.is_file():
            return exact
    for folder in folders:
        matches = sorted(folder.glob(f"{wanted}*{TRANSCRIPT_SUFFIX}"))
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(m.name.removesuffix(TRANSCRIPT_SUFFIX) for m in matches[:5])
            raise SessionNotFound(f"{wanted!r} names several sessions: {names}")
    raise SessionNotFound(f"no saved session {wanted!r} (openclaude --resume lists them)")


def newest_session(project_root: Path) -> Path | None:
    """The transcript of the project's most recently changed session, if any."""
    listed = list_sessions(project_root)
    return transcript_path(project_dir(project_root), listed[0].id) if listed else None


def _project_folders() -> list[Path]:
    try:
        return [entry for entry in paths.sessions_dir().iterdir() if entry.is_dir()]
    except OSError:
        return []


def prune(retention_days: int, now: float | None = None) -> int:
    """Delete the sessions, of every project, unchanged for more than ``retention_days``
    (0 keeps them all); the number deleted."""
    if retention_days <= 0:
        return 0
    cutoff = (time.time() if now is None else now) - retention_days * DAY
    removed = 0
    for folder in _project_folders():
        for path in folder.glob(f"*{TRANSCRIPT_SUFFIX}"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
                    meta = folder / path.name.replace(TRANSCRIPT_SUFFIX, META_SUFFIX)
                    meta.unlink(missing_ok=True)
                    session_id = path.name.removesuffix(TRANSCRIPT_SUFFIX)
                    shutil.rmtree(blobs_dir(folder, session_id), ignore_errors=True)
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when it is left empty
    return removed
