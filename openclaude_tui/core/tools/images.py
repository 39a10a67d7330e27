"""Image files for the model: PNG, JPEG, GIF and WebP, known by their first bytes.

A model that takes images (the ``vision`` setting) is sent one as an OpenAI-style
``image_url`` part holding a data URL; the file's size is capped, since the whole of it
travels base64 in the request. The chat names an image as ``[image: NAME WIDTH×HEIGHT]``.

A model that does not take images is sent none; the user is told so once per session and
model (``first_withheld``), not at every image, while the model is told each time.
"""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass
from pathlib import Path

from openclaude_tui.core.events import Notice
from openclaude_tui.core.tools.base import ToolContext, ToolResult

# The largest image file sent: its base64 form is a third bigger, in every request after.
MAX_IMAGE_BYTES = 5 * 1024 * 1024
NOT_TAKEN = (
    "the model in use does not take images (set vision = true in the settings, or in its "
    "profile, for a model that does), so it was not sent"
)
# The models of a session the user was told take no images (a set in ``ToolContext.state``).
_TOLD = "images_withheld_told"


@dataclass(frozen=True)
class Image:
    """An image file read whole."""

    name: str
    mime: str
    data: bytes
    width: int | None
    height: int | None

    def chip(self) -> str:
        """``[image: name 1280×720]``, as the chat shows it."""
        size = f" {self.width}×{self.height}" if self.width and self.height else ""
        return f"[image: {self.name}{size}]"

    def data_url(self) -> str:
        """The image as a ``data:`` URL."""
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


def image_type(head: bytes) -> str | None:
    """The MIME type of an image format the model may be sent, from its first bytes."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def is_image(path: Path) -> bool:
    """Whether ``path`` is a PNG, JPEG, GIF or WebP file (by its content)."""
    try:
        with path.open("rb") as handle:
            return image_type(handle.read(16)) is not None
    except OSError:
        return False


def load_image(path: Path, shown: str) -> Image | str:
    """The image in ``path`` (named ``shown``), or why it cannot be sent.

    Raises:
        OSError: it cannot be read.
    """
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return (
            f"{shown} is an image of {size:,} bytes; images up to "
            f"{MAX_IMAGE_BYTES // (1024 * 1024)} MB are sent. Make a smaller copy first "
            "(fewer pixels, or JPEG), and send that."
        )
    data = path.read_bytes()
    mime = image_type(data[:16])
    if mime is None:
        return f"{shown} is not a PNG, JPEG, GIF or WebP image."
    width, height = _dimensions(mime, data) or (None, None)
    return Image(Path(shown).name, mime, data, width, height)


def _dimensions(mime: str, data: bytes) -> tuple[int, int] | None:
    """Width and height from the format's header; None when it cannot be read."""
    try:
        if mime == "image/png":
            if data[12:16] != b"IHDR":
                return None
            width, height = struct.unpack(">II", data[16:24])
            return width, height
        if mime == "image/gif":
            width, height = struct.unpack("<HH", data[6:10])
            return width, height
        if mime == "image/webp":
            return _webp_dimensions(data)
        return _jpeg_dimensions(data)
    except struct.error:
        return None


def _webp_dimensions(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg_dimensions(data: bytes) -> tuple[int, int] | None:
    """The size in the first start-of-frame marker (SOF0 … SOF15 but DHT, JPG, DAC)."""
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:  # padding
            index += 1
            continue
        length = struct.unpack(">H", data[index + 2 : index + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return width, height
        index += 2 + length
    return None


def image_result(path: Path, ctx: ToolContext) -> ToolResult:
    """What Read returns for an image file: the image for a model that takes images, a
    sentence saying why not for the others.

    Raises:
        OSError: it cannot be read.
    """
    loaded = load_image(path, str(path))
    if isinstance(loaded, str):
        return ToolResult(loaded, is_error=True)
    if not ctx.takes_images():
        described = f"{loaded.chip()} ({loaded.mime}, {len(loaded.data):,} bytes)"
        said = f"{path} is an image {described}; {NOT_TAKEN}"
        if first_withheld(ctx):
            ctx.emit(Notice(said, "warning"))
        return ToolResult(f"{said}.")
    text = f"{loaded.chip()} {path} ({len(loaded.data):,} bytes): the image follows the results."
    return ToolResult(text, images=(loaded.data_url(),))


def first_withheld(ctx: ToolContext) -> bool:
    """Whether an image withheld now is the first one of the session for the model in use
    (the user is told then, not at every image); it is counted as told from now on.

    Keyed by the model: ``/model`` may switch to one whose answer differs (``/profile``
    starts a new session, and so a new context).
    """
    told: set[str] = ctx.state.setdefault(_TOLD, set())
    model = ctx.model_name()
    if model in told:
        return False
    told.add(model)
    return True
