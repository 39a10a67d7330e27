"""Whether the model takes images: ``vision = true``, or one answer per model.

::

    vision = true                                    # every model of this server
    vision = { "llava*" = true, "qwen2.5-vl*" = true } # by model name (globs)

A profile may say ``vision = true`` too. Without a setting, what a local server says of
the model decides (``core.llm.image_support``); when it says nothing, no image is sent: a
text-only model given image bytes fails the request.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from openclaude_tui.core.settings.values import fail

Vision = bool | dict[str, bool]


def vision_setting(value: Any, where: str) -> Vision:
    """The check of ``vision``: true, false, or a table of model names (globs) to either."""
    if isinstance(value, bool):
        return value
    expected = 'expected true, false or a table of model names, like {"llava*" = true}'
    if not isinstance(value, dict) or not all(isinstance(v, bool) for v in value.values()):
        raise fail(where, expected, value)
    return dict(value)


def takes_images(vision: Vision, model: str) -> bool:
    """Whether ``model`` takes images: its own entry, else the first glob that matches it."""
    if isinstance(vision, bool):
        return vision
    if model in vision:
        return vision[model]
    return next((answer for name, answer in vision.items() if fnmatchcase(model, name)), False)
