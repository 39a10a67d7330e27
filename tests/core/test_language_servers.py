"""Language servers: a real pylsp's diagnostics after an edit reach the model, the LSP tool
finds definitions and references in a small real project, and a server that is silent,
missing or dead never holds an edit up."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from openclaude_tui.core.events import Event, Notice
from openclaude_tui.core.lsp.servers import LanguageServers, LspServerSpec
from openclaude_tui.core.settings.lsp_servers import (
    default_python_command,
    effective_servers,
    lsp_table,
)
from openclaude_tui.core.settings.values import ConfigError
from openclaude_tui.core.tools.base import ToolContext, ToolResult
from openclaude_tui.core.tools.files import Edit, Read, Write
from openclaude_tui.core.tools.lsp_tool import LSP
from openclaude_tui.core.tools.multi_edit import MultiEdit
from tests.helpers.policy import check_action, make_policy
from tests.helpers.print_mode import openclaude
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

PYLSP = default_python_command()
needs_pylsp = pytest.mark.skipif(
    PYLSP is None,
    reason="pylsp is not installed (pip install 'openclaude-tui[lsp]'; the test extra has it)",
)
# Generous: the first start of pylsp on a loaded machine imports a lot.
PATIENT = 120.0


def write_project(root: Path) -> None:
    """Two modules: one defines ``helper``, the other imports and calls it twice."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "lib.py").write_text("def helper():\n    return 1\n")
    (root / "app.py").write_text("from lib import helper\n\nprint(helper())\nhelper()\n")


def processes_in(folder: Path) -> list[str]:
    """The processes whose working directory is ``folder`` (a language server's is the
    project)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if Path(os.readlink(f"/proc/{pid}/cwd")) == folder:
                found.append(pid)
        except OSError:  # gone meanwhile, or not ours to look at
            continue
    return found


def context_with(root: Path, specs: dict[str, LspServerSpec]) -> tuple[ToolContext, list[Event]]:
    events: list[Event] = []
    ctx = ToolContext(project_root=root, cwd=root, emit=events.append)
    ctx.language_servers = LanguageServers(
        specs, root, lambda text: ctx.emit(Notice(text, "warning"))
    )
    return ctx, events


async def stop(ctx: ToolContext) -> None:
    assert ctx.language_servers is not None
    await ctx.language_servers.close()


async def call(tool: Any, ctx: ToolContext, **raw: Any) -> ToolResult:
    args, _ = tool.validate(raw)
    return await tool.run(args, ctx, "call-1")


async def edit_app(ctx: ToolContext, root: Path, new: str) -> ToolResult:
    await call(Read(), ctx, file_path=str(root / "app.py"))
    return await call(
        Edit(), ctx, file_path=str(root / "app.py"), old_string="helper()\n", new_string=new
    )


@needs_pylsp
def test_print_mode_an_edit_that_breaks_a_name_tells_the_model_what_pylsp_says(
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    write_project(project)
    (project / ".openclaude").mkdir()
    (project / ".openclaude" / "settings.toml").write_text(f"[lsp.python]\ntimeout = {PATIENT}\n")
    turns = [
        Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "app.py"})]),
        Turn(
            tool_calls=[
                ToolCallSpec(
                    "Edit",
                    {
                        "file_path": "app.py",
                        "old_string": "print(helper())",
                        "new_string": "print(helpr())",
                    },
                )
            ]
        ),
        Turn(text="Done."),
    ]
    with ScriptedServer(turns) as server:
        done = openclaude(
            project, tmp_path / "home", "-p", "rename", "--base-url", server.base_url,
            "--allow", "Edit", "--trust-project", "--tools", "Read,Edit",
        )  # fmt: skip
        results = server.tool_results()
    assert done.returncode == 0, done.stderr
    assert processes_in(project) == [], "the language server outlived the session"
    edited = results[1]
    assert edited.startswith(f"Edited {project / 'app.py'}"), edited
    assert "Language server pylsp reports 1 error in app.py:" in edited
    assert "line 3, column 7: error: undefined name 'helpr' (pyflakes)" in edited


@needs_pylsp
async def test_a_clean_edit_adds_nothing_and_a_broken_one_lists_errors_first(
    tmp_path: Path,
) -> None:
    write_project(tmp_path)
    specs = effective_servers(lsp_table({"python": {"timeout": PATIENT}}, "test"))
    ctx, events = context_with(tmp_path, specs)
    try:
        clean = await edit_app(ctx, tmp_path, "helper()  # again\n")
        assert not clean.is_error, clean.text
        assert "Language server" not in clean.text
        broken = await call(
            Edit(), ctx, file_path=str(tmp_path / "app.py"),
            old_string="from lib import helper\n", new_string="import os\nfrom lib import helpr\n",
        )  # fmt: skip
        written = await call(
            Write(), ctx, file_path=str(tmp_path / "new.py"), content="print(nothing)\n"
        )
        await call(Read(), ctx, file_path=str(tmp_path / "lib.py"))
        several = await call(
            MultiEdit(), ctx, file_path=str(tmp_path / "lib.py"),
            edits=[{"old_string": "return 1", "new_string": "return one"}],
        )  # fmt: skip
    finally:
        await stop(ctx)
    block = broken.text.split("\n\nLanguage server ", 1)[1].splitlines()
    assert block[0] == "pylsp reports 2 errors, 2 warnings in app.py:", block
    levels = [line.split(": ", 2)[1] for line in block[1:]]
    assert levels == ["error", "error", "warning", "warning"], block
    assert "line 1, column 1: warning: 'os' imported but unused (pyflakes)" in block[3]
    assert "line 1, column 7: error: undefined name 'nothing' (pyflakes)" in written.text
    assert "line 2, column 12: error: undefined name 'one' (pyflakes)" in several.text
    assert not [event for event in events if isinstance(event, Notice)]


@needs_pylsp
async def test_the_lsp_tool_finds_definition_references_and_hover(tmp_path: Path) -> None:
    write_project(tmp_path)
    specs = effective_servers(lsp_table({"python": {"timeout": PATIENT}}, "test"))
    ctx, _ = context_with(tmp_path, specs)
    app = str(tmp_path / "app.py")
    try:
        definition = await call(
            LSP(), ctx, operation="definition", file_path=app, line=3, character=7
        )
        references = await call(
            LSP(), ctx, operation="references", file_path=str(tmp_path / "lib.py"), line=1,
            character=5,
        )  # fmt: skip
        hover = await call(LSP(), ctx, operation="hover", file_path=app, line=3, character=7)
        # A file the Read rules hide (a deny rule on lib.py, say) is named, never quoted.
        ctx.visible = lambda tool, path: path.name != "lib.py"
        hidden = await call(LSP(), ctx, operation="definition", file_path=app, line=3, character=7)
        (tmp_path / "app.py").write_text("print(missing)\n")
        diagnostics = await call(LSP(), ctx, operation="diagnostics", file_path=app)
        no_place = await call(LSP(), ctx, operation="hover", file_path=app)
    finally:
        await stop(ctx)
    assert definition.text == "1 place:\nlib.py:1:5: def helper():", definition.text
    assert references.text.splitlines() == [
        "4 places:",
        "app.py:1:17: from lib import helper",
        "app.py:3:7: print(helper())",
        "app.py:4:1: helper()",
        "lib.py:1:5: def helper():",
    ], references.text
    assert "helper()" in hover.text
    assert hidden.text == "1 place:\nlib.py:1:5:", hidden.text
    assert "line 1, column 7: error: undefined name 'missing'" in diagnostics.text
    assert no_place.is_error and "needs line and character" in no_place.text


@needs_pylsp
async def test_the_lsp_tool_lists_a_files_symbols_and_says_what_the_server_cannot(
    tmp_path: Path,
) -> None:
    write_project(tmp_path)
    shapes = tmp_path / "shapes.py"
    shapes.write_text(
        "class Square:\n    def area(self):\n        return 4\n\n\ndef make():\n    pass\n"
    )
    specs = effective_servers(lsp_table({"python": {"timeout": PATIENT}}, "test"))
    ctx, _ = context_with(tmp_path, specs)
    try:
        symbols = await call(LSP(), ctx, operation="symbols", file_path=str(shapes))
        # pylsp has no workspace search: the model hears so, as an error it can act on.
        workspace = await call(
            LSP(), ctx, operation="symbols", file_path=str(shapes), query="helper"
        )
        # Symbols of a file the Read rules hide are left out.
        ctx.visible = lambda tool, path: path.name != "shapes.py"
        hidden = await call(LSP(), ctx, operation="symbols", file_path=str(shapes))
    finally:
        await stop(ctx)
    assert symbols.text.splitlines() == [
        "class Square  shapes.py:1",
        "method area (in Square)  shapes.py:2",
        "function make  shapes.py:6",
    ], symbols.text
    assert workspace.is_error and "workspace/symbol" in workspace.text, workspace.text
    assert hidden.text == "The server found no symbols."


async def test_a_server_that_never_answers_does_not_hold_the_edit_past_its_timeout(
    tmp_path: Path,
) -> None:
    write_project(tmp_path)
    # Reads nothing and says nothing, for ten minutes: only the timeout ends the wait.
    silent = (sys.executable, "-c", "import time; time.sleep(600)")
    ctx, events = context_with(tmp_path, {"python": LspServerSpec("python", silent, (".py",), 1)})
    try:
        result = await edit_app(ctx, tmp_path, "helper()  # again\n")
    finally:
        await stop(ctx)
    assert not result.is_error
    assert result.text.startswith("Edited") and "Language server" not in result.text
    assert (tmp_path / "app.py").read_text().endswith("helper()  # again\n")
    assert not [event for event in events if isinstance(event, Notice)]


async def test_a_missing_server_is_silent_and_a_dead_one_is_told_once(tmp_path: Path) -> None:
    write_project(tmp_path)
    missing = LspServerSpec("python", ("no-such-language-server-here",), (".py",), 30)
    ctx, events = context_with(tmp_path, {"python": missing})
    result = await edit_app(ctx, tmp_path, "helper()  # one\n")
    assert result.text.startswith("Edited") and "\n\n(" not in result.text
    assert not events
    lookup = await call(LSP(), ctx, operation="diagnostics", file_path=str(tmp_path / "app.py"))
    assert lookup.is_error and "no-such-language-server-here cannot run" in lookup.text

    dies = LspServerSpec("python", (sys.executable, "-c", "raise SystemExit(3)"), (".py",), 30)
    ctx, events = context_with(tmp_path, {"python": dies})
    for comment in ("two", "three"):
        write_project(tmp_path)
        result = await edit_app(ctx, tmp_path, f"helper()  # {comment}\n")
        assert not result.is_error and "Language server" not in result.text
    notices = [event.message for event in events if isinstance(event, Notice)]
    assert len(notices) == 1, notices
    assert notices[0].startswith("the python language server ")


def test_lsp_settings_are_checked_and_pylsp_is_the_python_default() -> None:
    table = lsp_table({"rust": {"command": ["rust-analyzer"], "extensions": [".RS"]}}, "f: lsp")
    assert table["rust"] == LspServerSpec("rust", ("rust-analyzer",), (".rs",))
    with pytest.raises(ConfigError, match=r"f: lsp\.go\.extensions: expected the files"):
        lsp_table({"go": {"command": ["gopls"]}}, "f: lsp")
    with pytest.raises(ConfigError, match=r"f: lsp\.python\.port: unknown key"):
        lsp_table({"python": {"port": 3}}, "f: lsp")
    off = lsp_table({"python": {"enabled": False}}, "f: lsp")
    assert "python" not in effective_servers(off)
    if PYLSP is not None:
        assert effective_servers({})["python"].name == "pylsp"


def test_the_lsp_tool_is_gated_as_read(tmp_path: Path) -> None:
    write_project(tmp_path)
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "keys.py").write_text("KEY = 1\n")
    args = {"operation": "hover", "line": 1, "character": 1}
    denied = make_policy(tmp_path, deny=["Read(secret/**)"])
    assert check_action(denied, "LSP", tmp_path, file_path="secret/keys.py", **args) == "deny"
    assert check_action(denied, "LSP", tmp_path, file_path="app.py", **args) == "allow"
    # Outside the project it asks, as Read does; through a link, the target is judged.
    (tmp_path / "link.py").symlink_to(tmp_path / "secret" / "keys.py")
    assert check_action(denied, "LSP", tmp_path, file_path="link.py", **args) == "deny"
    assert check_action(denied, "LSP", tmp_path, file_path="/etc/hostname", **args) == "ask"
