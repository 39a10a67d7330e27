"""The tools and extensions added around the gate, tried as a hostile repository or a model
would: judged by what reaches the disk and what the server is sent.

- An untrusted repository's ``[lsp]`` table names a command: it is not run.
- The LSP tool on a file the Read rules deny (directly or through a link) quotes nothing
  of it to the model.
- A sub-agent's call a rule denies does not run, and the sub-agent is told.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers.print_mode import openclaude
from tests.helpers.subagents import Conversations
from tests.scripted_server import ScriptedServer, ToolCallSpec, Turn

SECRET = "KEY = 'do-not-send-4412'"


def _project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "lib.py").write_text("def helper():\n    return 1\n")
    (root / "app.py").write_text("from lib import helper\n\nprint(helper())\nhelper()\n")
    return root


def test_an_untrusted_repository_cannot_start_its_own_language_server(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    (project / ".openclaude").mkdir()
    # The "server" leaves a mark when it runs, then exits (the edit goes on without it).
    (project / ".openclaude" / "settings.toml").write_text(
        '[lsp.python]\ncommand = ["sh", "-c", "touch ran-by-lsp"]\ntimeout = 60\n'
    )
    turns = [Turn(tool_calls=[ToolCallSpec("Read", {"file_path": "app.py"})]), Turn(text="ok")]
    for trusted in (False, True):
        flags = ["--trust-project"] if trusted else []
        with ScriptedServer(turns) as server:
            done = openclaude(
                project, tmp_path / "home", "-p", "look", "--base-url", server.base_url, *flags
            )
        assert done.returncode == 0, done.stderr
        assert (project / "ran-by-lsp").exists() is trusted, done.stderr
        if not trusted:
            assert "lsp" in done.stderr


def test_the_lsp_tool_quotes_nothing_of_a_file_the_read_rules_deny(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    (project / "secret").mkdir()
    (project / "secret" / "keys.py").write_text(f"{SECRET}\n")
    (project / "link.py").symlink_to(project / "secret" / "keys.py")
    calls = [
        ToolCallSpec("LSP", {"operation": operation, "file_path": path, "line": 1, "character": 1})
        for operation in ("hover", "symbols", "diagnostics")
        for path in ("secret/keys.py", "link.py")
    ]
    with ScriptedServer([Turn(tool_calls=calls), Turn(text="ok")]) as server:
        done = openclaude(
            project, tmp_path / "home", "-p", "look", "--base-url", server.base_url,
            "--deny", "Read(secret/**)",
        )  # fmt: skip
        results = server.tool_results()
    assert done.returncode == 0, done.stderr
    assert len(results) == len(calls)
    assert all("denied" in result.lower() for result in results), results
    assert not any("do-not-send" in result or "KEY" in result for result in results), results


def test_a_rule_holds_inside_a_sub_agent(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    parent, work = "Make the marker.", "Run touch made.txt."
    task = {"description": "marker", "prompt": work, "subagent_type": "general-purpose"}
    conversations = Conversations(
        {
            parent: [Turn(tool_calls=[ToolCallSpec("Task", task)]), Turn(text="done")],
            work: [
                Turn(tool_calls=[ToolCallSpec("Bash", {"command": "touch made.txt"})]),
                Turn(text="could not"),
            ],
        }
    )
    with ScriptedServer() as server:
        conversations.use(server)
        done = openclaude(
            project, tmp_path / "home", "-p", parent, "--base-url", server.base_url,
            "--dangerously-skip-permissions", "--deny", "Bash(touch:*)",
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not (project / "made.txt").exists()
    told = conversations.requests[work][1].tool_results()[0]
    assert "denied" in told.lower(), told
