"""Reading a snapshot's text back, for the message of a failed snapshot."""

from __future__ import annotations

from pathlib import Path

from tests.ui.snapshot_text import screen_difference, svg_screen_lines

MODAL = (
    Path(__file__).parent
    / "__snapshots__/test_hunk_approval/test_edit_modal_with_one_hunk_dropped.svg"
)


def test_the_lines_of_a_snapshot_and_what_changed_between_two() -> None:
    svg = MODAL.read_text()
    lines = svg_screen_lines(svg)
    assert len(lines) == 48, "one line per terminal row"
    assert any("Allow Write?" in line for line in lines)
    assert any("1  Allow once (1 of 2 hunks)" in line for line in lines)
    changed = svg.replace("line&#160;twenty-eight", "line&#160;TWENTY-EIGHT")
    before = next(line for line in lines if "twenty-eight" in line)
    added = [
        line
        for line in screen_difference(svg, changed).splitlines()
        if line.startswith("+") and not line.startswith("+++")
    ]
    assert added == ["+" + before.replace("twenty-eight", "TWENTY-EIGHT")]
    assert screen_difference(svg, svg.replace("#e0e0e0", "#e0e0e1")).startswith("The text is")
