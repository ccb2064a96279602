"""A JSON Schema built in Python, copied into the tree of JSON it stands for.

Python lets a schema share one dict between several places, or contain itself; JSON cannot.
The renderer reads a schema as a tree, so it would render a shared dict once per path to it
(exponentially often for a chain of shared dicts) and a dict that contains itself forever.
`schema_tree` copies the schema first, in one pass over its containers (without recursion),
each Python container copied at most once as a schema and once as a data value:

- a schema met again inside itself becomes ``{"$ref": <pointer to where it was met first>}``:
  ``node = {"properties": {"left": node}}`` is the recursive ``Node = { left?: Node }``;
- a schema met again elsewhere is repeated when it is small (and not recursive), else it too
  becomes a ``$ref`` to its first place (so it is declared once, as an alias); a first place
  deeper than `MAX_REFERENCE_DEPTH` is not pointed at: the schema met again is ``true``;
- a data value (``const``, ``enum``, ``default``, …) met again is repeated, unless it is met
  inside itself or the repeats would hold more than `SHARED_VALUES` values in all (as a
  value whose parts share parts would, exponentially): then it becomes `REPEATED` (rendered
  ``unknown``, shown ``…``);
- mapping keys become strings, as in JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import quote

__all__ = ["MAX_REFERENCE_DEPTH", "REPEATED", "SHARED_INLINE", "SHARED_VALUES", "schema_tree"]

SHARED_INLINE = 32
"""A schema met again is repeated when it holds at most this many values (else referenced)."""

SHARED_VALUES = 1_000_000
"""How many values the data values met again may repeat in all (beyond: `REPEATED`)."""

MAX_REFERENCE_DEPTH = 256
"""A schema met again whose first place is nested deeper than this becomes ``true``
(``unknown``) rather than a ``$ref`` (the pointer would be as long as the path)."""


class _Repeated:
    """A data value that cannot be written as JSON: it contains itself, or repeats a large one."""

    def __repr__(self) -> str:
        return "…"


REPEATED: Any = _Repeated()
"""What stands for a data value that contains itself (or repeats a large one) in the copy."""

# keywords whose value is a map or a list of schemas, or one schema (or a list of them)
_SCHEMAS = {
    "properties", "patternProperties", "$defs", "definitions", "dependentSchemas",
    "dependencies", "prefixItems", "anyOf", "oneOf", "allOf",
}  # fmt: skip
_SCHEMA = {
    "additionalProperties", "items", "additionalItems", "contains", "not", "if", "then",
    "else", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema",
}  # fmt: skip


class _Mode(Enum):
    SCHEMA = 1  # a schema: its keywords say what their values are
    SCHEMAS = 2  # a map or list of schemas (``properties``, ``anyOf``, …)
    DATA = 3  # a value (``const``, ``enum``, ``default``, an unknown keyword's value)


@dataclass(slots=True)
class _Place:
    """Where a copy goes: a slot of its parent's copy, at a path kept as a link to the parent's
    place (so a deep schema is copied in linear time)."""

    parent: Any
    slot: str | int
    up: _Place | None
    depth: int

    def pointer(self) -> str:
        """The local JSON pointer reference to this place (``#`` for the root)."""
        segments: list[str] = []
        place: _Place | None = self
        while place is not None and place.up is not None:
            segments.append(str(place.slot).replace("~", "~0").replace("/", "~1"))
            place = place.up
        return "#" + "".join("/" + quote(s, safe="") for s in reversed(segments))


def schema_tree(schema: Any) -> Any:
    """`schema` as a tree (see the module docstring): `schema` itself when it is one already."""
    return schema if _is_tree(schema) else _Copier().copy(schema)


def _is_tree(schema: Any) -> bool:
    """Whether no container occurs twice in `schema` and every mapping key is a string."""
    seen: set[int] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            values: Iterable[Any] = node.values()
            if not all(isinstance(k, str) for k in node):
                return False
        elif isinstance(node, list):
            values = node
        else:
            continue
        if id(node) in seen:
            return False
        seen.add(id(node))
        stack += values
    return True


class _Copier:
    def __init__(self) -> None:
        self._copies: dict[tuple[int, _Mode], Any] = {}  # each container's copy, by mode
        self._open: set[tuple[int, _Mode]] = set()  # being copied: met again, it is a cycle
        self._recursive: set[tuple[int, _Mode]] = set()  # met again inside themselves
        self._first: dict[int, _Place] = {}  # where each schema was copied
        self._pointers: dict[int, str] = {}  # references to those places, once made
        self._expanded: dict[int, int] = {}  # by the id of a finished copy
        self._values_left = SHARED_VALUES

    def copy(self, root: Any) -> Any:
        holder: dict[str, Any] = {}
        stack: list[tuple[Any, _Place, _Mode] | tuple[int, _Mode]] = [
            (root, _Place(holder, "", None, 0), _Mode.SCHEMA)
        ]
        while stack:
            frame = stack.pop()
            if len(frame) == 2:  # the container's children are all copied
                self._open.discard(frame)
                continue
            node, place, mode = frame
            place.parent[place.slot] = self._place(node, place, mode, stack)
        return holder[""]

    def _place(self, node: Any, place: _Place, mode: _Mode, stack: list[Any]) -> Any:
        """`node`'s copy; its children are pushed onto `stack`, to be copied into it."""
        if not isinstance(node, (Mapping, list)):
            return node
        key = (id(node), mode)
        if mode is not _Mode.SCHEMAS:  # every cycle passes through a schema or a value
            if key in self._open:
                self._recursive.add(key)
            if key in self._copies and (key in self._open or not self._repeatable(key)):
                return self._again(node, mode)
            if key in self._copies:
                return self._copies[key]
            self._open.add(key)
            stack.append(key)
            if mode is _Mode.SCHEMA:
                self._first[id(node)] = place
        copy: Any
        if isinstance(node, Mapping):
            copy = {str(k): v for k, v in node.items()}  # values are replaced by their copies
            slots: Iterable[str | int] = copy
        else:
            copy = list(node)
            slots = range(len(copy))
        if mode is not _Mode.SCHEMAS:
            self._copies[key] = copy
        for slot in reversed(list(slots)):  # the first child is copied first
            value = copy[slot]
            if isinstance(value, (Mapping, list)):
                child_mode = _child_mode(mode, slot if isinstance(slot, str) else None)
                stack.append((value, _Place(copy, slot, place, place.depth + 1), child_mode))
        return copy

    def _again(self, node: Any, mode: _Mode) -> Any:
        """What stands for `node` met again (not repeated): a reference to a schema's first
        place (``true``, i.e. unknown, when that is too deep to point at), else `REPEATED`."""
        if mode is not _Mode.SCHEMA:
            return REPEATED
        first = self._first[id(node)]
        if first.depth > MAX_REFERENCE_DEPTH:
            return True
        if id(node) not in self._pointers:
            self._pointers[id(node)] = first.pointer()
        return {"$ref": self._pointers[id(node)]}

    def _repeatable(self, key: tuple[int, _Mode]) -> bool:
        """Whether the (finished) copy of `key` may be repeated: a schema that is not recursive
        and expands to at most `SHARED_INLINE` values, a value while the values repeated so far
        stay within `SHARED_VALUES`."""
        size = self._expanded_size(self._copies[key])
        if key[1] is _Mode.SCHEMA:
            return key not in self._recursive and size <= SHARED_INLINE
        if size > self._values_left:
            return False
        self._values_left -= size
        return True

    def _expanded_size(self, copy: Any) -> int:
        """How many values `copy` holds, each repeated copy counted every time it occurs
        (computed once per copy: linear in the copies, however often they repeat)."""
        stack: list[tuple[Any, bool]] = [(copy, False)]
        while stack:
            node, children_done = stack.pop()
            if id(node) in self._expanded:
                continue
            values = list(node.values() if isinstance(node, dict) else node)
            containers = [v for v in values if isinstance(v, (dict, list))]
            if children_done:
                inner = sum(self._expanded[id(c)] for c in containers)
                self._expanded[id(node)] = 1 + len(values) - len(containers) + inner
            else:
                stack.append((node, True))
                stack += [(c, False) for c in containers]
        return self._expanded[id(copy)]


def _child_mode(mode: _Mode, keyword: str | None) -> _Mode:
    """The mode of a child of a container in `mode` (`keyword`: its key; None in a list)."""
    if mode is _Mode.DATA:
        return _Mode.DATA
    if mode is _Mode.SCHEMAS or keyword is None:  # a list in a schema's place: of schemas
        return _Mode.SCHEMA
    if keyword in _SCHEMAS:
        return _Mode.SCHEMAS
    return _Mode.SCHEMA if keyword in _SCHEMA else _Mode.DATA
