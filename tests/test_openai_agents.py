"""codecells[openai-agents]: code mode as Agents SDK tools, driven by `Runner.run` with a
scripted `Model`; SDK function tools as codecells tools."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from agents import (
    Agent,
    FunctionTool,
    ModelResponse,
    RunConfig,
    Runner,
    ToolOutputImage,
    ToolOutputText,
    Usage,
    function_tool,
)
from agents.models.interface import Model
from agents.strict_schema import ensure_strict_json_schema
from agents.tool_context import ToolContext
from openai.types.responses import (
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseOutputText,
)
from support import script_texts

import codecells as cc
from codecells.integrations.openai_agents import code_mode_tools, from_function_tool

PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


class Scripted(Model):
    """Makes the given tool calls, one per turn, then says "done"; records what it was sent."""

    def __init__(self, *calls: tuple[str, dict[str, Any]]) -> None:
        self.calls = list(calls)
        self.inputs: list[Any] = []

    async def get_response(
        self, system_instructions: Any, input: Any, *args: Any, **kw: Any
    ) -> ModelResponse:
        self.inputs.append(copy.deepcopy(input))
        if self.calls:
            name, arguments = self.calls.pop(0)
            call = ResponseFunctionToolCall(
                type="function_call",
                call_id=f"call_{len(self.inputs)}",
                name=name,
                arguments=json.dumps(arguments),
            )
            return ModelResponse(output=[call], usage=Usage(), response_id=None)
        done = ResponseOutputText(type="output_text", text="done", annotations=[])
        message = ResponseOutputMessage(
            id="m", type="message", role="assistant", status="completed", content=[done]
        )
        return ModelResponse(output=[message], usage=Usage(), response_id=None)

    def stream_response(self, *args: Any, **kw: Any) -> Any:
        raise NotImplementedError


def outputs(model: Scripted) -> list[Any]:
    return [
        i["output"]
        for i in model.inputs[-1]
        if isinstance(i, dict) and i.get("type") == "function_call_output"
    ]


async def run(session: cc.Session, model: Scripted) -> None:
    agent = Agent(name="a", model=model, tools=code_mode_tools(session))
    result = await Runner.run(agent, "go", run_config=RunConfig(tracing_disabled=True))
    assert result.final_output == "done"


async def test_exec_and_wait_through_runner_keep_images_and_running_cells() -> None:
    model = Scripted(
        (
            "exec",
            {
                "code": f'image("{PIXEL}", "low"); yield_control(); await tools.slow_echo({{text: "x", delay: 0.2}}); text("end")'
            },
        ),
        ("wait", {"cell_id": "1", "yield_time_ms": 10000, "max_tokens": None, "terminate": None}),
    )
    from codecells.demo.tools import DEMO_TOOLS

    async with cc.Session(DEMO_TOOLS) as session:
        await run(session, model)
    first, second = outputs(model)
    assert first[0] == {"type": "input_text", "text": "Script running with cell ID 1\nOutput:"}
    assert first[1]["type"] == "input_image" and first[1]["image_url"] == PIXEL
    assert first[1]["detail"] == "low"
    assert [part["text"] for part in second] == ["Script completed\nOutput:", "end"]


IMAGES = (
    'image("data:image/svg+xml;base64,PHN2Zy8+"); image("data:image/bmp;base64,Qk0=");'
    ' image("data:image/jpg;base64,/9j/", "low")'
)


async def test_images_a_provider_rejects_are_left_out_and_jpg_becomes_jpeg() -> None:
    model = Scripted(("exec", {"code": IMAGES}))
    async with cc.Session() as session:
        await run(session, model)
    [parts] = outputs(model)
    assert parts[1:] == [
        {
            "type": "input_text",
            "text": "[image of type image/svg+xml left out: the model accepts gif, jpeg, png, webp]",
        },
        {
            "type": "input_text",
            "text": "[image of type image/bmp left out: the model accepts gif, jpeg, png, webp]",
        },
        {"type": "input_image", "image_url": "data:image/jpeg;base64,/9j/", "detail": "low"},
    ]


async def test_tool_schemas_are_strict_and_stay_so_under_the_sdk() -> None:
    async with cc.Session() as session:
        exec_tool, wait_tool = code_mode_tools(session)
    for tool in (exec_tool, wait_tool):
        assert isinstance(tool, FunctionTool) and tool.strict_json_schema
        schema = tool.params_json_schema
        assert schema["additionalProperties"] is False
        assert set(schema["required"]) == set(schema["properties"])
        assert ensure_strict_json_schema(copy.deepcopy(schema)) == schema
    assert wait_tool.params_json_schema["properties"]["terminate"]["type"] == ["boolean", "null"]


async def test_bad_model_arguments_come_back_as_an_error_output() -> None:
    model = Scripted(
        ("wait", {"cell_id": "9", "yield_time_ms": None, "max_tokens": None, "terminate": True})
    )
    async with cc.Session() as session:
        await run(session, model)
    assert outputs(model) == [[{"type": "input_text", "text": "exec cell 9 not found"}]]


@function_tool
def shout(text: str) -> str:
    """Upper-case the text."""
    return text.upper()


async def broken(context: Any, arguments: str) -> str:
    raise RuntimeError("backend down")


async def test_sdk_function_tools_become_codecells_tools() -> None:
    down = FunctionTool("down", "Always down", {"type": "object", "properties": {}}, broken)
    tools = [from_function_tool(shout, namespace="sdk"), from_function_tool(down)]
    assert tools[0].definition.input_schema == shout.params_json_schema
    shouted, down_message = await script_texts(
        tools,
        'text(await tools.sdk.shout({text: "hi"})); await tools.down().catch((e) => text(e));',
    )
    assert (shouted, down_message) == ("HI", "backend down")


@function_tool
def population(city: str) -> int:
    """The population of a city."""
    raise LookupError(f"no data for {city}")


async def test_a_decorated_tool_that_raises_or_is_refused_rejects_with_its_message() -> None:
    # @function_tool's default failure_error_function would turn each of these into the
    # resolved text "An error occurred while running the tool. Please try again."
    tools = [from_function_tool(population), from_function_tool(shout)]
    settled = await script_texts(
        tools,
        "for (const call of [() => tools.population({city: 'Atlantis'}),"
        " () => tools.shout({wrong: 1}), () => tools.shout('hi')]) {"
        " await call().then((r) => text('resolved ' + r), (e) => text('rejected ' + e)); }",
    )
    assert settled[0] == "rejected no data for Atlantis"
    assert settled[1].startswith("rejected Invalid JSON input for tool shout")
    assert settled[2] == "rejected Invalid JSON input for tool shout: expected a JSON object"


async def test_a_refused_argument_is_detailed_when_the_sdk_keeps_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("agents._debug.DONT_LOG_TOOL_DATA", False)
    [refused] = await script_texts(
        [from_function_tool(shout)], "await tools.shout({}).catch((e) => text(e))"
    )
    assert refused == "invalid arguments for tool shout: text: Field required"


async def test_the_sdk_still_reports_a_decorated_tool_failure_to_its_model() -> None:
    from_function_tool(population)  # the caller's tool keeps its own failure handling
    context: ToolContext[None] = ToolContext(
        None, tool_name="population", tool_call_id="c", tool_arguments='{"city": "X"}'
    )
    assert "error occurred" in await population.on_invoke_tool(context, '{"city": "X"}')


def test_wrong_objects_are_refused_clearly() -> None:
    with pytest.raises(
        TypeError,
        match=r"code_mode_tools expects a codecells\.Session or CodeMode, got builtins\.list",
    ):
        code_mode_tools([])  # type: ignore[arg-type]
    with pytest.raises(
        TypeError,
        match=r"from_function_tool expects an agents\.FunctionTool, got builtins\.function",
    ):
        from_function_tool(broken)  # type: ignore[arg-type]


def test_outputs_map_text_and_images() -> None:
    from codecells.agent import ToolOutput
    from codecells.integrations.openai_agents import tool_outputs

    output = ToolOutput((cc.TextItem(text="a"), cc.ImageItem(image_url=PIXEL, detail="original")))
    assert tool_outputs(output) == [
        ToolOutputText(text="a"),
        ToolOutputImage(image_url=PIXEL, detail="high"),
    ]
