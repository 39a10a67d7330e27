"""Drawing single lines of a diff: gutters, syntax colours, changed words, cut marks.

``DiffPainter`` turns one row of a ``DiffView`` into a ``Strip`` of an exact width. It
highlights code with pygments a chunk of lines at a time, only for the chunks that are
drawn, and keeps what it computed (tokens, changed words) for the rows drawn next. Colours
come from the view's component classes and from the app theme's variables, so every theme
gives a matching diff.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import PurePosixPath

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_for_filename
from pygments.token import Token, _TokenType
from pygments.util import ClassNotFound
from rich.segment import Segment
from rich.style import Style
from textual.color import Color, ColorParseError
from textual.strip import Strip

from openclaude_tui.core.changes.diff import FileDiff, Hunk, Line
from openclaude_tui.core.changes.word_diff import Span, pair_lines, word_spans
from openclaude_tui.ui.visible_text import CONTROL_SYMBOLS

TAB_SIZE = 4
CUT_MARK = "›"
# Lines highlighted together: enough context for the lexer, little work per screen.
CHUNK = 64
_UNDECODABLE = re.compile("[\udc80-\udcff]")

# Pygments token types → (theme variable, bold, italic).
_SYNTAX: dict[_TokenType, tuple[str, bool, bool]] = {
    Token.Comment: ("foreground-muted", False, True),
    Token.Keyword: ("text-accent", False, False),
    Token.Keyword.Constant: ("text-success", True, False),
    Token.Keyword.Namespace: ("text-error", False, False),
    Token.Keyword.Type: ("text-primary", False, False),
    Token.Name.Builtin: ("text-accent", False, False),
    Token.Name.Class: ("text-warning", True, False),
    Token.Name.Constant: ("text-error", False, False),
    Token.Name.Decorator: ("text-primary", True, False),
    Token.Name.Function: ("text-warning", False, False),
    Token.Name.Tag: ("text-primary", True, False),
    Token.Name.Attribute: ("text-warning", False, False),
    Token.Name.Variable: ("text-secondary", False, False),
    Token.Literal.String: ("text-success", False, False),
    Token.Literal.String.Doc: ("text-success", False, True),
    Token.Literal.Number: ("text-warning", False, False),
    Token.Operator.Word: ("text-error", True, False),
    Token.Generic.Heading: ("text-primary", True, False),
    Token.Generic.Subheading: ("text-primary", False, False),
}

TokenSpans = list[tuple[int, int, Style]]
# A file's lines by side: each hunk line's (old, new) place, and each side's (hunk, line)s.
FileSides = tuple[list[list[tuple[int, int]]], tuple[list[tuple[int, int]], list[tuple[int, int]]]]


@dataclass
class DiffStyles:
    """The styles a diff is drawn with (each a full style: colour on background)."""

    base: Style
    added: Style
    removed: Style
    added_word: Style
    removed_word: Style
    number: Style
    hunk: Style
    hunk_section: Style
    file: Style
    note: Style
    cursor: Style
    match: Style
    deselected: Style
    filler: Style
    cut: Style
    status: dict[str, Style]
    syntax: dict[_TokenType, Style] = field(default_factory=dict)


def theme_syntax(variables: dict[str, str], background: Color) -> dict[_TokenType, Style]:
    """Syntax colours from the theme's variables (translucent ones laid on ``background``)."""
    styles: dict[_TokenType, Style] = {}
    for token, (name, bold, italic) in _SYNTAX.items():
        try:
            colour = Color.parse(variables[name])
        except (KeyError, ColorParseError):
            continue
        if colour.a < 1:
            colour = background.blend(colour.with_alpha(1), colour.a)
        styles[token] = Style(color=colour.rich_color, bold=bold or None, italic=italic or None)
    return styles


def foreground(style: Style) -> Style:
    """Only the colour and text attributes of ``style``, to lay over another background."""
    return Style(
        color=style.color,
        bold=style.bold,
        italic=style.italic,
        dim=style.dim,
        underline=style.underline,
        strike=style.strike,
    )


def display_text(text: str) -> tuple[str, list[int] | None]:
    """A line as the screen shows it, and where each character went when tabs were expanded.

    Undecodable bytes become U+FFFD and control characters their visible symbols (one
    character each, so offsets hold); tabs are expanded to the next stop.

    Returns:
        The text, and the screen offset of each character (plus one past the end), or None
        when offsets did not change.
    """
    text = _UNDECODABLE.sub("\ufffd", text).translate(CONTROL_SYMBOLS)
    if "\t" not in text:
        return text, None
    out: list[str] = []
    offsets: list[int] = []
    column = 0
    for char in text:
        offsets.append(column)
        if char == "\t":
            spaces = TAB_SIZE - column % TAB_SIZE
            out.append(" " * spaces)
            column += spaces
        else:
            out.append(char)
            column += 1
    offsets.append(column)
    return "".join(out), offsets


class DiffPainter:
    """Draws the rows of a list of file diffs.

    Args:
        diffs: The files.
    """

    def __init__(self, diffs: Sequence[FileDiff]) -> None:
        self.diffs = diffs
        self.styles: DiffStyles | None = None
        self.search: re.Pattern[str] | None = None
        self._tokens: dict[tuple[int, int, int], list[TokenSpans]] = {}
        self._sides: dict[
            int,
            tuple[list[list[tuple[int, int]]], tuple[list[tuple[int, int]], list[tuple[int, int]]]],
        ] = {}
        self._partners: dict[tuple[int, int], dict[int, int]] = {}
        self._words: dict[tuple[int, int, int], tuple[Span, ...]] = {}
        self._token_styles: dict[_TokenType, Style | None] = {}
        numbers = [
            max(hunk.old_start + hunk.old_count, hunk.new_start + hunk.new_count)
            for diff in diffs
            for hunk in diff.hunks
        ]
        self.number_width = max(len(str(max(numbers, default=1))), 2)

    def set_styles(self, styles: DiffStyles) -> None:
        """Use new styles (after a theme change)."""
        self.styles = styles
        self._token_styles.clear()
        self._tokens.clear()

    # What a line shows

    def syntax(self, file: int, hunk: int, index: int) -> TokenSpans:
        """Syntax colour spans of one hunk line, on its text without a final ``\\r``.

        Each side of a file (its old lines, its new lines) is read as one text across its
        hunks, so the lexer keeps its context and a page of small hunks is one call.
        """
        lexer = self._lexer(file)
        if lexer is None:
            return []
        positions, sides = self._file_sides(file)
        line = self.diffs[file].hunks[hunk].lines[index]
        side = 0 if line.kind == "removed" else 1
        position = positions[hunk][index][side]
        chunk = position // CHUNK
        key = (file, side, chunk)
        spans = self._tokens.get(key)
        if spans is None:
            refs = sides[side][chunk * CHUNK : (chunk + 1) * CHUNK]
            spans = self._tokens[key] = self._highlight(lexer, file, refs)
        return spans[position - chunk * CHUNK]

    def partner(self, file: int, hunk: int, index: int) -> int | None:
        """The line set beside this one (a removed line's replacement and back)."""
        key = (file, hunk)
        partners = self._partners.get(key)
        if partners is None:
            partners = {}
            lines = self.diffs[file].hunks[hunk].lines
            for left, right in pair_lines(self.diffs[file].hunks[hunk]):
                if left is not None and right is not None and lines[left].kind != "context":
                    partners[left] = right
                    partners[right] = left
            self._partners[key] = partners
        return partners.get(index)

    def changed_words(self, file: int, hunk: int, index: int) -> tuple[Span, ...]:
        """The spans of a changed line that differ from its partner."""
        key = (file, hunk, index)
        found = self._words.get(key)
        if found is None:
            other = self.partner(file, hunk, index)
            found = ()
            if other is not None:
                lines = self.diffs[file].hunks[hunk].lines
                mine, theirs = lines[index].text, lines[other].text
                old, new = (mine, theirs) if lines[index].kind == "removed" else (theirs, mine)
                old_spans, new_spans = word_spans(old.removesuffix("\r"), new.removesuffix("\r"))
                self._words[(file, hunk, other)] = (
                    new_spans if lines[index].kind == "removed" else old_spans
                )
                found = old_spans if lines[index].kind == "removed" else new_spans
            self._words[key] = found
        return found

    # Painting

    def code(
        self, file: int, hunk: int, index: int, width: int, base: Style, plain: bool = False
    ) -> Strip:
        """A line's text, highlighted, exactly ``width`` cells wide.

        Args:
            file: File index.
            hunk: Hunk index in the file.
            index: Line index in the hunk.
            width: Cells to fill.
            base: The line's style (added, removed, context…).
            plain: Draw without syntax colours or changed words (a deselected hunk).
        """
        styles = self.styles
        assert styles is not None
        line: Line = self.diffs[file].hunks[hunk].lines[index]
        text = line.text.removesuffix("\r")
        syntax = [] if plain else self.syntax(file, hunk, index)
        words: tuple[Span, ...] = ()
        emphasis = styles.removed_word if line.kind == "removed" else styles.added_word
        if not plain and line.kind != "context":
            words = self.changed_words(file, hunk, index)
        shown, offsets = display_text(text)
        segments = self._segments(shown, offsets, syntax, words, base, emphasis)
        other = self.partner(file, hunk, index)
        if other is not None and not plain:
            partner_text = self.diffs[file].hunks[hunk].lines[other].text
            if line.text.endswith("\r") != partner_text.endswith("\r"):
                # Only the line ending differs: show it, or the pair looks identical.
                segments.append(Segment("␍" if line.text.endswith("\r") else "␊", emphasis))
        if line.no_newline:
            segments.append(Segment("  \\ no newline at end of file", base + styles.note))
        return self.fit(segments, width, base)

    def fit(self, segments: list[Segment], width: int, base: Style) -> Strip:
        """Segments cut (with a mark) or padded to exactly ``width`` cells."""
        strip = Strip(segments)
        if strip.cell_length <= width:
            return strip.extend_cell_length(width, base)
        assert self.styles is not None
        if width < 1:
            return Strip([])
        cut = strip.crop(0, width - 1).extend_cell_length(width - 1, base)
        return Strip.join([cut, Strip([Segment(CUT_MARK, base + self.styles.cut)])])

    def _segments(
        self,
        shown: str,
        offsets: list[int] | None,
        syntax: TokenSpans,
        words: tuple[Span, ...],
        base: Style,
        emphasis: Style,
    ) -> list[Segment]:
        assert self.styles is not None

        def moved(at: int) -> int:
            return offsets[at] if offsets is not None else at

        layers: list[list[tuple[int, int, Style]]] = [
            [(moved(start), moved(end), style) for start, end, style in syntax],
            [(moved(start), moved(end), emphasis) for start, end in words],
        ]
        if self.search is not None:
            match = self.styles.match
            layers.append([(m.start(), m.end(), match) for m in self.search.finditer(shown)])
        cuts = sorted(
            {0, len(shown)}
            | {edge for layer in layers for start, end, _ in layer for edge in (start, end)}
        )
        pointers = [0] * len(layers)
        segments: list[Segment] = []
        for start, end in pairwise(cuts):
            if start >= len(shown):
                break
            style = base
            for number, layer in enumerate(layers):
                pointer = pointers[number]
                while pointer < len(layer) and layer[pointer][1] <= start:
                    pointer += 1
                pointers[number] = pointer
                if pointer < len(layer) and layer[pointer][0] <= start:
                    style = style + layer[pointer][2]
            segments.append(Segment(shown[start:end], style))
        return segments

    # Highlighting

    def _lexer(self, file: int) -> Lexer | None:
        return lexer_for(PurePosixPath(self.diffs[file].path).name)

    def _file_sides(self, file: int) -> FileSides:
        """Each hunk line's place on the old and new side, and each side's (hunk, line)s."""
        found = self._sides.get(file)
        if found is None:
            old: list[tuple[int, int]] = []
            new: list[tuple[int, int]] = []
            positions: list[list[tuple[int, int]]] = []
            for number, hunk in enumerate(self.diffs[file].hunks):
                places = []
                for index, line in enumerate(hunk.lines):
                    places.append((len(old), len(new)))
                    if line.kind != "added":
                        old.append((number, index))
                    if line.kind != "removed":
                        new.append((number, index))
                positions.append(places)
            found = self._sides[file] = (positions, (old, new))
        return found

    def _highlight(self, lexer: Lexer, file: int, refs: list[tuple[int, int]]) -> list[TokenSpans]:
        hunks = self.diffs[file].hunks
        # Pygments turns a lone "\r" into a line break; a space keeps the rows aligned.
        texts = [
            hunks[hunk].lines[index].text.removesuffix("\r").replace("\r", " ")
            for hunk, index in refs
        ]
        result: list[TokenSpans] = [[] for _ in texts]
        row = column = 0
        for token, value in lexer.get_tokens("\n".join(texts) + "\n"):
            style = self._token_style(token)
            for number, piece in enumerate(value.split("\n")):
                if number:
                    row += 1
                    column = 0
                if piece and style is not None and row < len(result):
                    result[row].append((column, column + len(piece), style))
                column += len(piece)
        return result

    def _token_style(self, token: _TokenType) -> Style | None:
        if token in self._token_styles:
            return self._token_styles[token]
        assert self.styles is not None
        found: Style | None = None
        walk: _TokenType | None = token
        while walk is not None:
            if walk in self.styles.syntax:
                found = self.styles.syntax[walk]
                break
            walk = walk.parent
        self._token_styles[token] = found
        return found


@lru_cache(maxsize=256)
def lexer_for(name: str) -> Lexer | None:
    """The pygments lexer for a file name, or None (finding one scans every lexer: cached)."""
    try:
        return get_lexer_for_filename(name, stripnl=False, ensurenl=False)
    except (ClassNotFound, ValueError):
        return None


def hunk_label(hunk: Hunk) -> str:
    """The hunk header without its function context."""
    return f"@@ -{hunk.old_start},{hunk.old_count} +{hunk.new_start},{hunk.new_count} @@"
