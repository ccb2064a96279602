"""JSON value type shared by tools, stored values and the engine protocol."""

from __future__ import annotations

from pydantic import JsonValue

__all__ = ["JsonValue", "copy_json"]


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
