"""The clipboard's image, read with the first clipboard tool on PATH that gives one (real
programs standing in for wl-paste, xclip and pngpaste), and kept in the cache directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from openclaude_tui.core.clipboard_image import (
    NO_TOOL,
    ClipboardImageError,
    paste_clipboard_image,
    read_clipboard_image,
    save_pasted_image,
)
from openclaude_tui.core.tools.images import MAX_IMAGE_BYTES
from tests.helpers.images import clipboard_tool, png


def test_a_tool_that_gives_no_image_gives_way_to_the_next(tmp_path: Path) -> None:
    tools = clipboard_tool(tmp_path / "bin", "wl-paste", None)
    clipboard_tool(tools, "pngpaste", png(3, 2))
    assert read_clipboard_image(str(tools)) == png(3, 2)
    assert (tools / "wl-paste.arguments").read_text() == "--type image/png"
    assert (tools / "pngpaste.arguments").read_text() == "-"


def test_what_is_missing_is_said(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ClipboardImageError) as none:
        read_clipboard_image(str(empty))
    assert str(none.value) == NO_TOOL
    tools = clipboard_tool(tmp_path / "bin", "xclip", b"just text\n")
    with pytest.raises(ClipboardImageError) as text:
        read_clipboard_image(str(tools))
    assert str(text.value) == "no image in the clipboard (xclip gave no image)"
    clipboard_tool(tools, "xclip", png(1, 1) + b"\0" * MAX_IMAGE_BYTES)
    with pytest.raises(ClipboardImageError, match="images up to 5 MB are sent"):
        read_clipboard_image(str(tools))


def test_a_tool_that_never_answers_is_given_up_on(tmp_path: Path) -> None:
    tools = clipboard_tool(tmp_path / "bin", "xclip", png(1, 1), hang=True)
    with pytest.raises(ClipboardImageError, match=r"xclip did not answer within 0\.5 s"):
        read_clipboard_image(str(tools), timeout=0.5)


def test_pasted_images_are_numbered_and_old_ones_go(tmp_path: Path) -> None:
    folder = tmp_path / "clipboard"
    first = save_pasted_image(png(1, 1), folder)
    second = save_pasted_image(png(2, 2), folder)
    assert [first.name, second.name] == ["clipboard-1.png", "clipboard-2.png"]
    (folder / "notes.txt").write_text("not ours")
    old = 1_000_000_000
    for path in (first, folder / "notes.txt"):
        os.utime(path, (old, old))
    third = save_pasted_image(png(3, 3), folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        "clipboard-2.png",
        "clipboard-3.png",
        "notes.txt",
    ]
    assert third.read_bytes() == png(3, 3)


def test_the_pasted_image_comes_with_its_chip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENCLAUDE_HOME", str(tmp_path / "home"))
    tools = clipboard_tool(tmp_path / "bin", "xclip", png(6, 4))
    path, chip = paste_clipboard_image(str(tools))
    assert chip == "[image: clipboard-1.png 6×4]"
    assert path == tmp_path / "home" / "cache" / "clipboard" / "clipboard-1.png"
