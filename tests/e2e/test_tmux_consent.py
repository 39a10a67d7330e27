"""Only a deliberate key answers: typing at human speed in a real terminal (tmux) through a
permission modal's appearance, and after a plan offer, approves nothing.

The keys are typed 50 ms apart, as a quick typist's are, with the answer keys 1, y, a and 2
inside the words. The effects are read where they happen: the file on disk, the scripted
server's request log.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tests.core.test_print_mode import EDIT_AUTH, make_auth_repo
from tests.e2e.tmux import Tmux, app_environment
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

pytestmark = pytest.mark.e2e

KEY_GAP = 0.05
# Typed until the modal shows (it is asked for half a second after the prompt is sent).
BEFORE_THE_MODAL = "and keep the old name working "
# Typed once it shows: answer keys inside the words.
THROUGH_THE_MODAL = "1 yes, also add 2 tests"
PLAN = "Plan:\n\n1. Rename is_active to active in src/auth.py.\n2. Run the tests.\n"
ORIGINAL_CHECK = "    return user.is_active\n"


def start_app(tmux: Tmux, tmp_path: Path, repo: Path, server: ScriptedServer, *flags: str) -> None:
    command = [sys.executable, "-m", "openclaude_tui", "--base-url", server.base_url,
               "--model", "scripted-model", *flags]  # fmt: skip
    tmux.start(command, repo, app_environment(tmp_path), tmp_path / "exit-status")
    tmux.wait_for(lambda s: "Ask anything" in s, "the prompt")


def type_keys(tmux: Tmux, text: str, until: str | None = None) -> str:
    """Type ``text`` a key every 50 ms; with ``until``, stop once the screen shows it.

    Returns what was typed.
    """
    typed = ""
    for key in text:
        started = time.monotonic()
        tmux.type(key)
        typed += key
        if until is not None and until in tmux.screen():
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
        typed = type_keys(tmux, BEFORE_THE_MODAL * 8, until="Allow Edit?")
        shown = tmux.screen()
        assert "Allow Edit?" in shown, f"the modal never opened while typing:\n{shown}"
        typed += type_keys(tmux, THROUGH_THE_MODAL)

        shown = tmux.screen()
        assert "Allow Edit?" in shown and "1  Allow once" in shown, "the modal was answered"
        assert (repo / "src" / "auth.py").read_text().endswith(ORIGINAL_CHECK)

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
