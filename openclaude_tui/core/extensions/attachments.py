"""``@path`` in a prompt: the file's content (a directory's listing) goes with it.

A path is resolved as the Read tool resolves it (from the working directory, links
followed) and checked by the same gate: it must be inside the project, and the Read rules
must let it be read without asking. A path refused is never read; the user is told why,
and so is the model. A word after ``@`` that names nothing (``@param``) is left alone. An image
(PNG, JPEG, GIF, WebP) goes as the image itself to a model that takes images, and is
refused, with the reason, for one that does not.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

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
_READ = Read()


@dataclass
class Attached:
    """What the ``@`` mentions of a text give: the blocks to add, and the paths refused."""

    blocks: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    # The images attached, as data URLs, and as the chat names them (``[image: a.png 4×3]``).
    images: list[str] = field(default_factory=list)
    image_chips: list[str] = field(default_factory=list)


def mentions(text: str) -> list[str]:
    """The words written after ``@`` at the start of a word, in order, each once."""
    return list(dict.fromkeys(match.group(1) for match in _MENTION.finditer(text)))


def attach(
    text: str, policy: PermissionPolicy, cwd: Path, *, takes_images: bool = False
) -> Attached:
    """Read what the ``@`` mentions of ``text`` name, each through the gate's Read check.

    ``takes_images``: whether the model is sent the images mentioned.
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
    return attached


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


def _attach_image(attached: Attached, shown: str, path: Path, takes_images: bool) -> None:
    """Attach the image in ``path``, or say why it is not sent.

    Raises:
        OSError: it cannot be read.
    """
    loaded = load_image(path, shown)
    if isinstance(loaded, str):
        attached.refused.append(f"@{loaded.removesuffix('.')}")
    elif not takes_images:
        attached.refused.append(f"@{shown} is an image {loaded.chip()}; {NOT_TAKEN}")
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
