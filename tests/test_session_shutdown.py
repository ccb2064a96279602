"""Shutdown and admission (CONTRACT §3)."""

from __future__ import annotations

import asyncio
import threading

import pytest
from support import BLOCK, RecordingDelegate, observing, until

import codecells as cc
from codecells.engine.protocol import Output, Quiescent, Started
from codecells.testing import ScriptedEngine

# A loop of long native calls: QuickJS polls for interrupts only every 10,000 operations, so a
# stop that only waited for the next poll landed after minutes (~80 ms per `indexOf`).
NATIVE_CALLS = 'const s = "x".repeat(5e7); let n = 0; while (true) { n += s.indexOf("y"); }'


@pytest.mark.parametrize("busy", ["while (true) {}", NATIVE_CALLS])
async def test_shutdown_stops_cpu_bound_cells_within_a_second(busy: str) -> None:
    session = cc.Session()
    cells = [await session.create_cell(busy) for _ in range(3)]
    cells.append(await session.create_cell("for (;;) { await null; }"))
    loop = asyncio.get_running_loop()
    began = loop.time()
    await session.shutdown()
    assert loop.time() - began < 1.0
    assert [c.state for c in cells] == ["terminated"] * 4
    assert not session.is_alive


async def test_create_after_shutdown_raises_shutting_down() -> None:
    session = cc.Session()
    await session.shutdown()
    with pytest.raises(cc.ShuttingDown, match="^code mode session is shutting down$"):
        await session.create_cell("1")
    with pytest.raises(cc.ShuttingDown):
        await session.create_pausable_cell("1")


async def test_concurrent_shutdowns_all_wait_for_cleanup() -> None:
    delegate = RecordingDelegate()
    delegate.gate("block")
    session = cc.Session([BLOCK], delegate=delegate)
    await session.create_cell("await tools.block()")
    await session.create_pausable_cell("await tools.block()")
    await until(lambda: len(delegate.calls) == 2)
    await asyncio.gather(session.shutdown(), session.shutdown(), session.shutdown())
    assert sorted(delegate.closed) == ["1", "2"]
    assert sorted(delegate.cancelled) == ["tool-1", "tool-1"]


async def test_cancelling_a_shutdown_leaves_the_session_closed() -> None:
    session = cc.Session()
    cell = await session.create_cell("while (true) {}")
    task = asyncio.ensure_future(session.shutdown())
    await asyncio.sleep(0)
    task.cancel()
    assert not session.is_alive
    await session.shutdown()
    assert cell.state == "terminated"


async def test_shutdown_drops_unclaimed_completions_and_keeps_their_writes() -> None:
    delegate = RecordingDelegate()
    async with cc.Session(delegate=delegate) as session:
        cell = await session.create_cell('store("k", 1)')
        while cell.state != "completed":
            await asyncio.sleep(0)
    assert cell.state == "closed" and delegate.closed == ["1"]
    assert session.stored_values == {"k": 1}


async def test_async_with_shuts_down_on_exit() -> None:
    async with cc.Session() as session:
        cell = await session.create_cell("await new Promise(() => {})")
    assert not session.is_alive and cell.state == "terminated"


async def test_observers_attached_at_shutdown_get_terminated() -> None:
    delegate = RecordingDelegate()
    delegate.gate("block")
    async with cc.Session([BLOCK], delegate=delegate) as session:
        continuing = await session.create_cell('text("c"); await tools.block()')
        pausable = await session.create_pausable_cell('await tools.block(); text("p")')
        frontier = await pausable.wait_to_pending()
        assert isinstance(frontier, cc.Pending)
        await pausable.resume(frontier.generation)  # running, waiting for block's answer
        await until(lambda: any(call.cell_id == continuing.id for call in delegate.calls))
        observers = [  # the continuing cell's first step (its text, its call) was fed
            await observing(lambda: continuing.wait(yield_after=3600)),
            await observing(pausable.wait_to_pending),
        ]
        await session.shutdown()
        assert await asyncio.gather(*observers) == [
            cc.Terminated(content_items=[cc.TextItem(text="c")]),
            cc.Terminated(content_items=[]),
        ]


class Unstoppable(ScriptedEngine):
    """An engine whose first step runs on after an interrupt, as one endless native call or an
    engine without a cross-thread interrupt would, until the test releases it."""

    def __init__(self) -> None:
        late = Output(item=cc.TextItem(text="late"))
        super().__init__([[Started(), late, Quiescent()]], interruptible=False)
        self.gate = self.hold()
        self.released_engine = threading.Event()

    def close(self) -> None:
        super().close()
        self.released_engine.set()


@pytest.mark.parametrize("stop", ["terminate", "shutdown"])
async def test_a_step_that_does_not_stop_is_given_up_on(stop: str) -> None:
    engine = Unstoppable()
    session = cc.Session(engine_factory=lambda spec: engine)
    cell = await session.create_cell("/* scripted */")
    await asyncio.to_thread(engine.gate.entered.wait, 10)
    if stop == "terminate":
        assert await asyncio.wait_for(cell.terminate(), 10) == cc.Terminated(content_items=[])
    await asyncio.wait_for(session.shutdown(), 10)
    assert cell.state == "terminated" and engine.interrupted
    assert not engine.closed, "the engine is not closed under its running step"
    engine.gate.release()  # the step ends at last: its events are dropped, the engine closed
    assert await asyncio.to_thread(engine.released_engine.wait, 10)
    assert [event.type for event in engine.returned[0]] == ["started", "output", "quiescent"]
