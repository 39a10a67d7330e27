"""Code blocks of the chat pane, drawn straight from pygments' tokens.

Rich's ``Syntax`` builds a ``Text`` per line, wraps it and pads it through the generic
renderer: about 5 ms for eight lines of Python. A streamed answer draws its code block
pieces as they settle and the open block's tail on every frame, so they are drawn here
directly: the same theme colours, one segment per token, lines wrapped at a space where
one is near (else mid-word), a column of padding either side.
"""

from __future__ import annotations

from functools import lru_cache

from pygments.lexer import Lexer
from pygments.token import _TokenType
from rich.cells import cell_len, get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax, SyntaxTheme
from textual.strip import Strip

TAB_SIZE = 4


@lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language or "text", stripnl=False, ensurenl=False)
    except ClassNotFound:
        return get_lexer_by_name("text", stripnl=False, ensurenl=False)


class _Palette:
    """The styles of one theme on one background, token type by token type."""

    def __init__(self, theme: str, background: str | None) -> None:
        self.theme: SyntaxTheme = Syntax.get_theme(theme)
        on_background = Style(bgcolor=background) if background else Style.null()
        self.base = self.theme.get_background_style() + on_background
        self._on_background = on_background
        self._styles: dict[_TokenType, Style] = {}

    def style(self, token_type: _TokenType) -> Style:
        style = self._styles.get(token_type)
        if style is None:
            token_style = self.theme.get_style_for_token(token_type)
            style = self._styles[token_type] = self.base + token_style + self._on_background
        return style


@lru_cache(maxsize=16)
def _palette(theme: str, background: str | None) -> _Palette:
    return _Palette(theme, background)


def code_lines(
    code: str,
    language: str,
    theme: str,
    background: str | None,
    width: int,
) -> list[Strip]:
    """``code`` as lines exactly ``width`` cells wide, highlighted as ``language``.

    An unknown language draws plain text in the theme's colours.
    """
    palette = _palette(theme, background)
    source = code.replace("\r\n", "\n").expandtabs(TAB_SIZE)
    tokens = _lexer(language).get_tokens(source)
    lines: list[list[Segment]] = [[]]
    for token_type, value in tokens:
        style = palette.style(token_type)
        first, *rest = value.split("\n")
        if first:
            lines[-1].append(Segment(first, style))
        for part in rest:
            lines.append([Segment(part, style)] if part else [])
    inner = max(1, width - 2)
    edge = Segment(" ", palette.base)
    drawn: list[Strip] = []
    for segments in lines:
        line = Strip(segments)
        pieces = line.divide(_cuts(line.text, inner)) if line.cell_length > inner else [line]
        for piece in pieces:
            filled = piece.extend_cell_length(inner, palette.base)
            drawn.append(Strip([edge, *filled, edge], inner + 2))
    return drawn


def _cuts(text: str, width: int) -> list[int]:
    """Where the pieces of a line too wide for ``width`` cells end (cell offsets).

    A piece ends after the last space that fits when there is one in its second half (so
    words stay whole), else at the width.
    """
    if text.isascii():
        cells = list(range(len(text) + 1))
    else:
        cells = [0]
        for char in text:
            cells.append(cells[-1] + get_character_cell_size(char))
    cuts: list[int] = []
    start = 0  # index into text
    total = cells[-1]
    while cells[-1] - cells[start] > width:
        limit = cells[start] + width
        end = start
        while cells[end + 1] <= limit:
            end += 1
        space = text.rfind(" ", start, end)
        if space >= 0 and cells[space + 1] - cells[start] > width // 2:
            end = space + 1
        end = max(end, start + 1)
        cuts.append(cells[end])
        start = end
    return [*cuts, total]


def label_line(text: str, style: Style, width: int) -> Strip:
    """A one-line caption (a code block's language) ``width`` cells wide."""
    return Strip([Segment(text, style)], cell_len(text)).extend_cell_length(width)
