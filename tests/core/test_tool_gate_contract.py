"""The gate learns what a call touches from the tool itself.

A tool the gate has never heard of by name is judged by what it declares: the arguments that
are paths, whether Read or Edit rules cover it, and the shell command it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from openclaude_tui.core.permissions.policy import PermissionPolicy
from openclaude_tui.core.tools.base import Tool, ToolContext, ToolResult
from tests.helpers.policy import make_policy


class _Stamp(Tool):
    """Writes a stamp into the file at ``target`` (never run here: only gated)."""

    name = "Stamp"
    description = "Stamp a file."
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"target": {"type": "string"}},
        "required": ["target"],
    }
    path_arguments = ("target",)
    file_access = "edit"

    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        return ToolResult("stamped")


class _Script(Tool):
    """Runs the named script through the shell."""

    name = "Script"
    description = "Run a script."
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"script": {"type": "string"}},
        "required": ["script"],
    }

    def command(self, args: dict[str, Any]) -> str | None:
        return f"sh {args['script']}"

    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        return ToolResult("ran")


def _action(policy: PermissionPolicy, tool: Tool, cwd: Path, **args: Any) -> str:
    validated, _ = tool.validate(args)
    return policy.check(tool, validated, cwd).action


def test_a_tool_that_edits_is_covered_by_edit_rules_and_edit_modes(tmp_path: Path) -> None:
    stamp = _Stamp()
    assert _action(make_policy(tmp_path), stamp, tmp_path, target="a.txt") == "ask"
    accepting = make_policy(tmp_path, "acceptEdits")
    assert _action(accepting, stamp, tmp_path, target="a.txt") == "allow"
    denying = make_policy(tmp_path, "acceptEdits", deny=["Edit(secret/**)"])
    assert _action(denying, stamp, tmp_path, target="secret/key") == "deny"
    assert _action(denying, stamp, tmp_path, target="public/key") == "allow"


def test_a_tools_paths_are_resolved_before_they_are_checked(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    accepting = make_policy(project, "acceptEdits")
    stamp = _Stamp()
    # Out of the project through `..`, and through a link that leads out of it.
    assert _action(accepting, stamp, project, target="../elsewhere.txt") == "ask"
    (project / "src" / "out").symlink_to(tmp_path)
    assert _action(accepting, stamp, project, target="src/out/x.txt") == "ask"
    # A file that changes what runs asks even when edits are accepted.
    assert _action(accepting, stamp, project, target=".git/hooks/pre-commit") == "ask"
    assert _action(accepting, stamp, project, target="src/fine.txt") == "allow"


def test_a_tool_that_runs_a_command_is_judged_by_the_shell_classifier(tmp_path: Path) -> None:
    script = _Script()
    policy = make_policy(tmp_path, "acceptEdits", deny=["Bash(sh deploy.sh)"])
    assert _action(policy, script, tmp_path, script="deploy.sh") == "deny"
    request = policy.request_for("c1", script, {"script": "build.sh"}, tmp_path, "asks")
    assert request.command == "sh build.sh"
    assert request.verdict is not None and request.verdict.level != "read_only"
    assert _action(policy, script, tmp_path, script="build.sh") == "ask"


class _Download(Tool):
    """Saves what a URL holds into the file at ``target`` (never run here: only gated)."""

    name = "WebFetch"  # a name domain rules can name
    description = "Download a file."
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"url": {"type": "string"}, "target": {"type": "string"}},
        "required": ["url", "target"],
    }
    path_arguments = ("target",)
    file_access = "edit"

    def domain(self, args: dict[str, Any]) -> str | None:
        return str(args["url"]).split("/")[2]

    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        return ToolResult("saved")


def test_a_tool_that_contacts_a_host_and_writes_a_file_needs_both_allowed(tmp_path: Path) -> None:
    download = _Download()
    url = "https://example.com/data.csv"
    accepting = make_policy(tmp_path, "acceptEdits")
    # Edits are accepted, but the host is not allowed yet: it asks.
    assert _action(accepting, download, tmp_path, url=url, target="data.csv") == "ask"
    allowing = make_policy(tmp_path, allow=["WebFetch(domain:example.com)"])
    # The host is allowed, but default mode asks before a change to a file.
    assert _action(allowing, download, tmp_path, url=url, target="data.csv") == "ask"
    both = make_policy(
        tmp_path, "acceptEdits", allow=["WebFetch(domain:example.com)"], deny=["Edit(secret/**)"]
    )
    assert _action(both, download, tmp_path, url=url, target="data.csv") == "allow"
    assert _action(both, download, tmp_path, url=url, target="secret/key") == "deny"
    denying = make_policy(tmp_path, "acceptEdits", deny=["WebFetch(domain:example.com)"])
    assert _action(denying, download, tmp_path, url=url, target="data.csv") == "deny"
