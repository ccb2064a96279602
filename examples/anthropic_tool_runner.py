"""Code mode with the Anthropic SDK's tool runner, against a scripted transport (no network).

Run it with ``python examples/anthropic_tool_runner.py`` (needs ``pip install 'codecells[anthropic]'``).

`code_mode_tools(session)` gives ``client.beta.messages.tool_runner`` the ``exec`` and ``wait``
tools. The client is the SDK's own ``AsyncAnthropic``; only its HTTP transport is scripted
(`httpx2.MockTransport`): the "model" runs a script that fails on purpose, reads the error
(sent back with ``is_error: true``), runs a fixed script, and answers.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2 as httpx  # the HTTP client the Anthropic SDK uses
from anthropic import AsyncAnthropic

import codecells as cc
from codecells.demo.tools import DEMO_TOOLS
from codecells.integrations.anthropic import code_mode_tools

SCRIPTS = [
    'const w = await tools.weather({town: "Paris"}); text(w.city)',  # wrong argument name
    'const w = await tools.weather({city: "Paris"}); text(`${w.city}: ${w.temperature_c} °C`)',
]


class ScriptedModel:
    """Answers Messages API requests: one ``exec`` per script, then a final text."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        turn = len(self.requests) - 1
        if turn < len(SCRIPTS):
            content: list[dict[str, Any]] = [
                {
                    "type": "tool_use",
                    "id": f"toolu_{turn}",
                    "name": "exec",
                    "input": {"code": SCRIPTS[turn]},
                }
            ]
            stop = "tool_use"
        else:
            result = body["messages"][-1]["content"][0]
            last = result["content"][-1]["text"]
            content, stop = (
                [{"type": "text", "text": f"It is {last.split(': ')[1]} in Paris."}],
                "end_turn",
            )
        return httpx.Response(
            200,
            json={
                "id": f"msg_{turn}",
                "type": "message",
                "role": "assistant",
                "model": "scripted",
                "content": content,
                "stop_reason": stop,
                "stop_sequence": None,
                "usage": {"input_tokens": 1, "output_tokens": 1},
            },
        )


async def main() -> None:
    model = ScriptedModel()
    http = httpx.AsyncClient(transport=httpx.MockTransport(model))
    client = AsyncAnthropic(api_key="not-used", http_client=http)
    async with cc.Session(DEMO_TOOLS) as session:
        runner = client.beta.messages.tool_runner(
            model="scripted",
            max_tokens=1024,
            tools=code_mode_tools(session),
            messages=[{"role": "user", "content": "How warm is Paris?"}],
        )
        final = await runner.until_done()
    for request in model.requests[1:]:
        result = request["messages"][-1]["content"][0]
        print(
            f"tool_result is_error={result.get('is_error', False)}:",
            " | ".join(block["text"].replace("\n", " ") for block in result["content"]),
        )
    print(final.content[0].text)


if __name__ == "__main__":
    asyncio.run(main())
