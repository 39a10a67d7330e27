"""Server-sent events decoded from bytes however the network splits them."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from openclaude_tui.core.llm.sse import EventDecoder

STREAM = (
    b": keep-alive\n\n"
    b'data: {"a":1}\n\n'
    b"event: message\r\n"
    b"id: 7\r\n"
    b'data: {"text":"one\xe2\x80\xa8two \xf0\x9f\x98\x80"}\r\n\r\n'
    b"data: first line\n"
    b"data:second line\n\n"
    b"retry: 100\n\n"
    b"data: [DONE]\n\n"
)
EVENTS = ['{"a":1}', '{"text":"one\u2028two \U0001f600"}', "first line\nsecond line", "[DONE]"]


def decode(pieces: list[bytes]) -> list[str]:
    decoder = EventDecoder()
    events: list[str] = []
    for piece in pieces:
        events.extend(decoder.feed(piece))
    return events + decoder.close()


def test_data_fields_comments_and_other_fields() -> None:
    assert decode([STREAM]) == EVENTS


@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=12))
def test_any_split_of_the_bytes_gives_the_same_events(cuts: list[int]) -> None:
    bounds = [0, *sorted(cuts), len(STREAM)]
    pieces = [STREAM[start:end] for start, end in itertools.pairwise(bounds)]
    assert decode(pieces) == EVENTS


def test_an_event_left_open_at_the_end_is_kept() -> None:
    assert decode([b'data: {"a":1}\n\ndata: {"b":2}']) == ['{"a":1}', '{"b":2}']


def test_undecodable_bytes_are_replaced_not_fatal() -> None:
    assert decode([b"data: \xff\xfe ok\n\n"]) == ["\ufffd\ufffd ok"]
