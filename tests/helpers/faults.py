"""Ways a server misbehaves, each with what the user must read, and the small deadlines the
fault tests (print mode and the app) run with."""

from __future__ import annotations

from dataclasses import dataclass

from tests.scripted_server import Turn

# Small, but not so small that a loaded machine trips them on a healthy answer.
FIRST_TOKEN_TIMEOUT = 4.0
"""Seconds the fault tests give the server for its first token."""
REQUEST_TIMEOUT = 5.0
"""Seconds the fault tests give a whole request."""
STALL_TIMEOUT = 1.5
"""Seconds of silence in the middle of an answer the fault tests accept."""

DEADLINES = (
    f"first_token_timeout = {FIRST_TOKEN_TIMEOUT:g}\n"
    f"request_timeout = {REQUEST_TIMEOUT:g}\n"
    f"stall_timeout = {STALL_TIMEOUT:g}\n"
)
"""The deadlines above as lines of the user's config.toml."""

PATIENT_TIMEOUT = 60.0
"""The deadlines of the interrupt tests: a fault must still be going on when the key lands,
however slowly a loaded machine delivers it."""

PATIENT_DEADLINES = (
    f"first_token_timeout = {PATIENT_TIMEOUT:g}\n"
    f"request_timeout = {PATIENT_TIMEOUT:g}\n"
    f"stall_timeout = {PATIENT_TIMEOUT:g}\n"
)
"""The patient deadlines as lines of the user's config.toml."""


@dataclass(frozen=True)
class Fault:
    """A misbehaving answer, repeated for every attempt, and what the user must read."""

    id: str
    turn: Turn
    message: str


FAULTS = [
    Fault("500", Turn(status=500), "server returned 500"),
    Fault("429-nan", Turn(status=429, headers={"Retry-After": "nan"}), "server returned 429"),
    Fault(
        "429-garbage",
        Turn(status=429, headers={"Retry-After": "soon, maybe"}),
        "server returned 429",
    ),
    Fault("429-negative", Turn(status=429, headers={"Retry-After": "-5"}), "server returned 429"),
    Fault(
        "429-huge",
        Turn(status=429, headers={"Retry-After": "99999999"}),
        "the server asks to wait",
    ),
    Fault(
        "429-http-date",
        Turn(status=429, headers={"Retry-After": "Fri, 31 Dec 2999 23:59:59 GMT"}),
        "the server asks to wait",
    ),
    Fault("dropped", Turn(text="one two three four five six", drop_after=2), "before the answer"),
    Fault(
        "malformed-json",
        Turn(text="hello there", raw_event='{"choices": [{"delta": '),
        "sent a malformed answer",
    ),
    Fault("10mb-line", Turn(text="hi", long_line=10 * 1024 * 1024), "more than 8 MB"),
    Fault("endless-body", Turn(keep_alive_forever=True), "sent nothing within 4 s"),
    Fault("stall", Turn(text="one two three four", stall_after=2), "stopped sending for 1.5 s"),
    Fault("never-ending", Turn(text="start", endless=True), "still sending after 5 s"),
]
"""Every fault the print-mode matrix and the app's fault tests cover."""

LASTING = [
    f for f in FAULTS if f.id not in {"429-negative", "429-huge", "429-http-date", "10mb-line"}
]
"""The faults that last long enough for Ctrl+C to land while they go on."""
