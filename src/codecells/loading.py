"""``MODULE:ATTR`` specs of the command line: the object named, or one clear error."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

__all__ = ["load_attribute"]


def load_attribute(spec: str) -> Any:
    """The attribute named by ``MODULE:ATTR``, the module importable from the working directory
    too. Raises ValueError with a one-line reason (a malformed spec, a module that cannot be
    imported or whose import fails, no such attribute)."""
    module_name, sep, attribute = spec.partition(":")
    if not (module_name and sep and attribute):
        raise ValueError(f"expects MODULE:ATTR, got {spec!r}")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except Exception as err:  # noqa: BLE001 - the module's own failure, told in one line
        raise ValueError(f"importing {module_name} failed: {type(err).__name__}: {err}") from None
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise ValueError(f"module {module_name} has no attribute {attribute!r}") from None
