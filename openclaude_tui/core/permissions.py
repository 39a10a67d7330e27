"""The permission gate: the mode and the ``Tool(specifier)`` rules (``core.rules``) applied
to each call, and remembered answers.

For every tool call the policy answers allow, deny or ask. Rules are evaluated
deny > ask > allow, then the mode decides. Whatever asks goes to an injected async
approver (the app's modal, or print mode's policy that denies).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from openclaude_tui.core import bash_rules, danger
from openclaude_tui.core.rules import EDIT_TOOLS, MODES, Mode, Rule, RuleSet
from openclaude_tui.core.tomlfile import read_toml, write_toml
from openclaude_tui.core.tools.base import FileChange, Tool

PATH_TOOLS = frozenset({"Read", "Edit", "Write", "Grep", "Glob"})
LOCAL_SETTINGS = Path(".openclaude") / "settings.local.toml"

PLAN_MODE_REFUSAL = (
    "Not run: the session is in plan mode, where nothing that changes files or runs "
    "mutating commands may run. Investigate with read-only tools, then present your plan; "
    "the user will switch modes to carry it out."
)


@dataclass(frozen=True)
class Decision:
    """The user's answer to a permission request."""

    kind: Literal["allow_once", "allow_always", "deny"]
    reason: str | None = None
    # Deny and stop the whole turn (Esc on the modal).
    interrupt: bool = False
    # For an Edit/Write allowed in part: the approved hunks, as indices into
    # ``diff.diff_change(request.change).hunks``. None approves the whole change.
    hunks: tuple[int, ...] | None = None
    # What the model is told of a denial when nobody was asked (print mode), instead of
    # "the user denied this call".
    unasked: str | None = None

    @property
    def allowed(self) -> bool:
        """Whether the call may run."""
        return self.kind != "deny"


@dataclass
class PermissionRequest:
    """What the approver is asked about, with everything the modal shows."""

    call_id: str
    tool: str
    arguments: dict[str, Any]
    target: str
    reason: str
    change: FileChange | None = None
    verdict: danger.Verdict | None = None
    always_rule: str | None = None
    always_label: str = ""


Approver = Callable[[PermissionRequest], Awaitable[Decision]]


@dataclass(frozen=True)
class GateResult:
    """The policy's answer for one call: ``allow``, ``deny`` or ``ask``, and why."""

    action: Literal["allow", "deny", "ask"]
    reason: str = ""


class PermissionPolicy:
    """Decides, for each tool call, whether it runs, is refused, or needs the user."""

    def __init__(
        self,
        project_root: Path,
        mode: Mode = "default",
        rules: RuleSet | None = None,
        *,
        bypass_available: bool = False,
        remember_file: Path | None = None,
    ) -> None:
        self.project_root = project_root.resolve()
        self.rules = rules or RuleSet()
        self.bypass_available = bypass_available or mode == "bypassPermissions"
        self.mode: Mode = mode
        self.allow_edits_this_session = False
        self.remember_file = remember_file or self.project_root / LOCAL_SETTINGS
        self.load_remembered()

    def load_remembered(self) -> None:
        """Read the Bash rules kept from earlier "always allow" answers."""
        data = read_toml(self.remember_file)
        for text in data.get("permissions", {}).get("allow", []):
            self.rules.add("allow", str(text), str(LOCAL_SETTINGS))

    def cycle_mode(self) -> Mode:
        """Switch to the next mode (bypass only when it was enabled at start)."""
        available = [m for m in MODES if m != "bypassPermissions" or self.bypass_available]
        self.mode = available[(available.index(self.mode) + 1) % len(available)]
        return self.mode

    def check(self, tool: Tool, args: dict[str, Any], cwd: Path) -> GateResult:
        """Allow, deny or ask for one validated call."""
        name = tool.name
        analysis = self.analyze(args["command"], cwd) if name == "Bash" else None
        commands = bash_rules.command_forms(analysis)
        paths = self._paths(name, args, cwd)
        denied = self._first_match(self.rules.deny, name, commands, paths)
        denied = denied or bash_rules.partly_known_match(self.rules.deny, analysis)
        denied = denied or bash_rules.denied_read(self.rules.deny, analysis, self.project_root)
        if denied:
            return GateResult("deny", f"a deny rule forbids it: {denied}")
        if self.mode == "bypassPermissions":
            return GateResult("allow", "bypass mode")
        asked = self._first_match(self.rules.ask, name, commands, paths)
        asked = asked or bash_rules.partly_known_match(self.rules.ask, analysis)
        outside = [p for p in paths if not self._inside(p)]
        verdict = analysis.verdict if analysis is not None else None
        mutating = not tool.read_only and not (verdict and verdict.level == "read_only")
        if self.mode == "plan" and mutating:
            return GateResult("deny", PLAN_MODE_REFUSAL)
        if asked:
            return GateResult("ask", f"an ask rule: {asked}")
        if outside:
            return GateResult("ask", f"outside the project: {outside[0]}")
        if verdict is not None and verdict.level == "destructive":
            return GateResult("ask", "; ".join(verdict.reasons) or "destructive command")
        if analysis is not None:
            allowed = bash_rules.allowing_rule(self.rules.allow, analysis)
        else:
            allowed = self._first_match(self.rules.allow, name, commands, paths)
        if allowed:
            return GateResult("allow", f"allowed by {allowed}")
        if not mutating:
            return GateResult("allow", "read-only")
        if name in EDIT_TOOLS and (self.mode == "acceptEdits" or self.allow_edits_this_session):
            return GateResult("allow", "edits accepted")
        if name in EDIT_TOOLS:
            return GateResult("ask", "default mode asks before each change to a file")
        if verdict is not None:
            return GateResult("ask", "; ".join(verdict.reasons) or "not a read-only command")
        return GateResult("ask", "it is not read-only")

    def classify(self, command: str, cwd: Path) -> danger.Verdict:
        """The shell classifier's verdict for a command run from ``cwd``."""
        return self.analyze(command, cwd).verdict

    def analyze(self, command: str, cwd: Path) -> danger.Analysis:
        """What the shell classifier learned about a command run from ``cwd``."""
        return danger.analyze(command, self.project_root, cwd)

    def request_for(
        self, call_id: str, tool: Tool, args: dict[str, Any], cwd: Path, reason: str
    ) -> PermissionRequest:
        """A request describing the call, with the "always" option it may offer."""
        request = PermissionRequest(call_id, tool.name, args, tool.summary(args), reason)
        if tool.name == "Bash":
            analysis = self.analyze(args["command"], cwd)
            request.verdict = analysis.verdict
            # A rule would not cover a write, an unknown expansion or an outside read, so
            # offering one would only ask again next time.
            findings = analysis.loose + [f for c in analysis.commands for f in c.findings]
            if request.verdict.level != "destructive" and not any(f.effect for f in findings):
                # The first command as the rules see it: `git -C . log` offers `git log`.
                first = analysis.commands[0].normalized if analysis.commands else ""
                prefix = danger.command_prefix(first)
                if prefix:
                    request.always_rule = f"Bash({prefix}:*)"
                    request.always_label = f"Always allow `{request.always_rule}` in this project"
        elif tool.name in EDIT_TOOLS and not reason.startswith("outside"):
            request.always_rule = "Edit"
            request.always_label = "Always allow edits in this project for this session"
        return request

    def remember(self, request: PermissionRequest) -> str | None:
        """Apply an "always allow" answer; Bash rules are saved to the project's local file."""
        if request.always_rule is None:
            return None
        if request.always_rule == "Edit":
            self.allow_edits_this_session = True
            return "edits in this project for this session"
        self.rules.add("allow", request.always_rule, str(LOCAL_SETTINGS))
        data = read_toml(self.remember_file)
        section = data.setdefault("permissions", {})
        allow = list(section.get("allow", []))
        if request.always_rule not in allow:
            allow.append(request.always_rule)
        section["allow"] = allow
        write_toml(self.remember_file, data)
        return request.always_rule

    def remove_rule(self, kind: Literal["allow", "ask", "deny"], rule: Rule) -> bool:
        """Forget a rule (and drop it from the local settings file if it lives there)."""
        bucket: list[tuple[Rule, str]] = getattr(self.rules, kind)
        kept = [(r, s) for r, s in bucket if r != rule]
        if len(kept) == len(bucket):
            return False
        bucket[:] = kept
        data = read_toml(self.remember_file)
        section = data.get("permissions", {})
        if str(rule) in section.get(kind, []):
            section[kind] = [text for text in section[kind] if text != str(rule)]
            write_toml(self.remember_file, data)
        return True

    def _paths(self, name: str, args: dict[str, Any], cwd: Path) -> list[Path]:
        if name not in PATH_TOOLS:
            return []
        raw = args.get("file_path") or args.get("path")
        if not raw:
            return [cwd.resolve()] if name in ("Grep", "Glob") else []
        path = Path(str(raw)).expanduser()
        if not path.is_absolute():
            path = cwd / path
        return [path.resolve()]

    def _inside(self, path: Path) -> bool:
        return path == self.project_root or self.project_root in path.parents

    def _relative(self, path: Path) -> str | None:
        if not self._inside(path):
            return None
        return path.relative_to(self.project_root).as_posix()

    def _first_match(
        self,
        rules: list[tuple[Rule, str]],
        name: str,
        commands: list[str],
        paths: list[Path],
    ) -> Rule | None:
        """The first rule matching the call.

        For Bash (deny and ask rules) one matching command is enough; allow rules for
        Bash go through ``bash_rules.allowing_rule``.
        """
        candidates = [rule for rule, _ in rules if rule.covers_tool(name)]
        if not candidates:
            return None
        if name == "Bash":
            for rule in candidates:
                if any(rule.matches_command(c) for c in commands):
                    return rule
            return None
        for rule in candidates:
            if rule.specifier is None:
                return rule
            for path in paths:
                relative = self._relative(path)
                if relative is not None and rule.matches_path(relative):
                    return rule
        return None
