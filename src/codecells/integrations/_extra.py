"""Clear errors for a missing optional extra, and the type checks every adapter shares."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["describe", "require"]


def require(module: str, extra: str, package: str | None = None) -> ModuleType:
    """Import `module`, or raise an `ImportError` that names the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise ImportError(
            f"this integration needs {package or module}: pip install 'codecells[{extra}]'"
        ) from err


def describe(value: Any) -> str:
    """A short description of a wrong argument for an error message: its type and repr."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__module__}.{type(value).__qualname__} {text}"
