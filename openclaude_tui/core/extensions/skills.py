"""Skills: instructions for a kind of task, loaded when the model asks for them.

A skill is a directory with a ``SKILL.md`` (front matter ``name`` and ``description``) in
the project's ``.openclaude/skills/`` or ``.claude/skills/``, or in the user's
``skills/`` config directory. The system prompt lists each skill's description
(``core.prompt.system``); the ``Skill`` tool gives the model a skill's full text and names the
other files of its directory, which it can then Read (``core.tools.skill``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openclaude_tui.core.extensions.markdown_files import (
    Source,
    first_line,
    keep_first,
    read_markdown,
    sources,
)
from openclaude_tui.core.tools.skill import SKILL_FILE, Skill, find_skill

MAX_SKILLS = 200


@dataclass
class SkillCatalogue:
    """The skills found, and what the user should be told about the files."""

    skills: list[Skill] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def find(self, name: str) -> Skill | None:
        """The skill called ``name`` (case does not matter), or None."""
        return find_skill(self.skills, name)


def load_skills(project_root: Path) -> SkillCatalogue:
    """Every skill of the project and of the user, the first source winning a name."""
    found = [
        (directory / SKILL_FILE, source, f"skill {directory.name}")
        for source in sources(project_root, "skills")
        if source.directory.is_dir()
        for directory in sorted(source.directory.iterdir())
        if not directory.name.startswith(".") and (directory / SKILL_FILE).is_file()
    ]
    catalogue = SkillCatalogue()
    catalogue.notices = keep_first(catalogue.skills, found, _read_skill, "skill", MAX_SKILLS)
    return catalogue


def _read_skill(path: Path, source: Source) -> Skill:
    document = read_markdown(path, source)
    name = document.text("name").strip() or path.parent.name
    description = document.text("description").strip() or first_line(document.body)
    return Skill(name, description, document.body, document.path.parent, source.label)
