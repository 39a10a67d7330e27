"""Write the README's screenshots (SVG) from the real app, driven against scripted answers.

Run from the repository root:

    python scripts/export_screenshots.py [OUTPUT_DIR]

It starts the scripted OpenAI-compatible server of the tests, makes a throwaway git repo
with the walkthrough's bug, and saves what the terminal shows at each step: the start, the
Edit approval with its diff, the finished conversation, the review screen, the saved
conversation played again by ``openclaude replay`` (no server by then), and two sub-agents
that looked at the code side by side.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openclaude_tui.core.changes.review import Reviewer  # noqa: E402
from openclaude_tui.core.changes.sources import WorktreeSource  # noqa: E402
from openclaude_tui.core.sessions import store  # noqa: E402
from openclaude_tui.core.sessions.transcript import read_transcript  # noqa: E402
from openclaude_tui.ui.app import OpenClaudeApp  # noqa: E402
from openclaude_tui.ui.replay_app import ReplayApp  # noqa: E402
from openclaude_tui.ui.screens.permission import PermissionScreen  # noqa: E402
from openclaude_tui.ui.screens.review import ReviewApp  # noqa: E402
from tests.helpers.app import CLOSED_URL, idle, make_config, send, wait_for  # noqa: E402
from tests.helpers.repos import WALKTHROUGH, make_auth_repo  # noqa: E402
from tests.helpers.subagents import Conversations  # noqa: E402
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn  # noqa: E402

SIZE = (120, 36)


async def conversation(out: Path, repo: Path, base_url: str) -> None:
    # The real clock: the cards and the sidebar show how long each call really took.
    app = OpenClaudeApp(make_config(repo, base_url, allow=["Bash(python -m pytest:*)"]))
    async with app.run_test(size=SIZE) as pilot:
        await idle(pilot)
        app.save_screenshot("start.svg", str(out))
        await send(pilot, "Fix the failing test in src/auth.py")
        await wait_for(pilot, lambda: isinstance(app.screen, PermissionScreen))
        await pilot.pause(0.3)
        app.save_screenshot("approve-edit.svg", str(out))
        await pilot.press("1")
        await wait_for(pilot, lambda: "tests pass" in _chat_text(app))
        await pilot.pause(0.3)
        app.save_screenshot("conversation.svg", str(out))


def _chat_text(app: object) -> str:
    from tests.helpers.app import screen_text

    return screen_text(app)


async def review(out: Path, repo: Path) -> None:
    app = ReviewApp(Reviewer(WorktreeSource(repo)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.5)
        app.save_screenshot("review.svg", str(out))


async def replayed(out: Path, repo: Path) -> None:
    """The conversation just saved, played at top speed with nothing listening."""
    path = store.newest_session(repo)
    assert path is not None, "the conversation was not saved"
    name = path.name.removesuffix(store.TRANSCRIPT_SUFFIX)
    app = ReplayApp(make_config(repo, CLOSED_URL), read_transcript(path), name, speed=32)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "End of the replay" in _chat_text(app))
        await pilot.pause(0.3)
        app.save_screenshot("replay.svg", str(out))


DELEGATING = "Who uses is_active, and do the tests cover it?"
CALLERS = "Find every use of is_active in src/ and say what each does with it."
TESTS = "Read tests/test_auth.py and say which cases of is_active it covers."


def delegation_script() -> Conversations:
    """The main agent hands out two tasks; each sub-agent reads and searches, then reports."""
    task = "Task"
    return Conversations(
        {
            DELEGATING: [
                Turn(
                    tool_calls=[
                        ToolCallSpec(task, {"description": "find callers", "prompt": CALLERS}),
                        ToolCallSpec(task, {"description": "check tests", "prompt": TESTS}),
                    ]
                ),
                Turn(
                    text="`is_active` is read in `src/auth.py` (`can_login`) and set in "
                    "`src/models.py`. The tests cover an active user only: an inactive "
                    "user's login is untested."
                ),
            ],
            CALLERS: [
                Turn(tool_calls=[ToolCallSpec("Grep", {"pattern": "is_active", "path": "src"})]),
                Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "src/auth.py"})]),
                Turn(text="src/auth.py reads it in can_login; src/models.py defines it."),
            ],
            TESTS: [
                Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "tests/test_auth.py"})]),
                Turn(text="One test, for an active user; none for an inactive one."),
            ],
        }
    )


async def delegated(out: Path, repo: Path) -> None:
    """Two sub-agents' calls under their Task rows, and the answer built on their reports."""
    script = delegation_script()
    with ScriptedServer([]) as server:
        script.use(server)
        app = OpenClaudeApp(make_config(repo, server.base_url))
        async with app.run_test(size=SIZE) as pilot:
            await idle(pilot)
            await send(pilot, DELEGATING)
            await wait_for(pilot, lambda: "inactive" in _chat_text(app) and not app.screen.running)
            await pilot.pause(0.3)
            app.save_screenshot("subagents.svg", str(out))


async def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["OPENCLAUDE_HOME"] = str(Path(scratch) / "home")
        os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
        repo = make_auth_repo(Path(scratch) / "auth-demo")
        with ScriptedServer(WALKTHROUGH) as server:
            await conversation(out, repo, server.base_url)
        await review(out, repo)
        await replayed(out, repo)
        await delegated(out, repo)
    for name in sorted(out.glob("*.svg")):
        print(name.relative_to(ROOT) if name.is_relative_to(ROOT) else name)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots"))
