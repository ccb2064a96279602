"""codecells[anthropic]: code mode with the Anthropic SDK's tool runner, its HTTP transport
scripted (`httpx2.MockTransport`, the SDK's own client otherwise)."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from anthropic import AsyncAnthropic

import codecells as cc
from codecells.integrations.anthropic import CodeModeTool, code_mode_tools

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


class Scripted:
    """Makes `calls` (tool name, input), one per request, then ends the turn."""

    def __init__(self, *calls: tuple[str, dict[str, Any]]) -> None:
        self.calls = list(calls)
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(json.loads(request.content))
        n = len(self.requests)
        if self.calls:
            name, arguments = self.calls.pop(0)
            content: list[dict[str, Any]] = [
                {"type": "tool_use", "id": f"toolu_{n}", "name": name, "input": arguments}
            ]
            stop = "tool_use"
        else:
            content, stop = [{"type": "text", "text": "done"}], "end_turn"
        message = {"id": f"msg_{n}", "type": "message", "role": "assistant", "model": "m"}
        usage = {"input_tokens": 1, "output_tokens": 1}
        return httpx2.Response(
            200,
            json={
                **message,
                "content": content,
                "stop_reason": stop,
                "stop_sequence": None,
                "usage": usage,
            },
        )

    def results(self) -> list[dict[str, Any]]:
        return [r["messages"][-1]["content"][0] for r in self.requests[1:]]


async def run(session: cc.Session, model: Scripted) -> None:
    client = AsyncAnthropic(
        api_key="unused", http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(model))
    )
    runner = client.beta.messages.tool_runner(
        model="m",
        max_tokens=100,
        tools=code_mode_tools(session),
        messages=[{"role": "user", "content": "go"}],
    )
    final = await runner.until_done()
    assert final.content[0].type == "text"


async def test_images_and_running_cells_through_the_tool_runner() -> None:
    model = Scripted(
        (
            "exec",
            {
                "code": f'image("data:image/png;base64,{PNG}"); yield_control(); await new Promise(() => {{}})'
            },
        ),
        ("wait", {"cell_id": "1", "terminate": True}),
    )
    async with cc.Session() as session:
        await run(session, model)
    assert [t["name"] for t in model.requests[0]["tools"]] == ["exec", "wait"]
    running, terminated = model.results()
    assert running["tool_use_id"] == "toolu_1" and not running.get("is_error", False)
    assert running["content"] == [
        {"type": "text", "text": "Script running with cell ID 1\nOutput:"},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
    ]
    assert terminated["content"] == [{"type": "text", "text": "Script terminated\nOutput:"}]


async def test_failed_scripts_and_refused_calls_are_sent_with_is_error() -> None:
    model = Scripted(
        ("exec", {"code": 'text("partial"); throw new Error("boom")'}),
        ("wait", {"cell_id": "7"}),
        ("exec", {"wrong": 1}),
    )
    async with cc.Session() as session:
        await run(session, model)
    failed, missing, invalid = model.results()
    assert failed["is_error"] is True
    assert [b["text"] for b in failed["content"]][:2] == ["Script failed\nOutput:", "partial"]
    assert failed["content"][2]["text"].startswith("Script error:\nError: boom")
    assert missing["is_error"] is True and missing["content"] == [
        {"type": "text", "text": "exec cell 7 not found"}
    ]
    assert (
        invalid["is_error"] is True
        and "invalid arguments for tool exec" in invalid["content"][0]["text"]
    )


def test_wrong_objects_are_refused_clearly() -> None:
    with pytest.raises(
        TypeError,
        match=r"code_mode_tools expects a codecells\.Session or CodeMode, got builtins\.str",
    ):
        code_mode_tools("session")  # type: ignore[arg-type]


async def test_tools_are_the_sdks_runnable_tool_type() -> None:
    from anthropic.lib.tools import BetaAsyncBuiltinFunctionTool, ToolError

    async with cc.Session() as session:
        tools = code_mode_tools(session)
    assert all(isinstance(t, CodeModeTool | BetaAsyncBuiltinFunctionTool) for t in tools)
    assert [t.name for t in tools] == ["exec", "wait"]
    with pytest.raises(ToolError, match="^exec expects a JSON object, got str$"):
        await tools[0].call("text(1)")
    assert tools[0].to_dict()["input_schema"]["required"] == ["code"]  # type: ignore[typeddict-item]
