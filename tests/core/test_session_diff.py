"""The session's changes as /diff reviews them, after rewinds and since a prompt: real
sessions against the strict scripted server in a real git repository, the transcript and
kept files on disk, hunks reverted through the review's own operations."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from openclaude_tui.core.changes.review import Reviewer
from openclaude_tui.core.changes.sources import ReviewError
from openclaude_tui.core.permissions.policy import Decision, PermissionRequest
from openclaude_tui.core.session import Session
from openclaude_tui.core.sessions import store
from openclaude_tui.core.sessions.rewind import Rewinder
from openclaude_tui.core.sessions.session_diff import review_of
from tests.helpers.sessions import session_in
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

ORIGINAL = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for args in (("init", "-q"), ("config", "user.email", "t@example.com")):
        subprocess.run(["git", *args], cwd=root, check=True)
    (root / "a.txt").write_text(ORIGINAL)
    (root / "b.txt").write_text("bee\n")
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    return root


async def _allow(request: PermissionRequest) -> Decision:
    return Decision("allow_once")


def _edit(name: str, old: str, new: str) -> ToolCallSpec:
    return ToolCallSpec("Edit", {"file_path": name, "old_string": old, "new_string": new})


def _read(name: str) -> ToolCallSpec:
    return ToolCallSpec("Read", {"file_path": name})


# Prompt 1 changes a.txt's first line; prompt 2 its last line and makes new.txt; prompt 3
# changes b.txt.
THREE_PROMPTS = [
    Turn(tool_calls=[_read("a.txt")]),
    Turn(tool_calls=[_edit("a.txt", "one", "ONE")]),
    Turn(text="First line."),
    Turn(
        tool_calls=[
            _edit("a.txt", "eight", "EIGHT"),
            ToolCallSpec("Write", {"file_path": "new.txt", "content": "fresh\n"}),
        ]
    ),
    Turn(text="Last line and a new file."),
    Turn(tool_calls=[_read("b.txt")]),
    Turn(tool_calls=[_edit("b.txt", "bee", "BEE")]),
    Turn(text="Shouted."),
]
SIGNS = {"added": "+", "removed": "-"}
PROMPTS = ("change the first line", "change the last line", "change b")


async def _three_prompts(project: Path, server: ScriptedServer) -> Session:
    session = session_in(project, server, lambda event: None, _allow)
    for prompt in PROMPTS:
        await session.run_turn(prompt)
    assert (project / "a.txt").read_text() == ORIGINAL.replace("one", "ONE").replace(
        "eight", "EIGHT"
    )
    return session


def _rewinder(session: Session) -> Rewinder:
    rewinder = session.rewinder()
    assert rewinder is not None
    return rewinder


def _rewind_code(rewinder: Rewinder, index: int) -> None:
    """Rewind the code only, to before the ``index``-th prompt offered (newest first)."""
    rewinder.apply(rewinder.plan(rewinder.points()[index]), code=True, conversation=False)


def _shown(session: Session, argument: str = "") -> dict[str, list[str]]:
    """What ``/diff ARGUMENT`` lists: each file's changed lines."""
    source = review_of(session.rewinder(), session.config.project_root, argument)
    assert source is not None
    return {
        file.diff.path: [
            f"{SIGNS[line.kind]}{line.text}"
            for hunk in file.diff.hunks
            for line in hunk.lines
            if line.kind != "context"
        ]
        for file in source.load()
    }


async def test_after_a_code_rewind_the_changes_are_what_it_left_and_a_resumed_session_shows_them(
    project: Path,
) -> None:
    with ScriptedServer(THREE_PROMPTS) as server:
        session = await _three_prompts(project, server)
        rewinder = _rewinder(session)
        # Code only, back to before prompt 2: the first line's change stays.
        _rewind_code(rewinder, 1)
        assert (project / "a.txt").read_text() == ORIGINAL.replace("one", "ONE")
        assert not (project / "new.txt").exists()
        live = _shown(session)
        await session.close()
        resumed = session_in(project, server, lambda event: None, _allow)
        resumed.resume(store.find_session(project, session.session_id))
        await resumed.start()
        again = _shown(resumed)
        await resumed.close()
    assert live == {"a.txt": ["-one", "+ONE"]}
    assert again == live


async def test_a_file_put_back_by_a_rewind_leaves_the_list_but_one_the_user_kept_stays(
    project: Path,
) -> None:
    with ScriptedServer(THREE_PROMPTS) as server:
        session = await _three_prompts(project, server)
        mine = "bee, mine\n"
        (project / "b.txt").write_text(mine)
        rewinder = _rewinder(session)
        # Back to before prompt 1, keeping b.txt (the user changed it since the agent).
        plan = rewinder.plan(rewinder.points()[-1])
        assert plan.user_changed == [project / "b.txt"]
        result = rewinder.apply(plan, code=True, conversation=True)
        assert result.kept == [project / "b.txt"]
        assert (project / "a.txt").read_text() == ORIGINAL
        # Edited by hand after the rewind: the user's change, not the agent's.
        (project / "a.txt").write_text(ORIGINAL + "nine\n")
        shown = _shown(session)
        await session.close()
    assert shown == {"b.txt": ["-bee", "+bee, mine"]}


async def test_changes_since_a_prompt_compare_with_the_files_before_it_and_revert_to_them(
    project: Path,
) -> None:
    with ScriptedServer(THREE_PROMPTS) as server:
        session = await _three_prompts(project, server)
        assert _shown(session, "since 3") == {"b.txt": ["-bee", "+BEE"]}
        assert _shown(session, "since 2") == {
            "a.txt": ["-eight", "+EIGHT"],
            "new.txt": ["+fresh"],
            "b.txt": ["-bee", "+BEE"],
        }
        source = review_of(session.rewinder(), project, "since 2")
        assert source is not None and source.title == "Changes since prompt 2"
        reviewer = Reviewer(source)
        a_file, new_file, _ = reviewer.load()
        assert reviewer.revert(a_file, [0]) == "Reverted a.txt"
        reviewer.revert(new_file)
        # As before prompt 2: prompt 1's change stays.
        assert (project / "a.txt").read_text() == ORIGINAL.replace("one", "ONE")
        assert not (project / "new.txt").exists()
        assert [file.diff.path for file in reviewer.load()] == ["b.txt"]
        reviewer.undo()
        assert (project / "new.txt").read_text() == "fresh\n"
        reviewer.undo()
        assert (project / "a.txt").read_text().endswith("EIGHT\n")
        await session.close()


async def test_changes_since_a_prompt_before_a_code_rewind_show_what_the_rewind_undid(
    project: Path,
) -> None:
    with ScriptedServer(THREE_PROMPTS) as server:
        session = await _three_prompts(project, server)
        rewinder = _rewinder(session)
        # Code only, back to before prompt 3: the prompts stay, b.txt goes back.
        _rewind_code(rewinder, 0)
        assert (project / "b.txt").read_text() == "bee\n"
        # Prompt 3 is still there: since it, nothing differs (the rewind undid its change).
        assert _shown(session, "since 3") == {}
        # A later rewind goes by the agent's checkpoints: to before prompt 3 again, nothing
        # is left to restore (the first rewind is not undone).
        assert rewinder.plan(rewinder.points()[0]).files == []
        # Back to before prompt 1 too: prompt 3 did not touch a.txt or new.txt, the rewind
        # did, and since prompt 3 its change shows (from what the files held before it).
        _rewind_code(rewinder, -1)
        assert (project / "a.txt").read_text() == ORIGINAL
        # Only the agent changed files since prompt 3 are rewound: a.txt and new.txt stay.
        assert rewinder.plan(rewinder.points()[0]).files == []
        since_three = _shown(session, "since 3")
        since_two = _shown(session, "since 2")
        await session.close()
    assert since_three == {"a.txt": ["-ONE", "+one", "-EIGHT", "+eight"], "new.txt": ["-fresh"]}
    # Before prompt 2 the last line was "eight" and new.txt did not exist, as now.
    assert since_two == {"a.txt": ["-ONE", "+one"]}


async def test_a_prompt_that_is_not_there_and_a_bad_argument_are_told(project: Path) -> None:
    with ScriptedServer(THREE_PROMPTS) as server:
        session = await _three_prompts(project, server)
        rewinder = _rewinder(session)
        # The conversation back to before prompt 3: it is no longer one to compare with.
        rewinder.apply(rewinder.plan(rewinder.points()[0]), code=False, conversation=True)
        with pytest.raises(ReviewError, match="no prompt 3 to compare with; the prompts: 1, 2"):
            review_of(rewinder, project, "since 3")
        for argument in ("since", "since two", "since 0", "since 1 2"):
            with pytest.raises(ReviewError, match=r"/diff since N: N is a prompt's number"):
                review_of(rewinder, project, argument)
        await session.close()
    assert review_of(None, project, "") is None
    with pytest.raises(ReviewError, match="no prompt 1 yet"):
        review_of(None, project, "since 1")
