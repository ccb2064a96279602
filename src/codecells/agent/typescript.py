"""Render JSON Schema as TypeScript types for the model-facing tool declarations.

The rendering is deliberately small and total: every schema gives *some* type, and anything it
does not understand becomes ``unknown``. Rules, in order of precedence:

- ``true`` → ``unknown``, ``false`` → ``never``;
- local ``$ref`` (``#/...``) is expanded; the same reference at most twice along one path, then
  ``unknown`` (so recursive schemas stay finite);
- ``const`` → a literal, ``enum`` → a literal union;
- ``anyOf`` / ``oneOf`` → ``A | B``, ``allOf`` → ``A & B``;
- ``type`` (a name or a list of names): ``string``, ``number`` (also ``integer``), ``boolean``,
  ``null``, ``array``, ``object``;
- arrays: ``items`` → ``Array<T>``, ``prefixItems`` → a tuple ``[A, B]``, otherwise ``unknown[]``;
- objects: properties sorted by name, ``?`` when not required, quoted names when not
  identifiers, descriptions as ``//`` comments (then one property per line), and
  ``[key: string]: T`` for ``additionalProperties`` (or when an object lists no properties).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..tools import normalize_js_name

__all__ = ["MAX_REF_EXPANSIONS", "schema_to_typescript"]

MAX_REF_EXPANSIONS = 2
"""How often one ``$ref`` is expanded along a single path before it renders as ``unknown``."""

_INDENT = "  "


def schema_to_typescript(schema: Any) -> str:
    """The TypeScript type for JSON Schema `schema` (local ``$ref``s resolve against it)."""
    return _Renderer(schema).render(schema, {}, 0)


class _Renderer:
    def __init__(self, root: Any) -> None:
        self._root = root

    def render(self, schema: Any, refs: Mapping[str, int], depth: int) -> str:
        if schema is True:
            return "unknown"
        if schema is False:
            return "never"
        if not isinstance(schema, Mapping):
            return "unknown"
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self._ref(ref, refs, depth)
        if "const" in schema:
            return _literal(schema["const"])
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            return " | ".join(_literal(v) for v in enum)
        for key in ("anyOf", "oneOf"):
            variants = schema.get(key)
            if isinstance(variants, list) and variants:
                return " | ".join(_dedupe(self.render(v, refs, depth) for v in variants))
        variants = schema.get("allOf")
        if isinstance(variants, list) and variants:
            parts = [self.render(v, refs, depth) for v in variants]
            return " & ".join(f"({p})" if " | " in p else p for p in _dedupe(parts))
        kind = schema.get("type")
        if isinstance(kind, list):
            names = [k for k in kind if isinstance(k, str)]
            if names:
                return " | ".join(_dedupe(self._type(schema, k, refs, depth) for k in names))
        if isinstance(kind, str):
            return self._type(schema, kind, refs, depth)
        if any(k in schema for k in ("properties", "additionalProperties", "required")):
            return self._object(schema, refs, depth)
        if "items" in schema or "prefixItems" in schema:
            return self._array(schema, refs, depth)
        return "unknown"

    def _ref(self, ref: str, refs: Mapping[str, int], depth: int) -> str:
        seen = refs.get(ref, 0)
        target = self._resolve(ref)
        if target is None or seen >= MAX_REF_EXPANSIONS:
            return "unknown"
        return self.render(target, {**refs, ref: seen + 1}, depth)

    def _resolve(self, ref: str) -> Any:
        if ref != "#" and not ref.startswith("#/"):
            return None  # remote references and anchors are not followed
        node: Any = self._root
        for raw in ref[2:].split("/") if ref != "#" else []:
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    def _type(self, schema: Mapping[str, Any], kind: str, refs: Mapping[str, int], d: int) -> str:
        if kind in ("string", "boolean", "null"):
            return kind
        if kind in ("number", "integer"):
            return "number"
        if kind == "array":
            return self._array(schema, refs, d)
        if kind == "object":
            return self._object(schema, refs, d)
        return "unknown"

    def _array(self, schema: Mapping[str, Any], refs: Mapping[str, int], depth: int) -> str:
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list) and prefix:
            return "[" + ", ".join(self.render(s, refs, depth) for s in prefix) + "]"
        if "items" in schema:
            return f"Array<{self.render(schema['items'], refs, depth)}>"
        return "unknown[]"

    def _object(self, schema: Mapping[str, Any], refs: Mapping[str, int], depth: int) -> str:
        props = schema.get("properties")
        props = props if isinstance(props, Mapping) else {}
        required = schema.get("required")
        required_names = (
            {r for r in required if isinstance(r, str)} if isinstance(required, list) else set()
        )
        multiline = any(_description(p) for p in props.values())
        inner = depth + 1 if multiline else depth
        members: list[tuple[str, str]] = []  # (comment, member)
        for name in sorted(props):
            optional = "" if name in required_names else "?"
            key = name if normalize_js_name(name) == name else json.dumps(name)
            rendered = self.render(props[name], refs, inner)
            members.append((_description(props[name]), f"{key}{optional}: {rendered};"))
        extra = schema.get("additionalProperties")
        if extra is not None and extra is not False:
            members.append(("", f"[key: string]: {self.render(extra, refs, inner)};"))
        elif extra is None and not props:
            members.append(("", "[key: string]: unknown;"))
        if not members:
            return "{}"
        if not multiline:
            return "{ " + " ".join(m for _, m in members) + " }"
        pad = _INDENT * (depth + 1)
        lines = ["{"]
        for comment, member in members:
            lines += [f"{pad}// {line}" for line in comment.splitlines() if line.strip()]
            lines.append(pad + member)
        lines.append(_INDENT * depth + "}")
        return "\n".join(lines)


def _description(schema: Any) -> str:
    text = schema.get("description") if isinstance(schema, Mapping) else None
    return "\n".join(line.strip() for line in text.splitlines()) if isinstance(text, str) else ""


def _literal(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _dedupe(parts: Any) -> list[str]:
    return list(dict.fromkeys(parts))
