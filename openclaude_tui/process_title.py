"""The process title: an ``--api-key`` value leaves ``ps`` and ``/proc/PID/cmdline`` at once.

Kept apart from everything else so that the entry point can call it before importing the
rest of the program. ``setproctitle`` rewrites the memory the kernel shows as the command
line, and clears the original environment block (``/proc/PID/environ``) as it does.
"""

from __future__ import annotations

SECRET_FLAGS = ("--api-key",)
MASK = "***"


def shown_arguments(argv: list[str]) -> list[str]:
    """``argv`` with the value of every secret flag replaced by ``***``."""
    shown: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            shown.append(MASK)
            hide_next = False
        elif arg in SECRET_FLAGS:
            shown.append(arg)
            hide_next = True
        elif arg.startswith(tuple(f"{flag}=" for flag in SECRET_FLAGS)):
            shown.append(arg.split("=", 1)[0] + "=" + MASK)
        else:
            shown.append(arg)
    return shown


def hide_secret_arguments(argv: list[str]) -> None:
    """Rewrite the process title as ``openclaude ARGS`` with every key value masked."""
    try:
        import setproctitle
    except ImportError:  # pragma: no cover - a declared dependency
        return
    setproctitle.setproctitle(" ".join(["openclaude", *shown_arguments(argv)]))
