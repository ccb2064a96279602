"""Termination, completion and their races (CONTRACT §5 "Both kinds"; reference §5)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from support import BLOCK, RecordingDelegate, observing, texts, until

import codecells as cc


async def test_terminate_running_cell_cancels_tools_and_tells_the_observer() -> None:
    delegate = RecordingDelegate()
    delegate.gate("block")
    async with cc.Session([BLOCK], delegate=delegate) as session:
        cell = await session.create_cell(
            'text("before"); store("k", 1); await tools.block(); text("never")'
        )
        observer = asyncio.ensure_future(cell.wait(yield_after=30))
        await delegate.call_started("tool-1").wait()
        final = await cell.terminate()
        assert final == cc.Terminated(content_items=[cc.TextItem(text="before")])
        assert await asyncio.wait_for(observer, 5) == final
        assert delegate.cancelled == ["tool-1"]
        assert cell.state == "terminated" and delegate.closed == ["1"]
        assert session.stored_values == {}
        with pytest.raises(cc.MissingCell):
            await session.terminate("1")


async def test_terminate_through_the_session_works_for_both_kinds() -> None:
    async with cc.Session() as session:
        continuing = await session.create_cell("await new Promise(() => {})")
        pausable = await session.create_pausable_cell("await new Promise(() => {})")
        assert (await session.terminate(continuing.id)).type == "terminated"
        assert (await session.terminate(pausable.id)).type == "terminated"


async def test_terminate_a_buffered_completion_returns_it() -> None:
    delegate = RecordingDelegate()
    async with cc.Session(delegate=delegate) as session:
        cell = await session.create_cell('text("done"); store("k", 1)')
        await until(lambda: cell.state == "completed")
        final = await cell.terminate()
        assert final == cc.Completed(content_items=[cc.TextItem(text="done")], error_text=None)
        assert session.stored_values == {"k": 1} and delegate.closed == ["1"]


async def test_second_terminate_while_the_first_runs_is_refused() -> None:
    delegate = RecordingDelegate()
    delegate.gate("block")
    async with cc.Session([BLOCK], delegate=delegate) as session:
        cell = await session.create_cell("await tools.block()")
        await delegate.call_started("tool-1").wait()
        first = asyncio.ensure_future(cell.terminate())
        await until(lambda: cell.state == "terminating")
        with pytest.raises(cc.AlreadyTerminating, match="^exec cell 1 is already terminating$"):
            await cell.terminate()
        with pytest.raises(cc.ClosedCell, match="^exec cell 1 closed unexpectedly$"):
            await cell.wait()
        assert (await first).type == "terminated"


async def test_terminate_stops_cpu_bound_code_within_a_second() -> None:
    async with cc.Session() as session:
        cell = await session.create_cell('text("spin"); while (true) {}')
        # the deadline passes while the first step is still burning CPU
        assert await cell.wait(yield_after=0.1) == cc.Yielded(content_items=[])
        loop = asyncio.get_running_loop()
        began = loop.time()
        final = await cell.terminate()
        assert loop.time() - began < 1.0
        assert final == cc.Terminated(content_items=[cc.TextItem(text="spin")])


async def test_natural_completion_cancels_outstanding_tool_calls_first() -> None:
    delegate = RecordingDelegate()
    delegate.gate("block")
    async with cc.Session([BLOCK], delegate=delegate) as session:
        cell = await session.create_cell('tools.block(); text("left it running")')
        event = await cell.wait()
        assert event.type == "completed" and texts(event) == ["left it running"]
        assert delegate.cancelled == ["tool-1"]


async def test_natural_completion_waits_for_notifications() -> None:
    delegate = RecordingDelegate()
    delegate.notify_gate = asyncio.Event()
    async with cc.Session(delegate=delegate) as session:
        cell = await session.create_cell('notify("progress"); text("done")', tool_call_id="call-7")
        await until(lambda: len(delegate.notifications) == 1)
        assert delegate.notifications == [("call-7", "1", "progress")]
        for _ in range(50):
            await asyncio.sleep(0)
        assert cell.state == "running"  # held until the notification is delivered
        delegate.notify_gate.set()
        assert texts(await cell.wait()) == ["done"]


async def test_terminate_cancels_blocked_notifications() -> None:
    delegate = RecordingDelegate()
    delegate.notify_gate = asyncio.Event()
    async with cc.Session(delegate=delegate) as session:
        cell = await session.create_cell('notify("stuck"); text("x")')
        await until(lambda: len(delegate.notifications) == 1)
        assert (await cell.terminate()).type == "terminated"


async def test_cell_closed_is_called_once_per_cell_for_every_ending() -> None:
    delegate = RecordingDelegate()
    delegate.gate("block")
    async with cc.Session([BLOCK], delegate=delegate) as session:
        observed = await session.create_cell("1")
        terminated = await session.create_cell("await tools.block()")
        claimed = await session.create_cell("2")
        left = await session.create_pausable_cell("await tools.block()")
        await observed.wait()
        await terminated.terminate()
        await until(lambda: claimed.state == "completed")
        await claimed.terminate()
        await left.wait_to_pending()
    assert sorted(delegate.closed) == ["1", "2", "3", "4"]


async def test_closed_delegate_hook_failures_are_contained() -> None:
    class Failing(RecordingDelegate):
        def cell_closed(self, cell_id: str) -> None:
            raise RuntimeError("host bug")

    async with cc.Session(delegate=Failing()) as session:
        cell = await session.create_cell('text("ok")')
        assert texts(await cell.wait()) == ["ok"]
        assert session.is_alive


class SelfStopping:
    """A session whose cell "1" terminates itself: `hold` waits until the race starts (so the
    step that follows runs with an observer attached), `stop` terminates cell "1". The task of
    `stop`, dispatched in the step before the script wakes its observer, begins the termination
    before that observer looks again."""

    def __init__(self) -> None:
        self.go = asyncio.Event()
        self.session: cc.Session | None = None

    @contextlib.asynccontextmanager
    async def open(self) -> AsyncIterator[cc.Session]:
        async def hold() -> None:
            """Waits for the test."""
            await self.go.wait()

        async def stop() -> None:
            """Terminates cell 1 (this tool's call is cancelled with the cell's others)."""
            assert self.session is not None
            await self.session.terminate("1")

        async with cc.Session([hold, stop]) as self.session:
            yield self.session

    async def race(
        self, cell: cc.Cell | cc.PausableCell, wait: Callable[[], Awaitable[Any]]
    ) -> Any:
        """Attach the observer `wait()`, then let the step run that wakes it and terminates the
        cell; the observer's event, once it looked again while the cell was terminating."""
        task = await observing(wait)
        self.go.set()
        event = await asyncio.wait_for(task, 5)
        looked_again = [s for s in cell.trace.steps if s.trigger == "observe"][-1]
        assert looked_again.source == "terminating", cell.trace
        return event


async def test_an_observer_woken_as_the_termination_begins_gets_terminated() -> None:
    race = SelfStopping()
    async with race.open() as session:
        cell = await session.create_cell(
            'await tools.hold(); text("a"); tools.stop(); yield_control(); await tools.hold()'
        )
        final = await race.race(cell, lambda: cell.wait(yield_after=3600))  # woken by the yield
        assert final == cc.Terminated(content_items=[cc.TextItem(text="a")])
        with pytest.raises(cc.MissingCell):
            await session.terminate(cell.id)


async def test_a_pausable_observer_woken_by_a_frontier_as_the_termination_begins() -> None:
    race = SelfStopping()
    async with race.open() as session:
        cell = await session.create_pausable_cell(
            'await tools.hold(); text("a"); tools.stop(); await tools.hold()'
        )
        first = await cell.wait_to_pending()
        assert isinstance(first, cc.Pending)
        await cell.resume(first.generation)  # running, waiting for hold's answer
        final = await race.race(cell, cell.wait_to_pending)  # woken by the next frontier
        assert final == cc.Terminated(content_items=[cc.TextItem(text="a")])
