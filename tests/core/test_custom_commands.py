"""Custom slash commands as a user runs them: Markdown files in a real project, print mode in a
real process, the scripted server's request log showing the prompt that was sent."""

from __future__ import annotations

from pathlib import Path

from openclaude_tui.core.events import Event, Notice
from openclaude_tui.core.extensions.commands import load_commands
from openclaude_tui.core.extensions.expansion import substitute_arguments
from openclaude_tui.core.extensions.markdown_files import parse_front_matter
from openclaude_tui.core.session import Session
from tests.helpers.agent import Answers
from tests.helpers.app import make_config
from tests.helpers.print_mode import openclaude
from tests.helpers.repos import git
from tests.scripted_server import ScriptedServer, Turn


def _project(root: Path) -> Path:
    root.mkdir(parents=True)
    git(root, "init", "-q")
    (root / "notes.txt").write_text("the notes say: ship on Friday\n")
    return root


def _command(directory: Path, name: str, text: str) -> None:
    path = directory / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _run(
    project: Path, home: Path, prompt: str, *flags: str, models: tuple[str, ...] = ()
) -> tuple[str, str, list[str]]:
    """Run `openclaude -p prompt`; its stderr, stdout and the user messages the server got."""
    with ScriptedServer([Turn(text="done")], models=models or ("scripted-model",)) as server:
        done = openclaude(project, home, "-p", prompt, "--base-url", server.base_url, *flags)
        sent = [
            message["content"]
            for request in server.chat_requests
            for message in request.messages
            if message["role"] == "user"
        ]
    assert done.returncode == 0, done.stderr
    return done.stderr, done.stdout, sent


def test_print_mode_expands_arguments_of_a_project_command(tmp_path: Path) -> None:
    project = _project(tmp_path / "repo")
    _command(
        project / ".openclaude" / "commands",
        "greet",
        "---\ndescription: Greet people\nargument-hint: [name] [other]\n---\n"
        "Say hello to $1, then to $2. Everyone: $ARGUMENTS.\n",
    )
    _, stdout, sent = _run(project, tmp_path / "home", '/greet Bob "Ann Lee"')
    assert stdout.strip() == "done"
    assert sent == ['Say hello to Bob, then to Ann Lee. Everyone: Bob "Ann Lee".\n']


def test_a_claude_code_command_in_a_subdirectory_is_namespaced(tmp_path: Path) -> None:
    project = _project(tmp_path / "repo")
    _command(project / ".claude" / "commands" / "frontend", "test", "Run the $1 tests.\n")
    _, _, sent = _run(project, tmp_path / "home", "/frontend:test unit")
    assert sent == ["Run the unit tests.\n"]


def test_at_file_is_attached_and_a_path_outside_the_project_is_refused(tmp_path: Path) -> None:
    project = _project(tmp_path / "repo")
    (tmp_path / "secret.txt").write_text("outside secret 4242\n")
    _command(
        project / ".openclaude" / "commands",
        "review",
        "Review @notes.txt against @../secret.txt please.\n",
    )
    stderr, _, sent = _run(project, tmp_path / "home", "/review")
    assert len(sent) == 1
    assert "Contents of notes.txt:\n```\nthe notes say: ship on Friday\n```" in sent[0]
    assert "4242" not in sent[0]
    assert "@../secret.txt was not attached: it is outside the project" in sent[0]
    assert "note: @../secret.txt was not attached: it is outside the project" in stderr


def test_a_typed_prompt_attaches_files_and_directories_but_not_what_read_rules_deny(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path / "repo")
    (project / ".env").write_text("TOKEN=hunter2\n")
    (project / "src").mkdir()
    (project / "src" / "app.py").write_text("print('app')\n")
    stderr, _, sent = _run(
        project,
        tmp_path / "home",
        "compare @notes.txt, @src and @.env; @decorator is just a word",
        "--deny",
        "Read(.env)",
    )
    assert sent[0].startswith("compare @notes.txt, @src and @.env; @decorator is just a word")
    assert "Contents of notes.txt:" in sent[0]
    assert "Listing of the directory src:\n```\napp.py\n```" in sent[0]
    assert "hunter2" not in sent[0]
    assert "@.env was not attached: a deny rule forbids it: Read(.env)" in stderr
    assert "decorator" not in stderr


def test_inline_commands_run_through_the_gate(tmp_path: Path) -> None:
    project = _project(tmp_path / "repo")
    _command(
        project / ".openclaude" / "commands",
        "status",
        "Notes: !`cat notes.txt`\nMarker: !`touch marker`\n",
    )
    stderr, _, sent = _run(project, tmp_path / "home", "/status")
    # The read-only command ran and its output is in the prompt.
    assert sent[0].startswith("Notes: the notes say: ship on Friday\nMarker: ")
    # The one that needs approval was refused: print mode cannot ask.
    assert not (project / "marker").exists()
    assert "(`touch marker` was not run: denied)" in sent[0]
    assert "note: /status: `touch marker` was not run (denied)" in stderr


def test_allowed_tools_of_an_untrusted_project_command_are_ignored(tmp_path: Path) -> None:
    project = _project(tmp_path / "repo")
    _command(
        project / ".openclaude" / "commands",
        "mark",
        "---\nallowed-tools: Bash(touch:*)\n---\nMarked: !`touch marker`\n",
    )
    stderr, _, _ = _run(project, tmp_path / "home", "/mark")
    assert not (project / "marker").exists()
    assert "its allowed-tools (Bash(touch:*)) are ignored because this project is not" in stderr
    # Trusted, the same command's rule lets its command run.
    _run(project, tmp_path / "home", "/mark", "--trust-project")
    assert (project / "marker").exists()


def test_a_users_own_command_gets_its_allowed_tools(tmp_path: Path) -> None:
    project = _project(tmp_path / "repo")
    home = tmp_path / "home"
    _command(
        home / "config" / "commands",
        "mark",
        "---\nallowed-tools: [Bash(touch:*)]\n---\nMarked: !`touch marker`\n",
    )
    _, _, sent = _run(project, home, "/mark")
    assert (project / "marker").exists()
    assert sent == ["Marked: (no output)\n"]


async def test_a_commands_rules_and_model_last_for_its_turn_only(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    project = _project(tmp_path / "repo")
    _command(
        project / ".openclaude" / "commands",
        "quick",
        "---\nallowed-tools: Bash(touch:*)\nmodel: small-model\n---\nBe quick.\n",
    )
    with ScriptedServer(["one", "two"], models=("scripted-model", "small-model")) as server:
        events: list[Event] = []
        config = make_config(project, server.base_url, trust_project=True)
        session = Session(config, Answers(), events.append)
        try:
            await session.run_turn("/quick")
            after_command = [row.text for row in session.rules()]
            await session.run_turn("and now?")
        finally:
            await session.close()
        models = [request.model for request in server.chat_requests]
    assert models == ["small-model", "scripted-model"]
    assert "Bash(touch:*)" not in after_command
    assert Notice("/quick uses the model small-model for this turn") in events


def test_builtin_names_files_and_front_matter(tmp_path: Path) -> None:
    project = _project(tmp_path / "repo")
    commands = project / ".openclaude" / "commands"
    _command(commands, "deploy", "---\ndescription: 'Ship it'\nmodel: inherit\n---\nShip.\n")
    _command(project / ".claude" / "commands", "deploy", "The hidden twin.\n")
    _command(commands, "bad name", "Never offered.\n")
    catalogue = load_commands(project)
    # /init is built in, listed after the files' commands.
    assert [c.name for c in catalogue.commands] == ["deploy", "init"]
    deploy = catalogue.commands[0]
    assert (deploy.description, deploy.model, deploy.source) == ("Ship it", None, "project")
    assert any("is hidden by the project one" in notice for notice in catalogue.notices)
    assert any("bad name.md skipped" in notice for notice in catalogue.notices)


def test_a_project_command_file_linking_outside_the_project_is_not_read(tmp_path: Path) -> None:
    project = _project(tmp_path / "repo")
    (tmp_path / "private.md").write_text("private key material\n")
    commands = project / ".openclaude" / "commands"
    commands.mkdir(parents=True)
    (commands / "leak.md").symlink_to(tmp_path / "private.md")
    catalogue = load_commands(project)
    assert [c.source for c in catalogue.commands] == ["built-in"]
    assert "leads outside" in catalogue.notices[0]


def test_front_matter_forms() -> None:
    fields, body = parse_front_matter(
        "---\nallowed-tools:\n  - Bash(git add:*)\n  - Read\ndescription: >\n  two\n  lines\n"
        "argument-hint: [pr-number]\n---\nBody\n"
    )
    assert fields == {
        "allowed-tools": ["Bash(git add:*)", "Read"],
        "description": "two lines",
        "argument-hint": "[pr-number]",
    }
    assert body == "Body\n"
    assert parse_front_matter("no front matter\n") == ({}, "no front matter\n")


def test_arguments_without_placeholders_are_added_at_the_end() -> None:
    assert substitute_arguments("Fix it.\n", "issue 12") == "Fix it.\n\nARGUMENTS: issue 12\n"
    assert substitute_arguments("Fix $1 and $3.\n", "a b") == "Fix a and .\n"
