"""Large pastes shown as a chip in the prompt, sent in full.

Pasting a log or a file of hundreds of lines into the prompt would push everything typed
around it out of sight. A paste of more than ``MAX_LINES`` lines or ``MAX_CHARS``
characters is kept here and the prompt shows ``[Pasted text #1 +42 lines]`` in its place;
when the prompt is sent (or opened in the external editor) each chip still in the text is
replaced by what was pasted. An image pasted with Ctrl+V is a chip too
(``[image: clipboard-1.png 4×3]``), replaced by the path of the file it was kept in.
"""

from __future__ import annotations

import re

MAX_LINES = 10
MAX_CHARS = 1000


def is_large(text: str) -> bool:
    """Whether a paste is big enough to be shown as a chip."""
    return text.count("\n") + 1 > MAX_LINES or len(text) > MAX_CHARS


class PastedTexts:
    """The large pastes of the prompt being written, by the chip that stands for each."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}
        self._count = 0

    def chip_for(self, text: str) -> str | None:
        """The chip to show instead of ``text`` (kept until the prompt is sent); None when
        the paste is small enough to show as it is."""
        if not is_large(text):
            return None
        self._count += 1
        lines = text.count("\n") + 1
        size = f"+{lines} lines" if lines > 1 else f"{len(text):,} chars"
        chip = f"[Pasted text #{self._count} {size}]"
        self._texts[chip] = text
        return chip

    def keep(self, chip: str, text: str) -> None:
        """Show ``chip`` for ``text`` (an image pasted: its file's path) until sent."""
        self._texts[chip] = text

    def chip_ending(self, text: str) -> str | None:
        """The chip ``text`` ends with (what is before the cursor), if any: Backspace
        there deletes the whole chip, and so the paste, not its last character."""
        return next((chip for chip in self._texts if text.endswith(chip)), None)

    def expand(self, text: str) -> str:
        """``text`` with each chip it still holds replaced by the paste it stands for."""
        if not self._texts:
            return text
        # One pass: a paste that itself holds a chip's words is not expanded again.
        chips = re.compile("|".join(re.escape(chip) for chip in self._texts))
        return chips.sub(lambda match: self._texts[match.group(0)], text)

    def clear(self) -> None:
        """Forget the pastes (the prompt was sent): the next chip is #1 again."""
        self._texts.clear()
        self._count = 0
