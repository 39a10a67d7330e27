"""Test modules share code through tests/helpers and conftest fixtures, never by importing
one another: a test module imported by another runs its own tests' module-level code (and
autouse fixtures) where they were not meant to be, and hides what is shared."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def _forbidden(module: str) -> bool:
    """Whether a dotted module name names a test module or a conftest."""
    return any(part.startswith("test_") or part == "conftest" for part in module.split("."))


def imports_of_test_modules(source: str) -> list[str]:
    """The modules named `test_*` (or `conftest`) that `source` imports, in any form."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if _forbidden(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            if _forbidden(module):
                found.append(module)
            else:
                # `from tests.core import test_agent` imports the module itself.
                found += [
                    f"{module}.{alias.name}" for alias in node.names if _forbidden(alias.name)
                ]
    return found


@pytest.mark.parametrize(
    "source",
    [
        "from tests.core.test_agent import make_agent",
        "import tests.core.test_agent",
        "from tests.core import test_agent",
        "from .test_agent import make_agent",
        "def f():\n    from tests.ui.test_app_turns import EDIT\n",
        "from tests.ui.conftest import git",
    ],
)
def test_every_form_of_importing_a_test_module_is_found(source: str) -> None:
    assert imports_of_test_modules(source)


def test_imports_of_helpers_and_libraries_are_allowed() -> None:
    source = "\n".join(
        [
            "import pytest",
            "from tests import helpers",
            "from tests.helpers.agent import make_agent",
            "from tests.scripted_server import Turn",
        ]
    )
    assert imports_of_test_modules(source) == []


def test_no_module_under_tests_imports_a_test_module() -> None:
    offenders = {
        str(path.relative_to(TESTS.parent)): found
        for path in sorted(TESTS.rglob("*.py"))
        if (found := imports_of_test_modules(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "move what is shared to tests/helpers or a conftest fixture"
