"""codecells[mcp]: MCP servers as session tools, and a session as an MCP server.

- `mcp_tools(servers)` turns the tools of connected `mcp.ClientSession`s / `mcp.Client`s into
  session tools, one namespace per server (``tools.<server>.<tool>(args)`` in a script);
  `mcp_instructions(servers)` gives each namespace's description;
- `code_mode_server(session)` serves a session as an MCP server with ``exec`` and ``wait``
  tools (``codecells serve-mcp`` on the command line).
"""

from __future__ import annotations

from .._extra import require

require("mcp", "mcp")

from .client import (  # noqa: E402
    MAX_TOOL_PAGES,
    McpServers,
    call_tool_result_schema,
    mcp_instructions,
    mcp_tools,
)
from .server import code_mode_server, mcp_result  # noqa: E402

__all__ = [
    "MAX_TOOL_PAGES",
    "McpServers",
    "call_tool_result_schema",
    "code_mode_server",
    "mcp_instructions",
    "mcp_result",
    "mcp_tools",
]
