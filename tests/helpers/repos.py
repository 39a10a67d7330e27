"""Git repositories for tests: the walkthrough's project (a login check that reads a missing
attribute) and its script, and git run quietly in a repo."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.scripted_server import ToolCallSpec, Turn

PYTEST = "python -m pytest -q tests"
"""The command the walkthrough runs the project's tests with."""

EDIT_AUTH = ToolCallSpec(
    "Edit",
    {
        "file_path": "src/auth.py",
        "old_string": "return user.is_active",
        "new_string": "return user.active",
    },
)
"""The edit that fixes the auth repo's failing test."""

GREP_ACTIVE = ToolCallSpec(
    "Grep", {"pattern": "active", "path": "src", "output_mode": "content", "-n": True}
)
"""A search for where `active` is defined."""

WALKTHROUGH = [
    Turn(
        text="Let me run the tests first.", tool_calls=[ToolCallSpec("Bash", {"command": PYTEST})]
    ),
    Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "src/auth.py"})]),
    Turn(tool_calls=[GREP_ACTIVE]),
    Turn(text="`User` defines `active`, not `is_active`.", tool_calls=[EDIT_AUTH]),
    Turn(tool_calls=[ToolCallSpec("Bash", {"command": PYTEST, "description": "Re-run tests"})]),
    Turn(text="Fixed: `src/auth.py` now reads `user.active`, and the tests pass."),
]
"""The README's walkthrough: run the tests, read, search, edit, re-run, report."""


def git(root: Path, *args: str) -> None:
    """Run git in `root` (quietly; failures raise)."""
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def make_auth_repo(root: Path) -> Path:
    """The walkthrough's project: auth.py reads an attribute models.py does not define."""
    (root / "src").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "src" / "models.py").write_text(
        "class User:\n"
        "    def __init__(self, name: str, active: bool = True) -> None:\n"
        "        self.name = name\n"
        "        self.active = active\n"
    )
    (root / "src" / "auth.py").write_text(
        "from src.models import User\n\n\n"
        "def can_login(user: User) -> bool:\n"
        "    return user.is_active\n"
    )
    (root / "tests" / "test_auth.py").write_text(
        "from src.auth import can_login\nfrom src.models import User\n\n\n"
        "def test_active_user_can_login():\n    assert can_login(User('ada'))\n\n\n"
        "def test_inactive_user_cannot_login():\n"
        "    assert not can_login(User('bob', active=False))\n"
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "dev@example.test")
    git(root, "config", "user.name", "Dev")
    git(root, "add", ".")
    git(root, "commit", "-qm", "Add login check")
    return root
