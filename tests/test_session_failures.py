"""A cell never sticks: a failing guard or effect, or output over the limit, ends it with a clear
error (CONTRACT §8), and deep stored values are committed safely (issue 10, items 4 and 9)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from support import RecordingDelegate, texts, until

import codecells as cc
from codecells.engine.protocol import (
    AnyEngineCommand,
    Finished,
    Output,
    Quiescent,
    Started,
    ToolCallRequested,
)
from codecells.engine.wire import trusted
from codecells.events import item_size
from codecells.testing import ScriptedEngine, check_trace

ECHO = cc.ToolDefinition(name="echo")
AT_A_TOOL_CALL = [Started(), ToolCallRequested(call_id="tool-1", tool_index=0), Quiescent()]


def scripted_session(engine: ScriptedEngine) -> cc.Session:
    """A session whose cells run `engine`; its tool `echo` answers at once."""
    return cc.Session([ECHO], delegate=RecordingDelegate(), engine_factory=lambda spec: engine)


class BrokenPost(ScriptedEngine):
    """An engine that cannot take commands any more (a broken or custom engine)."""

    def post(self, command: AnyEngineCommand) -> None:
        raise RuntimeError("the engine broke")


class Unreadable(dict[str, Any]):
    """A stored value no copy can read (stands for any failure while committing)."""

    def __iter__(self) -> Any:
        raise RuntimeError("unreadable value")

    def keys(self) -> Any:
        raise RuntimeError("unreadable value")


async def test_a_failing_effect_at_a_frontier_ends_the_cell_with_its_error() -> None:
    engine = BrokenPost([AT_A_TOOL_CALL])
    async with scripted_session(engine) as session:
        cell = await session.create_cell("/* scripted */")
        final = await asyncio.wait_for(cell.wait(yield_after=30), 10)
        assert final.type == "completed"
        assert final.error_text == (
            "exec runtime ended unexpectedly: tool_result failed: RuntimeError: the engine broke"
        )
        assert engine.interrupted and engine.steps_run == 2  # stopped, then run to its end
        assert session.stored_values == {}
        with pytest.raises(cc.MissingCell):
            session.cell(cell.id)
        assert check_trace("continuing", cell.trace, require_final=True).ok


async def test_a_failing_commit_still_completes_the_cell() -> None:
    writes = {"fine": 1, "bad": Unreadable(a=1)}
    finish = trusted(Finished, error_text=None, stored_value_writes=writes)
    engine = ScriptedEngine([[Started(), Output(item=cc.TextItem(text="kept")), finish]])
    async with cc.Session(engine_factory=lambda spec: engine) as session:
        cell = await session.create_cell("/* scripted */")
        final = await asyncio.wait_for(cell.wait(yield_after=30), 10)
        assert final.type == "completed" and texts(final) == ["kept"]
        assert final.error_text == (
            "exec runtime ended unexpectedly: finished_ok failed: RuntimeError: unreadable value"
        )
        assert session.stored_values == {}  # nothing half-committed


async def test_a_deeply_nested_stored_value_is_committed_and_read_back() -> None:
    async with cc.Session() as session:
        cell = await session.create_cell(
            'let v = 0; for (let i = 0; i < 600; i++) v = [v]; store("deep", v); text("ok")'
        )
        final = await asyncio.wait_for(cell.wait(yield_after=30), 10)
        assert final == cc.Completed(content_items=[cc.TextItem(text="ok")], error_text=None)
        value = session.stored_values["deep"]
        depth = 0
        while isinstance(value, list):
            (value,) = value
            depth += 1
        assert (depth, value) == (600, 0)
        reader = await session.create_cell(
            'let v = load("deep"), n = 0; while (Array.isArray(v)) { v = v[0]; n++ } text(n)'
        )
        assert texts(await reader.wait(yield_after=30)) == ["600"]


LIMIT = 10_000
LIMIT_ERROR = (
    f"output_limit exceeded: the cell produced more than {LIMIT} bytes of output not yet delivered"
)


@pytest.mark.parametrize("text", ["é" * 100, ""])  # empty items count too
async def test_output_over_the_limit_in_one_step_ends_the_script(text: str) -> None:
    config = cc.SessionConfig(output_limit=LIMIT)
    async with cc.Session(config=config) as session:
        cell = await session.create_cell(f'store("k", 1); for (;;) text("{text}")')
        final = await asyncio.wait_for(cell.wait(yield_after=30), 10)
        assert final.type == "completed" and final.error_text == LIMIT_ERROR
        held = sum(map(item_size, final.content_items))
        assert LIMIT - item_size(cc.TextItem(text=text)) < held <= LIMIT
        assert session.stored_values == {"k": 1}  # a limit breach: writes are committed


async def test_output_piling_up_over_steps_is_bounded_by_the_limit() -> None:
    config = cc.SessionConfig(output_limit=LIMIT)
    delegate = RecordingDelegate()
    async with cc.Session([ECHO], delegate=delegate, config=config) as session:
        cell = await session.create_cell(
            'store("k", 1); for (;;) { text("x".repeat(100)); await tools.echo(1) }'
        )
        await until(lambda: cell.state == "completed")  # unobserved all along
        final = await cell.wait(yield_after=30)
        assert final.type == "completed" and final.error_text == LIMIT_ERROR
        fitting = LIMIT // item_size(cc.TextItem(text="x" * 100))
        assert len(final.content_items) == fitting
        assert session.stored_values == {"k": 1}  # it completed: writes committed (CONTRACT §5)
        assert len(delegate.calls) == fitting + 1  # the step that overflowed made one more


async def test_delivered_output_no_longer_counts() -> None:
    config = cc.SessionConfig(output_limit=LIMIT)
    delegate = RecordingDelegate()
    gate = delegate.gate("echo")
    async with cc.Session([ECHO], delegate=delegate, config=config) as session:
        cell = await session.create_cell(
            'for (let i = 0; i < 5; i++) { text("x".repeat(4000)); await tools.echo(i) }'
        )
        seen = 0
        while True:
            event = await cell.wait(yield_after=0.05)
            seen += sum(len(item.text) for item in event.content_items)
            if event.type == "completed":
                break
            if event.content_items:
                gate.set()
                gate.clear()
        assert event.error_text is None and seen == 5 * 4000


class BrokenQueue(ScriptedEngine):
    """An engine that cannot tell whether input is queued (a guard of `resume` raises)."""

    @property
    def has_queued_input(self) -> bool:
        raise RuntimeError("the queue broke")


async def test_a_failing_resume_runs_the_cell_to_its_failure() -> None:
    async with scripted_session(BrokenQueue([AT_A_TOOL_CALL])) as session:
        cell = await session.create_pausable_cell("/* scripted */")
        pending = await cell.wait_to_pending()
        assert pending.type == "pending"
        assert await cell.resume(pending.generation) is cc.ResumeOutcome.RESUMED
        final = await asyncio.wait_for(cell.wait_to_pending(), 10)
        assert final.type == "completed"
        assert final.error_text == (
            "exec runtime ended unexpectedly: resume failed: RuntimeError: the queue broke"
        )


async def test_an_observer_whose_observe_failed_still_gets_the_completion() -> None:
    engine = ScriptedEngine()
    gate = engine.hold()
    async with scripted_session(engine) as session:
        cell = await session.create_cell("/* scripted */")
        await asyncio.to_thread(gate.entered.wait, 10)
        executor = cell._executor  # plant a bug: the guard fails once (no public way to)
        real = executor.observer_free

        def broken(**data: Any) -> bool:
            executor.observer_free = real  # type: ignore[method-assign]
            raise RuntimeError("guard broke")

        executor.observer_free = broken  # type: ignore[method-assign]
        final = await asyncio.wait_for(cell.wait(yield_after=30), 10)
        assert engine.interrupted and not gate.released  # the step in flight was stopped
        assert final == cc.Completed(
            content_items=[],
            error_text="exec runtime ended unexpectedly: observe failed: RuntimeError: guard broke",
        )
