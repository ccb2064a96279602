"""What the model is told: the ``exec`` and ``wait`` descriptions and the nested tool reference."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..tools import ToolDefinition
from .catalog import DEFAULT_CATALOG_THRESHOLD, one_line_summary, split_catalog
from .declarations import mcp_structured_schema, tool_declaration
from .tooldefs import Tool, tool_definition

__all__ = [
    "DEFAULT_MAX_OUTPUT_TOKENS",
    "DEFAULT_YIELD_TIME_MS",
    "MCP_TYPES",
    "exec_description",
    "markdown_safe",
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
  - `max_output_tokens`: the token budget of the result (default {max_tokens}, at least 1); longer output is truncated.
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
    "The input is raw JavaScript source text: not JSON, not a quoted string. A script wrapped "
    "whole in exactly one markdown code fence is unwrapped before it runs; send raw source anyway."
)
_JSON_RULE = (
    "The `code` argument is raw JavaScript source text: not a quoted string. A script wrapped "
    "whole in exactly one markdown code fence is unwrapped before it runs; send raw source anyway."
)

_CATALOG_INTRO = """This session has {count} tools: below are their names and one-line summaries only. Before calling one, read its declaration at run time:
- `await tools.search_tools({{query: "words", limit?: 10}})` returns the best matches, `{{name, description}}` each (the first line of the description);
- `await tools.describe_tools({{names: ["a", "b"]}})` returns `{{name, description, declaration}}` for each: the full description and the TypeScript declaration.
`ALL_TOOLS` lists every tool too."""

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_LINE_BREAK = re.compile(r"\r\n|\n|\r")  # markdown's line endings (CommonMark 2.1)

_WAIT = """- Use `wait` only after `exec` returned `Script running with cell ID <id>`.
- `cell_id` names the running cell.
- `yield_time_ms` is how long to wait for more output before returning (default {yield_ms}).
- `max_tokens` is the token budget of the new output this call returns (default {max_tokens}, at least 1).
- `terminate: true` stops the cell instead of waiting.
- `null` (or leaving it out, where allowed) for `yield_time_ms`, `max_tokens` or `terminate` means its default.
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
    catalog_threshold: int | None = DEFAULT_CATALOG_THRESHOLD,
) -> str:
    """The ``exec`` tool's description: the JS surface, the pragma, and every tool in `tools`.

    Tools are grouped under ``## <namespace>`` headings (with the description from
    `namespaces`, if any); tools without a namespace come first. `freeform` says whether the
    model passes the source as the raw tool input (True) or as a ``code`` argument; `console`
    whether the session maps ``console.*`` to text items (``SessionConfig(console=True)``).

    With more than `catalog_threshold` tools (None: no limit) the reference lists names and
    one-line summaries only, and the script reads declarations at run time with the catalog
    tools of `with_tool_catalog`; without them a `ValueError` says so.
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
    catalog, listed = split_catalog(definitions)
    compact = catalog_threshold is not None and len(listed) > catalog_threshold
    if compact and not catalog:
        raise ValueError(
            f"{len(listed)} tools are more than catalog_threshold={catalog_threshold}: give the "
            "session `with_tool_catalog(tools)` so scripts can search them, or raise the threshold"
        )
    if compact:
        sections.append(_CATALOG_INTRO.format(count=len(listed)))
        sections += [_tool_section(d) for d in catalog]
    if any(mcp_structured_schema(d.output_schema) is not None for d in definitions):
        # declarations use it: those below, and those `describe_tools` returns
        sections.append(f"Shared MCP types:\n```ts\n{MCP_TYPES}\n```")
    groups: dict[str | None, list[ToolDefinition]] = {None: []}
    for definition in listed if compact else definitions:
        groups.setdefault(definition.namespace, []).append(definition)
    for namespace, members in groups.items():
        if namespace is not None:
            about = markdown_safe((namespaces or {}).get(namespace, "").strip())
            sections.append(f"## {_one_line(namespace)}\n{about}".rstrip())
        if compact:
            sections.append("\n".join(_summary_line(d) for d in members))
        else:
            sections += [_tool_section(d) for d in members]
    return "\n\n".join(s for s in sections if s)


def wait_description() -> str:
    """The ``wait`` tool's description."""
    return _WAIT.format(yield_ms=DEFAULT_YIELD_TIME_MS, max_tokens=DEFAULT_MAX_OUTPUT_TOKENS)


def markdown_safe(text: str) -> str:
    """`text` with a code fence it leaves open closed, so it cannot swallow what follows.

    Lines are read as markdown reads them: they end at a line feed, a carriage return or both
    only (not at the other breaks of `str.splitlines`, such as U+2028 or U+0085), and a
    closing fence may be followed by spaces and tabs only."""
    fence: str | None = None
    for line in _LINE_BREAK.split(text):
        match = _FENCE.match(line)
        if match is None:
            continue
        marks, rest = match.group(1), match.group(2)
        if fence is None and not (marks[0] == "`" and "`" in rest):
            fence = marks
        elif (
            fence is not None
            and marks[0] == fence[0]
            and len(marks) >= len(fence)
            and not rest.strip(" \t")
        ):
            fence = None
    return text if fence is None else f"{text}\n{fence}"


def _tool_section(definition: ToolDefinition) -> str:
    heading = f"### `{definition.js_name}`"
    if definition.js_name != definition.name:
        heading += f" ({_code_span(definition.name)})"
    about = markdown_safe(definition.description.strip())
    declaration = f"exec tool declaration:\n```ts\n{tool_declaration(definition)}\n```"
    return "\n".join(part for part in (heading, about, declaration) if part)


def _one_line(text: str) -> str:
    """`text` on one line (a raw name may hold line breaks that would start a fence)."""
    return " ".join(text.split())


def _code_span(text: str) -> str:
    """`text` on one line as a markdown code span, its delimiters longer than any run of
    backticks in it."""
    text = _one_line(text)
    ticks = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _summary_line(definition: ToolDefinition) -> str:
    summary = one_line_summary(definition.description)
    return f"- `{definition.js_name}`" + (f": {summary}" if summary else "")
