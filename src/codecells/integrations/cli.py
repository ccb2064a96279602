"""``codecells serve-mcp``: a code-mode session served as an MCP server (``exec`` / ``wait``).

Registered with the ``codecells`` command without importing the MCP SDK: it is imported when
the command runs, with a clear message if the ``mcp`` extra is missing."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from ..session import Session

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``serve-mcp`` to the ``codecells`` subcommands."""
    p = sub.add_parser(
        "serve-mcp",
        help="serve a code-mode session as an MCP server with exec and wait tools",
        description=(
            "Serve one code-mode session as an MCP server: its `exec` tool runs JavaScript in "
            "a cell, `wait` follows a running cell. Needs the mcp extra "
            "(pip install 'codecells[mcp]')."
        ),
    )
    p.add_argument(
        "--tools",
        metavar="MODULE:ATTR",
        help="a list of ToolDefinitions and/or functions to offer (default: the demo tools)",
    )
    p.add_argument(
        "--transport",
        choices=["stdio", "streamable-http"],
        default="stdio",
        help="how clients connect (default: stdio)",
    )
    p.add_argument("--host", default="127.0.0.1", help="streamable-http: the address to bind")
    p.add_argument(
        "--port", type=int, default=8000, help="streamable-http: the port (default 8000)"
    )
    p.add_argument("--name", default="codecells", help="the server name reported to clients")
    p.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    from ..agent.cli import _load_tools

    try:
        from .mcp import code_mode_server

        tools = _load_tools(args.tools)
    except (ImportError, ValueError) as err:
        print(f"codecells serve-mcp: {err}", file=sys.stderr)
        return 2

    async def serve() -> None:
        async with Session(tools) as session:
            server = code_mode_server(session, name=args.name)
            if args.transport == "stdio":
                await server.run_stdio_async()
            else:
                await server.run_streamable_http_async(host=args.host, port=args.port)

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        return 130
    return 0
