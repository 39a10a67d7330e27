"""``openclaude replay [ID|FILE] [--speed N]``: play a saved session in the app, no model needed.

Without an argument it plays this project's most recent session; an id (or its start) is
looked up as ``--resume`` looks it up; a path plays that transcript file. Whatever cannot
be played is one line on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from openclaude_tui.core.sessions import store
from openclaude_tui.core.sessions.playback import SPEEDS
from openclaude_tui.core.sessions.transcript import Transcript, read_transcript
from openclaude_tui.core.settings.config import ConfigError, Overrides, load_config
from openclaude_tui.core.tomlfile import SettingsFileError

PROG = "openclaude replay"
EXIT_USAGE = 2


class ReplayError(Exception):
    """The session asked for cannot be played; the message says why, in one line."""


def build_replay_parser() -> argparse.ArgumentParser:
    """The command line of ``openclaude replay``."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Play a saved session in the app, at its recorded pace, with no model or server: "
            "space pauses, + and - change the speed, Ctrl+Q quits."
        ),
    )
    parser.add_argument(
        "session",
        nargs="?",
        metavar="ID|FILE",
        help="a session id (or its start), or a transcript .jsonl file "
        "(default: this project's most recent session)",
    )
    parser.add_argument(
        "--speed",
        type=_speed,
        default=1.0,
        help=f"how many times faster than recorded ({SPEEDS[0]:g} to {SPEEDS[-1]:g}; default 1)",
    )
    return parser


def _speed(text: str) -> float:
    try:
        speed = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not SPEEDS[0] <= speed <= SPEEDS[-1]:
        raise argparse.ArgumentTypeError(
            f"expected a speed from {SPEEDS[0]:g} to {SPEEDS[-1]:g}, got {text}"
        )
    return speed


def replay_main(argv: list[str]) -> int:
    """``openclaude replay``; returns the exit code."""
    args = build_replay_parser().parse_args(argv)
    try:
        config = load_config(Path(os.getcwd()), Overrides())
    except (ConfigError, SettingsFileError) as error:
        sys.stderr.write(f"{PROG}: config error: {error}\n")
        return EXIT_USAGE
    try:
        path = find_transcript(config.project_root, args.session)
        transcript = load_transcript(path)
    except ReplayError as error:
        sys.stderr.write(f"{PROG}: {error}\n")
        return EXIT_USAGE
    from openclaude_tui.ui.replay_app import run_replay

    name = path.name.removesuffix(store.TRANSCRIPT_SUFFIX)
    try:
        return run_replay(config, transcript, name, args.speed)
    except KeyboardInterrupt:
        return 130


def find_transcript(project_root: Path, wanted: str | None) -> Path:
    """The transcript ``wanted`` names: a file, a session id, or (None) the newest session.

    Raises:
        ReplayError: nothing of that name, or no session at all.
    """
    if wanted is None:
        newest = store.newest_session(project_root)
        if newest is None:
            raise ReplayError("no saved session in this project; name one: ID or FILE")
        return newest
    path = Path(wanted).expanduser()
    if path.exists() or os.sep in wanted or wanted.endswith(store.TRANSCRIPT_SUFFIX):
        return path
    try:
        return store.find_session(project_root, wanted)
    except store.SessionNotFound as error:
        raise ReplayError(str(error)) from None


def load_transcript(path: Path) -> Transcript:
    """``path`` read as a transcript.

    Raises:
        ReplayError: it cannot be read, or holds no session.
    """
    try:
        transcript = read_transcript(path)
    except OSError as error:
        raise ReplayError(f"cannot read {path}: {error.strerror or error}") from None
    if not transcript.records:
        raise ReplayError(f"{path} holds no saved session (not a transcript?)")
    return transcript
