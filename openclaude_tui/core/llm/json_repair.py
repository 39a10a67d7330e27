"""JSON as models write it: trailing commas, missing or extra closing brackets, raw newlines
and tabs inside strings, arguments encoded twice. Read leniently, never with a crash.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Also takes raw newlines and tabs inside strings, as models write code in arguments.
_LENIENT_DECODER = json.JSONDecoder(strict=False)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def loads_lenient(source: str) -> Any:
    """JSON with the slips models make: trailing commas, missing or extra closing brackets,
    raw newlines and tabs inside strings.

    Raises:
        ValueError: the text is not JSON even after those repairs.
    """
    source = source.strip()
    try:
        value, end = _LENIENT_DECODER.raw_decode(source)
    except json.JSONDecodeError:
        pass
    else:
        if not source[end:].strip(" \t\r\n}]"):
            return value
    repaired = _TRAILING_COMMA.sub(r"\1", source)
    return _LENIENT_DECODER.decode(repaired + _missing_closers(repaired))


def repair_arguments(arguments: str) -> str:
    """A tool call's arguments as a valid JSON object, when ``loads_lenient`` can read one in
    them (encoded once more as a JSON string, too); otherwise unchanged (the call is then
    answered with the JSON error)."""
    try:
        if isinstance(json.loads(arguments), dict):
            return arguments
    except ValueError:
        pass
    except RecursionError:
        return arguments  # nested too deep to read: the call is answered with that error
    try:
        value = loads_lenient(arguments)
        if isinstance(value, str):
            value = loads_lenient(value)
    except (ValueError, RecursionError):
        return arguments
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else arguments


def _missing_closers(source: str) -> str:
    """The brackets that would close what ``source`` leaves open (none inside a string)."""
    stack: list[str] = []
    in_string = escaped = False
    for char in source:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]" and stack and stack[-1] == char:
            stack.pop()
    return "" if in_string else "".join(reversed(stack))
