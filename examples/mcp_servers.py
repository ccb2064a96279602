"""Two MCP servers' tools in one code-mode session, with a scripted model (no network).

Run it with ``python examples/mcp_servers.py`` (needs ``pip install 'codecells[mcp]'``).

Both servers have a ``search`` tool; `mcp_tools` puts each server in its own namespace, so the
script calls ``tools.docs.search`` and ``tools.tickets.search``. The servers here are
in-process `MCPServer`s reached through `mcp.Client`; a server over stdio
(``mcp.Client(StdioServerParameters(...))``) or streamable HTTP (``mcp.Client(url)``) works
the same. The scripted model makes one ``exec`` call through `CodeMode` and answers.
"""

from __future__ import annotations

import asyncio

import mcp
from mcp.server.mcpserver import MCPServer

import codecells as cc
from codecells.agent import CodeMode
from codecells.integrations.mcp import mcp_instructions, mcp_tools


def docs_server() -> MCPServer:
    server = MCPServer("docs", instructions="Product documentation.")

    @server.tool()
    def search(query: str) -> list[str]:
        """Search the documentation; returns page titles."""
        return [f"Configuring {query}", f"Troubleshooting {query}"]

    return server


def tickets_server() -> MCPServer:
    server = MCPServer("tickets", instructions="The support ticket tracker.")

    @server.tool()
    def search(query: str, open_only: bool = True) -> list[dict[str, object]]:
        """Search support tickets."""
        return [{"id": 17, "title": f"{query} times out", "open": True}]

    return server


SCRIPT = """
const [pages, tickets] = await Promise.all([
  tools.docs.search({query: "webhooks"}),
  tools.tickets.search({query: "webhooks"}),
]);
text(`docs: ${pages.structuredContent.result.join("; ")}`);
for (const t of tickets.structuredContent.result) text(`ticket #${t.id}: ${t.title}`);
"""


async def main() -> None:
    async with mcp.Client(docs_server()) as docs, mcp.Client(tickets_server()) as tickets:
        servers = [docs, tickets]  # each in the namespace its server reports
        async with cc.Session(await mcp_tools(servers)) as session:
            code_mode = CodeMode(session, namespaces=await mcp_instructions(servers))
            description = code_mode.tool_specs()[0]["function"]["description"]
            for block in description.split("```ts\n")[1:]:  # each tool's TypeScript declaration
                declaration = block.split("\n```")[0]
                if declaration.startswith("declare const tools"):
                    print(declaration)
            result = await code_mode.handle("exec", {"code": SCRIPT}, call_id="call_1")
            print(result.text())
            ticket = next(line for line in result.text().splitlines() if line.startswith("ticket"))
            print(f"Answer: see the docs, and {ticket.split(':')[0]} is already open.")


if __name__ == "__main__":
    asyncio.run(main())
