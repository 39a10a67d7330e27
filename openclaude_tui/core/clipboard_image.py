"""An image from the system clipboard, for Ctrl+V in the prompt.

The terminal pastes text itself (a bracketed paste) but never an image, so the image is
asked of the clipboard's own tool: the first of ``wl-paste`` (Wayland), ``xclip`` (X11)
and ``pngpaste`` (macOS) found on ``PATH``, each with a timeout, the next tried when one
gives no image (``wl-paste`` fails outside a Wayland session, where ``xclip`` may answer).
The image is kept as a file in the cache directory (``clipboard-N.png``) so that the
prompt can attach it as it attaches a path typed to an image; files older than a week
there are removed when the next is saved.

This blocks for as long as the tools take: the app calls it in a worker thread.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from openclaude_tui import paths
from openclaude_tui.core.tools.images import MAX_IMAGE_BYTES, image_type, load_image

# Each tool, and the arguments that make it write the clipboard's PNG on stdout.
READERS = (
    ("wl-paste", ("--type", "image/png")),
    ("xclip", ("-selection", "clipboard", "-t", "image/png", "-o")),
    ("pngpaste", ("-",)),
)
TIMEOUT_SECONDS = 5.0
NO_TOOL = "install wl-clipboard (Wayland) or xclip (X11), or pngpaste on macOS, to paste images"
_KEPT_SECONDS = 7 * 24 * 3600
_SUFFIXES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}
_NUMBERED = re.compile(r"^clipboard-(\d+)\.")


class ClipboardImageError(Exception):
    """No image could be taken from the clipboard; the message says what is missing."""


def read_clipboard_image(search_path: str | None = None, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The image on the system clipboard (PNG, or another format a model may be sent).

    ``search_path``: where the tools are looked for (``PATH`` by default).

    Raises:
        ClipboardImageError: no tool is installed, or none gave an image.
    """
    found = [
        (program, arguments)
        for name, arguments in READERS
        if (program := shutil.which(name, path=search_path)) is not None
    ]
    if not found:
        raise ClipboardImageError(NO_TOOL)
    reasons: list[str] = []
    for program, arguments in found:
        name = Path(program).name
        try:
            done = subprocess.run(
                [program, *arguments],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            reasons.append(f"{name} did not answer within {timeout:g} s")
            continue
        except OSError as error:
            reasons.append(f"{name} could not run ({error.strerror or error})")
            continue
        if done.returncode == 0 and image_type(done.stdout[:16]) is not None:
            return _within_cap(done.stdout)
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reasons.append(f"{name}: {said[0][:200]}" if said else f"{name} gave no image")
    raise ClipboardImageError(f"no image in the clipboard ({'; '.join(reasons)})")


def _within_cap(data: bytes) -> bytes:
    if len(data) > MAX_IMAGE_BYTES:
        raise ClipboardImageError(
            f"the clipboard's image is {len(data):,} bytes; images up to "
            f"{MAX_IMAGE_BYTES // (1024 * 1024)} MB are sent"
        )
    return data


def paste_clipboard_image(search_path: str | None = None) -> tuple[Path, str]:
    """The clipboard's image kept as a file: its path, and its chip (``[image: … W×H]``).

    Raises:
        ClipboardImageError: there is no image, or it cannot be kept (the message says).
    """
    data = read_clipboard_image(search_path)
    try:
        path = save_pasted_image(data)
        loaded = load_image(path, path.name)
    except OSError as error:
        raise ClipboardImageError(f"the image could not be kept: {error}") from error
    if isinstance(loaded, str):
        raise ClipboardImageError(loaded)
    return path, loaded.chip()


def pasted_images_dir() -> Path:
    """Where images pasted from the clipboard are kept."""
    return paths.cache_dir() / "clipboard"


def save_pasted_image(data: bytes, folder: Path | None = None) -> Path:
    """Keep ``data`` (an image) as the next ``clipboard-N`` file of ``folder``, readable by
    the user only; older files there go.

    Raises:
        OSError: the file cannot be written.
    """
    folder = folder or pasted_images_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _remove_old(folder)
    suffix = _SUFFIXES.get(image_type(data[:16]) or "", ".png")
    taken = [int(m.group(1)) for entry in folder.iterdir() if (m := _NUMBERED.match(entry.name))]
    number = max(taken, default=0)
    while True:
        number += 1
        path = folder / f"clipboard-{number}{suffix}"
        try:
            # O_EXCL: another app pasting at the same moment takes the next number.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return path


def _remove_old(folder: Path) -> None:
    cutoff = time.time() - _KEPT_SECONDS
    for entry in folder.iterdir():
        with contextlib.suppress(OSError):
            if _NUMBERED.match(entry.name) and entry.stat().st_mtime < cutoff:
                entry.unlink()
