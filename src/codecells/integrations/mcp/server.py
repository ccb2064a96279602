"""A code-mode session served as an MCP server with the ``exec`` and ``wait`` tools."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from mcp import types
from mcp.server.mcpserver import Context, MCPServer

from ...agent import EXEC_TOOL_NAME, WAIT_TOOL_NAME, CodeMode, ToolOutput, ToolStyle
from ...agent.output import NOT_A_DATA_URL, parse_data_url
from ...events import TextItem
from ...session import Session
from .._codemode import as_code_mode

__all__ = ["code_mode_server", "mcp_result"]


def code_mode_server(
    target: Session | CodeMode,
    *,
    name: str = "codecells",
    namespaces: Mapping[str, str] | None = None,
) -> MCPServer:
    """An MCP server whose ``exec`` and ``wait`` tools run the cells of a session (or of a
    `CodeMode`, e.g. one with its own ``catalog_threshold``).

    ``exec(code)`` takes JavaScript (with the optional ``// @exec:`` pragma) and ``wait(cell_id,
    yield_time_ms?, max_tokens?, terminate?)`` follows a running cell, exactly as
    `codecells.agent.CodeMode` serves a model: its descriptions, its argument schemas (the
    non-strict ones: an optional argument may be left out or ``null``) and its handling of the
    arguments, messages included. Run it with ``server.run("stdio")``,
    ``server.run("streamable-http", ...)`` or mount ``server.streamable_http_app()``.
    The session must outlive the server.
    """
    return _CodeModeServer(name, as_code_mode(target, namespaces, "code_mode_server"))


class _CodeModeServer(MCPServer[Any]):
    """An MCP server listing ``exec`` and ``wait`` with `CodeMode`'s own specs (descriptions
    and argument schemas, as for a model without strict schemas) and passing each call's raw
    arguments to `CodeMode`'s handlers, which validate them."""

    def __init__(self, name: str, code_mode: CodeMode) -> None:
        super().__init__(name, instructions="Run JavaScript that calls tools: see `exec`.")
        self._specs = code_mode.tool_specs(ToolStyle.ANTHROPIC)
        self._handlers: dict[str, Callable[[dict[str, Any]], Awaitable[ToolOutput]]] = {
            EXEC_TOOL_NAME: code_mode.handle_exec,
            WAIT_TOOL_NAME: code_mode.handle_wait,
        }

    async def list_tools(self) -> list[types.Tool]:
        """``exec`` and ``wait`` as `CodeMode` declares them."""
        return [
            types.Tool(
                name=spec["name"],
                description=spec["description"],
                input_schema=spec["input_schema"],
            )
            for spec in self._specs
        ]

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> types.CallToolResult | types.InputRequiredResult:
        """``exec`` / ``wait`` run by `CodeMode` (a refused call is an ``isError`` result);
        another name is refused by the SDK as an unknown tool."""
        handler = self._handlers.get(name)
        if handler is None:
            return await super().call_tool(name, arguments, context)
        return mcp_result(await handler(arguments))


def mcp_result(output: ToolOutput) -> types.CallToolResult:
    """An ``exec`` / ``wait`` output as an MCP ``CallToolResult`` (images as image blocks)."""
    content: list[types.ContentBlock] = []
    for item in output.items:
        if isinstance(item, TextItem):
            content.append(types.TextContent(text=item.text))
            continue
        image = parse_data_url(item.image_url)
        if image is None:
            content.append(types.TextContent(text=NOT_A_DATA_URL))
        else:
            content.append(types.ImageContent(data=image.data, mime_type=image.media_type))
    return types.CallToolResult(content=content, is_error=output.is_error)
