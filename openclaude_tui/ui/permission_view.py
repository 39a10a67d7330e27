"""What the permission modal shows for a request: the target, the diff or the command."""

from __future__ import annotations

import json
from pathlib import Path

from openclaude_tui.core.changes.diff import diff_change
from openclaude_tui.core.permissions.policy import PermissionRequest
from openclaude_tui.ui.screens.permission import PermissionView


def permission_view(
    request: PermissionRequest, project_root: Path, *, by_user: bool = False
) -> PermissionView:
    """What the modal shows for a request (``by_user``: the user's own ``!`` command)."""
    file_diff = diff_change(request.change, project_root) if request.change is not None else None
    command = description = verdict = None
    reasons: tuple[str, ...] = ()
    details = ""
    if request.command is not None:
        command = request.command
        description = request.arguments.get("description") or None
        if request.verdict is not None:
            verdict = request.verdict.level
            reasons = tuple(request.verdict.reasons)
    elif file_diff is None:
        details = "\n".join(f"{name}: {_short(value)}" for name, value in request.arguments.items())
    reason = request.reason
    if reasons and reason == "; ".join(reasons):
        reason = ""  # the verdict line says it
    if request.agent:
        task = f" (Task: {request.task})" if request.task else ""
        reason = f"Asked by the {request.agent} sub-agent{task}. {reason}".strip()
    return PermissionView(
        tool=request.tool,
        target=_display_target(request.target, project_root),
        reason=reason,
        always_label=request.always_label if request.always_rule else "",
        file_diff=file_diff,
        command=command,
        description=description,
        verdict=verdict,
        verdict_reasons=reasons,
        details=details,
        by_user=by_user,
    )


def _display_target(target: str, project_root: Path) -> str:
    path = Path(target)
    if path.is_absolute() and path.is_relative_to(project_root):
        return path.relative_to(project_root).as_posix()
    return target


def _short(value: object, limit: int = 200) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
