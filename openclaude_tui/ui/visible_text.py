"""Control characters shown as visible symbols.

Text on screen comes from models, files and commands; a raw control character in it (an
escape sequence above all) would reach the terminal as a command of its own. Each is drawn
as its Unicode control picture instead (ESC as ␛), one cell wide.
"""

from __future__ import annotations

import re

from rich.segment import Segment
from textual.strip import Strip

# Tab excepted: each place that draws text expands tabs to its own stops.
CONTROL_SYMBOLS = {code: chr(0x2400 + code) for code in range(32) if code != 9} | {0x7F: "␡"}
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a control character other than tab."""
    return _CONTROL.search(text) is not None


def with_visible_controls(line: Strip, width: int) -> Strip:
    """``line`` with its control characters drawn as symbols, kept to ``width`` cells.

    Control characters take no cells when measured and their symbols one each, so the
    line is cut back to its width (the padding at its end goes first).
    """
    segments = [
        segment
        if segment.control
        else Segment(segment.text.translate(CONTROL_SYMBOLS), segment.style)
        for segment in line
    ]
    return Strip(segments).crop(0, width)
