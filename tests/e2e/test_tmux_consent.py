"""Only a deliberate key answers: typing at human speed in a real terminal (tmux) through a
permission modal's appearance, and after a plan offer, approves nothing.

The keys are typed 50 ms apart, as a quick typist's are, with the answer keys 1, y, a and 2
inside the words. The effects are read where they happen: the file on disk, the scripted
server's request log.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.repos import EDIT_AUTH, make_auth_repo
from tests.helpers.tmux import Tmux, app_environment
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

pytestmark = pytest.mark.e2e

KEY_GAP = 0.05
# Typed while the model works, until it asks for the edit (the modal shows half a second
# later).
BEFORE_THE_MODAL = "and keep the old name working for the callers we have "
# Typed from then on, through the modal's appearance: answer keys inside the words.
THROUGH_THE_MODAL = "then 1 more yes, also add 2 tests and a note a y 2 1 to the changelog"
PLAN = "Plan:\n\n1. Rename is_active to active in src/auth.py.\n2. Run the tests.\n"
ORIGINAL_CHECK = "    return user.is_active\n"


def start_app(tmux: Tmux, tmp_path: Path, repo: Path, server: ScriptedServer, *flags: str) -> None:
    command = [sys.executable, "-m", "openclaude_tui", "--base-url", server.base_url,
               "--model", "scripted-model", *flags]  # fmt: skip
    tmux.start(command, repo, app_environment(tmp_path), tmp_path / "exit-status")
    tmux.wait_for(lambda s: "Ask anything" in s, "the prompt")


def type_keys(tmux: Tmux, text: str, until: Callable[[], bool] | None = None) -> str:
    """Type ``text`` a key every 50 ms (stopping early once ``until()``); what was typed.

    Nothing else runs between the keys (reading the screen takes a process of its own,
    which on a loaded machine could pause the typing long enough to end the burst).
    """
    typed = ""
    for key in text:
        started = time.monotonic()
        tmux.type(key)
        typed += key
        if until is not None and until():
            return typed
        time.sleep(max(0.0, KEY_GAP - (time.monotonic() - started)))
    return typed


def test_typing_through_a_modal_approves_nothing_and_lands_in_the_prompt(
    tmp_path: Path, tmux: Tmux
) -> None:
    repo = make_auth_repo(tmp_path / "repo")
    script = [
        Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "src/auth.py"})]),
        Turn(tool_calls=[EDIT_AUTH], delay=0.5),
        Turn(text="Renamed."),
        Turn(text="Noted."),
    ]
    with ScriptedServer(script) as server:
        start_app(tmux, tmp_path, repo, server)
        tmux.type("Fix the login check")
        tmux.keys("Enter")
        asked = lambda: len(server.chat_requests) >= 2  # noqa: E731  (the edit's turn)
        typed = type_keys(tmux, BEFORE_THE_MODAL * 4, until=asked)
        assert asked(), "the model never asked for the edit while the user typed"
        half = len(THROUGH_THE_MODAL) // 2
        typed += type_keys(tmux, THROUGH_THE_MODAL[:half])
        shown = tmux.screen()  # one look, halfway: the modal opened while the typing went on
        typed += type_keys(tmux, THROUGH_THE_MODAL[half:])
        assert "Allow Edit?" in shown, f"the modal did not open while typing:\n{shown}"

        shown = tmux.screen()
        assert (repo / "src" / "auth.py").read_text().endswith(ORIGINAL_CHECK)
        assert "Allow Edit?" in shown and "1  Allow once" in shown, "the modal was answered"
        assert "Reason for the model" not in shown, "a key of the burst chose Deny"

        # After a pause, a deliberate key answers.
        tmux.wait_for_modal("Allow Edit?")
        assert (repo / "src" / "auth.py").read_text().endswith(ORIGINAL_CHECK)
        tmux.keys("1")
        tmux.wait_for(lambda s: "Renamed." in s, "the final answer")
        assert (repo / "src" / "auth.py").read_text().endswith("    return user.active\n")
        # Every key typed is in the prompt's draft: Enter sends exactly that.
        tmux.keys("Enter")
        tmux.wait_for(lambda s: "Noted." in s, "the answer to the draft")
        tmux.keys("C-q")
        assert server.chat_requests[-1].messages[-1]["content"] == typed


def test_typing_after_a_plan_offer_sends_nothing_and_keeps_plan_mode(
    tmp_path: Path, tmux: Tmux
) -> None:
    repo = make_auth_repo(tmp_path / "repo")
    with ScriptedServer([Turn(text=PLAN), Turn(text="Carried out.")]) as server:
        start_app(tmux, tmp_path, repo, server, "--permission-mode", "plan")
        tmux.type("Plan the rename")
        tmux.keys("Enter")
        tmux.wait_for(lambda s: "Plan ready." in s, "the plan offer")
        typed = type_keys(tmux, "1 all good, 2 questions: any tests")
        shown = tmux.wait_for(lambda s: typed in s, "the typed text in the prompt")
        assert "Plan ready." in shown, "the offer was answered"
        assert "Carried out." not in shown
        assert len(server.chat_requests) == 1, "a request was sent"
        status = [line for line in shown.splitlines() if "scripted-model" in line]
        assert status and "plan" in status[-1], f"the mode changed:\n{shown}"
        tmux.keys("C-q")
    assert (repo / "src" / "auth.py").read_text().endswith(ORIGINAL_CHECK)
