"""Running `openclaude` (print mode, mostly) as a user does: a real process in a real repo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def openclaude_env(home: Path) -> dict[str, str]:
    """This process's environment for a run of `openclaude` whose home is `home`.

    MODEL and OPENAI_BASE_URL are dropped so only the test's flags pick the server.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("MODEL", "OPENAI_BASE_URL")}
    env["OPENCLAUDE_HOME"] = str(home)
    # The agent's `python` must be the one that has pytest.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def openclaude(
    cwd: Path, home: Path, *args: str, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `openclaude *args` in `cwd` with home `home` and return what it printed."""
    return subprocess.run(
        [sys.executable, "-m", "openclaude_tui", *args],
        cwd=cwd,
        env=openclaude_env(home),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
