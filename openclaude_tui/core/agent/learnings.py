"""Learnings: at the end of a session (or on request) the model proposes what is worth
remembering for later sessions, and the user chooses which to keep.

The proposal is one request beside the conversation, without tools (as the compactor's
summary is made): the conversation as a transcript, what the memory files already say, and
the request for a short list. Nothing here writes a file; the user's choice goes to
``core.prompt.memory_file``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from openclaude_tui.core.agent.compact import SUMMARY_INPUT_SHARE, render_transcript
from openclaude_tui.core.agent.history import Message
from openclaude_tui.core.llm.side_request import ask_aside

if TYPE_CHECKING:
    from openclaude_tui.core.llm.provider import Provider

# At most this many proposals are offered, each cut to one line of this many characters.
MOST_LEARNINGS = 8
LEARNING_CHARS = 300
# The window assumed when the agent has no compactor to say what it is.
FALLBACK_WINDOW = 8192

LEARNINGS_SYSTEM = (
    "You review a coding session between a user and a coding agent, to find what a future "
    "session in the same project should know from the start."
)
LEARNINGS_REQUEST = (
    "List what is worth remembering for future sessions in this project: facts that took "
    "effort to find out (how to build, run or test it; where things live; pitfalls met and "
    "how they were solved) and preferences the user stated. Leave out what the memory files "
    "above already say, what is obvious from the files, and anything about this one task. "
    f"Write at most {MOST_LEARNINGS} items, one line each, each starting with '- '. If "
    "nothing is worth remembering, answer with the single word NONE."
)
_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+(.+?)\s*$")


async def propose_learnings(
    provider: Provider,
    messages: Sequence[Message],
    memory: str,
    window: int = FALLBACK_WINDOW,
) -> list[str]:
    """What the model proposes to remember of ``messages``.

    Args:
        provider: The session's provider.
        messages: The conversation (without its system prompt).
        memory: What the memory files say now (so known things are not proposed again).
        window: The context window in tokens (the request is sized to fit it).

    Raises:
        ProviderError: the server failed (the message says how).
    """
    budget = int(window * SUMMARY_INPUT_SHARE) * 4 - len(LEARNINGS_SYSTEM) - len(memory)
    transcript = render_transcript(messages, max(budget - len(LEARNINGS_REQUEST), 2000))
    known = memory.strip() or "(no memory file yet)"
    prompt = (
        f"<transcript>\n{transcript}\n</transcript>\n\n"
        f"<memory>\n{known}\n</memory>\n\n{LEARNINGS_REQUEST}"
    )
    return parse_learnings(await ask_aside(provider, LEARNINGS_SYSTEM, prompt), memory)


def parse_learnings(answer: str, memory: str = "") -> list[str]:
    """The list items of ``answer``: each on one line, cut to ``LEARNING_CHARS``, without
    repeats or lines ``memory`` already holds, at most ``MOST_LEARNINGS``."""
    known = {_key(line) for line in memory.splitlines()}
    proposals: list[str] = []
    for line in answer.splitlines():
        match = _ITEM.match(line)
        if match is None:
            continue
        text = match.group(1).strip()
        if len(text) > LEARNING_CHARS:
            text = text[: LEARNING_CHARS - 1].rstrip() + "…"
        key = _key(text)
        if not key or key in known:
            continue
        known.add(key)
        proposals.append(text)
        if len(proposals) == MOST_LEARNINGS:
            break
    return proposals


def _key(line: str) -> str:
    """A line compared without its list marker, case or spacing."""
    match = _ITEM.match(line)
    text = match.group(1) if match is not None else line
    return " ".join(text.casefold().split())
