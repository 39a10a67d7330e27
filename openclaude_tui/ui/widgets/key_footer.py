"""A footer that drops its least important keys when they do not fit.

Textual's ``Footer`` lays its keys out in one row and cuts the row at the edge, often in
the middle of a word, and the keys past it are never seen. ``KeyFooter`` shows the keys
in the same order and style, but leaves out the least important ones until the rest fit.
A screen ranks its keys in ``FOOTER_KEYS``: binding actions (``"revert(False)"``), most
important first; keys it does not rank are the first to go. The screen's help (``?`` or
``/help``) lists every key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# What Footer's CSS adds around a key's text: its key is padded by one cell on each side,
# its description by one on the right (the palette key's border and padding take the same).
KEY_PADDING = 3


def key_width(key: FooterKey) -> int:
    """Cells the key takes in the footer."""
    width = cell_len(key.key_display) + cell_len(key.description) + KEY_PADDING
    return width if key.description else width - 1


def fit_keys(keys: Sequence[FooterKey], room: int, ranked: Sequence[str]) -> list[FooterKey]:
    """The most important keys that fit in ``room`` cells, in their order.

    Args:
        keys: The footer's keys as Footer makes them (the palette key is always kept).
        room: The footer's width.
        ranked: Binding actions, most important first; the others rank below them, later
            ones lower.
    """
    rank = {action: index for index, action in enumerate(ranked)}
    pinned = {id(key) for key in keys if key.has_class("-command-palette")}
    budget = room - sum(key_width(key) for key in keys if id(key) in pinned)
    chosen = set(pinned)
    by_rank = sorted(
        (key for key in keys if id(key) not in pinned),
        key=lambda key: rank.get(key.action, len(rank)),
    )
    for key in by_rank:
        if key_width(key) <= budget:
            chosen.add(id(key))
            budget -= key_width(key)
    return [key for key in keys if id(key) in chosen]


class KeyFooter(Footer):
    """Textual's footer, keeping the most important keys that fit (see the module)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._composed_width = 0

    def compose(self) -> ComposeResult:
        """Footer's keys, less those that would not fit."""
        keys: list[Widget] = list(super().compose())
        footer_keys = [key for key in keys if isinstance(key, FooterKey)]
        if len(footer_keys) != len(keys):  # grouped keys: not used here; shown as they are
            yield from keys
            return
        self._composed_width = self.size.width
        ranked: Iterable[str] = getattr(self.screen, "FOOTER_KEYS", ())
        yield from fit_keys(footer_keys, self.size.width, tuple(ranked))

    def on_resize(self, event: Resize) -> None:
        """Choose the keys again for the new width."""
        if event.size.width != self._composed_width:
            self.call_after_refresh(self.recompose)
