"""``openclaude replay`` run as a user runs it, with what it cannot play: an unknown id, a
file that cannot be read or holds no session, no session at all. Each is one line on
stderr and exit status 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.print_mode import openclaude


@pytest.mark.parametrize(
    ("argument", "says"),
    [
        ("20990101-000000-abcdef", "no saved session '20990101-000000-abcdef'"),
        ("{tmp}", "cannot read {tmp}: Is a directory"),
        ("{tmp}/missing.jsonl", "cannot read {tmp}/missing.jsonl: No such file or directory"),
        ("{tmp}/notes.txt", "{tmp}/notes.txt holds no saved session"),
        (None, "no saved session in this project"),
    ],
)
def test_what_cannot_be_replayed_is_one_line_on_stderr(
    tmp_path: Path, argument: str | None, says: str
) -> None:
    (tmp_path / "notes.txt").write_text("not a transcript\n")
    args = ["replay"] if argument is None else ["replay", argument.format(tmp=tmp_path)]
    done = openclaude(tmp_path, tmp_path / "home", *args)
    assert done.returncode == 2
    assert done.stderr.startswith(f"openclaude replay: {says.format(tmp=tmp_path)}")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stdout == ""
