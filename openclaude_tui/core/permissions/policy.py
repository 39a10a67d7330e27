"""The permission gate: the mode and the ``Tool(specifier)`` rules
(``core.permissions.rules``) applied to each call, and remembered answers.

For every tool call the policy answers allow, deny or ask. Rules are evaluated
deny > ask > allow, then the mode decides. Whatever asks goes to an injected async
approver (the app's modal, or print mode's policy that denies).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from openclaude_tui.core.changes.file_change import FileChange
from openclaude_tui.core.permissions import bash_rules, trust
from openclaude_tui.core.permissions.rules import (
    LOCAL_SETTINGS,
    MCP_PREFIX,
    MODES,
    Mode,
    Rule,
    RuleError,
    RuleKind,
    RuleSet,
)
from openclaude_tui.core.shell import classify as shell_classifier
from openclaude_tui.core.tomlfile import read_toml, write_toml
from openclaude_tui.core.tools.base import Tool
from openclaude_tui.core.tools.paths import PathArgumentError, is_inside, protection

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
    # The shell command the call runs, and the classifier's verdict on it.
    command: str | None = None
    verdict: shell_classifier.Verdict | None = None
    # The rules an "always allow" answer adds, each checked to allow this very call
    # (``("Edit",)``: edits for the rest of the session); empty when no rule would.
    always_rules: tuple[str, ...] = ()
    always_label: str = ""
    # The user's own call (``!command``), not the model's: no reason is asked of a denial.
    by_user: bool = False
    # The sub-agent whose call it is ("": the main agent's), which the modal names.
    agent: str = ""
    # The description of that sub-agent's Task call, which tells apart two sub-agents of
    # one type running side by side.
    task: str = ""

    @property
    def always_rule(self) -> str | None:
        """The "always allow" offer as one text, or None when there is none."""
        return " and ".join(self.always_rules) or None


Approver = Callable[[PermissionRequest], Awaitable[Decision]]


# How far each answer goes: of two answers for one call, the stricter holds.
_STRICTNESS = {"allow": 0, "ask": 1, "deny": 2}


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
        read_local_rules: bool = True,
    ) -> None:
        self.project_root = project_root.resolve()
        self.rules = rules or RuleSet()
        self.bypass_available = bypass_available or mode == "bypassPermissions"
        self.mode: Mode = mode
        self.allow_edits_this_session = False
        self.remember_file = remember_file or self.project_root / LOCAL_SETTINGS
        # The configuration reads the local file itself when it decides what to trust.
        if read_local_rules:
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
        """Allow, deny or ask for one validated call.

        A call that contacts a host is judged by what it touches here (paths, commands)
        and by the host it contacts; the stricter answer holds.
        """
        result = self._check_local(tool, args, cwd)
        domain = tool.domain(args)
        if domain is None or result.action == "deny":
            return result
        by_domain = self._check_domain(tool, domain)
        return result if _STRICTNESS[result.action] > _STRICTNESS[by_domain.action] else by_domain

    def _check_local(self, tool: Tool, args: dict[str, Any], cwd: Path) -> GateResult:
        """Allow, deny or ask for a call by the files it touches and the command it runs."""
        command = tool.command(args)
        analysis = self.analyze(command, cwd) if command is not None else None
        commands = bash_rules.command_forms(analysis) if analysis is not None else None
        try:
            paths = tool.paths(args, cwd)
        except PathArgumentError as error:
            return GateResult("deny", str(error))
        denied = self._first_match(self.rules.deny, tool, commands, paths)
        denied = denied or bash_rules.partly_known_match(self.rules.deny, analysis)
        denied = denied or bash_rules.denied_read(self.rules.deny, analysis, self.project_root)
        if denied:
            return GateResult("deny", f"a deny rule forbids it: {denied}")
        if self.mode == "bypassPermissions":
            return GateResult("allow", "bypass mode")
        asked = self._first_match(self.rules.ask, tool, commands, paths)
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
        protected = self._protected(tool, paths)
        if protected:
            return GateResult("ask", protected)
        if verdict is not None and verdict.level == "destructive":
            return GateResult("ask", "; ".join(verdict.reasons) or "destructive command")
        if analysis is not None:
            allowed = bash_rules.allowing_rule(self.rules.allow, analysis)
        else:
            allowed = self._first_match(self.rules.allow, tool, commands, paths)
        if allowed:
            return GateResult("allow", f"allowed by {allowed}")
        if not mutating:
            return GateResult("allow", "read-only")
        edits = tool.file_access == "edit"
        if edits and (self.mode == "acceptEdits" or self.allow_edits_this_session):
            return GateResult("allow", "edits accepted")
        if edits:
            return GateResult("ask", "default mode asks before each change to a file")
        if verdict is not None:
            return GateResult("ask", "; ".join(verdict.reasons) or "not a read-only command")
        return GateResult("ask", "it is not read-only")

    def _check_domain(self, tool: Tool, domain: str) -> GateResult:
        """Allow, deny or ask for a call that contacts ``domain``: it asks unless allowed.

        Contacting a host sends it what the call holds (a URL, a query), so even a tool
        that changes nothing asks, in every mode but bypass, until a rule allows the host.
        """
        matching = [
            (kind, rule)
            for kind in ("deny", "ask", "allow")
            for rule, _ in getattr(self.rules, kind)
            if rule.tool == tool.name and rule.matches_domain(domain)
        ]
        first = dict(reversed(matching))
        if "deny" in first:
            return GateResult("deny", f"a deny rule forbids it: {first['deny']}")
        if self.mode == "bypassPermissions":
            return GateResult("allow", "bypass mode")
        if self.mode == "plan" and not tool.read_only:
            return GateResult("deny", PLAN_MODE_REFUSAL)
        if "ask" in first:
            return GateResult("ask", f"an ask rule: {first['ask']}")
        if "allow" in first:
            return GateResult("allow", f"allowed by {first['allow']}")
        return GateResult("ask", f"it contacts {domain}, which no rule allows")

    def classify(self, command: str, cwd: Path) -> shell_classifier.Verdict:
        """The shell classifier's verdict for a command run from ``cwd``."""
        return self.analyze(command, cwd).verdict

    def analyze(self, command: str, cwd: Path) -> shell_classifier.Analysis:
        """What the shell classifier learned about a command run from ``cwd``."""
        return shell_classifier.analyze(command, self.project_root, cwd)

    def request_for(
        self, call_id: str, tool: Tool, args: dict[str, Any], cwd: Path, reason: str
    ) -> PermissionRequest:
        """A request describing the call, with the "always" option it may offer."""
        request = PermissionRequest(call_id, tool.name, args, tool.summary(args), reason)
        request.command = tool.command(args)
        if request.command is not None:
            request.verdict = self.classify(request.command, cwd)
        request.always_rules = self.rules_to_allow(tool, args, cwd)
        if request.always_rules == ("Edit",):
            request.always_label = "Always allow edits in this project for this session"
        elif request.always_rules:
            named = " and ".join(f"`{rule}`" for rule in request.always_rules)
            request.always_label = f"Always allow {named} in this project"
        return request

    def rules_to_allow(self, tool: Tool, args: dict[str, Any], cwd: Path) -> tuple[str, ...]:
        """Allow rules that would let this call run without asking, or () when none would.

        For Bash, one ``prefix:*`` rule per simple command that is not read-only; for Edit
        and Write, ``("Edit",)`` (edits for the session); for an MCP tool, its own name
        (``mcp__SERVER__TOOL``); for a tool that contacts a host, ``Tool(domain:host)``.
        Each proposal is checked against the gate itself, so an "always allow" answer never
        saves a rule that would not have allowed the call it was given for.
        """
        if tool.file_access == "edit":
            trial = copy.copy(self)
            trial.allow_edits_this_session = True
            return ("Edit",) if trial.check(tool, args, cwd).action == "allow" else ()
        if tool.name.startswith(MCP_PREFIX):
            return self._allowing(tool, args, cwd, [Rule(tool.name)])
        domain = tool.domain(args)
        if domain is not None:
            try:
                rule = Rule.parse(f"{tool.name}(domain:{domain})")
            except RuleError:
                return ()
            return self._allowing(tool, args, cwd, [rule])
        command = tool.command(args)
        if command is None:
            return ()
        analysis = self.analyze(command, cwd)
        if analysis.verdict.level == "destructive":
            return ()
        proposed: list[Rule] = []
        # A command without findings is read-only and needs no rule; the others are named
        # as the rules see them (`git -C . commit` offers `git commit`).
        for info in analysis.commands:
            if not info.findings:
                continue
            prefix = shell_classifier.command_prefix(info.normalized)
            try:
                rule = Rule.parse(f"Bash({prefix}:*)")
            except RuleError:
                return ()
            if rule not in proposed:
                proposed.append(rule)
        return self._allowing(tool, args, cwd, proposed)

    def _allowing(
        self, tool: Tool, args: dict[str, Any], cwd: Path, proposed: list[Rule]
    ) -> tuple[str, ...]:
        """``proposed`` as texts if, added to the allow rules, they let the call run; else ()."""
        if not proposed:
            return ()
        trial = copy.copy(self)
        trial.rules = RuleSet(
            [*self.rules.allow, *((rule, "proposed") for rule in proposed)],
            self.rules.ask,
            self.rules.deny,
        )
        if trial.check(tool, args, cwd).action != "allow":
            return ()
        return tuple(str(rule) for rule in proposed)

    def remember(self, request: PermissionRequest) -> str | None:
        """Apply an "always allow" answer; rules are saved to the project's local file.

        The local file is git-ignored (``.openclaude/.gitignore``) when it is written.
        """
        rules = request.always_rules
        if not rules:
            return None
        if rules == ("Edit",):
            self.allow_edits_this_session = True
            return "edits in this project for this session"
        for text in rules:
            self.rules.add("allow", text, str(LOCAL_SETTINGS))
        data = read_toml(self.remember_file)
        section = data.setdefault("permissions", {})
        allow = list(section.get("allow", []))
        allow += [text for text in rules if text not in allow]
        section["allow"] = allow
        _write_local(self.remember_file, data)
        ignore_locally(self.remember_file)
        return " and ".join(rules)

    def shows(self, tool_name: str, path: Path) -> bool:
        """Whether a search by ``tool_name`` may show the file at ``path``.

        Not when a deny or ask rule on reading it matches (as the file, or where a link
        leads): a search cannot ask per file, so what would not be read without asking is
        left out of Grep's and Glob's results.
        """
        rules = [rule for rule, _ in [*self.rules.deny, *self.rules.ask]]
        rules = [rule for rule in rules if rule.covers_tool(tool_name, "read") and rule.specifier]
        for candidate in {path, Path(os.path.realpath(path))}:
            relative = self._relative(candidate)
            if relative is not None and any(rule.matches_path(relative) for rule in rules):
                return False
        return True

    def remove_rule(self, kind: RuleKind, rule: Rule) -> bool:
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
            _write_local(self.remember_file, data)
        return True

    def _protected(self, tool: Tool, paths: list[Path]) -> str | None:
        """Why an edit of one of ``paths`` changes what runs, or None."""
        if tool.file_access != "edit":
            return None
        for path in paths:
            relative = self._relative(path)
            reason = protection(relative) if relative else None
            if reason:
                return f"writing {relative} changes what runs: {reason}"
        return None

    def _inside(self, path: Path) -> bool:
        return is_inside(path, self.project_root)

    def _relative(self, path: Path) -> str | None:
        if not self._inside(path):
            return None
        return path.relative_to(self.project_root).as_posix()

    def _first_match(
        self,
        rules: list[tuple[Rule, str]],
        tool: Tool,
        commands: list[str] | None,
        paths: list[Path],
    ) -> Rule | None:
        """The first rule matching the call.

        ``commands`` are the forms of the simple commands a shell call runs (None for a call
        that runs none): for deny and ask rules one matching command is enough; allow rules
        for commands go through ``bash_rules.allowing_rule``.
        """
        # Bash rules are rules on commands, whichever tool runs them.
        candidates = [
            rule
            for rule, _ in rules
            if rule.covers_tool(tool.name, tool.file_access)
            or (commands is not None and rule.tool == "Bash")
        ]
        if not candidates:
            return None
        if commands is not None:
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


def _write_local(path: Path, data: dict[str, Any]) -> None:
    """Write the local settings, vouching for them only if nobody else wrote what was there."""
    ours = trust.vouched(path)
    write_toml(path, data)
    if ours:
        trust.vouch(path)


def ignore_locally(settings_file: Path) -> None:
    """Make git ignore ``settings_file`` through a ``.gitignore`` beside it.

    Answers kept on this machine are not for the repository, as Claude Code does for its
    own local settings.
    """
    ignore = settings_file.parent / ".gitignore"
    try:
        lines = ignore.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    if {settings_file.name, f"/{settings_file.name}"} & {line.strip() for line in lines}:
        return
    ignore.write_text("\n".join([*lines, settings_file.name]) + "\n", encoding="utf-8")
