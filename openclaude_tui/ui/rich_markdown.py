"""Rich Markdown rendering for the chat pane.

The chat pane renders answers with Rich (cheap, no widget per block), with headings on the
left like the text around them and code blocks on the theme's code background. The
colours come from the chat pane's theme (``widgets.chat_item.markdown_theme``). Importing this
module loads Rich's Markdown and markdown-it, so the pane imports it when it first draws
an answer, not before the app's first frame.
"""

from __future__ import annotations

from functools import cache
from typing import ClassVar

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import CodeBlock, Heading, Markdown, MarkdownElement
from rich.segment import Segment

from openclaude_tui.ui.code_lines import code_lines


class _LeftHeading(Heading):
    """A heading on the left like the text around it (Rich centres level 1)."""

    LEVEL_ALIGN = dict.fromkeys(Heading.LEVEL_ALIGN, "left")


class _ThemedCodeBlock(CodeBlock):
    """A fenced block highlighted with the theme's code style and background."""

    background: str | None = None

    @classmethod
    def create(cls, markdown: Markdown, token: object) -> CodeBlock:
        block = super().create(markdown, token)  # type: ignore[arg-type]
        block.background = getattr(markdown, "code_background", None)  # type: ignore[attr-defined]
        return block

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        code = str(self.text).rstrip()
        lines = code_lines(code, self.lexer_name, self.theme, self.background, options.max_width)
        new_line = Segment.line()
        for line in lines:
            yield from line
            yield new_line


@cache
def _parser() -> MarkdownIt:
    """One parser with the rules Rich's Markdown enables."""
    return MarkdownIt().enable("strikethrough").enable("table")


def _show_link_targets(tokens: list[Token]) -> list[Token]:
    """The tokens with each link followed by its URL, ``text (url)``, unless the text is it.

    A terminal may not show where a link goes (nor open it); the URL is then on screen to
    read, select and copy. It stays a link itself, for terminals that open links.
    """
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        if not any(child.type == "link_open" for child in token.children):
            continue
        children: list[Token] = []
        opened: list[tuple[str, int]] = []
        for child in token.children:
            children.append(child)
            if child.type == "link_open":
                opened.append((str(child.attrs.get("href", "")), len(children)))
            elif child.type == "link_close" and opened:
                href, start = opened.pop()
                text = "".join(part.content for part in children[start:-1])
                if href and text.strip() not in (href, href.removeprefix("mailto:")):
                    children += [
                        Token("text", "", 0, content=" ("),
                        Token("link_open", "a", 1, attrs={"href": href}),
                        Token("text", "", 0, content=href),
                        Token("link_close", "a", -1),
                        Token("text", "", 0, content=")"),
                    ]
        token.children = children
    return tokens


class ChatMarkdown(Markdown):
    """Markdown with left headings and code blocks on the theme's code background."""

    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements,
        "heading_open": _LeftHeading,
        "fence": _ThemedCodeBlock,
        "code_block": _ThemedCodeBlock,
    }

    def __init__(self, markup: str, code_theme: str, code_background: str | None) -> None:
        self.code_background = code_background
        # Rich's own constructor builds a new parser each time, which costs as much as
        # parsing a paragraph; the tail of an answer is parsed on every frame.
        self.markup = markup
        self.parsed = _show_link_targets(_parser().parse(markup))
        self.code_theme = code_theme
        self.justify = None
        self.style = "none"
        self.hyperlinks = True
        self.inline_code_lexer = None
        self.inline_code_theme = code_theme
