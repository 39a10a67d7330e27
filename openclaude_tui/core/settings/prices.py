"""The price table: what a hosted model costs, for ``/cost``.

In the user's config, one table per model, in US dollars per million tokens::

    [prices."gpt-4o-mini"]
    input = 0.15
    output = 0.60

A model without a row (a local server's) has no cost: ``/cost`` says "n/a".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from openclaude_tui.core.settings.values import ConfigError

PER = 1_000_000
KEYS = ("input", "output")


@dataclass(frozen=True)
class Price:
    """What a model's tokens cost, in US dollars per million.

    Attributes:
        input: Per million tokens sent (the prompt).
        output: Per million tokens received (the answer).
    """

    input: float
    output: float

    def cost(self, tokens_in: int, tokens_out: int) -> float:
        """What ``tokens_in`` sent and ``tokens_out`` received cost, in dollars."""
        return (tokens_in * self.input + tokens_out * self.output) / PER

    def __str__(self) -> str:
        """``$0.15 in / $0.6 out per million tokens``, as ``/settings`` shows it."""
        return f"${self.input:g} in / ${self.output:g} out per million tokens"


def read_prices(value: Any, where: str) -> dict[str, Price]:
    """The ``[prices."model"]`` tables of one settings file.

    Raises:
        ConfigError: ``FILE: prices.MODEL.input: expected …, got VALUE``.
    """
    if not isinstance(value, dict):
        raise ConfigError(
            f'{where}: expected tables like [prices."model-name"] with input and output '
            f"(US dollars per million tokens), got {value!r}"
        )
    prices: dict[str, Price] = {}
    for model, table in value.items():
        here = f"{where}.{model}"
        if not isinstance(table, dict):
            raise ConfigError(
                f"{here}: expected a table with input and output (US dollars per million "
                f"tokens), got {table!r}"
            )
        unknown = [key for key in table if key not in KEYS]
        if unknown:
            raise ConfigError(f"{here}.{unknown[0]}: unknown key; a price sets input and output")
        missing = [key for key in KEYS if key not in table]
        if missing:
            raise ConfigError(f"{here}: {missing[0]} is missing (US dollars per million tokens)")
        prices[model] = Price(*(_dollars(table[key], f"{here}.{key}") for key in KEYS))
    return prices


def _dollars(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(
            f"{where}: expected US dollars per million tokens as a number, got {value!r}"
        )
    if not math.isfinite(value) or value < 0:
        raise ConfigError(f"{where}: expected a price of zero or more, got {value!r}")
    return float(value)
