"""Shell variables a command may not set: those that make programs run other code.

An assignment before a command (``GIT_PAGER=… git log``), a bare assignment earlier in the
same line (``PAGER=…; git log``: the variable is already exported, so the new value
reaches git) and ``export``/``declare`` of such a name all count. Names are matched by
family (every ``GIT_*``, ``LD_*``, ``PYTHON*``…) rather than one by one, because each
program reads its own set and new ones keep appearing. Unknown plain names stay harmless.
"""

from __future__ import annotations

import re

from openclaude_tui.core.shell.words import names

# The Bash tool's own wrapper variables and functions start with this (see core.tools.shell).
WRAPPER_PREFIX = "__openclaude_"

_EXACT = names(
    "PAGER EDITOR VISUAL BROWSER BASH_ENV ENV PS0 PS1 PS2 PS3 PS4 PROMPT_COMMAND "
    "SHELLOPTS BASHOPTS IFS PATH HOME CDPATH GLOBIGNORE SHELL TMPDIR MANPAGER MANOPT "
    "GREP_OPTIONS POSIXLY_CORRECT TERMINFO EXINIT VIMINIT MYVIMRC GCONV_PATH LOCPATH "
    "NLSPATH HOSTALIASES RIPGREP_CONFIG_PATH JQ_LIBRARY_PATH INPUTRC FIGNORE HISTFILE "
    "BASH_XTRACEFD EXECIGNORE SSH_ASKPASS SUDO_ASKPASS XDG_CONFIG_HOME XDG_DATA_HOME "
    "ZDOTDIR"
)


def _prefixes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Families by prefix: each program reads its own variables, and new ones keep appearing.
_PREFIXES = _prefixes(
    "GIT LD_ DYLD_ LESS PYTHON PERL NODE NPM_ YARN PNPM RUBY GEM BUN DENO CARGO RUST GO "
    "JAVA JDK MAVEN GRADLE AWK GAWK SED TAR ZIP UNZIP SSH GPG GNUPG MALLOC LUA PHP TCL "
    "JULIA DOTNET MAKE BASH FUNC COMP FZF BAT DELTA VIM NVIM EMACS KUBE DOCKER AWS PIP "
    "UV_ POETRY CONDA"
)
_SUFFIXES = re.compile(
    r".*(PAGER|EDITOR|PRELOAD|LIBRARY|PATH|OPTS|OPTIONS|COMMAND|CMD|HOOK|PROGRAM|CONFIG|RC|"
    r"INIT|SHELL|EXEC|PLUGIN|HOME|FLAGS)$"
)
# Family members known to change only how output looks.
_HARMLESS = frozenset(
    {"PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "PYTHONIOENCODING", "NODE_ENV"}
)


def dangerous_variable(name: str) -> bool:
    """Whether setting ``name`` can make a program run other code or read elsewhere."""
    upper = name.upper()
    if upper in _HARMLESS:
        return False
    return (
        upper in _EXACT
        or upper.startswith(_PREFIXES)
        or _SUFFIXES.match(upper) is not None
        or name.startswith(WRAPPER_PREFIX)
    )


def mentions_wrapper(text: str) -> bool:
    """Whether a command names the Bash tool's wrapper state (which it must not touch)."""
    return WRAPPER_PREFIX in text
