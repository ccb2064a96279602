"""codecells.agent: a session exposed to a model as two tools, ``exec`` and ``wait``.

- `CodeMode` serves the model's calls (`CodeMode.handle`) with a session's cells;
- `tool_specs` / `exec_tool_spec` / `wait_tool_spec` give the tool definitions for OpenAI
  (Chat Completions or Responses) and Anthropic function calling;
- `exec_description` tells the model the JavaScript surface and declares every tool in
  TypeScript (`tool_declaration`, `schema_to_typescript`); large catalogs list summaries
  only and the script reads declarations at run time (`with_tool_catalog`);
- `parse_exec_source` reads the optional ``// @exec: {...}`` pragma;
- `ToolOutput` / `format_event` turn cell events into tool outputs within a token budget.
"""

from __future__ import annotations

from .catalog import (
    DEFAULT_CATALOG_THRESHOLD,
    DESCRIBE_TOOLS,
    SEARCH_TOOLS,
    tool_catalog,
    with_tool_catalog,
)
from .declarations import ToolTypes, tool_declaration, tool_types
from .description import (
    DEFAULT_MAX_OUTPUT_TOKENS,
    DEFAULT_YIELD_TIME_MS,
    MCP_TYPES,
    exec_description,
    wait_description,
)
from .driver import CodeMode, ExecArgs, WaitArgs
from .output import (
    ANTHROPIC_IMAGE_TYPES,
    CHARS_PER_TOKEN,
    OPENAI_IMAGE_TYPES,
    ToolOutput,
    error_output,
    format_event,
)
from .pragma import (
    MAX_SAFE_INTEGER,
    PRAGMA_PREFIX,
    ExecSource,
    PragmaError,
    parse_exec_source,
    unwrap_code_fence,
)
from .specs import (
    EXEC_TOOL_NAME,
    WAIT_TOOL_NAME,
    ToolStyle,
    exec_parameters,
    exec_tool_spec,
    tool_specs,
    wait_parameters,
    wait_tool_spec,
)
from .tooldefs import Tool, tool_definition
from .typescript import MAX_DEPTH, TypeScriptRenderer, schema_to_typescript

__all__ = [
    "ANTHROPIC_IMAGE_TYPES",
    "CHARS_PER_TOKEN",
    "DEFAULT_CATALOG_THRESHOLD",
    "DEFAULT_MAX_OUTPUT_TOKENS",
    "DEFAULT_YIELD_TIME_MS",
    "DESCRIBE_TOOLS",
    "EXEC_TOOL_NAME",
    "MAX_DEPTH",
    "MAX_SAFE_INTEGER",
    "MCP_TYPES",
    "OPENAI_IMAGE_TYPES",
    "PRAGMA_PREFIX",
    "SEARCH_TOOLS",
    "WAIT_TOOL_NAME",
    "CodeMode",
    "ExecArgs",
    "ExecSource",
    "PragmaError",
    "Tool",
    "ToolOutput",
    "ToolStyle",
    "ToolTypes",
    "TypeScriptRenderer",
    "WaitArgs",
    "error_output",
    "exec_description",
    "exec_parameters",
    "exec_tool_spec",
    "format_event",
    "parse_exec_source",
    "schema_to_typescript",
    "tool_catalog",
    "tool_declaration",
    "tool_definition",
    "tool_specs",
    "tool_types",
    "unwrap_code_fence",
    "wait_description",
    "wait_parameters",
    "wait_tool_spec",
    "with_tool_catalog",
]
