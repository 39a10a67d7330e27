"""The Skill tool: a skill's full instructions, loaded when the model asks for them.

The skills are found by ``core.extensions.skills``; the system prompt lists their
descriptions. The result names the skill directory's other files, which the model can Read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from openclaude_tui.core.tools.base import Tool, ToolContext, ToolResult
from openclaude_tui.core.tools.paths import is_inside

SKILL_FILE = "SKILL.md"
MAX_LISTED_FILES = 50


@dataclass(frozen=True)
class Skill:
    """A skill found: its name, what it is for, its instructions and where it lives."""

    name: str
    description: str
    body: str
    directory: Path
    source: str


def find_skill(skills: list[Skill], name: str) -> Skill | None:
    """The skill called ``name`` (case does not matter), or None."""
    folded = name.strip().casefold()
    return next((skill for skill in skills if skill.name.casefold() == folded), None)


class SkillTool(Tool):
    """Loads a skill's full instructions for the model."""

    name = "Skill"
    description = (
        "Load a skill: the full instructions for a kind of task, listed with their "
        "descriptions in the system prompt. Pass the skill's name. The result is its text "
        "and the other files of its directory, which you can Read when it refers to them."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"skill": {"type": "string", "description": "The skill's name."}},
        "required": ["skill"],
    }
    aliases: ClassVar[dict[str, str]] = {"name": "skill", "skill_name": "skill"}
    read_only = True

    def __init__(self, skills: list[Skill] | None = None) -> None:
        self.skills = list(skills or [])

    def summary(self, args: dict[str, Any]) -> str:
        """The skill's name."""
        return str(args.get("skill", ""))[:200]

    async def run(self, args: dict[str, Any], ctx: ToolContext, call_id: str) -> ToolResult:
        """The skill's text and the names of its other files; unknown names are listed."""
        skill = find_skill(self.skills, str(args["skill"]))
        if skill is None:
            names = ", ".join(s.name for s in self.skills) or "none"
            return ToolResult(
                f"There is no skill named {args['skill']!r}. Skills available: {names}.",
                is_error=True,
            )
        parts = [f"# Skill: {skill.name}\n(from {skill.directory})\n\n{skill.body.strip()}"]
        files = _other_files(skill)
        if files:
            listed = "\n".join(f"- {skill.directory / name}" for name in files)
            parts.append(f"Other files of this skill (Read them when needed):\n{listed}")
        return ToolResult("\n\n".join(parts))


def _other_files(skill: Skill) -> list[str]:
    """The skill directory's other files, relative to it (links leading out are left out)."""
    root = Path(os.path.realpath(skill.directory))
    found: list[str] = []
    for directory, subdirectories, files in os.walk(skill.directory):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
        for name in sorted(files):
            path = Path(directory) / name
            relative = path.relative_to(skill.directory).as_posix()
            if relative == SKILL_FILE or name.startswith("."):
                continue
            if not is_inside(Path(os.path.realpath(path)), root):
                continue
            found.append(relative)
            if len(found) >= MAX_LISTED_FILES:
                return found
    return found
