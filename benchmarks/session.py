"""What the session, executor and FSM add over the bare engine, measured in one run.

    python benchmarks/session.py

Reference = the engine alone (benchmarks/engine.py's engine figures): steps called directly on
one thread, no asyncio, no machine. Session = the public API: `create_cell` + `wait` on an
event loop, steps on worker threads, every event through the cell's lifecycle machine.
Targets: the session layer adds <= 50% over the engine; FSM dispatch <= 10% of a trivial cell.

Two more rows compare with the engine as the engine is meant to run (issue "Engine": steps on
worker threads, off the event loop): each step through `codecells.engine.run_step`, awaited on
an event loop, tool calls answered directly. Their difference to the session rows is what the
session layer itself adds (executor, machine, tool tasks, observers), the thread hand-off aside.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import engine as engine_bench
from measure import best_of_each, in_fresh_process, print_table, rss_bytes

import codecells as cc
from codecells.engine.protocol import (
    AnyEngineEvent,
    Engine,
    Finished,
    Quiescent,
    ResolveTool,
    ToolCallRequested,
)
from codecells.engine.runner import StepDone, run_step, start_step
from codecells.events import TextItem
from codecells.executor import CellExecutor
from codecells.fsm import Trigger

TOOL = cc.ToolDefinition(name="t", description="a tool")
CELLS = 1000


class InstantDelegate:
    """Answers every tool call at once."""

    async def invoke_tool(self, call: cc.ToolCall) -> Any:
        return 1

    async def notify(self, call_id: str, cell_id: str, text: str) -> None:
        return None


class GatedDelegate(InstantDelegate):
    """Holds every tool call until the gate opens; counts arrivals."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.arrived = 0
        self.all_arrived = asyncio.Event()

    async def invoke_tool(self, call: cc.ToolCall) -> Any:
        self.arrived += 1
        if self.arrived == CELLS:
            self.all_arrived.set()
        await self.gate.wait()
        return 1


def on_loop(
    make: Callable[[cc.Session], Awaitable[None]], delegate: Any = None
) -> Callable[[], None]:
    """A body for `best_of_each` that runs `make(session)` on a persistent loop and session."""
    loop = asyncio.new_event_loop()
    session = cc.Session([TOOL], delegate=delegate or InstantDelegate())
    return lambda: loop.run_until_complete(make(session))


async def session_trivial(session: cc.Session) -> None:
    event = await (await session.create_cell('text("hi")')).wait()
    assert isinstance(event, cc.Completed) and event.error_text is None


async def session_round_trips(session: cc.Session) -> None:
    cell = await session.create_cell(engine_bench.LOOP.format(call="tools.t"))
    event = await cell.wait(yield_after=60)
    assert isinstance(event, cc.Completed) and event.error_text is None


class _IdleEngine:
    has_queued_input = False

    def post(self, command: Any) -> None: ...
    def step(self) -> list[AnyEngineEvent]:
        return []

    def interrupt(self) -> None: ...
    def close(self) -> None: ...


class _NullHost:
    async def invoke_tool(self, cell_id: str, call: Any) -> Any: ...
    async def notify(self, cell_id: str, text: str) -> None: ...
    def commit(self, writes: Any) -> None: ...
    def closed(self, cell_id: str) -> None: ...


async def handoff_floor(session: cc.Session) -> None:
    """`engine_bench.ROUND_TRIPS` loop -> worker thread -> loop round trips of a step that does
    nothing, each started from the previous one's callback on the loop, as the session does:
    the part of every tool round trip that no session can avoid while JavaScript stays off the
    loop thread. (`session` is unused.)"""
    loop = asyncio.get_running_loop()
    finished = loop.create_future()
    idle: Engine = _IdleEngine()
    left = engine_bench.ROUND_TRIPS

    def hop(_outcome: object = None) -> None:
        nonlocal left
        if left:
            left -= 1
            start_step(idle, hop)
        else:
            finished.set_result(None)

    hop()
    await finished


async def engine_on_workers_trivial(session: cc.Session) -> None:
    """The engine's trivial cell, its step on a worker thread. (`session` is unused.)"""
    events = await run_step(engine_bench.engine_cell('text("hi")'))
    assert isinstance(events[-1], Finished)


async def engine_on_workers_round_trips(session: cc.Session) -> None:
    """The engine's round-trip loop, each step on a worker thread. (`session` is unused.)"""
    eng = engine_bench.engine_cell(engine_bench.LOOP.format(call="tools.t"))
    events = await run_step(eng)
    while isinstance(events[-1], Quiescent):
        for event in events:
            if isinstance(event, ToolCallRequested):
                eng.post(ResolveTool(call_id=event.call_id, value=1))
        events = await run_step(eng)
    assert isinstance(events[-1], Finished) and events[-1].error_text is None


def fsm_dispatch_seconds(events: int = 20000) -> float:
    """CPU seconds per event through a live executor's machine (an output item: row lookup,
    guards, effect, trace step)."""

    async def run() -> float:
        def no_step(engine: Engine, done: StepDone) -> None: ...

        idle: Engine = _IdleEngine()
        executor = CellExecutor("1", cc.CellKind.CONTINUING, idle, _NullHost(), no_step)
        item = TextItem(text="x")
        began = time.process_time()
        for _ in range(events):
            executor.fire(Trigger.OUTPUT, item=item)
        return (time.process_time() - began) / events

    return asyncio.run(run())


async def _pending_cells() -> tuple[float, float]:
    delegate = GatedDelegate()
    async with cc.Session([TOOL], delegate=delegate) as session:
        gc.collect()
        before = rss_bytes()
        began = time.process_time()
        cells = [
            await session.create_cell(engine_bench.PENDING.format(call="tools.t"))
            for _ in range(CELLS)
        ]
        await delegate.all_arrived.wait()
        elapsed = time.process_time() - began
        gc.collect()
        per_cell = (rss_bytes() - before) / CELLS
        delegate.gate.set()
        for cell in cells:
            event = await cell.wait(yield_after=60)
            assert isinstance(event, cc.Completed) and event.error_text is None
    return elapsed / CELLS, per_cell


def session_pending() -> tuple[float, float]:
    return asyncio.run(_pending_cells())


def trivial_cell_events() -> int:
    async def count() -> int:
        async with cc.Session() as session:
            cell = await session.create_cell('text("hi")')
            await cell.wait()
            return len(cell.trace.steps)

    return asyncio.run(count())


def main() -> None:
    if len(sys.argv) == 2:  # child mode, see in_fresh_process
        print(json.dumps(globals()[sys.argv[1]]()))
        return
    trivial_body = on_loop(session_trivial)
    trips_body = on_loop(session_round_trips)
    trivial_body(), engine_bench.engine_trivial()  # warm up
    rows: list[tuple[str, float, float, str]] = []
    trivial = best_of_each(
        7, 300, trivial_body, engine_bench.engine_trivial, on_loop(engine_on_workers_trivial)
    )
    rows.append(("trivial cell create->finish (us)", trivial[0] * 1e6, trivial[1] * 1e6, "<= 1.5x"))
    per_trip = 1e6 / engine_bench.ROUND_TRIPS
    trips = best_of_each(
        5,
        1,
        trips_body,
        engine_bench.engine_round_trips,
        on_loop(engine_on_workers_round_trips),
        on_loop(handoff_floor),
    )
    session_trip, engine_trip, on_workers_trip, floor = (t * per_trip for t in trips)
    rows.append(("awaited tool round trip (us)", session_trip, engine_trip, "<= 1.5x"))
    rows.append(("floor: one loop->worker->loop handoff (us)", floor, 0.0, ""))
    rows.append(
        ("trivial cell, vs engine on worker threads", trivial[0] * 1e6, trivial[2] * 1e6, "")
    )
    rows.append(("tool round trip, vs engine on worker threads", session_trip, on_workers_trip, ""))
    session_time, session_rss = in_fresh_process(__file__, "session_pending")
    engine_time, engine_rss = in_fresh_process(engine_bench.__file__, "engine_pending")
    rows.append(
        (f"{CELLS} pending cells: time per cell (us)", session_time * 1e6, engine_time * 1e6, "")
    )
    rows.append(
        (f"{CELLS} pending cells: RSS per cell (KB)", session_rss / 1024, engine_rss / 1024, "")
    )
    per_event = fsm_dispatch_seconds()
    events = trivial_cell_events()
    share = events * per_event / trivial[0]
    rows.append(("FSM dispatch per event (us)", per_event * 1e6, 0.0, ""))
    rows.append((f"FSM share of a trivial cell ({events} events, %)", share * 100, 0.0, "<= 10%"))
    print_table(("session", "engine"), rows)


if __name__ == "__main__":
    main()
