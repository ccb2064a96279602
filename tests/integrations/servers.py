"""Start the test MCP servers: over stdio (a subprocess per connection) or streamable HTTP on
127.0.0.1 (one subprocess on a free port, for a whole test module)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import mcp
from mcp.client.streamable_http import streamable_http_client

SERVER = str(Path(__file__).with_name("mcp_server.py"))


def stdio_params(name: str) -> mcp.StdioServerParameters:
    return mcp.StdioServerParameters(command=sys.executable, args=[SERVER, name, "stdio"])


@contextlib.asynccontextmanager
async def stdio_session(name: str) -> AsyncIterator[mcp.ClientSession]:
    """A `ClientSession` connected to a fresh stdio server subprocess named `name`."""
    async with mcp.stdio_client(stdio_params(name)) as (read, write):
        async with mcp.ClientSession(read, write) as session:
            await session.initialize()
            yield session


@contextlib.asynccontextmanager
async def http_session(url: str) -> AsyncIterator[mcp.ClientSession]:
    """A `ClientSession` connected over streamable HTTP to `url`."""
    async with streamable_http_client(url) as (read, write):
        async with mcp.ClientSession(read, write) as session:
            await session.initialize()
            yield session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def http_server(name: str, timeout: float = 30.0) -> Iterator[str]:
    """Run server `name` over streamable HTTP on 127.0.0.1; yields its URL, stops it after."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, SERVER, name, "http", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:  # another process: nothing to await but its port accepting connections
            assert process.poll() is None, f"MCP server {name} exited with {process.returncode}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"MCP server {name} did not start"
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
