"""A script for the scripted server that tells conversations apart, for sub-agent tests.

Sub-agents running side by side send their requests in no fixed order, so a plain list of
turns cannot say which answer goes to whom. ``Conversations`` answers each request from
the turns of the conversation it belongs to, known by its first user message, and lets a
conversation's answer wait until another conversation's request has arrived (which proves
the two run at the same time: one after the other, the wait would never end).
"""

from __future__ import annotations

import threading
from pathlib import Path

from tests.scripted_server import RecordedRequest, ScriptedServer, ToolCallSpec, Turn

# How long an answer waits for another conversation before it reports that it never came.
ARRIVAL_WAIT = 60.0
SEQUENTIAL = "the other conversation never arrived: the sub-agents did not run in parallel"


class Conversations:
    """Turns by conversation; install with ``use(server)``.

    Args:
        turns: For each conversation's first user message, its turns in order.
    """

    def __init__(self, turns: dict[str, list[Turn]]) -> None:
        self._turns = {key: list(value) for key, value in turns.items()}
        self._lock = threading.Lock()
        self._arrived: dict[str, threading.Event] = {key: threading.Event() for key in turns}
        self._waits: dict[str, str] = {}
        self.requests: dict[str, list[RecordedRequest]] = {key: [] for key in turns}

    def wait_for(self, conversation: str, other: str) -> None:
        """Hold ``conversation``'s first answer until ``other`` has sent a request."""
        self._waits[conversation] = other

    def use(self, server: ScriptedServer) -> None:
        """Make this the server's whole script."""
        count = sum(len(turns) for turns in self._turns.values())
        server.script(*([self._answer] * count))

    def _answer(self, request: RecordedRequest) -> Turn:
        first = next((m.get("content") for m in request.messages if m.get("role") == "user"), None)
        key = str(first)
        if key not in self._turns:
            return Turn(text=f"unscripted conversation: {key[:80]}")
        with self._lock:
            self.requests[key].append(request)
            self._arrived[key].set()
            turns = self._turns[key]
            turn = turns.pop(0) if turns else Turn(text=f"no more turns for {key[:80]}")
        other = self._waits.pop(key, None)
        if other is not None and not self._arrived[other].wait(ARRIVAL_WAIT):
            return Turn(text=SEQUENTIAL)
        return turn


def tool_names(request: RecordedRequest) -> list[str]:
    """The names of the tools a request offered."""
    return [tool["function"]["name"] for tool in request.tools]


def system_prompt(request: RecordedRequest) -> str:
    """The request's system prompt."""
    return str(request.messages[0]["content"])


# A turn that hands one task to a sub-agent of the type ``quick``, which asks another model
# (``SMALL_MODEL``): every request reports its prompt tokens (the sub-agent's, 400 and 600,
# far below the parent's, 1,000 and 1,500, so a context figure shows whose it is).
SMALL_MODEL = "small-model"
TASK_PROMPT = "have a sub-agent read notes.txt"
SUBTASK = "Read notes.txt and report its first line."
QUICK_TASK = ToolCallSpec(
    "Task",
    {"description": "read notes", "prompt": SUBTASK, "subagent_type": "quick"},
    id="task-1",
)
PARENT_TURNS = [
    Turn(tool_calls=[QUICK_TASK], prompt_tokens=1_000),
    Turn(text="notes.txt starts with alpha.", prompt_tokens=1_500),
]
SUBAGENT_TURNS = [
    Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "notes.txt"})], prompt_tokens=400),
    Turn(text="Its first line is alpha.", prompt_tokens=600),
]
# In the order the requests come: the parent's Task, the sub-agent's two, the parent's last.
TASK_TURNS = [PARENT_TURNS[0], *SUBAGENT_TURNS, PARENT_TURNS[1]]


def define_quick_agent(project: Path, model: str = SMALL_MODEL) -> None:
    """Define the agent type ``quick`` in ``project``, asking ``model``."""
    folder = project / ".openclaude" / "agents"
    folder.mkdir(parents=True, exist_ok=True)
    text = f"---\ndescription: Reads files quickly\nmodel: {model}\n---\nBe quick.\n"
    (folder / "quick.md").write_text(text, encoding="utf-8")
