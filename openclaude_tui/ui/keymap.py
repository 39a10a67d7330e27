"""The user's ``[keymap]``: binding ids, and the keys that take their place.

Every binding of the app has an id (``toggle_sidebar``, ``review.revert_hunk``, …); Textual's
``App.set_keymap`` rebinds them. An id that names no binding is reported, with the close ones.
"""

from __future__ import annotations

import difflib
from typing import Any

from textual.app import App
from textual.binding import Binding


def binding_ids(app: type[App[Any]]) -> set[str]:
    """The ids of every binding of ``app`` and of its screens and widgets."""
    # Imported here: the review and permission screens load parts of the core that the app
    # otherwise loads only after its first frame.
    from openclaude_tui.ui.screens.choice import ChoiceScreen
    from openclaude_tui.ui.screens.learnings import LearningsScreen
    from openclaude_tui.ui.screens.main import MainScreen
    from openclaude_tui.ui.screens.mcp import McpScreen
    from openclaude_tui.ui.screens.models import ModelScreen
    from openclaude_tui.ui.screens.permission import PermissionScreen
    from openclaude_tui.ui.screens.replay import ReplayScreen
    from openclaude_tui.ui.screens.resume import ResumeScreen
    from openclaude_tui.ui.screens.review import ConfirmScreen, ReviewScreen
    from openclaude_tui.ui.screens.rewind import RewindScreen
    from openclaude_tui.ui.screens.rules import RulesScreen
    from openclaude_tui.ui.screens.tasks import TasksScreen
    from openclaude_tui.ui.screens.trust import TrustScreen
    from openclaude_tui.ui.screens.voice import VoiceInput
    from openclaude_tui.ui.widgets.chat import ChatView
    from openclaude_tui.ui.widgets.diff_view import DiffView
    from openclaude_tui.ui.widgets.plan_offer import PlanOffer
    from openclaude_tui.ui.widgets.prompt import PromptInput
    from openclaude_tui.ui.widgets.tool_sidebar import CallList

    owners = (
        app, MainScreen, ModelScreen, PermissionScreen, ConfirmScreen, ReviewScreen,
        RulesScreen, TasksScreen, TrustScreen, ChatView, DiffView, PlanOffer, PromptInput, CallList,
        McpScreen,
        ResumeScreen,
        RewindScreen,
        ReplayScreen,
        ChoiceScreen,
        LearningsScreen,
        VoiceInput,
    )  # fmt: skip
    return {
        binding.id
        for owner in owners
        for binding in owner.BINDINGS
        if isinstance(binding, Binding) and binding.id
    }


def keymap_problems(keymap: dict[str, str], app: type[App[Any]]) -> list[str]:
    """A sentence for each id of ``keymap`` that names no binding of ``app``."""
    known = binding_ids(app)
    problems = []
    for name in keymap:
        if name in known:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        problems.append(f"keymap: no key binding has the id {name!r}{hint}; ignored")
    return problems
