"""A code-mode tool-calling loop in the OpenAI Responses API style, with a scripted model.

Run it with ``python examples/openai_style.py``; no network, no API key.

The loop is what you would write against ``client.responses.create(input=..., tools=...)``:
the model gets two tools, ``exec`` (a ``custom`` tool: its input is raw JavaScript) and
``wait``; each call it makes is served by `CodeMode.handle` and answered with a
``custom_tool_call_output`` / ``function_call_output`` item. `scripted_model` stands in for
the model: it starts a script, waits while the script reports ``Script running with cell ID
<id>``, then answers from the output.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Generator
from typing import Any

import codecells as cc
from codecells.agent import CodeMode, ToolStyle
from codecells.demo.tools import DEMO_TOOLS

Item = dict[str, Any]

SCRIPT = """// @exec: {"yield_time_ms": 5000, "max_output_tokens": 2000}
const cities = ["Paris", "Tokyo", "Lagos"];
text(`Looking up ${cities.length} cities...`);
yield_control();  // hand this first line to the model now; the script goes on
const reports = await Promise.all(cities.map((city) => tools.weather({ city })));
const warmest = reports.reduce((a, b) => (b.temperature_c > a.temperature_c ? b : a));
await tools.slow_echo({ text: "double-checked", delay: 0.2 });
for (const r of reports) text(`${r.city}: ${r.temperature_c} °C, ${r.sky}`);
text(`Warmest: ${warmest.city}`);
"""


def scripted_model() -> Generator[list[Item], str, None]:
    """The fake model: yields its next output items, receives the latest tool output text."""
    output = yield [
        {"type": "custom_tool_call", "call_id": "call_1", "name": "exec", "input": SCRIPT}
    ]
    turn = 1
    while (running := re.match(r"Script running with cell ID (\S+)", output)) is not None:
        turn += 1
        arguments = json.dumps({"cell_id": running[1], "yield_time_ms": 5000})
        call = {"type": "function_call", "call_id": f"call_{turn}", "name": "wait"}
        output = yield [{**call, "arguments": arguments}]
    warmest = re.search(r"Warmest: (\w+)", output)
    answer = f"The warmest city right now is {warmest[1] if warmest else 'unknown'}."
    yield [
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": answer}],
        }
    ]


async def run(prompt: str) -> str:
    """Run the loop until the model answers; return its answer."""
    async with cc.Session(DEMO_TOOLS) as session:
        code_mode = CodeMode(session)
        tools = code_mode.tool_specs(ToolStyle.OPENAI_RESPONSES)  # pass to responses.create
        assert [t["type"] for t in tools] == ["custom", "function"]
        items: list[Item] = [{"role": "user", "content": prompt}]
        model = scripted_model()
        response = next(model)  # client.responses.create(model=..., input=items, tools=tools)
        while True:
            items += response
            calls = [i for i in response if i["type"] in ("custom_tool_call", "function_call")]
            if not calls:
                return str(response[-1]["content"][0]["text"])
            for call in calls:
                arguments = (
                    call["input"] if call["type"] == "custom_tool_call" else call["arguments"]
                )
                print(f"→ {call['name']} {arguments if call['name'] == 'wait' else '(script)'}")
                result = await code_mode.handle(call["name"], arguments, call_id=call["call_id"])
                print("← " + result.text().replace("\n", "\n  "))
                items.append(
                    {
                        "type": f"{call['type']}_output",
                        "call_id": call["call_id"],
                        "output": result.openai_output(),
                    }
                )
            response = model.send(result.text())


if __name__ == "__main__":
    print(asyncio.run(run("Which of Paris, Tokyo and Lagos is warmest?")))
