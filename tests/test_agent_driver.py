"""CodeMode: exec / wait served by a real session."""

from __future__ import annotations

import asyncio
import json

import codecells as cc
from codecells.agent import CodeMode, ToolOutput, ToolStyle
from codecells.demo.tools import DEMO_TOOLS

NEVER_ENDS = 'text("started"); yield_control(); await new Promise(() => {});'


class Notes:
    """A delegate recording notifications."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str]] = []

    async def invoke_tool(self, call: cc.ToolCall) -> cc.JsonValue:
        raise cc.ToolError("no delegate tools here")

    async def notify(self, call_id: str, cell_id: str, text: str) -> None:
        self.seen.append((call_id, cell_id, text))


def lines(output: ToolOutput) -> list[str]:
    return output.text().splitlines()


async def test_exec_completes_in_one_call() -> None:
    async with cc.Session(DEMO_TOOLS) as session:
        code_mode = CodeMode(session)
        output = await code_mode.handle("exec", "text(await tools.add({a: 2, b: 3}))")
        assert lines(output) == ["Script completed", "Output:", "5"]
        assert output.cell_id is None and not output.is_error


async def test_exec_arguments_as_mapping_or_json_string() -> None:
    async with cc.Session() as session:
        code_mode = CodeMode(session)
        by_mapping = await code_mode.handle("exec", {"code": 'text("m")'})
        by_json = await code_mode.handle("exec", json.dumps({"code": 'text("j")'}))
        assert lines(by_mapping)[-1] == "m" and lines(by_json)[-1] == "j"
        bad = await code_mode.handle("exec", {"source": "x"})
        assert bad.is_error
        assert bad.text().startswith("invalid arguments for tool exec: code: Field required")


async def test_running_cell_then_wait_until_completed() -> None:
    source = (
        '// @exec: {"yield_time_ms": 10000}\n'
        'text("a"); yield_control();\n'
        'text(await tools.slow_echo({text: "b", delay: 0.05}));'
    )
    async with cc.Session(DEMO_TOOLS) as session:
        code_mode = CodeMode(session)
        running = await code_mode.handle("exec", source)
        assert lines(running) == ["Script running with cell ID 1", "Output:", "a"]
        assert running.cell_id == "1"
        done = await code_mode.handle("wait", {"cell_id": "1"})
        assert lines(done) == ["Script completed", "Output:", "b"]
        gone = await code_mode.handle("wait", {"cell_id": 1})
        assert gone.is_error and gone.text() == "exec cell 1 not found"


async def test_wait_with_terminate() -> None:
    async with cc.Session() as session:
        code_mode = CodeMode(session)
        running = await code_mode.handle("exec", NEVER_ENDS)
        assert running.cell_id == "1"
        waited = await code_mode.handle("wait", '{"cell_id": "1", "yield_time_ms": 0}')
        assert lines(waited) == ["Script running with cell ID 1", "Output:"]
        stopped = await code_mode.handle("wait", {"cell_id": "1", "terminate": True})
        assert lines(stopped) == ["Script terminated", "Output:"]
        assert not stopped.is_error and stopped.cell_id is None
        assert (await code_mode.handle("wait", {"cell_id": "1"})).text() == (
            "exec cell 1 not found"
        )


async def test_failed_script_reports_its_error() -> None:
    async with cc.Session() as session:
        output = await CodeMode(session).handle("exec", 'text("x"); throw new Error("boom")')
        assert output.is_error
        assert lines(output)[:4] == ["Script failed", "Output:", "x", "Script error:"]
        assert "boom" in output.text()


async def test_pragma_errors_create_no_cell() -> None:
    async with cc.Session() as session:
        code_mode = CodeMode(session)
        bad = await code_mode.handle("exec", '// @exec: {"yield": 1}\ntext(1)')
        assert bad.is_error
        assert bad.text() == (
            "exec pragma only supports `yield_time_ms` and `max_output_tokens`; got `yield`"
        )
        assert (await code_mode.handle("exec", "  ")).is_error
        assert (await code_mode.handle("exec", NEVER_ENDS)).cell_id == "1"


async def test_output_budget_from_pragma_and_wait() -> None:
    async with cc.Session(DEMO_TOOLS) as session:
        code_mode = CodeMode(session)
        cut = await code_mode.handle(
            "exec", '// @exec: {"max_output_tokens": 2}\ntext("0123456789abcdef")'
        )
        assert lines(cut)[2:] == ["01234567", "…[output truncated: about 2 more tokens]"]
        running = await code_mode.handle(
            "exec",
            'text("x".repeat(100)); yield_control();\n'
            'await tools.slow_echo({text: "", delay: 0.01}); text("y".repeat(100));',
        )
        assert running.cell_id == "2" and lines(running)[2:] == ["x" * 100]
        waited = await code_mode.handle("wait", {"cell_id": "2", "max_tokens": 1})
        assert lines(waited) == [
            "Script completed",
            "Output:",
            "yyyy",
            "…[output truncated: about 24 more tokens]",
        ]


async def test_notify_reaches_the_delegate_with_the_call_id() -> None:
    notes = Notes()
    async with cc.Session(delegate=notes) as session:
        output = await CodeMode(session).handle("exec", 'notify("half way")', call_id="call_9")
        assert not output.is_error
        assert notes.seen == [("call_9", "1", "half way")]


async def test_unknown_tool_and_bad_wait_arguments() -> None:
    async with cc.Session() as session:
        code_mode = CodeMode(session)
        unknown = await code_mode.handle("shell", {})
        assert unknown.is_error
        assert unknown.text() == "unknown tool `shell`; code mode has `exec` and `wait`"
        bad = await code_mode.handle("wait", {"cell_id": "1", "yield_time_ms": -5})
        assert bad.is_error and bad.text().startswith(
            "invalid arguments for tool wait: yield_time_ms:"
        )


async def test_tool_specs_describe_the_session_tools() -> None:
    async with cc.Session(DEMO_TOOLS) as session:
        code_mode = CodeMode(session, namespaces={})
        exec_spec, wait_spec = code_mode.tool_specs(ToolStyle.OPENAI_CHAT)
        description = exec_spec["function"]["description"]
        assert (
            "declare const tools: { add(args: { a: number; b: number }): Promise<number>; };"
            in (description)
        )
        assert wait_spec["function"]["name"] == "wait"


async def test_concurrent_wait_is_refused_and_terminate_answers_both() -> None:
    async with cc.Session() as session:
        code_mode = CodeMode(session)
        await code_mode.handle("exec", NEVER_ENDS)
        first = asyncio.create_task(code_mode.handle("wait", {"cell_id": "1"}))
        await asyncio.sleep(0)  # let the first wait attach
        busy = await code_mode.handle("wait", {"cell_id": "1"})
        assert busy.is_error and busy.text() == "exec cell 1 already has an active observer"
        stopped = await code_mode.handle("wait", {"cell_id": "1", "terminate": True})
        assert lines(stopped) == ["Script terminated", "Output:"]
        assert lines(await first) == ["Script terminated", "Output:"]


async def test_the_exec_description_follows_the_session_console_setting() -> None:
    async with cc.Session() as plain, cc.Session(config=cc.SessionConfig(console=True)) as loud:
        quiet_spec = CodeMode(plain).tool_specs(ToolStyle.ANTHROPIC)[0]["description"]
        loud_spec = CodeMode(loud).tool_specs(ToolStyle.ANTHROPIC)[0]["description"]
    assert "no network, no console." in quiet_spec
    assert "`console.log`" in loud_spec and "no console" not in loud_spec
