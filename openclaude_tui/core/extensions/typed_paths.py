"""Absolute and ``~`` paths in what the user typed or pasted, read as a shell would.

Terminals paste a file dragged onto them as its path: quoted (``'/home/me/My Shot.png'``),
with its spaces escaped (``/home/me/My\\ Shot.png``) or as a ``file://`` URL with its
special characters percent-encoded. ``typed_paths`` finds each of these, and plain
``/tmp/shot.png``, as the path it names. Only a path starting a word (or after an opening
bracket) counts: ``http://host/a.png``, ``src/a.png`` and ``@/a.png`` are not read here.
Relative paths are not read at all: in prose they are too often something else.

Only text the user wrote is read this way (``core.extensions.attachments`` attaches the
images so named): never a file's text or the model's.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# What may come just before a path: nothing, a space, or an opening bracket.
_START = r"(?<![^\s(\[{<])"
_QUOTED = re.compile(_START + r"""(['"])((?:/|~/|file://)[^'"\n]+)\1""")
_URL = re.compile(_START + r"""file://[^\s'"<>]+""")
# A backslash escapes the next character (a space, a bracket) as a shell reads it.
_BARE = re.compile(_START + r"""(?:/|~/)(?:\\.|[^\s\\'"])+""")
_ESCAPE = re.compile(r"\\(.)")
# What a path written for ``typed_paths`` escapes.
_SPECIAL = re.compile(r"""([\s'"\\()\[\]{}<>])""")


def typed_paths(text: str) -> list[str]:
    """The absolute and ``~/`` paths written in ``text``, in order, each once: unquoted,
    unescaped, and decoded from ``file://`` URLs (``~`` is left for the caller to expand)."""
    found: list[tuple[int, str]] = []
    for match in _QUOTED.finditer(text):
        inner = match.group(2)
        path = _from_url(inner) if inner.startswith("file://") else inner
        if path is not None:
            found.append((match.start(), path))
    # What was read between quotes is not read again in pieces.
    rest = _QUOTED.sub(lambda match: " " * len(match.group(0)), text)
    for match in _URL.finditer(rest):
        path = _from_url(match.group(0))
        if path is not None:
            found.append((match.start(), path))
    rest = _URL.sub(lambda match: " " * len(match.group(0)), rest)
    for match in _BARE.finditer(rest):
        found.append((match.start(), _ESCAPE.sub(r"\1", match.group(0))))
    return list(dict.fromkeys(path for _, path in sorted(found)))


def written_path(path: str) -> str:
    """``path`` as a prompt may hold it so that ``typed_paths`` reads it back whole: its
    spaces, quotes, brackets and backslashes escaped."""
    return _SPECIAL.sub(r"\\\1", path)


def _from_url(url: str) -> str | None:
    """The local path of a ``file://`` URL; None for another host's file."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
        return None
    return unquote(parts.path)
