"""Code blocks drawn from pygments' tokens: the look of Rich's Syntax, at a fraction of its
cost, and lines that always fill the pane's width."""

from __future__ import annotations

from rich.console import Console
from rich.style import Style
from rich.syntax import Syntax
from textual.strip import Strip

from openclaude_tui.ui.code_lines import code_lines

SAMPLE = (
    "def scale(value):\n"
    '\t"""Scale it."""\n'
    "    return value * 1  # scale this value by a factor that is long enough to wrap\n"
    "\n"
    '    return "naïve 日本語 text"'
)


def cells(line: Strip) -> list[tuple[str, Style | None]]:
    """Each cell's character and style (segment boundaries aside)."""
    return [(char, segment.style) for segment in line for char in segment.text]


def rich_syntax_lines(code: str, language: str, width: int) -> list[Strip]:
    console = Console(width=width, color_system="truecolor", file=open("/dev/null", "w"))  # noqa: SIM115
    syntax = Syntax(
        code,
        language,
        theme="monokai",
        word_wrap=True,
        background_color="#272822",
        padding=(0, 1),
    )
    return [Strip(line) for line in console.render_lines(syntax, console.options, pad=False)]


def test_the_lines_look_like_rich_syntax() -> None:
    ours = code_lines(SAMPLE, "python", "monokai", "#272822", 60)
    theirs = rich_syntax_lines(SAMPLE, "python", 60)
    assert [line.text for line in ours] == [line.text for line in theirs]
    assert [cells(line) for line in ours] == [cells(line) for line in theirs]
    keyword = next(style for char, style in cells(ours[0]) if char == "d")
    plain = next(style for char, style in cells(ours[0]) if char == "(")
    assert keyword != plain, "the keyword is highlighted"


def test_every_line_fills_the_width_and_long_lines_wrap_at_spaces() -> None:
    code = "x = 'one two three four five six seven eight nine'  # " + "y" * 50 + "\n日本語" * 3
    for width in (12, 21, 40):
        lines = code_lines(code, "python", "monokai", None, width)
        assert {line.cell_length for line in lines} == {width}
        assert "".join(line.text.strip() for line in lines).replace(" ", "") == code.replace(
            " ", ""
        ).replace("\n", "")
    lines = code_lines("alpha beta gamma delta", "text", "monokai", None, 14)
    assert [line.text for line in lines] == [" alpha beta   ", " gamma delta  "]


def test_an_unknown_language_draws_plain_text() -> None:
    lines = code_lines("def f(): pass", "no-such-language", "monokai", None, 30)
    assert lines[0].text.startswith(" def f(): pass")
    assert len({style for char, style in cells(lines[0]) if char.strip()}) == 1


def test_tabs_expand_and_the_last_line_is_kept_without_a_newline() -> None:
    lines = code_lines("if x:\n\ty()\n", "python", "monokai", None, 20)
    assert [line.text.rstrip() for line in lines] == [" if x:", "     y()", ""]
    assert len(code_lines("", "python", "monokai", None, 20)) == 1
