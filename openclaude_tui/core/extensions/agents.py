"""Sub-agent definitions: Markdown files whose body is a sub-agent's system prompt.

As in Claude Code: ``.claude/agents/NAME.md`` (and ``.openclaude/agents/``) in the project,
``~/.claude/agents/`` and ``agents/`` in the user's config directory. Front matter gives
``name`` (the ``subagent_type`` the Task tool takes; the file name when absent),
``description`` (when to use it, shown to the model), ``tools`` (an allow-list of tool
names; absent, every tool the parent has but Task) and ``model`` (absent or ``inherit``:
the parent's). The first source that has a name wins; ``general-purpose`` is built in.

A definition only narrows what a sub-agent may do: its calls pass the same permission gate
as the parent's, so a repository's file grants nothing and needs no trust.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openclaude_tui.core.extensions.markdown_files import (
    ExtensionFileError,
    Source,
    first_line,
    keep_first,
    read_markdown,
    sources,
)

MAX_AGENTS = 100
GENERAL_PURPOSE = "general-purpose"
# Claude Code's model aliases name Anthropic's models, which an open-model server does not
# serve: a definition written for Claude Code runs on the parent's model instead.
INHERITED_MODELS = frozenset({"", "inherit", "sonnet", "opus", "haiku"})


@dataclass(frozen=True)
class AgentDefinition:
    """A kind of sub-agent the Task tool can start.

    Attributes:
        name: Its ``subagent_type``.
        description: When to use it (the Task tool's description lists it).
        system_prompt: What it is told before the task ("" for the built-in one).
        tools: The tools it may use (None: all of the parent's but Task).
        model: The model it runs on (None: the parent's).
        source: Where it comes from (``built-in``, ``project``, ``user``…).
    """

    name: str
    description: str
    system_prompt: str = ""
    tools: tuple[str, ...] | None = None
    model: str | None = None
    source: str = "built-in"


BUILT_IN = AgentDefinition(
    GENERAL_PURPOSE,
    "General-purpose agent for researching complex questions, searching for code and "
    "carrying out multi-step tasks on its own. Use it when a search or a piece of work "
    "would take many steps, or for independent parts of a task that can run in parallel.",
)


@dataclass
class AgentCatalogue:
    """The sub-agent definitions found, and what the user should be told about the files."""

    agents: list[AgentDefinition] = field(default_factory=lambda: [BUILT_IN])
    notices: list[str] = field(default_factory=list)

    def find(self, name: str) -> AgentDefinition | None:
        """The definition called ``name`` (case does not matter), or None."""
        folded = name.strip().casefold()
        return next((a for a in self.agents if a.name.casefold() == folded), None)

    def names(self) -> list[str]:
        """Every ``subagent_type``, the built-in one first."""
        return [agent.name for agent in self.agents]


def agent_sources(project_root: Path) -> list[Source]:
    """Where definitions are looked for: the project's, then Claude Code's user directory,
    then ours."""
    project, claude_project, user = sources(project_root, "agents")
    claude_user = Source(Path.home() / ".claude" / "agents", "user (~/.claude)", False, None)
    return [project, claude_project, claude_user, user]


def load_agents(project_root: Path) -> AgentCatalogue:
    """The built-in definition and every definition file, the first source winning a name."""
    found = [
        (path, source, f"agent {path.stem}")
        for source in agent_sources(project_root)
        if source.directory.is_dir()
        for path in sorted(source.directory.glob("*.md"))
    ]
    catalogue = AgentCatalogue()
    catalogue.notices = keep_first(catalogue.agents, found, read_agent, "agent", MAX_AGENTS)
    return catalogue


def read_agent(path: Path, source: Source) -> AgentDefinition:
    """Read one definition file.

    Raises:
        ExtensionFileError: it cannot be read, or its name or body is unusable.
    """
    document = read_markdown(path, source)
    name = document.text("name").strip() or path.stem
    if not name or any(char.isspace() for char in name):
        raise ExtensionFileError(f"{path}: the name {name!r} must be one word")
    if not document.body.strip():
        raise ExtensionFileError(f"{path} has no system prompt (the text after the front matter)")
    listed = document.items("tools") if "tools" in document.fields else None
    if listed is not None and (not listed or listed == ["*"]):
        listed = None  # an empty or "*" list means every tool, as when it is absent
    model = document.text("model").strip()
    return AgentDefinition(
        name,
        document.text("description").strip() or first_line(document.body),
        document.body.strip(),
        tuple(listed) if listed is not None else None,
        None if model.casefold() in INHERITED_MODELS else model,
        source.label,
    )
