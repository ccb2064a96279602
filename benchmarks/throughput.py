"""Throughput under load, each target a ratio to a reference measured in the same run.

    python benchmarks/throughput.py

* 200 concurrent cells in one session, each awaiting 10 tool calls (`async def`, then plain
  `def` tools), against the *floor*: the same work driven by one Python thread over bare
  quickjs-ng contexts (no session, no threads, no event loop).
* An awaited plain `def` tool call in a continuing cell (it runs inside the step, on the step's
  thread) against the bare quickjs-ng round trip of benchmarks/engine.py.
* An awaited `async def` tool call against one loop -> worker -> loop hand-off.
* N CPU-bound cells at once against one: their wall time, for N = 1, 2, 4.
* Steps heavy in JavaScript: 200 cells x 10 `async def` calls with a JavaScript loop between
  them, with the pool's heavy-step detection (a young step per core) against one young step.

Throughput and hand-off figures are wall time (what a caller waits for), the best of several
batches whose bodies are interleaved (`best_wall_of_each`), so that machine noise hits all alike.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable

import engine as engine_bench
import quickjs
from measure import print_table
from session import handoff_floor

import codecells as cc
from codecells.engine import QuickJSEngine, runner
from codecells.engine.protocol import EngineLimits, Finished

CELLS = 200
CALLS = 10
WORKLOAD = f"let s = 0; for (let i = 0; i < {CALLS}; i++) s += await {{call}}({{{{i}}}}); text(s)"
SEQUENTIAL = (
    f"let s = 0; for (let i = 0; i < {engine_bench.ROUND_TRIPS}; i++) s += await tools.t({{i}}); "
    "text(s)"
)
CPU_BOUND = "let x = 0; for (let i = 0; i < 3e6; i++) x += i; text(x)"


async def t_async(i: int) -> int:
    """An `async def` tool answering at once."""
    return i


def t_plain(i: int) -> int:
    """A plain `def` tool answering at once."""
    return i


t_async.__name__ = t_plain.__name__ = "t"


def best_wall_of_each(repeats: int, *bodies: Callable[[], None]) -> list[float]:
    """Best wall seconds of each body over `repeats` interleaved rounds (a, b, c, a, b, c...)."""
    best = [float("inf")] * len(bodies)
    for _ in range(repeats):
        for index, body in enumerate(bodies):
            began = time.perf_counter()
            body()
            best[index] = min(best[index], time.perf_counter() - began)
    return best


def on_loop(
    make: Callable[[cc.Session], Awaitable[None]], tools: list[Callable[..., object]]
) -> Callable[[], None]:
    """A body running `make(session)` on a persistent event loop and session."""
    loop = asyncio.new_event_loop()
    session = cc.Session(tools)
    return lambda: loop.run_until_complete(make(session))


async def many_cells(session: cc.Session) -> None:
    cells = [await session.create_cell(WORKLOAD.format(call="tools.t")) for _ in range(CELLS)]
    for cell in cells:
        event = await cell.wait(yield_after=60)
        assert isinstance(event, cc.Completed) and event.error_text is None, event


def bare_many_cells() -> None:
    """The floor: one thread drives `CELLS` bare contexts, answering each call as it comes."""
    live = [engine_bench.bare_cell(WORKLOAD.format(call="call")) for _ in range(CELLS)]
    while live:
        still = []
        for ctx, control in live:
            state, *inputs = json.loads(control("calls"))
            if state == 1:
                continue
            for value in inputs:
                control("resolve", json.dumps(value["i"]))
            engine_bench.run_jobs(ctx)
            still.append((ctx, control))
        live = still


async def sequential_calls(session: cc.Session) -> None:
    cell = await session.create_cell(SEQUENTIAL)
    event = await cell.wait(yield_after=60)
    assert isinstance(event, cc.Completed) and event.error_text is None, event


async def cpu_bound_cells(session: cc.Session, n: int) -> None:
    cells = [await session.create_cell(CPU_BOUND) for _ in range(n)]
    for cell in cells:
        event = await cell.wait(yield_after=60)
        assert isinstance(event, cc.Completed) and event.error_text is None, event


HEAVY = (
    "let s = 0; for (let i = 0; i < 10; i++) {{ let x = 0; for (let k = 0; k < {n}; k++) x += k;"
    " s += await tools.t({{i}}); }} text(s)"
)


async def heavy_cells(session: cc.Session, n: int) -> None:
    cells = [await session.create_cell(HEAVY.format(n=n)) for _ in range(CELLS)]
    for cell in cells:
        event = await cell.wait(yield_after=60)
        assert isinstance(event, cc.Completed) and event.error_text is None, event


def one_young_step(body: Callable[[], None]) -> Callable[[], None]:
    """`body` with the pool's heavy-step detection off (one young step whatever the steps)."""
    pool = runner._pool  # noqa: SLF001 - a benchmark comparing the pool with itself

    def run() -> None:
        heavy, pool._heavy_young_steps = pool._heavy_young_steps, pool._young_steps  # noqa: SLF001
        try:
            body()
        finally:
            pool._heavy_young_steps = heavy  # noqa: SLF001

    return run


def cpu_limit_overshoots(budget: float = 0.05, runs: int = 20) -> list[float]:
    """Seconds of CPU a spinning script used beyond its budget, per run (the step's thread CPU
    time, context creation included, minus the budget), sorted."""
    overshoots = []
    for _ in range(runs):
        spinning = QuickJSEngine(
            "for (;;) {}", tools=[], stored_values={}, limits=EngineLimits(cpu_time=budget)
        )
        began = time.thread_time()
        events = spinning.step()
        overshoots.append(time.thread_time() - began - budget)
        assert isinstance(events[-1], Finished) and events[-1].error_text, events[-1]
    return sorted(overshoots)


def main() -> None:
    rows: list[tuple[str, float, float, str]] = []
    async_cells = on_loop(many_cells, [t_async])
    plain_cells = on_loop(many_cells, [t_plain])
    async_cells(), plain_cells(), bare_many_cells()  # warm up
    ours_async, ours_plain, floor = best_wall_of_each(5, async_cells, plain_cells, bare_many_cells)
    rows.append(
        (
            f"{CELLS} cells x {CALLS} async calls (cells/s)",
            CELLS / ours_async,
            CELLS / floor,
            ">= 0.5x",
        )
    )
    rows.append(
        (
            f"{CELLS} cells x {CALLS} plain calls (cells/s)",
            CELLS / ours_plain,
            CELLS / floor,
            ">= 0.7x",
        )
    )
    per_call = 1e6 / engine_bench.ROUND_TRIPS
    plain_trips, bare_trips, async_trips, hop = best_wall_of_each(
        5,
        on_loop(sequential_calls, [t_plain]),
        engine_bench.bare_round_trips,
        on_loop(sequential_calls, [t_async]),
        on_loop(handoff_floor, []),
    )
    rows.append(
        (
            "awaited plain def call, vs bare round trip (us)",
            plain_trips * per_call,
            bare_trips * per_call,
            "<= 5x",
        )
    )
    rows.append(
        (
            "awaited async def call, vs one hand-off (us)",
            async_trips * per_call,
            hop * per_call,
            "<= 1.5x",
        )
    )
    cpu = [on_loop(lambda s, n=n: cpu_bound_cells(s, n), []) for n in (1, 2, 4)]
    one, two, four = best_wall_of_each(3, *cpu)
    cores = os.cpu_count() or 1
    rows.append(("CPU-bound cells: wall of 1 (ms)", one * 1e3, 0.0, ""))
    rows.append(
        ("CPU-bound cells: wall of 2, vs 1 (ms)", two * 1e3, one * 1e3, f"~1x (cores: {cores})")
    )
    rows.append(
        (
            "CPU-bound cells: wall of 4, vs 1 (ms)",
            four * 1e3,
            one * 1e3,
            f"~{max(1.0, 4 / cores):.0f}x",
        )
    )
    for n, label in ((2_000, "~0.1 ms"), (20_000, "~0.9 ms")):
        detected = on_loop(lambda s, n=n: heavy_cells(s, n), [t_async])
        heavy, serial = best_wall_of_each(3, detected, one_young_step(detected))
        rows.append(
            (
                f"JS-heavy steps ({label} each), vs one young step (cells/s)",
                CELLS / heavy,
                CELLS / serial,
                f"> 1x (cores: {cores})",
            )
        )
    overshoots = cpu_limit_overshoots()
    rows.append(("CPU limit overshoot, median of 20 (ms)", overshoots[10] * 1e3, 0.0, "< 2 ms"))
    rows.append(("CPU limit overshoot, worst of 20 (ms)", overshoots[-1] * 1e3, 0.0, ""))
    print_table(("ours", "ref"), rows)
    print(f"quickjs-ng {quickjs.__name__} on {cores} cores; floor = one thread, bare contexts")


if __name__ == "__main__":
    main()
