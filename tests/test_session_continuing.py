"""Continuing cells through the public API (CONTRACT §3, §5)."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable

import pytest
from support import BLOCK, ECHO, RecordingDelegate, drain, texts, until

import codecells as cc
from codecells.engine.protocol import Finished, Output, Started
from codecells.engine.runner import StepOutcome
from codecells.testing import ScriptedEngine


async def test_trivial_cell_completes_then_is_removed() -> None:
    delegate = RecordingDelegate()
    async with cc.Session(delegate=delegate) as session:
        cell = await session.create_cell('text("hi")', tool_call_id="call-1")
        assert cell.id == "1" and cell.kind is cc.CellKind.CONTINUING
        event = await cell.wait(yield_after=5)
        assert event == cc.Completed(content_items=[cc.TextItem(text="hi")], error_text=None)
        assert cell.state == "closed"
        with pytest.raises(cc.MissingCell, match="^exec cell 1 not found$"):
            session.cell("1")
        with pytest.raises(cc.MissingCell):
            await cell.wait()
        assert delegate.closed == ["1"]


async def test_cell_ids_count_per_session_in_creation_order() -> None:
    async with cc.Session() as one, cc.Session() as two:
        ids = [(await one.create_cell("1")).id for _ in range(3)]
        assert ids == ["1", "2", "3"]
        assert (await two.create_pausable_cell("1")).id == "1"


async def test_yield_after_returns_output_so_far_and_cell_goes_on() -> None:
    delegate = RecordingDelegate()
    gate = delegate.gate("block")
    async with cc.Session([BLOCK], delegate=delegate) as session:
        cell = await session.create_cell('text("before"); await tools.block(); text("after")')
        first = await cell.wait(yield_after=0.05)
        assert first == cc.Yielded(content_items=[cc.TextItem(text="before")])
        empty = await cell.wait(yield_after=0.01)
        assert empty == cc.Yielded(content_items=[])
        gate.set()
        assert texts(await cell.wait(yield_after=5)) == ["after"]


async def test_yield_control_returns_early_to_an_attached_observer() -> None:
    delegate = RecordingDelegate()
    gate = delegate.gate("block")
    async with cc.Session([BLOCK], delegate=delegate) as session:
        cell = await session.create_cell(
            'await tools.block(); text("a"); yield_control(); text("b"); await tools.block()'
        )
        waiting = asyncio.ensure_future(cell.wait(yield_after=30))
        await delegate.call_started("tool-1").wait()
        gate.set()
        event = await asyncio.wait_for(waiting, 10)
        assert event.type == "yielded" and texts(event)[0] == "a"
        seen, end = await drain(cell)
        assert texts(event) + seen == ["a", "b"] and end.type == "completed"


async def test_first_yield_before_observation_splits_output_even_after_completion() -> None:
    async with cc.Session() as session:
        cell = await session.create_cell('text("a"); yield_control(); text("b"); text("c")')
        await until(lambda: cell.state == "completed")
        first = await cell.wait(yield_after=5)
        assert first == cc.Yielded(content_items=[cc.TextItem(text="a")])
        second = await cell.wait(yield_after=5)
        assert second.type == "completed" and texts(second) == ["b", "c"]


async def test_only_the_first_unobserved_yield_splits() -> None:
    async with cc.Session() as session:
        cell = await session.create_cell(
            'text("a"); yield_control(); text("b"); yield_control(); text("c")'
        )
        await until(lambda: cell.state == "completed")
        assert texts(await cell.wait()) == ["a"]
        assert texts(await cell.wait()) == ["b", "c"]


async def test_completion_is_buffered_until_observed() -> None:
    delegate = RecordingDelegate()
    async with cc.Session(delegate=delegate) as session:
        cell = await session.create_cell('text("x")')
        await until(lambda: cell.state == "completed")
        assert delegate.closed == [] and session.cell("1").id == "1"
        assert texts(await cell.wait()) == ["x"]
        assert delegate.closed == ["1"]


async def test_tool_results_keep_the_script_running_with_nobody_observing() -> None:
    async with cc.Session([ECHO], delegate=RecordingDelegate()) as session:
        cell = await session.create_cell(
            "let n = 0; for (let i = 0; i < 5; i++) { n += await tools.echo(1); } "
            "await new Promise(r => setTimeout(r, 1)); text(String(n))"
        )
        await until(lambda: cell.state == "completed")
        assert texts(await cell.wait()) == ["5"]


async def test_second_observer_is_busy_and_the_first_stays_attached() -> None:
    delegate = RecordingDelegate()
    gate = delegate.gate("block")
    async with cc.Session([BLOCK], delegate=delegate) as session:
        cell = await session.create_cell('await tools.block(); text("done")')
        first = asyncio.ensure_future(cell.wait(yield_after=30))
        await delegate.call_started("tool-1").wait()
        with pytest.raises(cc.BusyObserver, match="^exec cell 1 already has an active observer$"):
            await cell.wait(yield_after=1)
        gate.set()
        event = await asyncio.wait_for(first, 10)
        assert event.type == "completed" and texts(event) == ["done"]


async def test_cancelled_wait_loses_no_output() -> None:
    delegate = RecordingDelegate()
    gate = delegate.gate("block")
    async with cc.Session([BLOCK], delegate=delegate) as session:
        cell = await session.create_cell('text("one"); await tools.block(); text("two")')
        waiting = asyncio.ensure_future(cell.wait(yield_after=30))
        await delegate.call_started("tool-1").wait()
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        gate.set()
        seen, end = await drain(cell)
        assert seen == ["one", "two"] and end.type == "completed"


async def test_wait_timeout_via_wait_for_loses_no_output() -> None:
    delegate = RecordingDelegate()
    gate = delegate.gate("block")
    async with cc.Session([BLOCK], delegate=delegate) as session:
        cell = await session.create_cell('text("one"); await tools.block(); text("two")')
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(cell.wait(yield_after=30), 0.05)
        gate.set()
        seen, _ = await drain(cell)
        assert seen == ["one", "two"]


async def test_uncaught_error_completes_with_content_so_far_and_error_text() -> None:
    async with cc.Session() as session:
        cell = await session.create_cell('text("partial"); throw new Error("boom")')
        event = await cell.wait()
        assert event.type == "completed"
        assert texts(event) == ["partial"]
        assert event.error_text is not None and "boom" in event.error_text


@pytest.mark.parametrize("bad", [-1, math.nan, math.inf, -math.inf])
async def test_bad_yield_after_is_rejected_and_nothing_is_lost(bad: float) -> None:
    async with cc.Session() as session:
        cell = await session.create_cell('text("kept")')
        with pytest.raises(ValueError, match="yield_after must be a finite number of seconds"):
            await cell.wait(yield_after=bad)
        assert texts(await cell.wait()) == ["kept"]


@pytest.mark.parametrize("bad", [-1, math.nan, math.inf])
def test_config_refuses_a_default_yield_after_that_wait_refuses(bad: float) -> None:
    with pytest.raises(ValueError, match="default_yield_after"):
        cc.SessionConfig(default_yield_after=bad)


@pytest.mark.parametrize("default", [0, 0.05])  # 0: return at once
async def test_default_yield_after_comes_from_the_config(default: float) -> None:
    delegate = RecordingDelegate()
    delegate.gate("block")
    config = cc.SessionConfig(default_yield_after=default)
    async with cc.Session([BLOCK], delegate=delegate, config=config) as session:
        cell = await session.create_cell('text("x"); await tools.block(); text("never")')
        await until(lambda: bool(delegate.calls))
        event = await asyncio.wait_for(cell.wait(), 5)
        assert event == cc.Yielded(content_items=[cc.TextItem(text="x")])
        assert await asyncio.wait_for(cell.wait(), 5) == cc.Yielded(content_items=[])


async def test_images_are_delivered_as_image_items() -> None:
    url = "data:image/png;base64,AAAA"
    async with cc.Session() as session:
        cell = await session.create_cell(f'image("{url}"); image({{image_url: "{url}"}}, "low")')
        event = await cell.wait()
        assert event.content_items == [
            cc.ImageItem(image_url=url, detail="high"),
            cc.ImageItem(image_url=url, detail="low"),
        ]


async def test_state_reads_the_machine() -> None:
    delegate = RecordingDelegate()
    gate = delegate.gate("block")
    async with cc.Session([BLOCK], delegate=delegate) as session:
        cell = await session.create_cell("await tools.block()")
        assert cell.state == "running"
        await delegate.call_started("tool-1").wait()
        await until(lambda: cell.state == "pending")
        gate.set()
        await until(lambda: cell.state == "completed")
        await cell.wait()
        assert cell.state == "closed"


async def test_an_attached_observer_gets_the_output_before_yield_control() -> None:
    async with cc.Session() as session:
        cell = await session.create_cell('text("before"); yield_control(); text("after")')
        first = await cell.wait(yield_after=5)  # attached before the first step's events
        assert first == cc.Yielded(content_items=[cc.TextItem(text="before")])
        final = await cell.wait(yield_after=5)
        assert final == cc.Completed(content_items=[cc.TextItem(text="after")], error_text=None)


@pytest.mark.parametrize("observed", [True, False])
async def test_a_yield_survives_a_completion_in_the_same_step(observed: bool) -> None:
    async with cc.Session() as session:
        cell = await session.create_cell('yield_control(); store("k", 1); text("done")')
        if not observed:  # the cell completes before anyone waits
            await until(lambda: cell.state == "completed")
        # observed: the wait attaches before the step's events arrive (it runs to its first
        # suspension at once)
        assert await cell.wait(yield_after=5) == cc.Yielded(content_items=[])
        final = await cell.wait(yield_after=5)
        assert final == cc.Completed(content_items=[cc.TextItem(text="done")], error_text=None)
        assert session.stored_values == {"k": 1}


async def test_a_due_deadline_survives_a_completion_before_the_observer_runs() -> None:
    held: list[Callable[[StepOutcome], object]] = []
    loop = asyncio.get_running_loop()
    session = cc.Session(
        engine_factory=lambda spec: ScriptedEngine(), step_runner=lambda e, done: held.append(done)
    )
    async with session:
        cell = await session.create_cell("/* scripted */")
        waiting = asyncio.ensure_future(cell.wait(yield_after=0))
        await asyncio.sleep(0)  # attached: its deadline fires at the next loop iteration
        # ... and so does the step, completing the cell before the woken observer runs again
        loop.call_later(0, held[0], [Started(), Output(item=cc.TextItem(text="late")), Finished()])
        assert await waiting == cc.Yielded(content_items=[])
        final = await cell.wait(yield_after=5)
        assert final == cc.Completed(content_items=[cc.TextItem(text="late")], error_text=None)
