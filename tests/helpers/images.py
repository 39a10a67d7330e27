"""Images in tests: a real PNG made by hand, the data URLs a request carried, and a stand-in
for a clipboard tool (a real program)."""

from __future__ import annotations

import base64
import struct
import sys
import zlib
from pathlib import Path
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


def clipboard_tool(folder: Path, name: str, image: bytes | None, *, hang: bool = False) -> Path:
    """A real program ``name`` in ``folder`` that writes ``image`` on stdout as the
    clipboard's tool does (or fails as one does with no image, or never answers when
    ``hang``), noting its arguments in ``NAME.arguments``; the folder."""
    folder.mkdir(exist_ok=True)
    data = folder / f"{name}.bin"
    data.write_bytes(image or b"")
    script = folder / name
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys, time\n"
        f"open({str(folder / f'{name}.arguments')!r}, 'w').write(' '.join(sys.argv[1:]))\n"
        + ("time.sleep(600)\n" if hang else "")
        + f"data = open({str(data)!r}, 'rb').read()\n"
        "if not data:\n"
        "    sys.exit('Error: target image/png not available')\n"
        "sys.stdout.buffer.write(data)\n"
    )
    script.chmod(0o755)
    return folder
