"""What the model is told: the ``exec`` and ``wait`` descriptions and the nested tool reference."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..tools import ToolDefinition, ToolKind
from .tooldefs import Tool, tool_definition
from .typescript import schema_to_typescript

__all__ = [
    "DEFAULT_MAX_OUTPUT_TOKENS",
    "DEFAULT_YIELD_TIME_MS",
    "MCP_TYPES",
    "exec_description",
    "tool_declaration",
    "wait_description",
]

DEFAULT_YIELD_TIME_MS = 10_000
"""How long ``exec`` and ``wait`` wait for a cell before returning its output so far."""

DEFAULT_MAX_OUTPUT_TOKENS = 10_000
"""The token budget of one ``exec`` or ``wait`` result."""

_EXEC_INTRO = """Run JavaScript to orchestrate and compose tool calls.
- The code runs in a fresh QuickJS sandbox as the body of an async module: top-level `await` works.
- Every nested tool is a method of the global `tools` object, for example `await tools.get_weather({{city: "Paris"}})`. A tool in a namespace is a method of `tools.<namespace>`, for example `await tools.github.search({{q: "quickjs"}})`. Tool and namespace names are normalized to JavaScript identifiers: characters outside `[A-Za-z0-9_$]` become `_` (`tools.search_issues` for `search-issues`).
- Function tools take one object argument, freeform tools a string. A tool's promise resolves with its result (an object or a string, see its declaration) and rejects with an error message string.
- Plain JavaScript only: no Node, no `import`, no file system, no network{console_rule}
- {input_rule}
- You may start the code with a first-line pragma such as `// @exec: {{"yield_time_ms": {yield_ms}, "max_output_tokens": {max_tokens}}}`.
  - `yield_time_ms`: if the script is still running after that many milliseconds, `exec` returns the output so far (default {yield_ms}).
  - `max_output_tokens`: the token budget of the result (default {max_tokens}); longer output is truncated.
- When the code has been fully evaluated the script ends: unawaited promises and pending timers are discarded.
- A result that starts with `Script running with cell ID <id>` means the script is still running: call `wait` with that `cell_id` for more output.

Global helpers (each returns `undefined`):
- `text(value)`: appends a text item. Strings as they are; `undefined`, `null`, booleans and numbers via `String(value)`; anything else via `JSON.stringify(value)`.
- `image(urlOrItem, detail?)`: appends an image: a base64 `data:` URL, `{{image_url, detail?}}`, or an MCP image block such as `result.content[0]`. `detail` is "auto" | "low" | "high" | "original" (default "high"); the second argument overrides the item's. Remote http(s) URLs are not supported.
- `store(key, value)` / `load(key)`: keep a JSON-serializable value for later `exec` calls in this session; `load` returns a copy, or `undefined`. A script's stores are kept when it completes (also with an error), not when it is terminated.
- `notify(text)`: sends a non-empty progress message to the host right away; it is not part of the result.
- `yield_control()`: returns the output so far to you now, while the script keeps running.
- `exit()`: ends the script successfully; output so far is kept.
- `setTimeout(callback, delayMs?)` / `clearTimeout(id)`: timers. A pending timer does not keep the script alive; await a promise to wait for one.
- `ALL_TOOLS`: `{{name, description, namespace?}}` of every nested tool."""

_CONSOLE_RULE = (
    ". `console.log`, `console.info`, `console.warn`, `console.error` and `console.debug` "
    "append their arguments as a text item."
)
_FREEFORM_RULE = (
    "The input is raw JavaScript source text: not JSON, not a quoted string, not a markdown "
    "code fence."
)
_JSON_RULE = (
    "The `code` argument is raw JavaScript source text: not a quoted string, not a markdown "
    "code fence."
)

_WAIT = """- Use `wait` only after `exec` returned `Script running with cell ID <id>`.
- `cell_id` names the running cell.
- `yield_time_ms` is how long to wait for more output before returning (default {yield_ms}).
- `max_tokens` is the token budget of the new output this call returns (default {max_tokens}).
- `terminate: true` stops the cell instead of waiting.
- `wait` returns only the output that is new since the last result, or the cell's final result.
- While the cell is still running, `wait` may return `Script running with cell ID <id>` again: call it again.
- Once a cell has finished, `wait` returns its final result and the cell is closed."""

MCP_TYPES = """type Role = "user" | "assistant";
type Meta = { [key: string]: unknown };
type Annotations = { audience?: Role[]; priority?: number; lastModified?: string };
type TextContent = { type: "text"; text: string; annotations?: Annotations; _meta?: Meta };
type ImageContent = { type: "image"; data: string; mimeType: string; annotations?: Annotations; _meta?: Meta };
type AudioContent = { type: "audio"; data: string; mimeType: string; annotations?: Annotations; _meta?: Meta };
type ResourceLink = {
  type: "resource_link"; uri: string; name: string; title?: string; description?: string;
  mimeType?: string; size?: number; annotations?: Annotations; _meta?: Meta;
};
type TextResourceContents = { uri: string; mimeType?: string; text: string; _meta?: Meta };
type BlobResourceContents = { uri: string; mimeType?: string; blob: string; _meta?: Meta };
type EmbeddedResource = {
  type: "resource"; resource: TextResourceContents | BlobResourceContents;
  annotations?: Annotations; _meta?: Meta;
};
type ContentBlock = TextContent | ImageContent | AudioContent | ResourceLink | EmbeddedResource;
type CallToolResult<TStructured = { [key: string]: unknown }> = {
  content: ContentBlock[];
  structuredContent?: TStructured;
  isError?: boolean;
  _meta?: Meta;
  [key: string]: unknown;
};"""
"""The TypeScript preamble for MCP ``CallToolResult`` outputs (after the MCP schema)."""


def exec_description(
    tools: Iterable[Tool] = (),
    *,
    namespaces: Mapping[str, str] | None = None,
    freeform: bool = True,
    console: bool = False,
) -> str:
    """The ``exec`` tool's description: the JS surface, the pragma, and every tool in `tools`.

    Tools are grouped under ``## <namespace>`` headings (with the description from
    `namespaces`, if any); tools without a namespace come first. `freeform` says whether the
    model passes the source as the raw tool input (True) or as a ``code`` argument; `console`
    whether the session maps ``console.*`` to text items (``SessionConfig(console=True)``).
    """
    sections = [
        _EXEC_INTRO.format(
            input_rule=_FREEFORM_RULE if freeform else _JSON_RULE,
            console_rule=_CONSOLE_RULE if console else ", no console.",
            yield_ms=DEFAULT_YIELD_TIME_MS,
            max_tokens=DEFAULT_MAX_OUTPUT_TOKENS,
        )
    ]
    definitions = [tool_definition(t) for t in tools]
    if any(_mcp_structured_schema(d.output_schema) is not None for d in definitions):
        sections.append(f"Shared MCP types:\n```ts\n{MCP_TYPES}\n```")
    groups: dict[str | None, list[ToolDefinition]] = {None: []}
    for definition in definitions:
        groups.setdefault(definition.namespace, []).append(definition)
    for namespace, members in groups.items():
        if namespace is not None:
            about = (namespaces or {}).get(namespace, "").strip()
            sections.append(f"## {namespace}\n{about}".rstrip())
        sections += [_tool_section(d) for d in members]
    return "\n\n".join(sections)


def wait_description() -> str:
    """The ``wait`` tool's description."""
    return _WAIT.format(yield_ms=DEFAULT_YIELD_TIME_MS, max_tokens=DEFAULT_MAX_OUTPUT_TOKENS)


def tool_declaration(tool: Tool) -> str:
    """`tool` as a TypeScript declaration: ``declare const tools: { name(args: In): Promise<Out>; };``
    (a namespaced tool nests: ``declare const tools: { ns: { name(...): ...; }; };``)."""
    definition = tool_definition(tool)
    if definition.kind is ToolKind.FREEFORM:
        parameter = "input: string"
    else:
        schema = definition.input_schema
        parameter = "args: " + ("unknown" if schema is None else schema_to_typescript(schema))
    structured = _mcp_structured_schema(definition.output_schema)
    if structured is not None:
        inner = schema_to_typescript(structured)
        output = "CallToolResult" if inner == "unknown" else f"CallToolResult<{inner}>"
    elif definition.output_schema is not None:
        output = schema_to_typescript(definition.output_schema)
    else:
        output = "unknown"
    member = f"{definition.js_name}({parameter}): Promise<{output}>;"
    if definition.js_namespace is not None:
        member = f"{definition.js_namespace}: {{ {member} }};"
    return f"declare const tools: {{ {member} }};"


def _tool_section(definition: ToolDefinition) -> str:
    heading = f"### `{definition.js_name}`"
    if definition.js_name != definition.name:
        heading += f" (`{definition.name}`)"
    about = definition.description.strip()
    declaration = f"exec tool declaration:\n```ts\n{tool_declaration(definition)}\n```"
    return "\n".join(part for part in (heading, about, declaration) if part)


def _mcp_structured_schema(schema: dict[str, Any] | None) -> Any:
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
