"""What every framework adapter needs from a session: its `CodeMode`, and strict-mode ``wait``
arguments (every property required, optional ones nullable)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..agent import CodeMode, wait_parameters
from ..session import Session
from ._extra import describe

__all__ = ["as_code_mode", "strict_wait_parameters", "without_nulls"]


def as_code_mode(
    target: Session | CodeMode, namespaces: Mapping[str, str] | None, adapter: str
) -> CodeMode:
    """`target` as a `CodeMode` (a session gets one describing its tools and `namespaces`)."""
    if isinstance(target, CodeMode):
        if namespaces is not None:
            raise TypeError(f"{adapter}: pass namespaces to CodeMode(...) itself, not here")
        return target
    if isinstance(target, Session):
        return CodeMode(target, namespaces=namespaces)
    raise TypeError(f"{adapter} expects a codecells.Session or CodeMode, got {describe(target)}")


def strict_wait_parameters() -> dict[str, Any]:
    """``wait``'s JSON Schema in the strict form OpenAI-style APIs require: every property
    required, the optional ones nullable, no unsupported keywords (``minimum``)."""
    schema = wait_parameters()
    properties: dict[str, Any] = {}
    for name, prop in schema["properties"].items():
        prop = {k: v for k, v in prop.items() if k != "minimum"}
        if name not in schema["required"]:
            prop["type"] = [prop["type"], "null"]
        properties[name] = prop
    return {**schema, "properties": properties, "required": list(properties)}


def without_nulls(arguments: str | Mapping[str, Any]) -> str | dict[str, Any]:
    """Strict-mode arguments with the ``null``s (the defaults) left out; a string that is not a
    JSON object is passed on as is (the handler reports it)."""
    decoded: Any = arguments
    if isinstance(arguments, str):
        try:
            decoded = json.loads(arguments)
        except json.JSONDecodeError:
            return arguments
    if not isinstance(decoded, Mapping):
        return arguments if isinstance(arguments, str) else dict(arguments)
    return {k: v for k, v in decoded.items() if v is not None}
