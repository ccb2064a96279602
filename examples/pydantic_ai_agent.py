"""Code mode in a pydantic-ai agent, with pydantic-ai's `FunctionModel` (no network, no key).

Run it with ``python examples/pydantic_ai_agent.py`` (needs ``pip install 'codecells[pydantic-ai]'``).

`code_mode_toolset(session)` gives the agent ``exec`` and ``wait`` as a toolset; a
pydantic-ai `Tool` becomes a codecells tool with `from_pydantic_ai_tool`. The scripted model
writes one script that draws a chart image, then answers from the output it gets back.
"""

from __future__ import annotations

import asyncio

from pydantic_ai import Agent, BinaryContent, Tool
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

import codecells as cc
from codecells.integrations.pydantic_ai import code_mode_toolset, from_pydantic_ai_tool

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def sales(region: str) -> list[int]:
    """Monthly sales of a region."""
    return {"north": [3, 5, 8], "south": [7, 4, 2]}[region]


def chart(values: list[int]) -> str:
    """A (one-pixel) chart of the values, as a data URL."""
    return f"data:image/png;base64,{PNG}"


SCRIPT = """
const regions = ["north", "south"];
const totals = {};
for (const region of regions) {
  const months = await tools.sales({region});
  totals[region] = months.reduce((a, b) => a + b, 0);
}
image(await tools.chart({values: Object.values(totals)}));
text(JSON.stringify(totals));
"""


def scripted(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """Call ``exec`` once; then answer from its output."""
    returns = [
        p for m in messages for p in getattr(m, "parts", []) if isinstance(p, ToolReturnPart)
    ]
    if not returns:
        return ModelResponse(parts=[ToolCallPart("exec", {"code": SCRIPT}, tool_call_id="c1")])
    content = returns[-1].content
    images = sum(isinstance(part, BinaryContent) for part in content)
    return ModelResponse(parts=[TextPart(f"totals {content[-1]}, with {images} chart")])


async def main() -> None:
    tools = [from_pydantic_ai_tool(Tool(sales)), from_pydantic_ai_tool(Tool(chart))]
    async with cc.Session(tools) as session:
        agent = Agent(FunctionModel(scripted), toolsets=[code_mode_toolset(session)])
        result = await agent.run("Which region sold more?")
    print(result.output)


if __name__ == "__main__":
    asyncio.run(main())
