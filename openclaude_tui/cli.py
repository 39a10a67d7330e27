"""The ``openclaude`` command: parse flags, build the configuration, run print mode or the app."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import traceback
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from openclaude_tui import __version__, paths
from openclaude_tui.core import tempfiles
from openclaude_tui.core.permissions import trust
from openclaude_tui.core.permissions.rules import MODES
from openclaude_tui.core.sessions import store
from openclaude_tui.core.sessions.store import SessionNotFound
from openclaude_tui.core.settings.config import Config, ConfigError, Overrides, load_config
from openclaude_tui.core.tomlfile import SettingsFileError
from openclaude_tui.local_model import LocalModelError, serving
from openclaude_tui.process_guard import guard_secrets, read_key_file, until_exit_signal
from openclaude_tui.process_title import hide_secret_arguments

EXIT_USAGE = 2
# ``--resume`` without an id: the app lists the sessions to choose from.
PICK = "pick"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"openclaude: {message}\nTry 'openclaude --help'.\n")


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``openclaude``."""
    parser = _Parser(
        prog="openclaude",
        description="A terminal coding agent for open models on any OpenAI-compatible server.",
        epilog=(
            "openclaude review [REV_RANGE] [--staged] reviews a git diff hunk by hunk, "
            "no model needed (openclaude review --help). openclaude config [show|edit] shows "
            "the effective settings and where each came from, or opens your config file. "
            "openclaude replay [ID|FILE] plays a saved session, no model needed. "
            "openclaude acp [FLAGS] serves editors such as Zed over the Agent Client Protocol "
            "on stdio."
        ),
    )
    parser.add_argument("prompt", nargs="?", help="what to ask; with -p, read from stdin if absent")
    parser.add_argument(
        "-p", "--print", action="store_true", dest="print_mode", help="run one turn headless"
    )
    parser.add_argument(
        "--output-format",
        choices=("text", "json", "stream-json"),
        default="text",
        help="print mode's output (default: text)",
    )
    parser.add_argument(
        "--profile", help="a server profile: ollama, lmstudio, llamacpp, vllm, openrouter, …"
    )
    parser.add_argument("-m", "--model", help="model name (env MODEL)")
    parser.add_argument("--base-url", help="OpenAI-compatible endpoint (env OPENAI_BASE_URL)")
    # Shown on one line: a key on the command line is visible to other programs at start.
    parser.add_argument(
        "--api-key", metavar="KEY", help="API key; better: OPENAI_API_KEY or --api-key-file"
    )
    parser.add_argument(
        "--api-key-file", metavar="PATH", help="read the API key from this file (recommended)"
    )
    parser.add_argument("-c", "--context-window", type=int, help="context size in tokens")
    parser.add_argument(
        "--no-auto-compact",
        action="store_true",
        help="never summarise old turns on its own (/compact still works)",
    )
    parser.add_argument("-t", "--max-turns", type=int, help="model requests per turn (default 30)")
    parser.add_argument("--permission-mode", choices=MODES, help="default, acceptEdits, plan, …")
    parser.add_argument(
        "--dangerously-skip-permissions",
        action="store_true",
        help="same as --permission-mode bypassPermissions",
    )
    parser.add_argument(
        "--allow", action="append", default=[], metavar="RULE", help="e.g. 'Bash(npm test:*)'"
    )
    parser.add_argument(
        "--deny", action="append", default=[], metavar="RULE", help="e.g. 'Edit(secrets/**)'"
    )
    parser.add_argument("--temperature", type=float)
    parser.add_argument("--max-tokens", type=int)
    parser.add_argument(
        "--first-token-timeout", type=float, help="seconds to wait for the first token (120)"
    )
    parser.add_argument(
        "--request-timeout", type=float, help="seconds a whole model request may take (600)"
    )
    parser.add_argument(
        "--stall-timeout", type=float, help="seconds of silence after the first token (90)"
    )
    parser.add_argument(
        "--trust-project",
        action="store_true",
        help="apply the project's own settings that widen access (base_url, api_key, "
        "allow rules, permission_mode, .mcp.json servers) and remember the project as trusted",
    )
    parser.add_argument(
        "--mcp-config",
        action="append",
        default=[],
        metavar="FILE",
        help="MCP servers from a JSON file in .mcp.json's format (repeatable)",
    )
    parser.add_argument(
        "--gguf",
        metavar="PATH",
        help="serve this model file with llama.cpp for the session (the [local] extra)",
    )
    parser.add_argument(
        "--gguf-chat-format",
        metavar="NAME",
        default=None,
        help="llama-cpp-python's chat format for --gguf (default: chatml-function-calling)",
    )
    parser.add_argument("--theme", help="the app's colour theme (e.g. openclaude-dusk)")
    parser.add_argument(
        "--continue",
        action="store_true",
        dest="continue_session",
        help="continue this project's most recent session",
    )
    parser.add_argument(
        "-r",
        "--resume",
        nargs="?",
        const="",
        metavar="ID",
        help="continue a saved session (without ID: choose it from a list)",
    )
    parser.add_argument(
        "--web-search-url", help="a SearXNG instance for the WebSearch tool (its JSON API)"
    )
    parser.add_argument(
        "--tools",
        metavar="NAMES",
        help="offer only these built-in tools, e.g. Read,Grep,Glob (a smaller prompt)",
    )
    parser.add_argument(
        "--coordinator",
        action="store_const",
        const=True,
        help="the agent plans and delegates to sub-agents (Task) instead of editing itself",
    )
    parser.add_argument("--list-models", action="store_true", help="list the server's models")
    parser.add_argument("-q", "--quiet", action="store_true", help="no tool log on stderr")
    parser.add_argument("--debug", action="store_true", help="write a debug log file")
    parser.add_argument("--version", action="version", version=f"openclaude {__version__}")
    return parser


def _overrides(args: argparse.Namespace) -> Overrides:
    return Overrides(
        base_url=args.base_url,
        api_key=args.api_key,
        model=args.model,
        context_window=args.context_window,
        no_auto_compact=args.no_auto_compact,
        max_turns=args.max_turns,
        permission_mode=args.permission_mode,
        dangerously_skip_permissions=args.dangerously_skip_permissions,
        allow=args.allow,
        deny=args.deny,
        temperature=args.temperature,
        max_tokens=args.max_tokens,
        first_token_timeout=args.first_token_timeout,
        request_timeout=args.request_timeout,
        stall_timeout=args.stall_timeout,
        theme=args.theme,
        default_profile=args.profile,
        web_search_url=args.web_search_url,
        tools=args.tools,
        coordinator=args.coordinator,
        quiet=args.quiet,
        debug=args.debug,
        trust_project=args.trust_project,
        mcp_config=args.mcp_config,
    )


def log_file() -> Path:
    """Where logs and tracebacks go (never the screen)."""
    return paths.state_dir() / "logs" / f"openclaude-{datetime.now():%Y%m%d}.log"


def _setup_logging(debug: bool) -> None:
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    # --debug: this program's own records (libraries stay at warnings, which keeps the
    # HTTP stack's request dumps out of the file).
    logging.getLogger("openclaude_tui").setLevel(logging.DEBUG if debug else logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    if argv is None:
        argv = sys.argv[1:]
        # The entry point (__main__) did this before importing us; a console script made
        # by an older install calls this function directly.
        hide_secret_arguments(argv)
    if argv[:1] == ["review"]:
        return review_main(argv[1:])
    if argv[:1] == ["config"]:
        return config_main(argv[1:])
    if argv[:1] == ["replay"]:
        from openclaude_tui.replay_command import replay_main

        return replay_main(argv[1:])
    if argv[:1] == ["acp"]:
        return acp_main(argv[1:])
    args = build_parser().parse_args(argv)
    _setup_logging(args.debug)
    config = _load(args)
    if config is None:
        return EXIT_USAGE
    restore_streams = guard_secrets(config, headless=args.print_mode or args.list_models)
    try:
        tempfiles.clean_stale()
        prune_sessions(config)
        resume = sessions_to_resume(args, config)
        if args.trust_project:
            trust.trust_project(config.project_root)
        prompt = args.prompt
        if args.print_mode:
            if prompt is None and not sys.stdin.isatty():
                prompt = sys.stdin.read()
            if not prompt or not prompt.strip():
                sys.stderr.write("openclaude: -p needs a prompt (an argument or standard input)\n")
                return EXIT_USAGE
        with _local_model(args, config):
            return _run(args, config, prompt, resume)
    except LocalModelError as error:
        sys.stderr.write(f"openclaude: --gguf: {error}\n")
        return 1
    except SessionNotFound as error:
        sys.stderr.write(f"openclaude: {error}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception:
        logging.getLogger("openclaude").error("unexpected error\n%s", traceback.format_exc())
        sys.stderr.write(
            f"openclaude: an internal error stopped the run; details are in {log_file()}\n"
        )
        return 1
    finally:
        restore_streams()


def _run(
    args: argparse.Namespace, config: Config, prompt: str | None, resume: Path | str | None
) -> int:
    """List the models, run print mode, or open the app (continuing ``resume``)."""
    if args.list_models:
        _say_unapplied_settings(config)
        return asyncio.run(_list_models(config))
    if args.print_mode:
        from openclaude_tui.print_mode import run_print

        assert prompt is not None
        _say_unapplied_settings(config)
        if resume == PICK:
            sys.stderr.write("openclaude: -p needs the session's id: --resume ID\n")
            return EXIT_USAGE
        return asyncio.run(
            until_exit_signal(run_print(config, prompt, args.output_format, resume=_path(resume)))
        )
    from openclaude_tui.ui.app import run_app

    return run_app(config, prompt, resume=_path(resume), pick=resume == PICK)


@contextlib.contextmanager
def _local_model(args: argparse.Namespace, config: Config) -> Iterator[None]:
    """With ``--gguf``: llama.cpp serving the file while the block runs, the session on it."""
    if not args.gguf:
        yield
        return
    options: dict[str, Any] = {"context": config.context_window}
    if args.gguf_chat_format:
        options["chat_format"] = args.gguf_chat_format
    log = paths.state_dir() / "llama-server.log"
    say = (lambda line: None) if config.quiet else _say
    with serving(Path(args.gguf), log, say=say, **options) as server:
        config.base_url = server.base_url
        config.base_url_source = "--gguf"
        config.sources["base_url"] = "command line: --gguf"
        # The server serves the file under its own name: the session takes the only one.
        config.model = None
        yield


def _say(line: str) -> None:
    sys.stderr.write(f"openclaude: {line}\n")
    sys.stderr.flush()


def _load(args: argparse.Namespace) -> Config | None:
    """The configuration the flags ask for; None (and a line on stderr) when it is wrong."""
    try:
        config = load_config(Path(os.getcwd()), _flag_overrides(args))
        _check_tool_names(config)
    except (ConfigError, SettingsFileError) as error:
        sys.stderr.write(f"openclaude: config error: {error}\n")
        return None
    return config


def _flag_overrides(args: argparse.Namespace) -> Overrides:
    """What the flags set, the key read from ``--api-key-file`` included.

    Raises:
        ConfigError: the key file cannot be read or a flag's value is wrong.
    """
    overrides = _overrides(args)
    if args.api_key_file:
        overrides.api_key = read_key_file(args.api_key_file, given_key=bool(args.api_key))
    return overrides


def config_main(argv: list[str]) -> int:
    """``openclaude config [show|edit] [FLAGS]``: the settings the same flags would give."""
    from openclaude_tui.config_command import edit_user_config, print_settings

    action = argv[0] if argv[:1] in (["show"], ["edit"]) else "show"
    rest = argv[1:] if argv[:1] in (["show"], ["edit"]) else argv
    if action == "edit":
        return edit_user_config()
    args = build_parser().parse_args(rest)
    if args.prompt is not None:
        sys.stderr.write(f"openclaude config: unknown action {args.prompt!r}; use show or edit\n")
        return EXIT_USAGE
    config = _load(args)
    if config is None:
        return EXIT_USAGE
    print_settings(config, sys.stdout)
    return 0


def acp_main(argv: list[str]) -> int:
    """``openclaude acp [FLAGS]``: the Agent Client Protocol on stdio, each session with the
    settings the same flags give in the directory the host names."""
    from openclaude_tui.acp_server import run_acp

    args = build_parser().parse_args(argv)
    _setup_logging(args.debug)
    if args.prompt is not None or args.print_mode:
        sys.stderr.write("openclaude acp: takes no prompt; the host sends them\n")
        return EXIT_USAGE
    # The variables as they were: later sessions read their keys from this copy once the
    # secrets are gone from the environment the tools' commands inherit.
    env = dict(os.environ)
    try:
        overrides = _flag_overrides(args)
    except (ConfigError, SettingsFileError) as error:
        sys.stderr.write(f"openclaude acp: config error: {error}\n")
        return EXIT_USAGE

    def load(cwd: Path) -> Config:
        config = load_config(cwd, overrides, env)
        _check_tool_names(config)
        return config

    return run_acp(load)


def prune_sessions(config: Config) -> None:
    """Delete the saved sessions older than ``session_retention_days`` (never fails)."""
    try:
        store.prune(config.session_retention_days)
    except OSError as error:
        logging.getLogger("openclaude").warning("could not prune old sessions: %s", error)


def sessions_to_resume(args: argparse.Namespace, config: Config) -> Path | str | None:
    """The transcript ``--continue`` or ``--resume ID`` names, ``PICK`` for ``--resume``
    alone, None for a new session.

    Raises:
        SessionNotFound: ``--resume ID`` names no saved session.
    """
    if args.continue_session and args.resume is not None:
        raise SessionNotFound("give either --continue or --resume, not both")
    if args.resume is not None:
        return store.find_session(config.project_root, args.resume) if args.resume else PICK
    if not args.continue_session:
        return None
    newest = store.newest_session(config.project_root)
    if newest is None:
        sys.stderr.write("openclaude: no saved session in this project; starting a new one\n")
    return newest


def _path(resume: Path | str | None) -> Path | None:
    return resume if isinstance(resume, Path) else None


def _say_unapplied_settings(config: Config) -> None:
    """Lines on stderr for settings not applied: unknown keys, and what an untrusted project
    could not set."""
    for warning in config.warnings:
        sys.stderr.write(f"openclaude: warning: {warning}\n")
    if config.withheld:
        sys.stderr.write(
            "openclaude: ignored settings of this untrusted project: "
            f"{'; '.join(config.withheld)} (pass --trust-project to apply them)\n"
        )


def build_review_parser() -> argparse.ArgumentParser:
    """The command line of ``openclaude review``."""
    parser = _Parser(
        prog="openclaude review",
        description=(
            "Review changes hunk by hunk: the working tree against HEAD (staged, unstaged "
            "and untracked), only what is staged, a range like A..B, or one commit. "
            "No model is needed."
        ),
    )
    parser.add_argument("revisions", nargs="?", metavar="REV_RANGE", help="A..B, A...B or a commit")
    parser.add_argument("--staged", action="store_true", help="only the changes staged for commit")
    return parser


def review_main(argv: list[str]) -> int:
    """``openclaude review [REV_RANGE] [--staged]``; returns the exit code."""
    args = build_review_parser().parse_args(argv)
    if args.revisions and args.staged:
        sys.stderr.write("openclaude review: give either REV_RANGE or --staged, not both\n")
        return EXIT_USAGE
    from openclaude_tui.core.changes.sources import ReviewError
    from openclaude_tui.ui.screens.review import run_review

    try:
        return run_review(Path(os.getcwd()), args.revisions, args.staged)
    except ReviewError as error:
        sys.stderr.write(f"openclaude review: {error}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


async def _list_models(config: Config) -> int:
    from openclaude_tui.core.assembly import apply_discovery, make_provider
    from openclaude_tui.core.llm.discovery import list_models
    from openclaude_tui.core.llm.provider import ProviderError

    found = await apply_discovery(config)
    if found and not config.quiet:
        sys.stderr.write(f"openclaude: {found}\n")
    models = await list_models(config.base_url, config.api_key)
    if models is None:
        # Ask through the SDK to tell exactly why the list cannot be read.
        provider = make_provider(config)
        try:
            models = await provider.list_models()
        except ProviderError as error:
            sys.stderr.write(f"openclaude: {error}\n")
            return 1
        finally:
            await provider.close()
    for model in models:
        print(model)
    return 0


def _check_tool_names(config: Config) -> None:
    from openclaude_tui.core.tools import check_tool_names  # the tools load with the agent

    try:
        check_tool_names(config.tools)
    except ValueError as error:
        raise ConfigError(f"{config.sources.get('tools', 'tools')}: {error}") from None
