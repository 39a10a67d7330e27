"""Keeping the API key away from commands, logs and messages.

Commands the agent or the user runs get an environment without the key's variables
(``OPENAI_API_KEY``, ``OPENCLAUDE_*`` variables named like a key, token, secret or
password), without the variables the user lists in ``scrub_env``, and without any
variable whose value holds the configured key. Logs and printed errors show ``***`` where
the key would be.
"""

from __future__ import annotations

import fnmatch
import logging
import re
from collections.abc import Iterable, Mapping
from typing import TextIO

KEY_VARIABLES = ("OPENAI_API_KEY",)
_OPENCLAUDE_SECRET = re.compile(r"^OPENCLAUDE_\w*(KEY|TOKEN|SECRET|PASSWORD)", re.IGNORECASE)
# Shorter values would match ordinary text (a default key such as "ollama" is no secret).
MIN_SECRET_LENGTH = 8
MASK = "***"


def is_secret_name(name: str, patterns: Iterable[str] = ()) -> bool:
    """Whether the variable ``name`` must not reach a command."""
    if name in KEY_VARIABLES or _OPENCLAUDE_SECRET.match(name):
        return True
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def real_secrets(values: Iterable[str]) -> list[str]:
    """The values long enough to be secrets worth hiding."""
    return [value for value in values if len(value) >= MIN_SECRET_LENGTH]


def scrubbed_environment(
    env: Mapping[str, str], patterns: Iterable[str] = (), values: Iterable[str] = ()
) -> dict[str, str]:
    """``env`` without secret variables (by name or by a secret value they contain)."""
    patterns = tuple(patterns)
    hidden = real_secrets(values)
    return {
        name: value
        for name, value in env.items()
        if not is_secret_name(name, patterns) and not any(s in value for s in hidden)
    }


# The secrets this process holds (its API key), masked in every ProviderError.
_KNOWN: set[str] = set()


def remember_secrets(values: Iterable[str]) -> None:
    """Note values to mask in messages built later (``mask_known``)."""
    _KNOWN.update(real_secrets(values))


def mask_known(text: str) -> str:
    """``text`` with every remembered secret replaced by ``***``."""
    return redact(text, _KNOWN)


def redact(text: str, values: Iterable[str]) -> str:
    """``text`` with every secret value replaced by ``***``."""
    for value in real_secrets(values):
        text = text.replace(value, MASK)
    return text


class RedactingFilter(logging.Filter):
    """Masks secrets in log records (message, arguments and traceback text alike)."""

    def __init__(self, values: Iterable[str]) -> None:
        super().__init__()
        self.values = list(values)

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the record's message once, masked; keep every record."""
        record.msg = redact(record.getMessage(), self.values)
        record.args = None
        if record.exc_info:
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info), self.values)
            record.exc_info = None
        return True


class RedactingStream:
    """A text stream that masks secrets in what is written to it (stdout, stderr)."""

    def __init__(self, stream: TextIO, values: Iterable[str]) -> None:
        self._stream = stream
        self.values = list(values)

    def write(self, text: str) -> int:
        """Write ``text`` masked."""
        return self._stream.write(redact(text, self.values))

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)
