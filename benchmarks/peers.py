"""codecells beside bare quickjs-ng and whichever peer runtimes are installed, in one table.

    pip install -e '.[bench]'      # the peers that exist on PyPI
    python benchmarks/peers.py

Workloads (one fresh context or cell each, as a session would make them):

* trivial cell: create, run a statement, finish (us);
* awaited tool call: one `await tool(i)` answered by an `async def` Python function (us);
* throughput: 200 concurrent cells each awaiting 10 such calls (cells/s);
* 1,000 pending contexts: resident memory per context, each awaiting a call (KB; codecells
  and bare quickjs-ng, measured in a fresh process);
* terminate: from the request to stop a script spinning in `for (;;) {}` until it stopped (ms);
* event-loop stall: the worst lateness of a 1 ms heartbeat while a script spins for 0.2 s (ms).

Every figure is the best of several batches, wall time; the systems' batches of one workload
are interleaved (a, b, c, a, b, c, ...) so that machine noise hits all alike. A missing peer,
or a workload a system has no way to do, prints "-". Peers: mini-racer (V8), pydantic-monty
(a Python sandbox: the same workloads written in Python), quickjs-rs (quickjs-ng in
WebAssembly), langchain-quickjs.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import platform
import time
from collections.abc import Awaitable, Callable
from importlib import metadata
from typing import Any

import engine as engine_bench
import session as session_bench
import throughput as tp
from measure import in_fresh_process
from storms import HEARTBEAT

import codecells as cc

CALLS = 200  # awaited calls per tool-call batch
BATCHES = 3

Body = Callable[[], None]


def looped(make: Callable[[], Awaitable[None]]) -> Body:
    """A body running a fresh `make()` coroutine on a persistent event loop."""
    loop = asyncio.new_event_loop()
    return lambda: loop.run_until_complete(make())


async def heartbeat_while(work: Awaitable[Any]) -> float:
    """The worst lateness (s) of a `HEARTBEAT` tick on the running loop while `work` runs."""
    worst, done = 0.0, False

    async def beat() -> None:
        nonlocal worst
        while not done:
            began = time.perf_counter()
            await asyncio.sleep(HEARTBEAT)
            worst = max(worst, time.perf_counter() - began - HEARTBEAT)

    ticking = asyncio.ensure_future(beat())
    await work
    done = True
    await ticking
    return worst


# --- codecells -----------------------------------------------------------------------------


class Codecells:
    name = "codecells"

    def trivial(self) -> Body:
        return tp.on_loop(session_bench.session_trivial, [tp.t_async])

    def calls(self) -> Body:
        async def run(session: cc.Session) -> None:
            cell = await session.create_cell(
                f"let s = 0; for (let i = 0; i < {CALLS}; i++) s += await tools.t({{i}}); text(s)"
            )
            assert isinstance(await cell.wait(yield_after=60), cc.Completed)

        return tp.on_loop(run, [tp.t_async])

    def throughput(self) -> Body:
        return tp.on_loop(tp.many_cells, [tp.t_async])

    def pending_kb(self) -> float:
        return in_fresh_process(session_bench.__file__, "session_pending")[1] / 1024

    async def spin(self) -> tuple[Callable[[], Awaitable[object]], Awaitable[object]]:
        session = cc.Session()
        cell = await session.create_cell("for (;;) {}")

        return cell.terminate, session.shutdown()


# --- bare quickjs-ng -----------------------------------------------------------------------


class Bare:
    name = "bare quickjs-ng"

    def trivial(self) -> Body:
        return engine_bench.bare_trivial

    def calls(self) -> Body:
        return engine_bench.bare_round_trips

    def throughput(self) -> Body:
        return tp.bare_many_cells

    def pending_kb(self) -> float:
        return in_fresh_process(engine_bench.__file__, "bare_pending")[1] / 1024


# --- peers ---------------------------------------------------------------------------------


class _OneContextPerCell:
    """A peer whose cell is `_cell(calls)`: a fresh context awaiting `calls` tool calls."""

    async def _cell(self, calls: int) -> None:
        raise NotImplementedError

    def calls(self) -> Body:
        return looped(lambda: self._cell(CALLS))

    def throughput(self) -> Body:
        async def run() -> None:
            await asyncio.gather(*(self._cell(tp.CALLS) for _ in range(tp.CELLS)))

        return looped(run)


class MiniRacer(_OneContextPerCell):
    name = "mini-racer"

    def __init__(self) -> None:
        from py_mini_racer import MiniRacer as Racer

        self.racer = Racer

    def trivial(self) -> Body:
        def run() -> None:
            racer = self.racer()
            assert racer.eval('"hi"') == "hi"
            racer.close()

        return run

    async def _cell(self, calls: int) -> None:
        racer = self.racer()

        async def t(i: Any) -> Any:
            return i

        async with racer.wrap_py_function(t) as tool:
            racer.eval("(t) => { globalThis.t = t }")(tool)
            total = await racer.eval(
                f"(async () => {{ let s = 0; for (let i = 0; i < {calls}; i++) s += await t(i);"
                " return s })()"
            )
            assert total == calls * (calls - 1) // 2
        racer.close()

    async def spin(self) -> tuple[Callable[[], Awaitable[object]], Awaitable[object]]:
        racer = self.racer()
        task = asyncio.ensure_future(racer.eval_cancelable("for (;;) {}"))

        async def stop() -> object:
            task.cancel()
            return await asyncio.gather(task, return_exceptions=True)

        async def close() -> None:
            racer.close()

        return stop, close()


class Monty:
    name = "pydantic-monty"

    def __init__(self) -> None:
        import pydantic_monty

        self.monty = pydantic_monty

    async def _run(self, pool: Any, code: str) -> Any:
        async def t(i: Any) -> Any:
            return i

        async with pool.checkout() as session:
            return await session.feed_run(code, external_lookup={"t": t})

    def _on_pool(self, make: Callable[[Any], Awaitable[None]]) -> Body:
        async def open_pool() -> Any:
            return await self.monty.AsyncMonty().__aenter__()

        loop = asyncio.new_event_loop()
        pool = loop.run_until_complete(open_pool())
        return lambda: loop.run_until_complete(make(pool))

    def trivial(self) -> Body:
        async def run(pool: Any) -> None:
            assert await self._run(pool, "'hi'") == "hi"

        return self._on_pool(run)

    def _loop(self, calls: int) -> str:
        return f"s = 0\nfor i in range({calls}):\n    s += await t(i)\ns"

    def calls(self) -> Body:
        async def run(pool: Any) -> None:
            assert await self._run(pool, self._loop(CALLS)) == CALLS * (CALLS - 1) // 2

        return self._on_pool(run)

    def throughput(self) -> Body:
        async def run(pool: Any) -> None:
            code = self._loop(tp.CALLS)
            await asyncio.gather(*(self._run(pool, code) for _ in range(tp.CELLS)))

        return self._on_pool(run)


class QuickjsRs(_OneContextPerCell):
    name = "quickjs-rs"

    def __init__(self) -> None:
        import quickjs_rs

        self.runtime = quickjs_rs.Runtime

    def trivial(self) -> Body:
        def run() -> None:
            with self.runtime() as rt, rt.new_context() as ctx:
                assert ctx.eval('"hi"') == "hi"

        return run

    async def _cell(self, calls: int) -> None:
        with self.runtime() as rt, rt.new_context() as ctx:

            @ctx.function
            async def t(i: int) -> int:
                return i

            total = await ctx.eval_async(
                f"let s = 0; for (let i = 0; i < {calls}; i++) s += await t(i); s"
            )
            assert total == calls * (calls - 1) // 2


class LangchainQuickjs:
    """langchain-quickjs runs code for a deepagents agent; its per-thread REPL registry (private
    API, the one its middleware uses) is driven directly. Its tools are LangChain tools called
    from inside an agent run, so only the trivial cell is measured."""

    name = "langchain-quickjs"

    def __init__(self) -> None:
        from langchain_quickjs import _repl

        self.registry = _repl._Registry(
            memory_limit=64 << 20, timeout=5.0, capture_console=True, max_stdout_chars=4096
        )
        self.count = 0

    def trivial(self) -> Body:
        def run() -> None:
            self.count += 1
            thread = f"bench-{self.count}"
            outcome = self.registry.get(thread).eval_sync('console.log("hi")')
            assert outcome is not None
            self.registry.evict(thread)

        return run


PEERS: dict[str, tuple[str, type]] = {
    "mini-racer": ("py_mini_racer", MiniRacer),
    "pydantic-monty": ("pydantic_monty", Monty),
    "quickjs-rs": ("quickjs_rs", QuickjsRs),
    "langchain-quickjs": ("langchain_quickjs", LangchainQuickjs),
}


def systems() -> list[Any]:
    found: list[Any] = [Codecells(), Bare()]
    for name, (module, system) in PEERS.items():
        if importlib.util.find_spec(module) is None:
            print(f"{name}: not installed, skipped")
            continue
        found.append(system())
    return found


def best_each(bodies: list[Body | None], batches: int = BATCHES) -> list[float | None]:
    """Best wall seconds per body (None for a missing one), batches interleaved."""
    present = [body for body in bodies if body is not None]
    for body in present:
        body()  # warm up
    best = iter(tp.best_wall_of_each(batches, *present))
    return [None if body is None else next(best) for body in bodies]


async def stop_latency(system: Any) -> tuple[float, float]:
    """(seconds from the stop request to the stop, worst heartbeat lateness while spinning)."""
    stop, cleanup = await system.spin()
    stall = await heartbeat_while(asyncio.sleep(0.2))
    began = time.perf_counter()
    await stop()
    stopped = time.perf_counter() - began
    await cleanup
    return stopped, stall


def rows(found: list[Any]) -> list[tuple[str, list[str]]]:
    def per(name: str) -> list[Body | None]:
        return [getattr(system, name)() if hasattr(system, name) else None for system in found]

    table: list[tuple[str, list[str]]] = []
    trivial = best_each(per("trivial"), 5)
    table.append(("trivial cell (us)", [fmt(t, 1e6) for t in trivial]))
    calls = best_each(per("calls"))
    table.append(("awaited async tool call (us)", [fmt(t, 1e6 / CALLS) for t in calls]))
    cells = best_each(per("throughput"), 2)
    table.append(
        (
            f"throughput, {tp.CELLS} cells x {tp.CALLS} calls (cells/s)",
            ["-" if t is None else f"{tp.CELLS / t:.0f}" for t in cells],
        )
    )
    memory = [system.pending_kb() if hasattr(system, "pending_kb") else None for system in found]
    table.append(("1,000 pending contexts: RSS each (KB)", [fmt(m, 1) for m in memory]))
    stops = [
        asyncio.run(stop_latency(system)) if hasattr(system, "spin") else None for system in found
    ]
    table.append(("terminate a spinning script (ms)", [fmt(s and s[0], 1e3) for s in stops]))
    table.append(("event-loop stall while it spins (ms)", [fmt(s and s[1], 1e3) for s in stops]))
    return table


def fmt(value: float | None, scale: float) -> str:
    return "-" if value is None else f"{value * scale:.1f}"


def main() -> None:
    found = systems()
    table = rows(found)
    names = [system.name for system in found]
    print("| workload | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for label, cells in table:
        print(f"| {label} | " + " | ".join(cells) + " |")
    modules = {"quickjs-ng": "quickjs"} | {name: module for name, (module, _) in PEERS.items()}
    versions = ", ".join(
        f"{dist} {metadata.version(dist)}"
        for dist, module in modules.items()
        if importlib.util.find_spec(module) is not None
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}"
        f" {platform.release()}, CPython {platform.python_version()}; {versions};"
        " wall time, best of interleaved batches"
    )


if __name__ == "__main__":
    main()
