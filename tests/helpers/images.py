"""Images in tests: a real PNG made by hand, and the data URLs a request carried."""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any


def png(width: int, height: int) -> bytes:
    """A real PNG of ``width``×``height`` grey pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def png_url(data: bytes) -> str:
    """``data`` (a PNG) as the ``data:`` URL a request carries it in."""
    return f"data:image/png;base64,{base64.b64encode(data).decode()}"


def image_urls(messages: list[dict[str, Any]]) -> list[str]:
    """The data URLs of every ``image_url`` part of ``messages``."""
    return [
        part["image_url"]["url"]
        for message in messages
        if isinstance(message.get("content"), list)
        for part in message["content"]
        if part.get("type") == "image_url"
    ]
