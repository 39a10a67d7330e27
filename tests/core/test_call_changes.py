"""Each tool call's file changes read back from a saved session: its checkpoint and written
records, the versions kept in its blob store, real files on disk."""

from __future__ import annotations

from pathlib import Path

from openclaude_tui.core.changes.file_change import FileChange
from openclaude_tui.core.sessions.call_changes import call_changes
from openclaude_tui.core.sessions.checkpoints import digest
from openclaude_tui.core.sessions.recorder import Recorder
from openclaude_tui.core.sessions.store import transcript_path
from openclaude_tui.core.sessions.transcript import read_transcript


def _edited(tmp_path: Path) -> tuple[Recorder, Path, Path]:
    """A session whose call "edit-1" changed notes.txt and whose "write-1" created new.txt."""
    project = tmp_path / "project"
    project.mkdir()
    notes, new = project / "notes.txt", project / "new" / "new.txt"
    notes.write_text("one\n")
    recorder = Recorder.new(project, "scripted-model", ())
    recorder.prompt("change them")
    after = recorder.checkpoints.before_edit([notes], lambda text: None, call_id="edit-1")
    notes.write_text("two\n")
    after()
    after = recorder.checkpoints.before_edit([new], lambda text: None, call_id="write-1")
    new.parent.mkdir()
    new.write_text("fresh\n")
    after()
    recorder.close([])
    return recorder, notes, new


def _changes(recorder: Recorder) -> dict[str, list[FileChange]]:
    path = transcript_path(recorder.folder, recorder.session_id)
    return call_changes(read_transcript(path).records, recorder.checkpoints.blobs)


def test_each_call_has_the_texts_it_changed_even_when_the_files_changed_since(
    tmp_path: Path,
) -> None:
    recorder, notes, new = _edited(tmp_path)
    notes.write_text("three\n")
    new.unlink()
    assert _changes(recorder) == {
        "edit-1": [FileChange(notes, "one\n", "two\n")],
        "write-1": [FileChange(new, None, "fresh\n")],
    }


def test_a_version_not_kept_is_read_from_disk_only_while_the_file_still_holds_it(
    tmp_path: Path,
) -> None:
    recorder, notes, _ = _edited(tmp_path)
    # As a transcript from before the versions after a call were kept.
    (recorder.checkpoints.blobs.root / digest(b"two\n")).unlink()
    assert _changes(recorder)["edit-1"] == [FileChange(notes, "one\n", "two\n")]
    notes.write_text("three\n")
    assert "edit-1" not in _changes(recorder)
