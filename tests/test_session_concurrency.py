"""Many cells of both kinds interleaved in one session; limits; traces."""

from __future__ import annotations

import asyncio
import json

from support import ECHO, RecordingDelegate, drain, drain_pausable, texts, until

import codecells as cc
from codecells.engine.pool import YOUNG_STEPS
from codecells.fsm import definition


def _program(i: int) -> str:
    return (
        f'text("c{i}:0"); '
        f"for (let k = 1; k <= 3; k++) {{ await tools.echo(k); "
        f'if (k === 2) yield_control(); text("c{i}:" + k); }} '
        f'store("cell{i}", {i})'
    )


async def test_many_cells_of_both_kinds_interleave_without_losing_output() -> None:
    delegate = RecordingDelegate()
    async with cc.Session([ECHO], delegate=delegate) as session:
        continuing = [await session.create_cell(_program(i)) for i in range(0, 20, 2)]
        pausable = [await session.create_pausable_cell(_program(i)) for i in range(1, 20, 2)]
        results = await asyncio.gather(
            *(drain(c, yield_after=0.01) for c in continuing),
            *(drain_pausable(p) for p in pausable),
        )
        for i, result in zip(list(range(0, 20, 2)) + list(range(1, 20, 2)), results, strict=True):
            seen, end = result[0], result[1]
            assert seen == [f"c{i}:{k}" for k in range(4)]
            assert end.type == "completed" and end.error_text is None
        assert session.stored_values == {f"cell{i}": i for i in range(20)}
        assert sorted(delegate.closed, key=int) == [str(i) for i in range(1, 21)]


async def test_a_cell_over_its_cpu_limit_fails_alone() -> None:
    config = cc.SessionConfig(cpu_time_limit=0.2)
    async with cc.Session(config=config) as session:
        hog = await session.create_cell("while (true) {}")
        fine = await session.create_cell('text("fine")')
        event = await hog.wait(yield_after=10)
        assert event.type == "completed" and event.error_text is not None
        assert "cpu_time_limit" in event.error_text
        assert texts(await fine.wait()) == ["fine"]
        assert texts(await (await session.create_cell('text("next")')).wait()) == ["next"]


async def test_cpu_bound_cells_do_not_starve_a_short_cell_behind_them() -> None:
    # More spinning cells than the pool admits young steps, created first: the short cell's
    # step waits behind theirs and runs only because each turns long and makes room.
    async with cc.Session() as session:
        hogs = [await session.create_cell("while (true) {}") for _ in range(YOUNG_STEPS + 2)]
        short = await session.create_cell('text("short")')
        assert texts(await asyncio.wait_for(short.wait(), 10)) == ["short"]
        assert [hog.state for hog in hogs] == ["running"] * len(hogs), "still spinning"
        for hog in hogs:
            assert (await hog.terminate()).type == "terminated"


async def test_a_cell_over_its_memory_limit_fails_alone() -> None:
    config = cc.SessionConfig(memory_limit=8 * 1024 * 1024)
    async with cc.Session(config=config) as session:
        hog = await session.create_cell("const a = []; for (;;) a.push(new Array(1e5).fill(1));")
        event = await hog.wait(yield_after=10)
        assert event.type == "completed" and "memory_limit" in (event.error_text or "")
        assert texts(await (await session.create_cell('text("ok")')).wait()) == ["ok"]


async def test_trace_records_every_transition_and_serialises() -> None:
    async with cc.Session([ECHO], delegate=RecordingDelegate()) as session:
        cell = await session.create_pausable_cell('text("a"); await tools.echo(1)')
        await drain_pausable(cell)
        trace = cell.trace
        triggers = [step.trigger.value for step in trace.steps]
        assert triggers[0] in ("started", "observe") and triggers[-1] == "observe"
        assert triggers.index("started") < triggers.index("quiescent") < triggers.index("resume")
        assert "quiescent" in triggers and "resume" in triggers and "finished_ok" in triggers
        assert trace.steps[-1].dest.value == "closed"
        legal = {
            (t.source, t.trigger, t.dest) for t in definition(cc.CellKind.PAUSABLE).transitions
        }
        assert all((s.source, s.trigger, s.dest) in legal for s in trace.steps)
        assert [s.at for s in trace.steps] == sorted(s.at for s in trace.steps)
        assert json.loads(trace.to_json())["kind"] == "pausable"
        assert type(trace).from_json(trace.to_json()) == trace


async def test_trace_names_the_guarded_row_taken() -> None:
    async with cc.Session() as session:
        cell = await session.create_cell('text("a"); yield_control(); text("b")')
        await until(lambda: cell.state == "completed")
        await cell.wait()
        await cell.wait()
        d = definition(cc.CellKind.CONTINUING)
        steps = cell.trace.steps
        assert all(s.row is not None for s in steps)
        taken = {d.transitions[s.row].description for s in steps if s.row is not None}
        assert "split off the output so far for the first observer" in taken
        for step in steps:
            assert step.row is not None
            row = d.transitions[step.row]
            assert (row.trigger, row.source, row.dest) == (step.trigger, step.source, step.dest)
