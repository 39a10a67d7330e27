"""Approving some hunks of an Edit or Write: only those are written, and the model is told."""

from __future__ import annotations

from pathlib import Path

from openclaude_tui.core.changes.diff import diff_change
from openclaude_tui.core.permissions.policy import Decision
from tests.helpers.agent import Answers, call, finished, make_agent
from tests.scripted_server import ScriptedServer, Turn


def _lines(count: int, newline: str = "\n") -> str:
    return "".join(f"line {i}{newline}" for i in range(1, count + 1))


async def test_edit_with_one_hunk_rejected_writes_the_others(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    original = _lines(40)
    path.write_text(original)
    proposed = (
        original.replace("line 3\n", "line three\n")
        .replace("line 20\n", "line twenty\n")
        .replace("line 37\n", "line thirty-seven\n")
    )
    scripted_server.script(
        Turn(tool_calls=[call("Read", file_path=str(path))]),
        Turn(tool_calls=[call("Write", "w1", file_path=str(path), content=proposed)]),
        Turn(text="Noted."),
    )
    answers = Answers(Decision("allow_once", hunks=(0, 2)))
    agent, events = make_agent(scripted_server, tmp_path, answers)
    await agent.run_turn("rename some lines")
    await agent.close()

    [request] = answers.requests
    assert request.change is not None
    assert len(diff_change(request.change, tmp_path).hunks) == 3
    assert path.read_text() == original.replace("line 3\n", "line three\n").replace(
        "line 37\n", "line thirty-seven\n"
    )
    result = scripted_server.tool_results()[-1]
    assert "hunks 1 and 3 of 3 were written" in result
    assert "hunk 2 was rejected and NOT written" in result
    assert "Rejected hunk 2:\n@@ -17,7 +17,7 @@" in result
    assert "-line 20\n+line twenty\n" in result
    assert "line thirty-seven" in result.split("Written:")[1]
    assert finished(events)[-1].status == "done"
    assert agent.context.changes[-1].after == path.read_text()


async def test_crlf_file_keeps_its_line_endings(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    path = tmp_path / "win.txt"
    original = _lines(30, "\r\n")
    path.write_bytes(original.encode())
    scripted_server.script(
        Turn(tool_calls=[call("Read", file_path=str(path))]),
        Turn(
            tool_calls=[
                call(
                    "Edit",
                    file_path=str(path),
                    old_string="line 2\nline 3\n",
                    new_string="line two\nline 3\n",
                ),
            ]
        ),
        Turn(text="Done."),
    )
    # A single-hunk edit approved whole runs the tool as proposed.
    answers = Answers(Decision("allow_once", hunks=(0,)))
    agent, _ = make_agent(scripted_server, tmp_path, answers)
    await agent.run_turn("edit")
    await agent.close()
    assert path.read_bytes() == original.replace("line 2\r\n", "line two\r\n").encode()
    assert "Edited" in scripted_server.tool_results()[-1]


async def test_partial_write_of_a_crlf_file(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    path = tmp_path / "win.txt"
    original = _lines(30, "\r\n")
    path.write_bytes(original.encode())
    proposed = original.replace("line 2\r\n", "line two\r\n").replace("line 25\r\n", "")
    scripted_server.script(
        Turn(tool_calls=[call("Read", file_path=str(path))]),
        Turn(tool_calls=[call("Write", file_path=str(path), content=proposed)]),
        Turn(text="Done."),
    )
    agent, _ = make_agent(scripted_server, tmp_path, Answers(Decision("allow_once", hunks=(1,))))
    await agent.run_turn("write")
    await agent.close()
    assert path.read_bytes() == original.replace("line 25\r\n", "").encode()
    result = scripted_server.tool_results()[-1]
    assert "hunk 2 of 2 was written" in result and "-line 25\n" in result
    assert "Rejected hunk 1:" in result and "+line two\n" in result


async def test_no_hunk_approved_writes_nothing(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    path = tmp_path / "f.txt"
    path.write_text("a\nb\n")
    scripted_server.script(
        Turn(tool_calls=[call("Read", file_path=str(path))]),
        Turn(tool_calls=[call("Edit", file_path=str(path), old_string="b", new_string="c")]),
        Turn(text="Understood."),
    )
    agent, events = make_agent(scripted_server, tmp_path, Answers(Decision("allow_once", hunks=())))
    await agent.run_turn("edit")
    await agent.close()
    assert path.read_text() == "a\nb\n"
    result = scripted_server.tool_results()[-1]
    assert "rejected every hunk" in result and "nothing was written" in result
    assert finished(events)[-1].status == "denied"


async def test_hunks_that_would_break_a_notebook_are_not_written(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    import nbformat
    from nbformat import v4

    path = tmp_path / "nb.ipynb"
    notebook = v4.new_notebook()
    intro = v4.new_markdown_cell("# Title", id="intro")
    # Metadata long enough to put the type change and the new outputs in separate hunks.
    intro.metadata = {f"key{n}": n for n in range(12)}
    notebook.cells = [intro]
    nbformat.write(notebook, str(path))
    original = path.read_bytes()
    scripted_server.script(
        Turn(tool_calls=[call("Read", file_path=str(path))]),
        Turn(
            tool_calls=[
                call(
                    "NotebookEdit",
                    "n1",
                    notebook_path=str(path),
                    cell_id="intro",
                    cell_type="code",
                    new_source="print(1)",
                )
            ]
        ),
        Turn(text="Noted."),
    )
    # The first hunk alone makes a code cell without its outputs list.
    answers = Answers(Decision("allow_once", hunks=(0,)))
    agent, events = make_agent(scripted_server, tmp_path, answers)
    await agent.run_turn("make the title code")
    await agent.close()

    [request] = answers.requests
    assert request.change is not None
    assert len(diff_change(request.change, tmp_path).hunks) == 2
    assert path.read_bytes() == original
    assert "would leave the notebook invalid" in scripted_server.tool_results()[-1]
    assert finished(events)[-1].status == "failed"
