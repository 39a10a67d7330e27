"""``@path`` in a prompt: the file's content (a directory's listing) goes with it.

A path is resolved as the Read tool resolves it (from the working directory, links
followed) and checked by the same gate: it must be inside the project, and the Read rules
must let it be read without asking. A path refused is never read; the user is told why,
and so is the model. A word after ``@`` that names nothing (``@param``) is left alone. An image
(PNG, JPEG, GIF, WebP) goes as the image itself to a model that takes images, and is
withheld, with the reason, from one that does not.

An absolute or ``~`` path to an image file in what the user typed or pasted themself
(``core.extensions.typed_paths``), with no ``@``, attaches the image too, inside the
project or not: the user named it. It is resolved first; a path that names nothing, a
directory or a file that is not an image is left as text; a device, a pipe, a file the
Read rules deny or an image over the size cap is refused with the reason.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from openclaude_tui.core.extensions.typed_paths import typed_paths
from openclaude_tui.core.permissions.policy import PermissionPolicy
from openclaude_tui.core.tools.files import Read
from openclaude_tui.core.tools.images import NOT_TAKEN, is_image, load_image
from openclaude_tui.core.tools.paths import PathArgumentError, is_inside, resolve_path

# What one attachment may add to a prompt.
MAX_ATTACHED_BYTES = 100_000
MAX_LISTED_ENTRIES = 200
_SNIFF_BYTES = 8192
# ``@`` at the start of a word: ``user@host`` and ``a=@b`` are not attachments.
_MENTION = re.compile(r"(?<!\S)@([^\s@`]+)")
# What a sentence may put after a path: ``see @src/app.py.``
_TRAILING = ".,;:!?)]}'\""
# The names a typed path to an image usually has: a file so named that is not one is said.
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
_READ = Read()


@dataclass
class Attached:
    """What the ``@`` mentions of a text give: the blocks to add, and the paths refused."""

    blocks: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    # The images attached, as data URLs, and as the chat names them (``[image: a.png 4×3]``).
    images: list[str] = field(default_factory=list)
    image_chips: list[str] = field(default_factory=list)
    # The images not sent because the model takes none: what the model is told of each.
    withheld: list[str] = field(default_factory=list)


def mentions(text: str) -> list[str]:
    """The words written after ``@`` at the start of a word, in order, each once."""
    return list(dict.fromkeys(match.group(1) for match in _MENTION.finditer(text)))


def attach(
    text: str, policy: PermissionPolicy, cwd: Path, *, takes_images: bool = False, typed: str = ""
) -> Attached:
    """Read what the ``@`` mentions of ``text`` name, each through the gate's Read check.

    ``takes_images``: whether the model is sent the images mentioned. ``typed``: what the
    user typed or pasted (never a file's or the model's text), whose absolute and ``~``
    paths to images attach them too.
    """
    attached = Attached()
    seen: set[Path] = set()
    for word in mentions(text):
        found = _target(word, cwd, policy.project_root)
        if found is None:
            continue
        shown, path = found
        if path in seen:
            continue
        seen.add(path)
        refusal = _refusal(shown, path, policy, cwd)
        if refusal is not None:
            attached.refused.append(refusal)
            continue
        try:
            if path.is_file() and is_image(path):
                _attach_image(attached, shown, path, takes_images)
            else:
                attached.blocks.append(_block(shown, path, policy))
        except OSError as error:
            attached.refused.append(f"@{shown} could not be read ({error.strerror or error})")
    for word in typed_paths(typed):
        _attach_typed(attached, seen, word, policy, cwd, takes_images)
    return attached


def _attach_typed(
    attached: Attached,
    seen: set[Path],
    word: str,
    policy: PermissionPolicy,
    cwd: Path,
    takes_images: bool,
) -> None:
    """Attach the image a typed path names; what names no image file is left as text."""
    for shown in dict.fromkeys([word, word.rstrip(_TRAILING)]):
        try:
            path = resolve_path(shown, cwd)
            mode = path.stat().st_mode
        except (PathArgumentError, OSError):
            continue
        break
    else:
        return
    if stat.S_ISDIR(mode) or path in seen:
        return
    seen.add(path)
    named_image = Path(shown).suffix.lower() in _IMAGE_SUFFIXES
    # A pipe or a device is never opened: reading one may never end.
    if not stat.S_ISREG(mode) or not is_image(path):
        if named_image:
            what = "a regular file" if not stat.S_ISREG(mode) else "a PNG, JPEG, GIF or WebP image"
            attached.refused.append(f"{shown} was not attached: it is not {what}")
        return
    verdict = policy.check(_READ, {"file_path": str(path)}, cwd)
    if verdict.action == "deny":
        attached.refused.append(f"{shown} was not attached: {verdict.reason}")
        return
    try:
        _attach_image(attached, shown, path, takes_images, mark="")
    except OSError as error:
        attached.refused.append(f"{shown} could not be read ({error.strerror or error})")


def _target(word: str, cwd: Path, root: Path) -> tuple[str, Path] | None:
    """The path a mention names (the word, or the word without a sentence's trailing
    punctuation); None when it names nothing inside the project. A path outside the
    project is returned whether or not it exists: it is refused, never probed further."""
    for candidate in dict.fromkeys([word, word.rstrip(_TRAILING)]):
        if not candidate:
            continue
        try:
            path = resolve_path(candidate, cwd)
        except PathArgumentError:
            return None
        if not is_inside(path, root):
            return candidate, path
        if path.exists():
            return candidate, path
    return None


def _attach_image(
    attached: Attached, shown: str, path: Path, takes_images: bool, mark: str = "@"
) -> None:
    """Attach the image in ``path``, or say why it is not sent (``mark``: what the user
    wrote before ``shown``).

    Raises:
        OSError: it cannot be read.
    """
    loaded = load_image(path, shown)
    if isinstance(loaded, str):
        attached.refused.append(f"{mark}{loaded.removesuffix('.')}")
    elif not takes_images:
        attached.withheld.append(f"{mark}{shown} is an image {loaded.chip()}; {NOT_TAKEN}")
    else:
        attached.blocks.append(f"Attached image {loaded.chip()} ({shown}).")
        attached.images.append(loaded.data_url())
        attached.image_chips.append(loaded.chip())


def _refusal(shown: str, path: Path, policy: PermissionPolicy, cwd: Path) -> str | None:
    """Why the gate would not let ``path`` be read without asking, or None."""
    if not is_inside(path, policy.project_root):
        return f"@{shown} was not attached: it is outside the project ({policy.project_root})"
    verdict = policy.check(_READ, {"file_path": str(path)}, cwd)
    if verdict.action == "allow":
        return None
    if verdict.action == "deny":
        return f"@{shown} was not attached: {verdict.reason}"
    return f"@{shown} was not attached: reading it needs approval ({verdict.reason})"


def _block(shown: str, path: Path, policy: PermissionPolicy) -> str:
    """The text that attaches ``path``: a file's content, or a directory's listing.

    Raises:
        OSError: it cannot be read.
    """
    if path.is_dir():
        return _listing(shown, path, policy)
    with path.open("rb") as handle:
        data = handle.read(MAX_ATTACHED_BYTES + 1)
        size = os.fstat(handle.fileno()).st_size
    if b"\0" in data[:_SNIFF_BYTES]:
        return f"@{shown} is a binary file ({size:,} bytes); its content is not attached."
    cut = len(data) > MAX_ATTACHED_BYTES
    text = data[:MAX_ATTACHED_BYTES].decode("utf-8", errors="replace")
    note = f" (its first {MAX_ATTACHED_BYTES:,} of {size:,} bytes)" if cut else ""
    return f"Contents of {shown}{note}:\n{fenced(text)}"


def _listing(shown: str, path: Path, policy: PermissionPolicy) -> str:
    entries = sorted(path.iterdir(), key=lambda entry: entry.name)
    # What a search would not show (a deny or ask rule on reading it) is not listed either.
    names = [
        entry.name + ("/" if entry.is_dir() else "")
        for entry in entries
        if policy.shows("Read", entry)
    ]
    more = len(names) - MAX_LISTED_ENTRIES
    lines = names[:MAX_LISTED_ENTRIES] + ([f"… and {more} more"] if more > 0 else [])
    return f"Listing of the directory {shown}:\n{fenced(chr(10).join(lines) or '(empty)')}"


def fenced(text: str) -> str:
    """``text`` in a code fence longer than any run of backticks it holds."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text.rstrip(chr(10))}\n{fence}"
