"""The tools of connected MCP servers as session tools, one namespace per server."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

import mcp
from mcp import types
from pydantic import ValidationError

from ...json_types import JsonValue
from ...tools import HandledTool, ToolDefinition, ToolError, normalize_js_name
from .._extra import describe

__all__ = [
    "MAX_TOOL_PAGES",
    "McpServers",
    "call_tool_result_schema",
    "mcp_instructions",
    "mcp_tools",
]

McpClient: TypeAlias = mcp.ClientSession | mcp.Client
McpServers: TypeAlias = McpClient | Mapping[str, McpClient] | Iterable[McpClient]
"""One connected client, several (each namespaced by its server's name), or a mapping from
namespace to client."""

_RESULT_KEYS = ("content", "structuredContent", "_meta")

MAX_TOOL_PAGES = 1000
"""The most ``tools/list`` pages read from one server."""


async def mcp_tools(servers: McpServers, *, timeout: float | None = None) -> list[HandledTool]:
    """Every tool of every server in `servers` as a session tool in the server's namespace.

    `servers` are connected (initialised) `mcp.ClientSession`s or `mcp.Client`s: one, several
    (namespaced by the name each server reports), or a mapping ``{namespace: client}``. A script
    calls ``tools.<namespace>.<tool>(args)``; the promise resolves with the MCP
    ``CallToolResult`` as the protocol spells it (``content``, ``structuredContent``,
    ``_meta``) and rejects with the text of an ``isError`` result, or with a message naming
    the server when the call fails (connection lost, malformed result, `timeout` seconds
    passed; a positive, finite number of seconds, or None for the client's own). A terminated
    cell cancels its calls through the client.
    """
    _check_timeout(timeout)
    tools: list[HandledTool] = []
    for namespace, client in _named(servers).items():
        for tool in await _list_tools(client, namespace):
            tools.append(_handled(client, namespace, tool, timeout))
    return tools


async def mcp_instructions(servers: McpServers) -> dict[str, str]:
    """The instructions each server sent, by namespace: pass them to
    ``CodeMode(session, namespaces=...)`` to describe each namespace to the model."""
    return {ns: client.instructions or "" for ns, client in _named(servers).items()}


def call_tool_result_schema(structured: dict[str, Any] | None) -> dict[str, Any]:
    """The JSON Schema of what a script gets from an MCP tool: a ``CallToolResult`` whose
    ``structuredContent`` follows the tool's output schema (declared as ``CallToolResult<T>``)."""
    properties: dict[str, Any] = {
        "content": {"type": "array", "items": {"type": "object"}},
        "isError": {"type": "boolean"},
        "_meta": {"type": "object"},
    }
    if structured is not None:
        properties["structuredContent"] = structured
    return {"type": "object", "properties": properties, "required": ["content"]}


def _check_timeout(timeout: object) -> None:
    if timeout is None:
        return
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(f"mcp_tools timeout must be a number of seconds or None, got {timeout!r}")
    if not (math.isfinite(timeout) and timeout > 0):
        raise ValueError(
            f"mcp_tools timeout must be a positive, finite number of seconds, got {timeout!r}"
        )


def _named(servers: McpServers) -> dict[str, McpClient]:
    if isinstance(servers, mcp.ClientSession | mcp.Client):
        servers = [servers]
    if isinstance(servers, Mapping):
        named = dict(servers)
    elif isinstance(servers, Iterable) and not isinstance(servers, str | bytes):
        named = {}
        for client in servers:
            _check(client)
            name = _server_name(client)
            if name in named:
                raise ValueError(
                    f"two MCP servers are both named {name!r}: pass a mapping "
                    "{namespace: client} to give each its own namespace"
                )
            named[name] = client
    else:
        raise TypeError(
            "mcp_tools expects a connected mcp.ClientSession or mcp.Client, several, or a "
            f"mapping {{namespace: client}}; got {describe(servers)}"
        )
    for namespace, client in named.items():
        if not isinstance(namespace, str) or not namespace:
            raise TypeError(f"an MCP namespace must be a non-empty str, got {namespace!r}")
        _check(client)
    return named


def _check(client: object) -> None:
    if not isinstance(client, mcp.ClientSession | mcp.Client):
        raise TypeError(
            f"expected a connected mcp.ClientSession or mcp.Client, got {describe(client)}"
        )


def _server_name(client: McpClient) -> str:
    info = client.server_info
    if info is None or not info.name:
        raise ValueError(
            "an MCP server did not report its name: pass a mapping {namespace: client}"
        )
    return info.name


async def _list_tools(client: McpClient, namespace: str) -> list[types.Tool]:
    """All of `client`'s tools, page by page: a cursor seen before, or more than
    `MAX_TOOL_PAGES` pages, is refused (the list would never end)."""
    tools: list[types.Tool] = []
    cursor: str | None = None
    seen: set[str] = set()
    for _ in range(MAX_TOOL_PAGES):
        if isinstance(client, mcp.Client):
            page = await client.list_tools(cursor=cursor)
        else:
            params = None if cursor is None else types.PaginatedRequestParams(cursor=cursor)
            page = await client.list_tools(params=params)
        tools += page.tools
        cursor = page.next_cursor
        if not cursor:
            return tools
        if cursor in seen:
            raise ValueError(
                f"MCP server {namespace!r} sent the tools/list cursor {cursor[:80]!r} twice: "
                "its tool list would never end"
            )
        seen.add(cursor)
    raise ValueError(
        f"MCP server {namespace!r} listed its tools in more than {MAX_TOOL_PAGES} pages: "
        "its tool list seems never to end"
    )


def _handled(
    client: McpClient, namespace: str, tool: types.Tool, timeout: float | None
) -> HandledTool:
    where = f"{normalize_js_name(namespace)}.{normalize_js_name(tool.name)}"

    async def call(arguments: JsonValue) -> JsonValue:
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict):
            raise ToolError(f"MCP tool {where} takes an object argument, got {_js_type(arguments)}")
        try:
            result = await client.call_tool(tool.name, arguments, read_timeout_seconds=timeout)
        except ValidationError as err:
            raise ToolError(
                f"MCP server {namespace!r} sent a malformed result for {tool.name}: "
                + _first_problem(err)
            ) from None
        except Exception as err:  # the SDK's MCPError (connection closed, timeout, …) and others
            raise ToolError(
                f"MCP server {namespace!r} failed to run {tool.name}: {err or type(err).__name__}"
            ) from None
        return _script_value(result, where)

    definition = ToolDefinition(
        name=tool.name,
        description=tool.description or tool.title or "",
        namespace=namespace,
        input_schema=tool.input_schema,
        output_schema=call_tool_result_schema(tool.output_schema),
    )
    return HandledTool(definition, call)


def _script_value(result: types.CallToolResult, where: str) -> JsonValue:
    wire: dict[str, JsonValue] = result.model_dump(by_alias=True, mode="json", exclude_none=True)
    if result.is_error:
        texts = [block.text for block in result.content if isinstance(block, types.TextContent)]
        raise ToolError("\n".join(texts) or f"MCP tool {where} failed")
    return {key: wire[key] for key in _RESULT_KEYS if key in wire}


def _first_problem(err: ValidationError) -> str:
    first = err.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "result"
    more = err.error_count() - 1
    return f"{where}: {first['msg']}" + (f" (and {more} more problems)" if more else "")


def _js_type(value: JsonValue) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"
