"""codecells[pydantic-ai]: code mode as a toolset driven by pydantic-ai's `FunctionModel`,
and pydantic-ai tools as codecells tools."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic_ai import Agent, BinaryContent, ModelRetry, RunContext, Tool
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from support import script_texts

import codecells as cc
from codecells.agent import CodeMode, ToolStyle
from codecells.demo.tools import DEMO_TOOLS
from codecells.integrations.pydantic_ai import code_mode_toolset, from_pydantic_ai_tool

PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def scripted(
    *calls: tuple[str, dict[str, Any] | str],
) -> tuple[FunctionModel, list[ToolReturnPart]]:
    """A model making `calls` in turn, then answering "done"; returns it and the tool returns."""
    pending = list(calls)
    seen: list[ToolReturnPart] = []

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.extend(p for p in getattr(messages[-1], "parts", []) if isinstance(p, ToolReturnPart))
        if pending:
            name, args = pending.pop(0)
            return ModelResponse(parts=[ToolCallPart(name, args, tool_call_id=f"c{len(pending)}")])
        return ModelResponse(parts=[TextPart("done")])

    return FunctionModel(respond), seen


async def test_exec_and_wait_as_a_toolset_keep_images_and_running_cells() -> None:
    model, seen = scripted(
        (
            "exec",
            {
                "code": f'image("{PIXEL}"); yield_control(); await tools.slow_echo({{text: "x", delay: 0.2}}); text("end")'
            },
        ),
        ("wait", {"cell_id": "1", "yield_time_ms": 10000}),
        ("wait", {"cell_id": "1"}),
    )
    async with cc.Session(DEMO_TOOLS) as session:
        toolset = code_mode_toolset(session)
        result = await Agent(model, toolsets=[toolset]).run("go")
    assert result.output == "done"
    running, completed, gone = (part.content for part in seen)
    assert running[0] == "Script running with cell ID 1\nOutput:"
    assert isinstance(running[1], BinaryContent) and running[1].media_type == "image/png"
    assert completed == ["Script completed\nOutput:", "end"]
    assert [part.outcome for part in seen] == ["success", "success", "failed"]
    assert gone == "exec cell 1 not found"


async def test_a_failed_script_or_refused_call_is_a_failed_tool_result() -> None:
    model, seen = scripted(
        ("exec", {"code": "throw new Error('boom')"}),
        ("exec", {"code": "image('data:image/png;base64,iVBORw=='); throw new Error('drawn')"}),
        ("wait", {"cell_id": 7, "yield_time_ms": None}),  # a number is read as the id's text
        ("wait", {"cell_id": "1", "yield_time_ms": -1}),
        ("wait", "[1]"),  # not an object: pydantic-ai asks the model again
    )
    async with cc.Session() as session:
        await Agent(model, toolsets=[code_mode_toolset(session)]).run("go")
    failed, drawn, unknown, refused, not_an_object = seen
    assert not_an_object.outcome == "retried"
    assert failed.outcome == "failed" and failed.content.startswith(
        "Script failed\nOutput:\nScript error:\nError: boom"
    )
    # images only travel in an ordinary result: its text still says the script failed
    assert drawn.outcome == "success" and drawn.content[0] == "Script failed\nOutput:"
    assert isinstance(drawn.content[1], BinaryContent)
    assert (unknown.outcome, unknown.content) == ("failed", "exec cell 7 not found")
    assert refused.outcome == "failed"
    assert refused.content.startswith("invalid arguments for tool wait: yield_time_ms")


async def test_exec_and_wait_are_declared_as_code_mode_declares_them() -> None:
    declared: dict[str, Any] = {}

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        declared.update({t.name: t for t in info.function_tools})
        return ModelResponse(parts=[TextPart("done")])

    async with cc.Session() as session:
        await Agent(FunctionModel(respond), toolsets=[code_mode_toolset(session)]).run("go")
        specs = CodeMode(session).tool_specs(ToolStyle.ANTHROPIC)
    assert {name: (t.description, t.parameters_json_schema) for name, t in declared.items()} == {
        spec["name"]: (spec["description"], spec["input_schema"]) for spec in specs
    }


async def test_images_a_provider_rejects_are_left_out_and_jpg_becomes_jpeg() -> None:
    code = (
        'image("data:image/svg+xml;base64,PHN2Zy8+"); image("data:image/bmp;base64,Qk0=");'
        ' image("data:image/jpg;base64,/9j/")'
    )
    model, seen = scripted(("exec", {"code": code}))
    async with cc.Session() as session:
        await Agent(model, toolsets=[code_mode_toolset(session)]).run("go")
    [(_, svg, bmp, jpeg)] = (part.content for part in seen)
    assert svg == "[image of type image/svg+xml left out: the model accepts gif, jpeg, png, webp]"
    assert bmp == "[image of type image/bmp left out: the model accepts gif, jpeg, png, webp]"
    assert jpeg == BinaryContent(data=b"\xff\xd8\xff", media_type="image/jpeg")


def lookup(key: str) -> dict[str, str]:
    """Look a key up."""
    if key == "retry":
        raise ModelRetry("try another key")
    return {"key": key, "value": key[::-1]}


def with_context(ctx: RunContext[None], key: str) -> str:
    """Needs the run context."""
    return key


async def test_pydantic_ai_tools_become_codecells_tools() -> None:
    tool = from_pydantic_ai_tool(Tool(lookup), namespace="kv")
    assert (
        tool.definition.input_schema is not None
        and "key" in tool.definition.input_schema["properties"]
    )
    value, retry, invalid = await script_texts(
        [tool],
        'text((await tools.kv.lookup({key: "abc"})).value);'
        'await tools.kv.lookup({key: "retry"}).catch((e) => text(e));'
        "await tools.kv.lookup({key: 1}).catch((e) => text(e));",
    )
    assert (value, retry) == ("cba", "try another key")
    assert invalid.startswith("invalid arguments for tool lookup: key: ")


def test_wrong_objects_are_refused_clearly() -> None:
    with pytest.raises(
        TypeError, match=r"code_mode_toolset expects a codecells\.Session or CodeMode"
    ):
        code_mode_toolset(object())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"expects a pydantic_ai\.Tool, got builtins\.function"):
        from_pydantic_ai_tool(lookup)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="takes a RunContext, which exists only in an agent run"):
        from_pydantic_ai_tool(Tool(with_context))
