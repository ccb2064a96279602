"""A real MCP server for the tests (mcp's `MCPServer`, the SDK's FastMCP).

``python mcp_server.py NAME stdio`` serves over stdio; ``python mcp_server.py NAME http PORT``
serves streamable HTTP on 127.0.0.1:PORT/mcp. Both servers have a `search` tool, so two of them
clash by name in one session unless namespaced.
"""

from __future__ import annotations

import asyncio
import base64
import os
import sys

from mcp.server.mcpserver import Image, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult
from pydantic import BaseModel

# A 1x1 transparent PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


class Sum(BaseModel):
    total: int
    terms: list[int]


def build(name: str) -> MCPServer:
    server = MCPServer(name, instructions=f"The {name} test server.")

    @server.tool()
    def search(q: str) -> str:
        """Search this server."""
        return f"{name} results for {q}"

    @server.tool()
    def add(a: int, b: int) -> Sum:
        """Add two integers (structured output)."""
        return Sum(total=a + b, terms=[a, b])

    @server.tool(structured_output=False)
    def pixel() -> list[Image | str]:
        """An image and a caption."""
        return [Image(data=PIXEL, format="png"), "a pixel"]

    @server.tool()
    def fail(message: str) -> str:
        """Always fails with `message`."""
        raise ToolError(message)

    @server.tool()
    async def slow(seconds: float, marker: str) -> str:
        """Sleeps, appending "started" and then "cancelled" or "done" to the file `marker`."""
        with open(marker, "a") as out:
            out.write("started ")
        try:
            await asyncio.sleep(seconds)
        except asyncio.CancelledError:
            with open(marker, "a") as out:
                out.write("cancelled")
            raise
        with open(marker, "a") as out:
            out.write("done")
        return "slept"

    @server.tool()
    async def hang() -> str:
        """Never answers."""
        await asyncio.Event().wait()
        return "unreachable"

    @server.tool()
    def die() -> str:
        """The server process exits in the middle of the call."""
        os._exit(3)

    @server.tool()
    def malformed() -> CallToolResult:
        """An image block without data: not a valid MCP result."""
        return CallToolResult.model_construct(content=[{"type": "image", "mimeType": "image/png"}])

    return server


if __name__ == "__main__":
    name, transport = sys.argv[1], sys.argv[2]
    if transport == "stdio":
        build(name).run("stdio")
    else:
        build(name).run("streamable-http", host="127.0.0.1", port=int(sys.argv[3]))
