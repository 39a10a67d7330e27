"""Every event the core can emit becomes a message to the screen: none is dropped."""

from __future__ import annotations

from typing import get_args

from openclaude_tui.core.events import Event
from openclaude_tui.ui.bridge import EVENT_MESSAGES, TEXT_BATCHES


def test_every_event_type_has_exactly_one_message() -> None:
    events = set(get_args(Event))
    assert len(events) >= 15
    assert not set(TEXT_BATCHES) & set(EVENT_MESSAGES)
    missing = sorted(e.__name__ for e in events - set(TEXT_BATCHES) - set(EVENT_MESSAGES))
    assert missing == [], f"events the bridge does not turn into messages: {missing}"
    unknown = sorted(e.__name__ for e in (set(TEXT_BATCHES) | set(EVENT_MESSAGES)) - events)
    assert unknown == [], f"the bridge names types that are not events: {unknown}"
