"""Putting an agent together from a ``Config``: provider, tools, policy, context, prompt.

A session (``core.session``) starts its agent here, in the app and in print mode alike.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openclaude_tui.core.agent.compact import Compactor
from openclaude_tui.core.agent.context_window import WindowInfo, resolve_context_window
from openclaude_tui.core.agent.coordinator import CannotCoordinate, coordinate
from openclaude_tui.core.agent.loop import Agent
from openclaude_tui.core.agent.subagent import offer_subagents
from openclaude_tui.core.events import EventSink, Notice
from openclaude_tui.core.llm.discovery import (
    DEFAULT_CANDIDATES,
    Candidate,
    describe_candidates,
    discover_local_server,
)
from openclaude_tui.core.llm.provider import Provider, ProviderError, ProviderSettings
from openclaude_tui.core.lsp.servers import LanguageServers
from openclaude_tui.core.permissions.policy import Approver, PermissionPolicy
from openclaude_tui.core.secret_env import remember_secrets
from openclaude_tui.core.settings.config import Config, secret_values
from openclaude_tui.core.settings.lsp_servers import effective_servers
from openclaude_tui.core.settings.vision import takes_images
from openclaude_tui.core.tools import default_tools
from openclaude_tui.core.tools.base import ToolContext
from openclaude_tui.core.tools.task import TASK_TOOL
from openclaude_tui.core.tools.web_search_backends import configured_backend


async def apply_discovery(
    config: Config, candidates: Sequence[Candidate] = DEFAULT_CANDIDATES
) -> str | None:
    """Point ``config`` at a server found on this machine when no base URL was given.

    Call it before making the provider. Flags, environment and settings files win: with
    any of them nothing is probed.

    Returns:
        The sentence to show the user (which server is used, or that none was found), or
        None when the base URL was given.
    """
    if config.base_url_source != "default":
        return None
    found = await discover_local_server(candidates)
    if found is None:
        tried = describe_candidates(candidates)
        return f"no local server found (tried {tried}); using {config.base_url}"
    config.base_url = found.base_url
    config.base_url_source = f"found {found.label}"
    return f"using {found.label} at {found.base_url}"


async def resolve_window(config: Config, provider: Provider) -> WindowInfo:
    """The context window for the resolved model (``WindowInfo.note`` is for the user)."""
    return await resolve_context_window(
        config.base_url,
        provider.settings.model,
        config.context_window,
        configured_source=config.context_window_source or "configured",
        api_key=config.api_key,
    )


async def learn_model(config: Config, agent: Agent) -> WindowInfo:
    """What the server says of the model the agent's provider now asks for: its window (the
    compactor follows it) and whether it takes images.

    Raises:
        ProviderError: the server could not be asked.
    """
    window = await resolve_window(config, agent.provider)
    if agent.compactor is not None:
        agent.compactor = make_compactor(config, window)
    if window.takes_images is not None:
        agent.context.served_images[agent.provider.settings.model] = window.takes_images
    return window


def make_compactor(config: Config, window: WindowInfo) -> Compactor:
    """The compactor for ``window``, honouring ``--no-auto-compact`` and the threshold."""
    return Compactor(window.tokens, threshold=config.compact_threshold, enabled=config.auto_compact)


def make_provider(config: Config) -> Provider:
    """A provider for the configured endpoint (the model may still be unknown)."""
    remember_secrets(secret_values(config))
    return Provider(
        ProviderSettings(
            base_url=config.base_url,
            api_key=config.api_key,
            model=config.model or "",
            temperature=config.temperature,
            max_tokens=config.max_tokens,
            first_token_timeout=config.first_token_timeout,
            request_timeout=config.request_timeout,
            stall_timeout=config.stall_timeout,
            extra_body=config.extra_body,
        )
    )


async def resolve_model(provider: Provider, config: Config) -> str:
    """The model to use: the configured one, else the server's only model.

    Raises:
        ProviderError: the server cannot be reached, or the choice is ambiguous.
    """
    if config.model:
        return config.model
    models = await provider.list_models()
    if len(models) == 1:
        return models[0]
    if not models:
        raise ProviderError(f"{config.base_url} offers no models; pull or load one first")
    offered = ", ".join(models)
    raise ProviderError(
        f"{config.base_url} offers several models ({offered}); choose one with --model or MODEL"
    )


def make_policy(config: Config) -> PermissionPolicy:
    """The permission gate for ``config`` (its rules include the project's local answers)."""
    return PermissionPolicy(
        config.project_root,
        config.permission_mode,
        config.rules,
        bypass_available=config.bypass_available,
        read_local_rules=False,
    )


def build_agent(
    config: Config,
    provider: Provider,
    approver: Approver,
    sink: EventSink | None = None,
    now: datetime | None = None,
    compactor: Compactor | None = None,
    clock: Callable[[], float] = time.monotonic,
    policy: PermissionPolicy | None = None,
    served_images: dict[str, bool] | None = None,
) -> Agent:
    """An agent for ``config``; ``provider.settings.model`` must already be resolved.

    ``policy``: the gate to use (a session keeps its own from before the server answers).
    ``served_images``: whether the server said a model takes images, by model name.
    """
    from openclaude_tui.core.extensions.skills import load_skills
    from openclaude_tui.core.prompt.memory import memory_signature
    from openclaude_tui.core.prompt.system import PromptEnvironment, build_system_prompt

    skills = load_skills(config.project_root)
    if sink is not None:
        for notice in skills.notices:
            sink(Notice(notice, "warning"))
    tools = default_tools(
        skills.skills, web_search=configured_backend(config.web_search_url, os.environ)
    )
    if config.tools is not None:
        tools = tools.only(config.tools)
    policy = policy or make_policy(config)
    context = ToolContext(
        project_root=config.project_root,
        cwd=config.cwd,
        scrub_env=config.scrub_env,
        secrets=secret_values(config),
        attribution=config.attribution,
        visible=policy.shows,
    )
    context.language_servers = LanguageServers(
        effective_servers(config.lsp),
        config.project_root,
        lambda text: context.emit(Notice(text, "warning")),
    )
    served = context.served_images
    served.update(served_images or {})

    def images_taken() -> bool:
        # The user's own word (a setting or a profile) wins over what the server says.
        model = provider.settings.model
        if "vision" in config.sources or model not in served:
            return takes_images(config.vision, model)
        return served[model]

    context.takes_images = images_taken
    context.model_name = lambda: provider.settings.model
    # The prompt, and the memory files it was built with.
    prompt_cache: list[tuple[object, str]] = []

    def prompt_for(tool_names: list[str], coordinating: bool = False) -> str:
        environment = PromptEnvironment(
            cwd=config.cwd,
            project_root=config.project_root,
            permission_mode=policy.mode,
            tool_names=tool_names,
            model=provider.settings.model,
            now=now,
            skills=[(skill.name, skill.description) for skill in skills.skills],
            coordinating=coordinating,
        )
        return build_system_prompt(environment)

    def system_prompt() -> str:
        # Built on first use and kept: a stable prefix lets servers reuse their cache. Built
        # again when a memory file changed (a ``#`` note, /init), which the model should know.
        # Built again, too, when the tools offered change (coordinator mode).
        key = (memory_signature(config.project_root, config.cwd), tuple(tools.names()))
        if not prompt_cache or prompt_cache[0][0] != key:
            prompt_cache[:] = [(key, prompt_for(tools.names(), tools.narrowed))]
        return prompt_cache[0][1]

    agent = Agent(
        provider,
        tools,
        policy,
        approver,
        context,
        system_prompt,
        sink=sink,
        max_turns=config.max_turns,
        compactor=compactor,
        clock=clock,
    )
    if config.tools is None or TASK_TOOL.casefold() in {t.casefold() for t in config.tools}:
        offer_subagents(agent, config.project_root, prompt_for, sink)
    if config.coordinator:
        try:
            coordinate(agent, True)
        except CannotCoordinate as error:
            if sink is not None:
                sink(Notice(f"not coordinating: {error}", "warning"))
    return agent


@dataclass
class StartedAgent:
    """An agent ready for its first prompt, and what the user should be told about it."""

    agent: Agent
    window: WindowInfo
    notes: list[str] = field(default_factory=list)


async def start_agent(
    config: Config,
    approver: Approver,
    sink: EventSink | None = None,
    now: datetime | None = None,
    clock: Callable[[], float] = time.monotonic,
    policy: PermissionPolicy | None = None,
) -> StartedAgent:
    """Find the server, settle the model and the context window, and build the agent.

    Raises:
        ProviderError: the server cannot be reached or the model cannot be chosen.
    """
    notes: list[str] = []
    found = await apply_discovery(config)
    if found:
        notes.append(found)
    provider = make_provider(config)
    try:
        provider.settings.model = await resolve_model(provider, config)
        model = provider.settings.model
        window = await resolve_window(config, provider)
    except BaseException:
        await provider.close()
        raise
    if window.note:
        notes.append(window.note)
    provider.settings.extra_body = _merged(provider.settings.extra_body, window.request_fields)
    compactor = make_compactor(config, window)
    agent = build_agent(
        config,
        provider,
        approver,
        sink,
        now,
        compactor=compactor,
        clock=clock,
        policy=policy,
        served_images=None if window.takes_images is None else {model: window.takes_images},
    )
    return StartedAgent(agent, window, notes)


def _merged(base: dict[str, Any], added: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``added`` laid over it, tables merged key by key (``options``)."""
    merged = dict(base)
    for key, value in added.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            value = {**merged[key], **value}
        merged[key] = value
    return merged
