"""A hand-written MCP server over stdio that answers every tool call with content that is not
valid MCP (an image block without data), which a real SDK server would refuse to send.

Its argument says how it pages ``tools/list``: ``one`` (a single page), ``repeat`` (always the
same ``nextCursor``) or ``endless`` (a new ``nextCursor`` on every page)."""

from __future__ import annotations

import json
import sys

PAGING = sys.argv[1] if len(sys.argv) > 1 else "one"


def reply(request_id: object, result: dict[str, object]) -> None:
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": request_id, "result": result}) + "\n")
    sys.stdout.flush()


TOOL = {"name": "broken", "description": "Answers garbage.", "inputSchema": {"type": "object"}}
pages = 0

for line in sys.stdin:
    message = json.loads(line)
    method, request_id = message.get("method"), message.get("id")
    if request_id is None:
        continue  # a notification
    if method == "initialize":
        reply(
            request_id,
            {
                "protocolVersion": message["params"]["protocolVersion"],
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "raw", "version": "0"},
            },
        )
    elif method == "tools/list":
        pages += 1
        if PAGING == "one":
            reply(request_id, {"tools": [TOOL]})
        else:
            tool = {**TOOL, "name": f"broken{pages}"}
            cursor = "again" if PAGING == "repeat" else f"page{pages}"
            reply(request_id, {"tools": [tool], "nextCursor": cursor})
    elif method == "tools/call":
        reply(request_id, {"content": [{"type": "image", "mimeType": "image/png"}]})
    else:
        sys.stdout.write(
            json.dumps(
                {
                    "jsonrpc": "2.0",
                    "id": request_id,
                    "error": {"code": -32601, "message": "no such method"},
                }
            )
            + "\n"
        )
        sys.stdout.flush()
