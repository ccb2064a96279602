"""Tools as TypeScript declarations: ``declare const tools: { name(args: In): Promise<Out> }``.

A tool's declaration is its signature on ``tools`` plus the ``type`` aliases its schemas use
(`ToolTypes`). The signature is separate so that it can be placed in any block of ``tools``
(a namespace's, for example): `ToolTypes.declaration`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..tools import ToolKind, normalize_js_name
from .tooldefs import Tool, tool_definition
from .typescript import TypeScriptRenderer

__all__ = [
    "ToolTypes",
    "mcp_structured_schema",
    "takes_no_arguments",
    "tool_declaration",
    "tool_types",
]


@dataclass(frozen=True)
class ToolTypes:
    """A tool's TypeScript: its method signature on ``tools`` and the aliases it uses.

    ``signature`` is ``name(args: In): Promise<Out>;`` (multi-line when its types carry doc
    comments), to be placed inside ``declare const tools: { ... }`` — or inside a namespace's
    block of it (`declaration`)."""

    signature: str
    aliases: tuple[str, ...]

    def declaration(self, namespace: str | None = None) -> str:
        """``declare const tools: { <signature> };`` (``tools: { <namespace>: { ... } }`` with
        a namespace), followed by the aliases."""
        member = self.signature
        if namespace is not None:
            member = _block(normalize_js_name(namespace) + ": ", member)
        return "\n".join([_block("declare const tools: ", member) + ";", *self.aliases])


def tool_types(tool: Tool) -> ToolTypes:
    """`tool`'s TypeScript signature and aliases (input and output share the aliases)."""
    definition = tool_definition(tool)
    renderer = TypeScriptRenderer()
    schema = definition.input_schema
    if definition.kind is ToolKind.FREEFORM:
        parameter = "input: string"
    elif schema is None:
        parameter = "args: unknown"
    elif takes_no_arguments(schema):
        parameter = ""
    else:
        parameter = "args: " + renderer.render(schema)
    structured = mcp_structured_schema(definition.output_schema)
    if structured is not None:
        inner = renderer.render(structured)
        output = "CallToolResult" if inner == "unknown" else f"CallToolResult<{inner}>"
    elif definition.output_schema is not None:
        output = renderer.render(definition.output_schema)
    else:
        output = "unknown"
    signature = f"{definition.js_name}({parameter}): Promise<{output}>;"
    return ToolTypes(signature, tuple(renderer.aliases()))


def tool_declaration(tool: Tool) -> str:
    """`tool` as a TypeScript declaration: ``declare const tools: { name(args: In):
    Promise<Out>; };`` followed by the ``type`` aliases its schemas use; a namespaced tool
    nests as the script calls it: ``declare const tools: { ns: { name(...): ...; }; };``."""
    definition = tool_definition(tool)
    return tool_types(definition).declaration(definition.namespace)


def takes_no_arguments(schema: Mapping[str, Any]) -> bool:
    """Whether an input schema describes an object with no arguments at all (the tool is
    then declared ``name()``): an object (``type`` absent or ``"object"``) without properties,
    required names, extra properties or any other keyword that asks for a value (``enum``,
    ``const``, ``not``, ``minProperties``, references, combinators, …). Keywords that assert
    nothing (``title``, ``description``, unknown ones) do not count."""
    return (
        schema.get("type", "object") == "object"
        and not schema.get("properties")
        and not schema.get("required")
        and not schema.get("minProperties")
        and schema.get("additionalProperties") in (None, False)
        and schema.get("unevaluatedProperties") in (None, False)
        and not any(k in schema for k in _ASKS_FOR_A_VALUE)
    )


_ASKS_FOR_A_VALUE = (
    "enum", "const", "not", "if", "then", "else", "$ref", "$dynamicRef", "anyOf", "oneOf",
    "allOf", "patternProperties", "dependentRequired", "dependentSchemas", "dependencies",
)  # fmt: skip


def _block(prefix: str, member: str) -> str:
    """``prefix{ member }`` on one line, or with the member indented on its own lines."""
    if "\n" not in member:
        return f"{prefix}{{ {member} }}"
    return f"{prefix}{{\n  {member.replace(chr(10), chr(10) + '  ')}\n}}"


def mcp_structured_schema(schema: dict[str, Any] | None) -> Any:
    """For an MCP ``CallToolResult`` output schema, its ``structuredContent`` schema (``True``
    when absent); otherwise None. MCP-shaped means: ``content`` is an array of objects,
    ``isError`` a boolean and ``_meta`` an object."""
    props = (schema or {}).get("properties")
    if not isinstance(props, dict):
        return None
    content = props.get("content")
    shaped = (
        isinstance(content, dict)
        and _has_type(content, "array")
        and _has_type(content.get("items"), "object")
        and _has_type(props.get("isError"), "boolean")
        and _has_type(props.get("_meta"), "object")
    )
    return props.get("structuredContent", True) if shaped else None


def _has_type(schema: Any, kind: str) -> bool:
    return isinstance(schema, dict) and schema.get("type") == kind
