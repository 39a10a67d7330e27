"""A prompt as it is sent: a custom command expanded, ``@path`` attached, ``!`cmd` `` run.

For ``/name arguments`` (a custom command, ``core.extensions.commands``) the command's body
becomes the prompt: ``$ARGUMENTS`` is the whole argument text and ``$1`` … ``$9`` its words
(arguments with no placeholder for them are added at the end, as Claude Code does). Each
``!`cmd` `` in the body runs through the permission gate on the user's shell path and is
replaced by its output; a command the gate refuses is reported, not run. ``@path`` mentions,
in a command or in any prompt the user types, attach what they name
(``core.extensions.attachments``); so does an absolute path to an image in what the user
typed (the prompt, or a command's arguments), where the caller says the prompt is the
user's own writing.

``command_turn`` applies a command's ``allowed-tools`` and ``model`` for its turn only.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from openclaude_tui.core.events import Event, Notice
from openclaude_tui.core.extensions.attachments import attach
from openclaude_tui.core.extensions.commands import CustomCommand
from openclaude_tui.core.llm.provider import ProviderSettings
from openclaude_tui.core.permissions.policy import PermissionPolicy
from openclaude_tui.core.permissions.rules import Rule, RuleError
from openclaude_tui.core.tools.base import ToolContext
from openclaude_tui.core.tools.images import first_withheld

# Runs a shell command through the gate: (command, description) → (status, output).
ShellRunner = Callable[[str, str], Awaitable[tuple[str, str]]]
_INLINE_COMMAND = re.compile(r"!`([^`\n]+)`")
_POSITIONAL = re.compile(r"\$([1-9])(?![0-9])")


def substitute_arguments(body: str, arguments: str) -> str:
    """``body`` with ``$ARGUMENTS`` and ``$1`` … ``$9`` replaced (a missing word is empty).

    Words are split as a shell splits them, so ``"two words"`` is one argument.
    """
    try:
        words = shlex.split(arguments)
    except ValueError:  # an unclosed quote: plain words then
        words = arguments.split()
    uses_placeholders = "$ARGUMENTS" in body or _POSITIONAL.search(body) is not None
    text = body.replace("$ARGUMENTS", arguments)
    text = _POSITIONAL.sub(
        lambda match: words[int(match.group(1)) - 1] if int(match.group(1)) <= len(words) else "",
        text,
    )
    if arguments and not uses_placeholders:
        text = f"{text.rstrip()}\n\nARGUMENTS: {arguments}\n"
    return text


@dataclass
class PromptExpander:
    """Expands prompts in one session.

    Args:
        policy: The permission gate (its Read checks decide what ``@`` may attach).
        cwd: Where relative paths start.
        trusted: Whether the project is trusted (its commands' allow rules need it).
        shell: Runs a ``!`cmd` `` through the gate on the user's shell path.
        emit: Where notices go.
        context: The agent's tool context: whether the model takes images, and whether
            the user was told it does not (once: ``first_withheld``). None: no images.
    """

    policy: PermissionPolicy
    cwd: Path
    trusted: bool
    shell: ShellRunner
    emit: Callable[[Event], None]
    context: ToolContext | None = None
    # The images the last prompt expanded attaches (data URLs).
    images: list[str] = field(default_factory=list)

    async def expand(
        self,
        prompt: str,
        invocation: tuple[CustomCommand, str] | None,
        typed_paths: bool = False,
    ) -> str:
        """The prompt to send for what the user typed (``invocation``: the custom command
        it runs and its arguments, if any); ``images`` holds the images it attaches
        afterwards. ``typed_paths``: whether the prompt is the user's own writing, whose
        absolute paths to images attach them (never for text a file or the model wrote)."""
        typed = "" if not typed_paths else prompt if invocation is None else invocation[1]
        if invocation is None:
            return self._with_attachments(prompt, prompt, typed)
        command, arguments = invocation
        text = substitute_arguments(command.body, arguments)
        # Mentions are read from the command's own text, not from what its commands print.
        scanned = _INLINE_COMMAND.sub(" ", text)
        text = await self._run_inline(text, command)
        return self._with_attachments(text, scanned, typed)

    def _with_attachments(self, text: str, scanned: str, typed: str) -> str:
        context = self.context
        takes_images = context is not None and context.takes_images()
        attached = attach(scanned, self.policy, self.cwd, takes_images=takes_images, typed=typed)
        self.images = attached.images
        for chip in attached.image_chips:
            self.emit(Notice(f"attached {chip}"))
        for refusal in attached.refused:
            self.emit(Notice(refusal, "warning"))
        # The model hears of every image it is not sent; the user once a session and model.
        if attached.withheld and (context is None or first_withheld(context)):
            self.emit(Notice(attached.withheld[0], "warning"))
        notes = [f"({refusal}.)" for refusal in [*attached.refused, *attached.withheld]]
        if not attached.blocks and not notes:
            return text
        return "\n\n".join([text.rstrip(), *attached.blocks, *notes])

    async def _run_inline(self, text: str, command: CustomCommand) -> str:
        """``text`` with each ``!`cmd` `` replaced by what it printed, in order."""
        parts: list[str] = []
        end = 0
        origin = "this project" if command.from_project else "your commands"
        description = f"Run by /{command.name} (a command of {origin})"
        for match in _INLINE_COMMAND.finditer(text):
            parts.append(text[end : match.start()])
            end = match.end()
            shell_command = match.group(1).strip()
            status, output = await self.shell(shell_command, description)
            if status in ("done", "failed"):
                parts.append(output.rstrip("\n"))
                continue
            self.emit(
                Notice(f"/{command.name}: `{shell_command}` was not run ({status})", "warning")
            )
            parts.append(f"(`{shell_command}` was not run: {status})")
        parts.append(text[end:])
        return "".join(parts)


@contextmanager
def command_turn(
    command: CustomCommand | None,
    policy: PermissionPolicy,
    settings: ProviderSettings,
    trusted: bool,
    emit: Callable[[Event], None],
) -> Iterator[None]:
    """The command's ``allowed-tools`` and ``model`` in effect while the block runs.

    An untrusted project's command gets no allow rules (its prompt still runs); rules it
    adds are removed afterwards, and the model goes back unless the user changed it.
    """
    added = _add_rules(command, policy, trusted, emit) if command is not None else []
    previous = settings.model
    model = command.model if command is not None else None
    if command is not None and model and model != previous:
        settings.model = model
        emit(Notice(f"/{command.name} uses the model {model} for this turn"))
    try:
        yield
    finally:
        policy.rules.allow[:] = [
            entry for entry in policy.rules.allow if all(entry is not own for own in added)
        ]
        if model and settings.model == model:
            settings.model = previous


def _add_rules(
    command: CustomCommand,
    policy: PermissionPolicy,
    trusted: bool,
    emit: Callable[[Event], None],
) -> list[tuple[Rule, str]]:
    if not command.allowed_tools:
        return []
    if command.from_project and not trusted:
        emit(
            Notice(
                f"/{command.name}: its allowed-tools ({', '.join(command.allowed_tools)}) are "
                "ignored because this project is not trusted; its calls ask as usual",
                "warning",
            )
        )
        return []
    added: list[tuple[Rule, str]] = []
    for text in command.allowed_tools:
        try:
            rule = Rule.parse(text)
        except RuleError as error:
            emit(Notice(f"/{command.name}: allowed-tools: {error}", "warning"))
            continue
        if any(existing == rule for existing, _ in policy.rules.allow):
            continue
        entry = (rule, f"/{command.name} (this turn)")
        policy.rules.allow.append(entry)
        added.append(entry)
    return added
