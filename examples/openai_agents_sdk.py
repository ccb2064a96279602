"""Code mode in the OpenAI Agents SDK, with a scripted model (no network, no API key).

Run it with ``python examples/openai_agents_sdk.py`` (needs ``pip install 'codecells[openai-agents]'``).

`code_mode_tools(session)` gives the agent ``exec`` and ``wait`` as the SDK's own
`FunctionTool`s. An SDK ``@function_tool`` becomes a codecells tool with
`from_function_tool`, so the script can call it too. `ScriptedModel` implements the SDK's
`Model` interface: it writes one script, then answers from the tool output it gets back.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from agents import Agent, ModelResponse, ModelSettings, RunConfig, Runner, Usage, function_tool
from agents.models.interface import Model
from openai.types.responses import (
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseOutputText,
)

import codecells as cc
from codecells.demo.tools import DEMO_TOOLS
from codecells.integrations.openai_agents import code_mode_tools, from_function_tool


@function_tool
def population(city: str) -> int:
    """The population of a city, in thousands."""
    return {"Paris": 2100, "Tokyo": 14000, "Lagos": 15400}.get(city, 0)


SCRIPT = """
const cities = ["Paris", "Tokyo", "Lagos"];
for (const city of cities) {
  const [w, people] = await Promise.all([tools.weather({city}), tools.population({city})]);
  text(`${city}: ${w.temperature_c} °C, ${people}k people`);
}
"""


class ScriptedModel(Model):
    """Calls ``exec`` once, then answers with the last line of the tool output."""

    def __init__(self) -> None:
        self.tool_names: list[str] = []

    async def get_response(
        self,
        system_instructions: Any,
        input: Any,
        model_settings: ModelSettings,
        tools: list[Any],
        *args: Any,
        **kwargs: Any,
    ) -> ModelResponse:
        self.tool_names = [tool.name for tool in tools]
        outputs = [
            i for i in input if isinstance(i, dict) and i.get("type") == "function_call_output"
        ]
        if not outputs:
            call = ResponseFunctionToolCall(
                type="function_call",
                call_id="call_1",
                name="exec",
                arguments=json.dumps({"code": SCRIPT}),
            )
            return ModelResponse(output=[call], usage=Usage(), response_id=None)
        result = outputs[-1]["output"]
        last = result[-1]["text"] if isinstance(result, list) else str(result).splitlines()[-1]
        answer = ResponseOutputText(
            type="output_text", text=f"Most populous: {last}", annotations=[]
        )
        message = ResponseOutputMessage(
            id="msg_1", type="message", role="assistant", status="completed", content=[answer]
        )
        return ModelResponse(output=[message], usage=Usage(), response_id=None)

    def stream_response(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("this example does not stream")


async def main() -> None:
    async with cc.Session([*DEMO_TOOLS, from_function_tool(population)]) as session:
        model = ScriptedModel()
        agent = Agent(name="assistant", model=model, tools=code_mode_tools(session))
        result = await Runner.run(
            agent,
            "How warm and how big are Paris, Tokyo and Lagos?",
            run_config=RunConfig(tracing_disabled=True),
        )
        print("tools:", ", ".join(model.tool_names))
        for item in result.new_items:
            if item.type == "tool_call_output_item":
                for part in item.output:  # ToolOutputText / ToolOutputImage, as the SDK keeps them
                    print(part.text if part.type == "text" else f"[image {part.image_url[:22]}…]")
        print(result.final_output)


if __name__ == "__main__":
    asyncio.run(main())
