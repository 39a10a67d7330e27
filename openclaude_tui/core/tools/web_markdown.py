"""A fetched page as text for the model: HTML turned into Markdown, other text as it is.

HTML goes through markdownify (on BeautifulSoup's own parser). We chose it over trafilatura
because a coding agent reads documentation, API references and issue pages, where
everything on the page may matter: markdownify converts the whole document faithfully
(headings, lists, links, tables and, above all, code blocks kept verbatim) and predictably,
while trafilatura's main-content extraction is built for articles and may drop code or
tables it judges to be boilerplate; trafilatura also brings lxml and a dozen other
packages, markdownify only BeautifulSoup. What is surely not content (scripts, styles,
inline SVG, the document head) is removed before converting.

Converting is the slow part (BeautifulSoup parses a megabyte of HTML in seconds), so only
the first ``MAX_HTML_CHARS`` of a page's HTML are converted, in a worker thread, and the
result says when the rest was left out.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from openclaude_tui.core.tools.web_http import Page, WebError

MAX_HTML_CHARS = 1_000_000
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Media types read as text although they are not text/*.
TEXT_TYPES = frozenset(
    {
        "application/json",
        "application/ld+json",
        "application/xml",
        "application/javascript",
        "application/x-javascript",
        "application/toml",
        "application/x-yaml",
        "application/yaml",
        "application/x-sh",
    }
)
_DROPPED = re.compile(
    r"<(script|style|noscript|template|svg)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+\n")


@dataclass(frozen=True)
class PageText:
    """A page as the model reads it."""

    text: str
    title: str = ""
    notes: tuple[str, ...] = ()


def page_text(page: Page) -> PageText:
    """The page's text: Markdown for HTML, the text itself for other text types.

    Raises:
        WebError: the page is not text (an image, a PDF, an archive).
    """
    media = page.content_type or _sniffed(page.body)
    is_html = media in HTML_TYPES
    if not is_html and not (media.startswith("text/") or media in TEXT_TYPES or "+json" in media):
        size = f"{len(page.body):,} bytes"
        raise WebError(f"{page.url} is {media or 'of no stated type'} ({size}), not text or HTML")
    text = _decoded(page.body, page.charset, is_html)
    if not is_html:
        return PageText(text)
    return html_markdown(text)


def html_markdown(html: str) -> PageText:
    """HTML as Markdown, with the page's title; only the first ``MAX_HTML_CHARS`` converted."""
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    notes: list[str] = []
    html = _COMMENT.sub("", _DROPPED.sub("", html))
    if len(html) > MAX_HTML_CHARS:
        notes.append(
            f"only the first {MAX_HTML_CHARS:,} characters of the page's "
            f"{len(html):,} characters of HTML were converted"
        )
        html = html[:MAX_HTML_CHARS]
    soup = BeautifulSoup(html, "html.parser")
    title = " ".join(soup.title.get_text().split()) if soup.title else ""
    for element in soup.find_all(["head", "iframe", "object", "embed"]):
        element.decompose()
    converter = MarkdownConverter(heading_style="ATX", bullets="-", escape_misc=False)
    markdown = converter.convert_soup(soup)
    markdown = "\n".join(line.rstrip() for line in markdown.splitlines())
    return PageText(_BLANK_LINES.sub("\n\n", markdown).strip(), title, tuple(notes))


def _decoded(body: bytes, charset: str | None, is_html: bool) -> str:
    """The body as text in the charset the server (or the page's meta tag) named."""
    if charset is None and is_html:
        found = _META_CHARSET.search(body[:4096])
        charset = found.group(1).decode("ascii").lower() if found else None
    try:
        codec = codecs.lookup(charset or "utf-8").name
    except LookupError:
        codec = "utf-8"
    return body.decode(codec, errors="replace")


def _sniffed(body: bytes) -> str:
    """A media type for a page that named none: HTML if it looks like it, else text if it
    decodes, else nothing."""
    head = body[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    if b"\0" in head:
        return ""
    return "text/plain"
