"""JSON value type shared by tools, stored values and the engine protocol."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeAlias

from pydantic import JsonValue

__all__ = ["EMPTY_TEXTS", "JsonText", "JsonValue", "StoredValue", "copy_json", "stored_copy"]


@dataclass(frozen=True, slots=True)
class JsonText:
    """A stored value kept as the JSON text a cell wrote: parsed only when the host reads it.
    Committing a huge value then builds no Python objects: parsing or dumping a million
    elements holds the GIL for tens of milliseconds, stalling the event loop (see
    docs/benchmarks.md, event storms)."""

    text: str


StoredValue: TypeAlias = JsonValue | JsonText
"""A session's stored value: a JSON value, or the JSON text of one."""

EMPTY_TEXTS: Mapping[str, str] = MappingProxyType({})
"""No stored values kept as JSON text."""


def stored_copy(value: StoredValue) -> JsonValue:
    """A copy of a stored value the caller may change (parsed, if kept as text)."""
    if isinstance(value, JsonText):
        parsed: JsonValue = json.loads(value.text)
        return parsed
    return copy_json(value)


def copy_json(value: JsonValue) -> JsonValue:
    """A deep copy of a JSON value, at any nesting depth (no recursion: `copy.deepcopy` raises
    RecursionError a few hundred levels down). Scalars are shared: they are immutable."""
    top: list[JsonValue] | dict[str, JsonValue]
    if isinstance(value, list):
        top = list(value)
    elif isinstance(value, dict):
        top = dict(value)
    else:
        return value
    copies = [top]
    while copies:
        node = copies.pop()
        slots = enumerate(node) if isinstance(node, list) else node.items()
        for key, child in slots:  # replaces values in place: the size never changes
            if isinstance(child, list):
                child = list(child)
            elif isinstance(child, dict):
                child = dict(child)
            else:
                continue
            node[key] = child  # type: ignore[index]
            copies.append(child)
    return top
