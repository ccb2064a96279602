"""Render JSON Schema as TypeScript types for the model-facing tool declarations.

The rendering is exact where TypeScript can say it, total (every schema gives *some* type;
what it cannot express becomes ``unknown``), and linear in the size of the schema (a schema
built in Python that shares dicts or contains itself is first copied into a tree by
`schema_tree`: what it contains again becomes a ``$ref``):

- every ``$ref`` target (``#/$defs/X``, ``#/definitions/X``, any local ``#/...`` pointer, ``#``)
  becomes a named ``type`` alias, defined once; recursion is exact (``Node = { children:
  Node[] }``). A reference cycle TypeScript cannot express (``A = A | string``) is cut with
  ``unknown``. Remote references and anchors are ``unknown``;
- ``true`` → ``unknown``, ``false`` → ``never``; ``const`` → a literal, ``enum`` → a literal
  union (``enum: []`` → ``never``); ``type`` (a name or a list); ``nullable: true`` adds
  ``null`` to the whole schema (``allOf: [{$ref}], nullable: true`` is ``X | null``);
- the keywords of one schema combine as an intersection: ``$ref``, the type itself, ``anyOf`` /
  ``oneOf`` (a union each) and ``allOf``; so properties next to ``anyOf`` are kept;
- arrays: ``items`` → ``T[]``; tuples from ``prefixItems`` (2020-12) or an ``items`` list
  (draft-07), with the rest element from ``items`` / ``additionalItems``, optional elements
  past ``minItems`` (absent: 0) and none past ``maxItems``;
- objects: properties in declared order, ``?`` unless required, non-identifier names quoted,
  ``[key: string]: T`` for ``additionalProperties`` / ``patternProperties`` (or an object that
  declares nothing);
- descriptions, defaults, ``format``, ranges, lengths, patterns and ``deprecated`` become JSDoc
  comments on properties and aliases. Nothing in a comment can end it early, and no line can
  close a surrounding markdown code fence.

`TypeScriptRenderer` renders several schemas (a tool's input and output) into one set of
aliases; `schema_to_typescript` renders one schema.
"""

from __future__ import annotations

import json
import math
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from ..tools import normalize_js_name
from .schema_tree import schema_tree

__all__ = ["MAX_DEPTH", "TypeScriptRenderer", "doc_comment", "schema_to_typescript"]

MAX_DEPTH = 64
"""Schemas nested deeper than this render as ``unknown`` below that depth."""

_INDENT = "  "
_SAFE_INTEGER = 2**53 - 1
_UNION, _INTERSECTION, _ATOM = 0, 1, 2  # operator precedence of a rendered type
_STRUCTURAL = {
    "$defs", "definitions", "properties", "patternProperties", "items", "prefixItems",
    "additionalItems", "additionalProperties", "anyOf", "oneOf", "allOf", "not", "contains",
}  # fmt: skip
_DOC_TAGS = (
    "default", "format", "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum",
    "multipleOf", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
    "minProperties", "maxProperties",
)  # fmt: skip
# Names an alias must not take: TypeScript keywords and types, the ECMAScript globals a model
# would expect to mean the built-in, and the shared MCP types of the exec description.
_RESERVED = set(
    """any as asserts async await bigint boolean break case catch class const constructor
    continue debugger declare default delete do else enum export extends false finally for from
    function get if implements import in infer instanceof interface is keyof let module namespace
    never new null number object of package private protected public readonly require return set
    static string super switch symbol this throw true try type typeof undefined unique unknown var
    void while with yield tools Array ArrayBuffer Awaited BigInt Boolean DataView Date Error
    Exclude Extract Function InstanceType Iterable Iterator JSON Map Math NonNullable Number
    Object Omit Parameters Partial Pick Promise PromiseLike Proxy Readonly Record Reflect RegExp
    Required ReturnType Set String Symbol Uint8Array WeakMap WeakSet Annotations AudioContent
    BlobResourceContents CallToolResult ContentBlock EmbeddedResource ImageContent Meta
    ResourceLink Role TextContent TextResourceContents""".split()
)


def schema_to_typescript(schema: Any) -> str:
    """The TypeScript for JSON Schema `schema`: its type, then (when it uses ``$ref``) a blank
    line and the ``type`` aliases it needs."""
    renderer = TypeScriptRenderer()
    rendered = renderer.render(schema)
    aliases = renderer.aliases()
    return rendered if not aliases else rendered + "\n\n" + "\n".join(aliases)


def doc_comment(text: str) -> str:
    """`text` as a JSDoc comment: on one line when it is short (a one-line description and
    its ``@tags``), else one `` * `` line per line; ``*/`` in the text cannot end the comment."""
    lines = [line.rstrip().replace("*/", "*\\/") for line in text.strip().splitlines()]
    one_line = " ".join(lines)
    if all(line.startswith("@") for line in lines[1:]) and len(one_line) <= 96:
        return f"/** {one_line} */"
    return "\n".join(["/**", *(f" * {line}".rstrip() for line in lines), " */"])


@dataclass(frozen=True)
class _Type:
    text: str
    precedence: int = _ATOM

    def wrapped(self, minimum: int) -> str:
        return self.text if self.precedence >= minimum else f"({self.text})"


_UNKNOWN = _Type("unknown")
_NEVER = _Type("never")


@dataclass
class _Alias:
    base: str  # the name the schema suggests; `name` is unique
    name: str
    root: int
    path: tuple[str, ...]
    text: str | None = None  # the ``type Name = ...;`` declaration, once rendered


class TypeScriptRenderer:
    """Render JSON Schemas to TypeScript types sharing one set of named aliases.

    Call `render` for each schema (each is its own document: its ``$ref``s resolve against
    it), then `aliases` for the ``type`` declarations the rendered types use. `reserved` names
    are never taken by an alias.
    """

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self._roots: list[Any] = []
        self._targets: list[set[tuple[str, ...]]] = []
        self._aliases: dict[tuple[int, tuple[str, ...]], _Alias] = {}
        self._order: list[_Alias] = []  # each alias once, in order of first use
        self._pending: deque[_Alias] = deque()  # referenced, not defined yet
        self._by_base: dict[str, list[_Alias]] = {}
        self._signatures: dict[tuple[int, tuple[str, ...]], str] = {}
        self._taken = set(_RESERVED) | set(reserved)
        self._expanding: set[tuple[int, tuple[str, ...]]] = set()  # aliases on the stack

    def render(self, schema: Any) -> str:
        """The TypeScript type of `schema`; aliases it needs are added to `aliases`."""
        schema = schema_tree(schema)  # a Python-built schema may share dicts, or contain itself
        root = len(self._roots)
        self._roots.append(schema)
        self._targets.append(_ref_targets(schema))
        same = self._same_as_before(root, ())
        if same is not None:  # e.g. an output schema that is an input schema's model
            self._aliases[(root, ())] = same
            self._targets[root].add(())
        text = self._node(root, (), schema, 0, guarded=False).text
        self._finish()
        return text

    def aliases(self) -> list[str]:
        """The ``type Name = ...;`` declarations (with their doc comments), in order of use."""
        return [a.text for a in self._order if a.text is not None]

    # ------------------------------------------------------------------ references
    def _finish(self) -> None:
        """Render every alias that was referenced but not rendered yet (guarded references
        are rendered here, after the type that uses them, so recursion terminates)."""
        while self._pending:
            alias = self._pending.popleft()
            if alias.text is None:
                self._define(alias)

    def _alias(self, root: int, path: tuple[str, ...], guarded: bool, depth: int) -> _Type:
        key = (root, path)
        alias = self._aliases.get(key)
        if alias is None:
            alias = self._same_as_before(root, path)
            if alias is None:
                base = self._base(root, path)
                alias = _Alias(base, self._unique(base), root, path)
                self._by_base.setdefault(base, []).append(alias)
                self._order.append(alias)
                self._pending.append(alias)
            self._aliases[key] = alias
        if not guarded:
            if (alias.root, alias.path) in self._expanding:
                return _UNKNOWN  # ``A = A | x``: a cycle TypeScript cannot express
            if alias.text is None:  # unguarded: its own unguarded references come first
                self._define(alias, depth + 1)
        return _Type(alias.name)

    def _define(self, alias: _Alias, depth: int = 0) -> None:
        key = (alias.root, alias.path)
        schema = _lookup(self._roots[alias.root], alias.path)
        self._expanding.add(key)
        alias.text = ""  # being defined: a guarded self-reference must not define it again
        try:
            body = self._node(alias.root, alias.path, schema, depth, guarded=False, inline=True)
        finally:
            self._expanding.discard(key)
        doc = _documentation(schema)
        prefix = doc_comment(doc) + "\n" if doc else ""
        alias.text = f"{prefix}type {alias.name} = {body.text};"

    def _same_as_before(self, root: int, path: tuple[str, ...]) -> _Alias | None:
        """An alias of an earlier document for the same schema (same name, same meaning)."""
        for alias in self._by_base.get(self._base(root, path), []):
            if alias.root != root and self._signature(alias.root, alias.path) == self._signature(
                root, path
            ):
                return alias
        return None

    def _signature(self, root: int, path: tuple[str, ...]) -> str:
        """What the schema at `path` means: its content and that of everything it references
        (``$defs`` aside)."""
        key = (root, path)
        if key not in self._signatures:
            document = self._roots[root]
            closure: dict[tuple[str, ...], Any] = {}
            stack = [path]
            while stack:
                at = stack.pop()
                if at not in closure:
                    closure[at] = _without_definitions(_lookup(document, at))
                    stack += _ref_targets(closure[at])
            own = closure.pop(path)
            try:
                signature = json.dumps([own, sorted(closure.items())], sort_keys=True, default=str)
            except RecursionError:
                signature = f"{root}:{path}"  # too deep to compare: never shared
            self._signatures[key] = signature
        return self._signatures[key]

    def _base(self, root: int, path: tuple[str, ...]) -> str:
        """The alias name a schema suggests: its last name in `path`, else its title."""
        words = [p for p in path if p not in _STRUCTURAL and not p.isdigit()]
        title = _lookup(self._roots[root], path)
        title = title.get("title") if isinstance(title, Mapping) else None
        base = words[-1] if words else (title if isinstance(title, str) and title else "Root")
        return normalize_js_name(base)

    def _unique(self, base: str) -> str:
        name, n = base, 1
        while name in self._taken:
            n += 1
            name = f"{base}_{n}"
        self._taken.add(name)
        return name

    def _ref(self, root: int, ref: str, guarded: bool, depth: int) -> _Type:
        path = _pointer(ref)
        if path is None or _lookup(self._roots[root], path) is _MISSING:
            return _UNKNOWN
        return self._alias(root, path, guarded, depth)

    # ------------------------------------------------------------------ schemas
    def _node(
        self,
        root: int,
        path: tuple[str, ...],
        schema: Any,
        depth: int,
        *,
        guarded: bool,
        inline: bool = False,
    ) -> _Type:
        """`schema` at `path`; `guarded` when it sits inside an object or array (where a
        recursive alias reference is fine); `inline` renders a ref target's body itself."""
        if not inline and path in self._targets[root]:
            return self._alias(root, path, guarded, depth)
        if schema is True or schema == {}:
            return _UNKNOWN
        if schema is False:
            return _NEVER
        if not isinstance(schema, Mapping) or depth > MAX_DEPTH:
            return _UNKNOWN
        parts: list[_Type] = []
        ref = schema.get("$ref")
        if isinstance(ref, str):
            parts.append(self._ref(root, ref, guarded, depth))
        parts.append(self._core(root, path, schema, depth, guarded))
        for key in ("anyOf", "oneOf"):
            variants = schema.get(key)
            if isinstance(variants, list) and variants:
                parts.append(
                    _union(
                        self._node(root, (*path, key, str(i)), v, depth + 1, guarded=guarded)
                        for i, v in enumerate(variants)
                    )
                )
        variants = schema.get("allOf")
        if isinstance(variants, list):
            parts += [
                self._node(root, (*path, "allOf", str(i)), v, depth + 1, guarded=guarded)
                for i, v in enumerate(variants)
            ]
        whole = _intersection(parts)
        if schema.get("nullable") is True and whole.text != "unknown":  # OpenAPI 3.0
            return _union([whole, _Type("null")])  # also next to `allOf: [{$ref}]`
        return whole

    def _core(
        self, root: int, path: tuple[str, ...], schema: Mapping[str, Any], depth: int, g: bool
    ) -> _Type:
        """The schema's own type: ``const``, ``enum`` or ``type`` (``unknown`` if none)."""
        if "const" in schema:
            return _Type(_literal(schema["const"]))
        if isinstance(schema.get("enum"), list):
            return _union(_Type(_literal(v)) for v in schema["enum"])
        kind = schema.get("type")
        kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
        names = [k for k in kinds if isinstance(k, str)]
        if not names and not isinstance(kind, (str, list)):
            if any(k in schema for k in ("properties", "additionalProperties", "required")):
                names = ["object"]
            elif "items" in schema or "prefixItems" in schema:
                names = ["array"]
        if not names:
            return _UNKNOWN
        return _union(self._typed(root, path, schema, k, depth) for k in names)

    def _typed(
        self, root: int, path: tuple[str, ...], schema: Mapping[str, Any], kind: str, depth: int
    ) -> _Type:
        if kind in ("string", "boolean", "null"):
            return _Type(kind)
        if kind in ("number", "integer"):
            return _Type("number")
        if kind == "array":
            return self._array(root, path, schema, depth)
        if kind == "object":
            return self._object(root, path, schema, depth)
        return _UNKNOWN

    def _array(
        self, root: int, path: tuple[str, ...], schema: Mapping[str, Any], depth: int
    ) -> _Type:
        items = schema.get("items")
        prefix = schema.get("prefixItems")
        if isinstance(items, list):  # draft-07 tuple: the rest is `additionalItems`
            prefix, prefix_key, rest, rest_key = (
                items,
                "items",
                schema.get("additionalItems"),
                "additionalItems",
            )
        else:
            prefix_key, rest, rest_key = "prefixItems", items, "items"
        if not isinstance(prefix, list) or not prefix:
            if rest is None:
                return _Type("unknown[]")
            element = self._node(root, (*path, rest_key), rest, depth + 1, guarded=True)
            return _Type(element.wrapped(_ATOM) + "[]")
        min_items, max_items = _count(schema, "minItems"), _count(schema, "maxItems")
        if max_items is not None:
            prefix = prefix[:max_items]  # elements past `maxItems` cannot be there
        elements = []
        for i, item in enumerate(prefix):
            element = self._node(root, (*path, prefix_key, str(i)), item, depth + 1, guarded=True)
            optional = "?" if i >= (min_items or 0) else ""  # `minItems` absent: 0
            elements.append(element.wrapped(_ATOM if optional else _UNION) + optional)
        closed = rest is False or (max_items is not None and max_items <= len(prefix))
        if not closed:
            tail = self._node(root, (*path, rest_key), rest, depth + 1, guarded=True)
            elements.append(f"...{tail.wrapped(_ATOM)}[]")
        return _Type("[" + ", ".join(elements) + "]")

    def _object(
        self, root: int, path: tuple[str, ...], schema: Mapping[str, Any], depth: int
    ) -> _Type:
        props = schema.get("properties")
        props = props if isinstance(props, Mapping) else {}
        required = schema.get("required")
        required_names = (
            [r for r in required if isinstance(r, str)] if isinstance(required, list) else []
        )
        members: list[tuple[str, str]] = []  # (doc, member)
        types: list[_Type] = []
        for name, prop in props.items():
            rendered = self._node(root, (*path, "properties", name), prop, depth + 1, guarded=True)
            optional = "" if name in required_names else "?"
            members.append((_documentation(prop), f"{_key(name)}{optional}: {rendered.text};"))
            types.append(rendered)
        extra = self._index_type(root, path, schema, depth)
        for name in required_names:
            if name not in props:  # required but not declared: whatever other keys may hold
                members.append(("", f"{_key(name)}: {(extra or _UNKNOWN).text};"))
        if extra is None and not props and not required_names:
            extra = _UNKNOWN if schema.get("additionalProperties") is not False else _NEVER
        if extra is not None:
            if extra.text != "unknown" and types:  # named members must fit the index type
                undefined = [_Type("undefined")] if set(props) - set(required_names) else []
                extra = _union([extra, *types, *undefined])
            members.append(("", f"[key: string]: {extra.text};"))
        if not any(doc for doc, _ in members) and not any("\n" in m for _, m in members):
            return _Type(
                "{ "
                + " ".join(
                    m.removesuffix(";") if i == len(members) - 1 else m
                    for i, (_, m) in enumerate(members)
                )
                + " }"
            )
        lines = ["{"]
        for doc, member in members:
            if doc:
                lines += [_INDENT + line for line in doc_comment(doc).splitlines()]
            lines.append(_INDENT + member.replace("\n", "\n" + _INDENT))
        lines.append("}")
        return _Type("\n".join(lines))

    def _index_type(
        self, root: int, path: tuple[str, ...], schema: Mapping[str, Any], depth: int
    ) -> _Type | None:
        """The type of keys beyond the declared properties, or None when there are none."""
        parts: list[_Type] = []
        patterns = schema.get("patternProperties")
        if isinstance(patterns, Mapping):
            parts += [
                self._node(root, (*path, "patternProperties", p), s, depth + 1, guarded=True)
                for p, s in patterns.items()
            ]
        extra = schema.get("additionalProperties")
        if extra is not None and extra is not False:
            parts.append(
                self._node(root, (*path, "additionalProperties"), extra, depth + 1, guarded=True)
            )
        return _union(parts) if parts else None


# ---------------------------------------------------------------------- helpers
_MISSING = object()
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def _pointer(ref: str) -> tuple[str, ...] | None:
    """The path of a local JSON pointer reference (``#``, ``#/a/b``), or None."""
    if ref == "#":
        return ()
    if not ref.startswith("#/"):
        return None  # remote references and anchors are not followed
    return tuple(unquote(p).replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/"))


def _lookup(node: Any, path: Sequence[str]) -> Any:
    for part in path:
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def _ref_targets(schema: Any) -> set[tuple[str, ...]]:
    """The paths every local ``$ref`` in `schema` points at (found without recursion; each
    container is visited once, as `schema_tree` may share a small one)."""
    targets: set[tuple[str, ...]] = set()
    stack = [schema]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if isinstance(node, (Mapping, list)):
            if id(node) in seen:
                continue
            seen.add(id(node))
        if isinstance(node, Mapping):
            ref = node.get("$ref")
            if isinstance(ref, str) and (path := _pointer(ref)) is not None:
                targets.add(path)
            stack += node.values()
        elif isinstance(node, list):
            stack += node
    return targets


_NOT_MEANING = ("$defs", "definitions", "title", "$schema", "$id", "$comment")


def _without_definitions(node: Any) -> Any:
    """`node` without what does not change its rendering (its definitions, title, …)."""
    if not isinstance(node, Mapping):
        return node
    return {k: v for k, v in node.items() if k not in _NOT_MEANING}


def _union(parts: Iterable[_Type]) -> _Type:
    texts: list[str] = []
    for part in parts:
        if part.text == "unknown":
            return _UNKNOWN
        if part.text != "never":
            texts.append(part.text)  # `A & B | C` needs no parentheses, nor a nested union
    texts = list(dict.fromkeys(texts))
    if not texts:
        return _NEVER
    return _Type(texts[0]) if len(texts) == 1 else _Type(" | ".join(texts), _UNION)


def _intersection(parts: Iterable[_Type]) -> _Type:
    kept = list(dict.fromkeys(p for p in parts if p.text != "unknown"))
    if any(p.text == "never" for p in kept):
        return _NEVER
    if len(kept) <= 1:
        return kept[0] if kept else _UNKNOWN
    return _Type(" & ".join(p.wrapped(_INTERSECTION) for p in kept), _INTERSECTION)


def _literal(value: Any, depth: int = 0) -> str:
    """`value` (a ``const`` or ``enum`` value) as a TypeScript literal type."""
    if depth > MAX_DEPTH:
        return "unknown"
    if isinstance(value, float) and not math.isfinite(value):
        return "number"
    if isinstance(value, Mapping):
        members = "; ".join(f"{_key(str(k))}: {_literal(v, depth + 1)}" for k, v in value.items())
        return "{ " + members + " }" if members else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v, depth + 1) for v in value) + "]"
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return "unknown"  # not a JSON value (`REPEATED`, an object of Python's own)


def _count(schema: Mapping[str, Any], keyword: str) -> int | None:
    """`schema[keyword]` when it is a count (a non-negative integer), else None."""
    value = schema.get(keyword)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _key(name: str) -> str:
    return name if _IDENTIFIER.fullmatch(name) else json.dumps(name, ensure_ascii=False)


def _documentation(schema: Any) -> str:
    """A property's or alias's doc text: its description, then ``@tag value`` lines for
    defaults, formats and constraints (an optional value's constraints included)."""
    if not isinstance(schema, Mapping):
        return ""
    description = schema.get("description")
    lines = [description.strip()] if isinstance(description, str) and description.strip() else []
    for source in (schema, _sole_variant(schema)):
        lines += _tags(source) if source is not None else []
    if schema.get("deprecated") is True:
        lines.append("@deprecated")
    return "\n".join(lines)


def _sole_variant(schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """For ``anyOf``/``oneOf`` of one schema and ``null`` (an optional value), that schema."""
    for key in ("anyOf", "oneOf"):
        variants = schema.get(key)
        if isinstance(variants, list):
            rest = [v for v in variants if not (isinstance(v, Mapping) and v.get("type") == "null")]
            if len(rest) == 1 and isinstance(rest[0], Mapping) and "$ref" not in rest[0]:
                return rest[0]
    return None


def _tags(schema: Mapping[str, Any]) -> list[str]:
    prefix = schema.get("items")
    prefix = prefix if isinstance(prefix, list) else schema.get("prefixItems")
    tags = []
    for tag in _DOC_TAGS:
        value = schema.get(tag)
        if tag not in schema or isinstance(value, bool) and tag.startswith("exclusive"):
            continue  # a draft-04 exclusive flag is shown with the bound it modifies
        if isinstance(prefix, list) and tag in ("minItems", "maxItems"):
            if (_count(schema, tag) or 0) <= len(prefix):
                continue  # the tuple type says it
        if tag in ("minimum", "maximum") and value in (-_SAFE_INTEGER, _SAFE_INTEGER):
            continue  # the safe-integer range is what an integer means in JavaScript anyway
        if tag in ("minimum", "maximum") and schema.get(f"exclusiveM{tag[1:]}") is True:
            tag = f"exclusiveM{tag[1:]}"
        shown = value if isinstance(value, str) and tag in ("format", "pattern") else _json(value)
        tags.append(f"@{tag} {shown}")
    return tags


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except RecursionError:
        return "(nested too deeply to show)"
    except (TypeError, ValueError):
        return repr(value)
