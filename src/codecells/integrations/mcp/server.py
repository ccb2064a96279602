"""A code-mode session served as an MCP server with the ``exec`` and ``wait`` tools."""

from __future__ import annotations

from collections.abc import Mapping

from mcp import types
from mcp.server.mcpserver import MCPServer

from ...agent import CodeMode, ToolOutput
from ...agent.output import NOT_A_DATA_URL, parse_data_url
from ...events import TextItem
from ...session import Session
from .._codemode import as_code_mode, descriptions

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
    `codecells.agent.CodeMode` serves a model. Run it with ``server.run("stdio")``,
    ``server.run("streamable-http", ...)`` or mount ``server.streamable_http_app()``.
    The session must outlive the server.
    """
    code_mode = as_code_mode(target, namespaces, "code_mode_server")
    server = MCPServer(name, instructions="Run JavaScript that calls tools: see `exec`.")

    async def exec(code: str) -> types.CallToolResult:
        return mcp_result(await code_mode.handle_exec({"code": code}))

    async def wait(
        cell_id: str,
        yield_time_ms: int | None = None,
        max_tokens: int | None = None,
        terminate: bool = False,
    ) -> types.CallToolResult:
        arguments = {
            "cell_id": cell_id,
            "yield_time_ms": yield_time_ms,
            "max_tokens": max_tokens,
            "terminate": terminate,
        }
        return mcp_result(await code_mode.handle_wait(arguments))

    described = descriptions(code_mode)
    server.add_tool(exec, name="exec", description=described["exec"])
    server.add_tool(wait, name="wait", description=described["wait"])
    return server


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
