"""What the session records as it happens: the conversation, and what shows it again.

The agent keeps the conversation as a list of OpenAI-format messages. ``Recorder`` watches
that list through the events that pass: whatever was added since the last look is
appended as ``message`` records, and a list that was rewritten (a compaction) is written
whole as a ``history`` record. The events themselves add what the app needs to show the
conversation again (tool cards, permission answers, the plan) and the session's state
(mode, model, usage, how each turn ended).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from openclaude_tui.core.agent.history import message_text
from openclaude_tui.core.events import (
    Event,
    PermissionAnswered,
    SubagentUsage,
    TodosUpdated,
    ToolCallFinished,
    ToolCallStarted,
    TurnFinished,
    Usage,
)
from openclaude_tui.core.git.state import current_branch
from openclaude_tui.core.sessions import store
from openclaude_tui.core.sessions.checkpoints import BlobStore, Checkpoints, blobs_dir
from openclaude_tui.core.sessions.transcript import VERSION, Transcript, TranscriptWriter

Messages = Sequence[dict[str, Any]]


class Recorder:
    """Appends one session's records to its transcript.

    Args:
        folder: The project's sessions folder.
        info: The session's summary (its id names the files).
        secrets: Values never written (the API key).
        resumed: The transcript this session continues, if any.
    """

    def __init__(
        self,
        folder: Path,
        info: store.SessionInfo,
        secrets: Iterable[str],
        resumed: Transcript | None = None,
    ) -> None:
        store.make_dirs(folder)
        self.folder = folder
        self.info = info
        self.writer = TranscriptWriter(store.transcript_path(folder, info.id), secrets)
        # The messages recorded so far: how many, and the first and last (by identity, so
        # that a rewritten list is noticed without comparing every message).
        self._count = 0
        self._first: dict[str, Any] | None = None
        self._last: dict[str, Any] | None = None
        # The prompt written before the agent added it as its user message.
        self._prompt: str | None = None
        # How many prompts the session has had (rewound ones too): the next one's number.
        self.turns = resumed.prompts if resumed is not None else 0
        self.checkpoints = Checkpoints(
            BlobStore(blobs_dir(folder, info.id)),
            self.writer.append,
            lambda: max(0, self.turns - 1),
        )
        if resumed is None:
            self.writer.append(
                {
                    "type": "session",
                    "version": VERSION,
                    "id": info.id,
                    "created": info.created,
                    "project": info.project,
                    "model": info.model,
                    "branch": info.branch,
                }
            )

    @classmethod
    def new(
        cls,
        project_root: Path,
        model: str,
        secrets: Iterable[str],
        session_id: str | None = None,
    ) -> Recorder:
        """A new session of ``project_root`` (a new id unless ``session_id`` is given)."""
        now = time.time()
        info = store.SessionInfo(
            session_id or store.new_session_id(now),
            now,
            now,
            model=model,
            branch=current_branch(project_root) or "",
            project=str(project_root),
        )
        return cls(store.project_dir(project_root), info, secrets)

    @classmethod
    def resume(cls, path: Path, transcript: Transcript, secrets: Iterable[str]) -> Recorder:
        """Go on appending to the session saved in ``path`` (read as ``transcript``)."""
        session_id = path.name.removesuffix(store.TRANSCRIPT_SUFFIX)
        info = store.info_from(session_id, transcript, time.time())
        return cls(path.parent, info, secrets, resumed=transcript)

    @property
    def session_id(self) -> str:
        """The session's id."""
        return self.info.id

    def adopt(self, messages: Messages) -> None:
        """Take ``messages`` (a resumed conversation) as already recorded."""
        self._mark(messages)

    def prompt(self, text: str, typed: str = "") -> None:
        """The user sent ``text`` (the agent adds it as its next user message); ``typed``:
        what they typed, when it was expanded into ``text`` (a rewind gives it back)."""
        self._prompt = text
        self.turns += 1
        self.info.first_prompt = self.info.first_prompt or text
        record = {"type": "prompt", "text": text}
        if typed and typed != text:
            record["typed"] = typed
        self.writer.append(record)

    def rewound(self, record: dict[str, Any], messages: Messages) -> None:
        """A rewind (``record``) left the conversation as ``messages``: recorded whole."""
        self.writer.append(record)
        self._mark(messages)
        self.turn_over(messages)

    def state(self, kind: str, value: str) -> None:
        """The mode or the model changed."""
        self.writer.append({"type": kind, kind: value})
        if kind == "model":
            self.info.model = value

    def event(self, event: Event, messages: Messages) -> None:
        """Record what ``event`` adds, after the messages the agent added before it."""
        self.sync(messages)
        record = _event_record(event)
        if record is not None:
            self.writer.append(record)
        if isinstance(event, TurnFinished):
            self.turn_over(messages)

    def sync(self, messages: Messages) -> None:
        """Append the messages added since the last look (all of them if rewritten)."""
        count = len(messages)
        if count == self._count and (count == 0 or messages[-1] is self._last):
            return
        rewritten = self._count > 0 and (
            count < self._count
            or messages[0] is not self._first
            or messages[self._count - 1] is not self._last
        )
        if rewritten:
            self.writer.append({"type": "history", "messages": list(messages)})
        else:
            for message in messages[self._count :]:
                if self._prompt is not None and _is_prompt(message, self._prompt):
                    self._prompt = None  # already written as the prompt record
                    continue
                self.writer.append({"type": "message", "message": message})
        self._mark(messages)

    def turn_over(self, messages: Messages) -> None:
        """A turn ended: make the transcript durable and refresh the summary."""
        self.sync(messages)
        self.writer.sync()
        self.info.updated = time.time()
        self.info.messages = len(messages)
        # Without a summary the picker reads the transcript itself.
        with contextlib.suppress(OSError):
            store.write_info(self.folder, self.info)

    def close(self, messages: Messages) -> None:
        """Record what is left and close the file."""
        self.turn_over(messages)
        self.writer.close()

    def _mark(self, messages: Messages) -> None:
        self._count = len(messages)
        self._first = messages[0] if messages else None
        self._last = messages[-1] if messages else None


def _is_prompt(message: dict[str, Any], prompt: str) -> bool:
    # A prompt with images holds its text in a part of its own (the images are not saved).
    return message.get("role") == "user" and message_text(message) == prompt


def _event_record(event: Event) -> dict[str, Any] | None:
    """The record an event adds to the transcript (None: the messages say it all)."""
    if isinstance(event, ToolCallStarted):
        return {
            "type": "tool",
            "call_id": event.call_id,
            "name": event.name,
            "summary": event.summary,
        }
    if isinstance(event, ToolCallFinished):
        # The result is in the conversation (a tool message) unless the user ran it.
        record = {k: v for k, v in asdict(event).items() if k != "result"}
        if event.call_id.startswith("user-"):
            record["result"] = event.result
        return {"type": "tool_done", **record}
    if isinstance(event, PermissionAnswered):
        return {"type": "permission", **asdict(event)}
    if isinstance(event, TodosUpdated):
        return {"type": "todos", "todos": [asdict(todo) for todo in event.todos]}
    if isinstance(event, Usage):
        return {"type": "usage", **asdict(event)}
    if isinstance(event, SubagentUsage):
        # A usage record too, naming its agent and its model (``/cost`` prices it by that).
        names = {"call_id": event.call_id, "agent": event.agent, "model": event.model}
        return {"type": "usage", **names, **asdict(event.usage)}
    if isinstance(event, TurnFinished):
        return {"type": "turn_end", "reason": event.reason, "detail": event.detail}
    return None
