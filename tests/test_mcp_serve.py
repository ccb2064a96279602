"""A code-mode session served as an MCP server (``code_mode_server``, ``codecells serve-mcp``),
driven by the MCP SDK's own client."""

from __future__ import annotations

import sys

import mcp
import pytest
from mcp import types

import codecells as cc
from codecells.agent import CodeMode, ToolStyle, exec_parameters, wait_parameters
from codecells.demo.tools import DEMO_TOOLS
from codecells.integrations.mcp import code_mode_server

PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def text_of(result: types.CallToolResult) -> str:
    return "\n".join(b.text for b in result.content if isinstance(b, types.TextContent))


async def test_exec_and_wait_over_mcp_keep_images_errors_and_running_cells() -> None:
    async with cc.Session(DEMO_TOOLS) as session:
        async with mcp.Client(code_mode_server(session)) as client:
            listed = await client.list_tools()
            assert [t.name for t in listed.tools] == ["exec", "wait"]
            assert "declare const tools: { weather(" in (listed.tools[0].description or "")

            done = await client.call_tool(
                "exec",
                {
                    "code": f'text((await tools.add({{a: 1, b: 2}}))); image("data:image/png;base64,{PIXEL}")'
                },
            )
            assert not done.is_error
            assert text_of(done) == "Script completed\nOutput:\n3"
            image = done.content[-1]
            assert isinstance(image, types.ImageContent)
            assert (image.mime_type, image.data) == ("image/png", PIXEL)

            failed = await client.call_tool("exec", {"code": "throw new Error('boom')"})
            assert failed.is_error and "Script error:\nError: boom" in text_of(failed)

            running = await client.call_tool(
                "exec",
                {
                    "code": 'text("first"); yield_control(); await tools.slow_echo({text: "x", delay: 0.3}); text("second")'
                },
            )
            assert text_of(running) == "Script running with cell ID 3\nOutput:\nfirst"
            rest = await client.call_tool("wait", {"cell_id": "3", "yield_time_ms": 10000})
            assert text_of(rest) == "Script completed\nOutput:\nsecond"

            gone = await client.call_tool("wait", {"cell_id": "3"})
            assert gone.is_error and text_of(gone) == "exec cell 3 not found"


async def test_terminate_through_wait() -> None:
    async with cc.Session() as session:
        async with mcp.Client(code_mode_server(session)) as client:
            running = await client.call_tool(
                "exec", {"code": '// @exec: {"yield_time_ms": 0}\nawait new Promise(() => {})'}
            )
            assert text_of(running).startswith("Script running with cell ID 1")
            stopped = await client.call_tool("wait", {"cell_id": "1", "terminate": True})
            assert text_of(stopped) == "Script terminated\nOutput:"


async def test_exec_and_wait_are_declared_and_handled_as_code_mode_does() -> None:
    async with cc.Session() as session:
        code_mode = CodeMode(session)
        served = {spec["name"]: spec for spec in code_mode.tool_specs(ToolStyle.ANTHROPIC)}
        async with mcp.Client(code_mode_server(code_mode)) as client:
            listed = {t.name: t for t in (await client.list_tools()).tools}
            assert {name: t.input_schema for name, t in listed.items()} == {
                "exec": exec_parameters(),
                "wait": wait_parameters(strict=False),
            }
            assert {name: t.description for name, t in listed.items()} == {
                name: spec["description"] for name, spec in served.items()
            }
            await client.call_tool(
                "exec", {"code": '// @exec: {"yield_time_ms": 0}\nawait new Promise(() => {})'}
            )
            # a number is read as the cell id's text, and null means the default
            followed = await client.call_tool(
                "wait", {"cell_id": 1, "yield_time_ms": 0, "max_tokens": None, "terminate": None}
            )
            assert text_of(followed) == "Script running with cell ID 1\nOutput:"
            for arguments in ({"cell_id": "1", "yield_time_ms": 1e300}, {"id": "1"}, {}):
                refused = await client.call_tool("wait", arguments)
                expected = await code_mode.handle_wait(arguments)
                assert refused.is_error and expected.is_error
                assert text_of(refused) == expected.text()
            refused = await client.call_tool("exec", {"code": 42})
            assert refused.is_error
            assert text_of(refused) == (await code_mode.handle_exec({"code": 42})).text()


def test_code_mode_server_refuses_what_is_not_a_session() -> None:
    with pytest.raises(TypeError, match="code_mode_server expects a codecells.Session"):
        code_mode_server(DEMO_TOOLS)  # type: ignore[arg-type]


async def test_serve_mcp_command_over_stdio() -> None:
    params = mcp.StdioServerParameters(
        command=sys.executable, args=["-m", "codecells.cli", "serve-mcp", "--name", "cells"]
    )
    async with mcp.Client(params) as client:
        assert client.server_info is not None and client.server_info.name == "cells"
        result = await client.call_tool(
            "exec", {"code": 'const w = await tools.weather({city: "Lagos"}); text(w.city)'}
        )
    assert text_of(result) == "Script completed\nOutput:\nLagos"
