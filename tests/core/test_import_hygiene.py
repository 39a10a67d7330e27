"""The core never imports the UI toolkit: every module under openclaude_tui.core loads
without textual or rich, checked in a fresh interpreter per module."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import openclaude_tui.core


def _printed_by_fresh_interpreter(code: str) -> str:
    """What ``code`` prints in a new interpreter (which must exit cleanly)."""
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


def _core_modules() -> list[str]:
    package = openclaude_tui.core
    names = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
        names.append(info.name)
    return sorted(names)


def test_the_core_has_modules_to_check() -> None:
    names = _core_modules()
    for expected in ("agent.loop", "llm.provider", "permissions.policy", "events", "tools.base"):
        assert f"openclaude_tui.core.{expected}" in names


@pytest.mark.parametrize("module", _core_modules())
def test_core_module_imports_neither_textual_nor_rich(module: str) -> None:
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(leaked))\n"
    )
    leaked = _printed_by_fresh_interpreter(code)
    assert leaked == "", f"{module} imported {leaked}"


def test_print_mode_does_not_import_textual() -> None:
    code = (
        "import sys\n"
        "import openclaude_tui.print_mode, openclaude_tui.cli\n"
        "heavy = ('textual', 'rich', 'openai')\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    assert _printed_by_fresh_interpreter(code) == ""


def test_the_app_loads_no_agent_modules_before_its_first_frame() -> None:
    """The tools, the command classifier and the agent load after the first frame."""
    code = (
        "import sys\n"
        "import openclaude_tui.cli, openclaude_tui.ui.app, openclaude_tui.ui.screens.main\n"
        "agent = tuple('openclaude_tui.core.' + name for name in (\n"
        "    'events', 'shell', 'tools', 'permissions.policy', 'agent', 'llm.provider'))\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(agent))))\n"
    )
    assert _printed_by_fresh_interpreter(code) == ""
