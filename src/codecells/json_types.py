"""JSON value type shared by tools, stored values and the engine protocol."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeAlias

from pydantic import JsonValue

__all__ = [
    "EMPTY_TEXTS",
    "MAX_JSON_DEPTH",
    "TOO_DEEP",
    "JsonText",
    "JsonValue",
    "StoredValue",
    "copy_json",
    "json_problem",
    "stored_copy",
]

MAX_JSON_DEPTH = 800
"""Deepest nesting of arrays and objects in a tool input, tool result or stored value (the
prelude's `D.MAX_DEPTH`, given to it by the engine). Python's `json` parses and writes
recursively, up to its recursion limit of 1,000 frames: 800 leaves room for the callers'."""
TOO_DEEP = f"it is nested deeper than {MAX_JSON_DEPTH} levels"
"""`json_problem`'s reason for a value nested too deep."""


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


def copy_json(value: JsonValue, strings: Callable[[str], str] | None = None) -> JsonValue:
    """A deep copy of a JSON value, at any nesting depth (no recursion: `copy.deepcopy` raises
    RecursionError a few hundred levels down). Scalars are shared: they are immutable. With
    `strings`, every string and object key of the copy is `strings` of the original's (keys
    it maps to one key keep the last value, as repeated keys do in `JSON.parse`)."""
    if isinstance(value, str) and strings is not None:
        return strings(value)
    if not isinstance(value, (list, dict)):
        return value
    top = _shallow_copy(value, strings)
    copies = [top]
    while copies:
        node = copies.pop()
        slots = enumerate(node) if isinstance(node, list) else node.items()
        for key, child in slots:  # replaces values in place: the size never changes
            if isinstance(child, (list, dict)):
                child = _shallow_copy(child, strings)
                copies.append(child)
            elif isinstance(child, str) and strings is not None:
                child = strings(child)
            else:
                continue
            node[key] = child  # type: ignore[index]
    return top


def _shallow_copy(
    node: list[JsonValue] | dict[str, JsonValue], strings: Callable[[str], str] | None
) -> list[JsonValue] | dict[str, JsonValue]:
    if isinstance(node, list):
        return list(node)
    if strings is None:
        return dict(node)
    return {strings(key): child for key, child in node.items()}


def json_problem(value: object) -> str | None:
    """Why `value` is no JSON value a script can receive, or None if it is one: a type JSON
    lacks, NaN or an infinity, an object key that is not a string, an integer too long for
    Python to write (`sys.get_int_max_str_digits`), or nesting deeper than `MAX_JSON_DEPTH`.
    Without recursion, so it checks values nested at any depth."""
    nodes: list[tuple[object, int]] = [(value, 0)]
    while nodes:
        node, depth = nodes.pop()
        if node is None or isinstance(node, (str, bool)):
            continue
        if isinstance(node, int):
            if not _writable(node):
                return f"an integer with more than {sys.get_int_max_str_digits():,} digits"
        elif isinstance(node, float):
            if not math.isfinite(node):
                return "NaN or an infinity"
        elif isinstance(node, (list, dict)):
            if depth == MAX_JSON_DEPTH:
                return TOO_DEEP
            if isinstance(node, dict):
                for key in node:
                    if not isinstance(key, str):
                        return f"an object key is a {type(key).__name__}, not a string"
            children = node.values() if isinstance(node, dict) else node
            nodes.extend((child, depth + 1) for child in children)
        else:
            return f"a {type(node).__name__} is not JSON"
    return None


def _writable(number: int) -> bool:
    """True when `str(number)` works (Python refuses integers of more than
    `sys.get_int_max_str_digits()` digits; 2**(3n) < 10**n, so shorter ones need no try)."""
    limit = sys.get_int_max_str_digits()
    if limit == 0 or number.bit_length() <= 3 * limit:
        return True
    try:
        str(number)
    except ValueError:
        return False
    return True
