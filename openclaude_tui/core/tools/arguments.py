"""Tool arguments as models send them, read against a tool's JSON schema.

Open models send numbers as strings, booleans as "yes", arrays as JSON text and other
tools' names: each is read leniently where the meaning is plain, and refused with a
message the model can act on where it is not.
"""

from __future__ import annotations

import json
import math
from typing import Any


class ToolInputError(ValueError):
    """The model's arguments do not fit the schema; the message says how to fix them."""


_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def validate_arguments(
    tool_name: str,
    schema: dict[str, Any],
    raw: dict[str, Any],
    aliases: dict[str, str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Validate ``raw`` against a flat JSON object schema, accepting common slips.

    Accepted slips: an alias for a property name, numbers and booleans sent as strings,
    a JSON-encoded array sent as a string.
    """
    if not isinstance(raw, dict):
        raise ToolInputError(
            f"{tool_name} expects a JSON object of arguments, got {type(raw).__name__}."
        )
    properties: dict[str, Any] = schema.get("properties", {})
    required: list[str] = schema.get("required", [])
    notes: list[str] = []
    args: dict[str, Any] = {}
    for key, value in raw.items():
        name = key
        if name not in properties and aliases and key in aliases:
            name = aliases[key]
            if name in raw:
                continue
            notes.append(f"read '{key}' as '{name}'")
        if name not in properties:
            if value is None:
                continue
            allowed = ", ".join(properties)
            raise ToolInputError(
                f"{tool_name} has no parameter '{key}'. Its parameters are: {allowed}."
            )
        args[name] = _coerce(tool_name, name, properties[name], value)
    missing = [name for name in required if args.get(name) is None]
    if missing:
        listed = ", ".join(f"'{m}'" for m in missing)
        raise ToolInputError(f"{tool_name} is missing the required parameter {listed}.")
    for name, spec in properties.items():
        if name not in args and "default" in spec:
            args[name] = spec["default"]
    return args, notes


def _coerce(tool_name: str, name: str, spec: dict[str, Any], value: Any) -> Any:
    kind = spec.get("type")
    where = f"{tool_name}: '{name}'"
    if value is None and kind != "null":
        return spec.get("default")
    if kind == "string":
        if isinstance(value, str):
            result: Any = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            result = str(value)
        else:
            raise ToolInputError(f"{where} must be a string, got {json.dumps(value)[:80]}.")
        if "enum" in spec and result not in spec["enum"]:
            options = ", ".join(spec["enum"])
            raise ToolInputError(f"{where} must be one of: {options}; got '{result}'.")
        return result
    if kind in ("integer", "number"):
        if isinstance(value, bool):
            raise ToolInputError(f"{where} must be a number, got {value}.")
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                raise ToolInputError(f"{where} must be a number, got '{value}'.") from None
        if not isinstance(value, (int, float)):
            raise ToolInputError(f"{where} must be a number, got {json.dumps(value)[:80]}.")
        if not math.isfinite(value):
            raise ToolInputError(f"{where} must be a finite number, got {value}.")
        if kind == "integer":
            if float(value) != int(value):
                raise ToolInputError(f"{where} must be a whole number, got {value}.")
            value = int(value)
        minimum = spec.get("minimum")
        if minimum is not None and value < minimum:
            raise ToolInputError(f"{where} must be at least {minimum}, got {value}.")
        return value
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise ToolInputError(f"{where} must be true or false, got {json.dumps(value)[:80]}.")
    if kind == "array":
        value = _json_if_text(value, f"{where} must be a JSON array.")
        if not isinstance(value, list):
            raise ToolInputError(f"{where} must be an array, got {json.dumps(value)[:80]}.")
        item_spec = spec.get("items")
        if item_spec and item_spec.get("type") == "object":
            return [_coerce_object(tool_name, name, item_spec, item) for item in value]
        if item_spec:
            return [_coerce(tool_name, name, item_spec, item) for item in value]
        return value
    if kind == "object":
        return _coerce_object(tool_name, name, spec, value)
    return value


def _json_if_text(value: Any, error: str) -> Any:
    """``value`` read as JSON when a model sent it as a string, as weaker models do.

    Raises:
        ToolInputError: with ``error`` when the string is not JSON.
    """
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except (json.JSONDecodeError, RecursionError):
        raise ToolInputError(error) from None


def _coerce_object(tool_name: str, name: str, spec: dict[str, Any], value: Any) -> Any:
    value = _json_if_text(value, f"{tool_name}: '{name}' must be a JSON object.")
    if not isinstance(value, dict):
        raise ToolInputError(f"{tool_name}: each '{name}' item must be an object.")
    if "properties" not in spec:
        return value
    args, _ = validate_arguments(f"{tool_name} ({name})", spec, value)
    return args


# The names other agents give these tools, which models trained on them send instead.
TOOL_NAME_ALIASES = {
    "read_file": "Read",
    "view_file": "Read",
    "open_file": "Read",
    "write_file": "Write",
    "create_file": "Write",
    "edit_file": "Edit",
    "str_replace": "Edit",
    "replace_in_file": "Edit",
    "shell": "Bash",
    "run_shell": "Bash",
    "run_command": "Bash",
    "execute_command": "Bash",
    "run_terminal_cmd": "Bash",
    "grep_search": "Grep",
    "search_files": "Grep",
    "file_search": "Glob",
    "find_files": "Glob",
    "todo_write": "TodoWrite",
}
