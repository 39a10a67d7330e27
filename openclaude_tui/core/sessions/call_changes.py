"""The file changes each tool call of a saved session made, from its records and kept files.

A file tool's ``checkpoint`` record keeps the file as it was before the call and its
``written`` record what the call left (``core.sessions.checkpoints``); both name the call.
So a loaded session shows an edit with the texts it had when it was made, whatever the file
holds on disk now. A version that was not kept (a transcript older than that, a deleted
blob store) is read from the disk only when its digest shows the file still holds it; else
that change is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openclaude_tui.core.changes.file_change import FileChange
from openclaude_tui.core.changes.textfile import decode_text
from openclaude_tui.core.sessions.checkpoints import BlobStore, digest, read_state


class _NotKept(Exception):
    """A version that was neither kept nor is on disk any more."""


def call_changes(
    records: Sequence[dict[str, Any]], blobs: BlobStore
) -> dict[str, list[FileChange]]:
    """Each tool call's changes (by call id, in the order made): the full texts before and
    after, as the live call reported them."""
    before: dict[tuple[str, str], dict[str, Any]] = {}
    changes: dict[str, list[FileChange]] = {}
    for record in records:
        call_id, path = record.get("call_id"), record.get("path")
        if "rewind" in record or not isinstance(call_id, str) or not isinstance(path, str):
            continue
        key = (call_id, path)
        if record["type"] == "checkpoint":
            before[key] = record
        elif record["type"] == "written" and key in before:
            try:
                old = _text(before.pop(key).get("before"), blobs, Path(path))
                new = _text(record.get("after"), blobs, Path(path))
            except _NotKept:
                continue
            if new is not None and old != new:
                changes.setdefault(call_id, []).append(FileChange(Path(path), old, new))
    return changes


def _text(name: object, blobs: BlobStore, path: Path) -> str | None:
    """The text of the version kept as ``name`` (None: there was no file).

    Raises:
        _NotKept: that version cannot be had.
    """
    if name is None:
        return None
    if not isinstance(name, str):
        raise _NotKept(name)
    try:
        data = blobs.get(name)
    except (OSError, ValueError):
        try:
            on_disk = read_state(path)
        except OSError as error:
            raise _NotKept(name) from error
        if on_disk is None or digest(on_disk) != name:
            raise _NotKept(name) from None
        data = on_disk
    return decode_text(data)[0]
