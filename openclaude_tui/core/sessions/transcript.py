"""A session's transcript: one JSON object per line, appended as things happen, read back.

Each record has a ``type``:

* ``session``: the first line (id, when, the project, the model, the git branch).
* ``prompt``: what the user sent (it is the conversation's next user message).
* ``message``: a message the agent added to the conversation (OpenAI format).
* ``history``: the whole conversation, when it was rewritten (a compaction).
* ``tool`` / ``tool_done``: a tool call's card (its summary; its status, time and diff).
* ``permission``, ``todos``, ``mode``, ``model``, ``turn_end``: what they say.
* ``usage``: one model request's tokens in and out and the seconds spent waiting for it;
  a sub-agent's request names its ``agent``, its Task ``call_id`` and its ``model``.
* ``checkpoint`` / ``written``: a file's content before a file tool changed it, and after,
  naming the call (``core.sessions.checkpoints``).
* ``rewind``: the files and the conversation taken back to before a prompt; the
  conversation it left (``core.sessions.rewind``).

Every record also carries ``at``, when it was written (seconds since the epoch): replay
paces itself by it, and tools' and the model's times are read beside it.

Every line is written with one ``write`` (so ``kill -9`` loses at most that line) and the
file is fsync'd at turn boundaries. Reading skips a line that is torn or of an unknown
type, with a notice, and never fails on the content.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openclaude_tui.core.secret_env import MASK

VERSION = 1
FILE_MODE = 0o600
# Records that change the conversation, and those kept only to show it again.
HISTORY_TYPES = frozenset({"prompt", "message", "history", "rewind"})
SHOWN_TYPES = frozenset({"tool", "tool_done", "permission", "todos", "turn_end"})
STATE_TYPES = frozenset({"session", "mode", "model", "usage", "checkpoint", "written"})
KNOWN_TYPES = HISTORY_TYPES | SHOWN_TYPES | STATE_TYPES


class TranscriptWriter:
    """Appends records to a transcript file (created 0600).

    Args:
        path: The file; its directory must exist.
        secrets: Values replaced by a mask in every line (the API key).
    """

    def __init__(self, path: Path, secrets: Iterable[str] = ()) -> None:
        self.path = path
        self._fd: int | None = os.open(
            path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, FILE_MODE
        )
        # The key as it appears in a JSON string too (a quote or backslash is escaped).
        forms = {form for value in secrets if value for form in (value, json.dumps(value)[1:-1])}
        self._secrets = sorted(forms, key=len, reverse=True)

    def append(self, record: dict[str, Any]) -> None:
        """Write one record as one line (handed to the system at once)."""
        if self._fd is None:
            return
        record = {**record, "at": round(time.time(), 3)} if "at" not in record else record
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
        for secret in self._secrets:
            line = line.replace(secret, MASK)
        data = (line + "\n").encode("utf-8", "surrogatepass")
        written = 0
        while written < len(data):
            written += os.write(self._fd, data[written:])

    def sync(self) -> None:
        """Make what was written survive a crash of the machine (at turn boundaries)."""
        if self._fd is not None:
            os.fsync(self._fd)

    def close(self) -> None:
        """Sync and close the file."""
        if self._fd is not None:
            try:
                os.fsync(self._fd)
            finally:
                os.close(self._fd)
                self._fd = None


@dataclass
class Transcript:
    """A transcript read back.

    Attributes:
        header: The ``session`` record (empty when the first line was lost).
        messages: The conversation as it stood at the last record.
        records: Every record read, in order (the app shows them again).
        notices: What was skipped, one sentence each.
        model: The model last used.
        mode: The permission mode last set ("" if never changed).
        prompts: How many prompts were sent.
        first_prompt: The first of them ("" if none).
    """

    header: dict[str, Any] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    model: str = ""
    mode: str = ""
    prompts: int = 0
    first_prompt: str = ""


def read_transcript(path: Path) -> Transcript:
    """Read ``path``; lines that are torn or unknown are skipped with a notice.

    Raises:
        OSError: the file cannot be read.
    """
    found = Transcript()
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            record = _parse(raw)
            if record is None:
                if raw.strip():
                    found.notices.append(
                        f"{path.name}: line {number} is damaged (cut off by a crash?), skipped"
                    )
                continue
            kind = record["type"]
            if kind not in KNOWN_TYPES:
                found.notices.append(
                    f"{path.name}: line {number} has an unknown record type {kind!r}, skipped"
                )
                continue
            apply_record(found, record)
    return found


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(raw.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("type"), str):
        return None
    return record


def apply_record(found: Transcript, record: dict[str, Any]) -> None:
    """Add what ``record`` (of a known type) says to ``found``."""
    kind = record["type"]
    if kind == "prompt":
        text = str(record.get("text", ""))
        found.messages.append({"role": "user", "content": text})
        found.prompts += 1
        found.first_prompt = found.first_prompt or text
    elif kind == "message":
        message = record.get("message")
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            return
        found.messages.append(message)
    elif kind in ("history", "rewind"):
        messages = record.get("messages")
        if isinstance(messages, list):
            record["messages"] = [m for m in messages if isinstance(m, dict)]
            # A copy: the messages added after it must not change what the record says.
            found.messages = list(record["messages"])
        elif kind == "history":
            return
    elif kind == "session":
        found.header = record
        found.model = str(record.get("model") or "")
    elif kind == "model":
        found.model = str(record.get("model") or found.model)
    elif kind == "mode":
        found.mode = str(record.get("mode") or "")
    found.records.append(record)
