"""Event storms: the worst event-loop stall while one cell floods the host, per storm.

    python benchmarks/storms.py

Each storm runs one cell, within the session's default limits, in a fresh session while the
loop is watched two ways:

* *worst callback*: the longest single event-loop callback (every `Handle._run` timed);
  the target is < 20 ms whatever one cell does. Beside it, the CPU time the loop thread spent
  in it: a callback far longer than its CPU waited for the GIL, held by a worker thread's
  long C call (a JSON parse or dump of a huge value, a collection) that preempted it;
* *worst heartbeat*: the longest a 1 ms heartbeat on the loop was late (what other cells and
  callers feel; it includes waiting for the GIL while a worker holds it);
* *full GCs*: how many full (generation 2) garbage collections ran during the storm, on any
  thread, and the longest one in CPU time of its thread (`gc.callbacks`). A full collection
  traverses every live object of the process, holding the GIL: it is what remains of the stalls;
* *garbage left*: the objects in reference cycles the storm left behind, found by a full
  collection right after it (outside the measurement), and that collection's CPU time: what the
  next full collection would pay, wherever it falls.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import codecells as cc

HEARTBEAT = 0.001
TARGET_MS = 20.0


async def t(i: int) -> int:
    """An `async def` tool answering at once."""
    return i


async def never() -> int:
    """An `async def` tool that never answers (its call stays outstanding)."""
    await asyncio.Event().wait()
    return 0


class LoopWatch:
    """Times every event-loop callback and keeps a heartbeat, while active."""

    def __init__(self) -> None:
        self.worst_callback = 0.0
        self.worst_callback_cpu = 0.0  # of the loop thread, in that callback
        self.worst_heartbeat = 0.0
        self.culprit = ""
        self.full_collections = 0
        self.worst_collection = 0.0  # CPU seconds of its thread
        self._original: Any = None
        self._began = threading.local()

    def _collecting(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._began.cpu = time.thread_time()
        elif info["generation"] == 2:
            self.full_collections += 1
            took = time.thread_time() - self._began.cpu
            self.worst_collection = max(self.worst_collection, took)

    def __enter__(self) -> LoopWatch:
        handle = asyncio.events.Handle
        original = self._original = handle._run
        watch = self

        def timed(self: asyncio.Handle) -> None:
            began, cpu = time.perf_counter(), time.thread_time()
            try:
                original(self)
            finally:
                took = time.perf_counter() - began
                if took > watch.worst_callback:
                    watch.worst_callback, watch.culprit = took, repr(self)[:150]
                    watch.worst_callback_cpu = time.thread_time() - cpu

        handle._run = timed  # type: ignore[method-assign]
        gc.callbacks.append(self._collecting)
        return self

    def __exit__(self, *_: object) -> None:
        asyncio.events.Handle._run = self._original  # type: ignore[method-assign]
        gc.callbacks.remove(self._collecting)

    async def heartbeat(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            began = time.perf_counter()
            await asyncio.sleep(HEARTBEAT)
            late = time.perf_counter() - began - HEARTBEAT
            self.worst_heartbeat = max(self.worst_heartbeat, late)


async def run_cell(source: str) -> cc.Completed | cc.Terminated | cc.Yielded:
    async with cc.Session([t, never]) as session:
        cell = await session.create_cell(source)
        return await cell.wait(yield_after=120)


async def terminate_holding(source: str) -> cc.Completed | cc.Terminated:
    """Run `source` until it waits forever, then terminate it (its engine is freed)."""
    async with cc.Session([t, never]) as session:
        cell = await session.create_cell(source)
        while cell.state != "pending":
            await asyncio.sleep(0.01)
        return await cell.terminate()


async def commit_then_start(source: str) -> cc.Completed | cc.Terminated | cc.Yielded:
    """Commit a huge stored value, then start a cell that receives it."""
    async with cc.Session([t, never]) as session:
        first = await session.create_cell(source)
        event = await first.wait(yield_after=120)
        assert isinstance(event, cc.Completed) and event.error_text is None, event
        second = await session.create_cell('text(load("big").length)')
        return await second.wait(yield_after=120)


HEAP = "const a = []; for (let i = 0; i < 1.5e6; i++) a.push({i}); text(a.length);"
STORMS: dict[str, tuple[Callable[[str], Awaitable[object]], str]] = {
    "200,000 text() items": (run_cell, "for (let i = 0; i < 200000; i++) text(i)"),
    "100,000 setTimeout calls": (
        run_cell,
        "for (let i = 0; i < 100000; i++) setTimeout(() => {}, 0)",
    ),
    "10,000 unawaited tool calls": (
        run_cell,
        "const p = []; for (let i = 0; i < 10000; i++) p.push(tools.t({i}));"
        " text((await Promise.all(p)).length)",
    ),
    "100,000 outstanding tool calls": (
        run_cell,
        "for (let i = 0; i < 100000; i++) tools.never({})",
    ),
    "freeing a heap of 1.5M objects (completed)": (run_cell, HEAP),
    "freeing a heap of 1.5M objects (terminated)": (
        terminate_holding,
        HEAP + " await new Promise(() => {})",
    ),
    "committing a stored array of 1M elements": (
        commit_then_start,
        'store("big", Array.from({length: 1e6}, (_, i) => i)); text("stored")',
    ),
}


async def measure(run: Callable[[str], Awaitable[object]], source: str) -> tuple[LoopWatch, str]:
    watch = LoopWatch()
    stop = asyncio.Event()
    beat = asyncio.ensure_future(watch.heartbeat(stop))
    with watch:
        outcome = await run(source)
    stop.set()
    await beat
    return watch, summary(outcome)


def summary(event: object) -> str:
    if isinstance(event, cc.Completed):
        if event.error_text is not None:
            return event.error_text.split("\n")[0][:60]
        return f"completed, {len(event.content_items)} items"
    return type(event).__name__.lower()


def main() -> None:
    floor, objects = resting_collection(), len(gc.get_objects())
    print(
        f"{'storm':46} {'worst callback (CPU)':>25} {'worst heartbeat':>16}"
        f" {'full GCs (worst)':>18} {'garbage left (GC)':>22}"
        "  outcome"
    )
    for name, (run, source) in STORMS.items():
        gc.collect()  # each storm from a clean heap, not paying for the last one's garbage
        watch, outcome = asyncio.run(measure(run, source))
        began = time.thread_time()
        garbage = gc.collect()
        garbage_ms = (time.thread_time() - began) * 1e3
        callback_ms = watch.worst_callback * 1e3
        mark = "ok" if callback_ms < TARGET_MS else "OVER"
        print(
            f"{name:46} {callback_ms:9.1f} ms ({watch.worst_callback_cpu * 1e3:5.1f} ms)"
            f" {watch.worst_heartbeat * 1e3:13.1f} ms"
            f" {watch.full_collections:5} ({watch.worst_collection * 1e3:5.1f} ms)"
            f" {garbage:11,} ({garbage_ms:5.1f} ms)"
            f"  {mark}; {outcome}"
        )
    print(f"target: every loop callback < {TARGET_MS:.0f} ms")
    print(
        f"the floor: one full collection of this process at rest ({objects:,} objects)"
        f" took {floor * 1e3:.1f} ms of CPU"
    )


def resting_collection() -> float:
    """CPU seconds of a full collection of this process with no cell alive (best of three)."""
    took = []
    for _ in range(3):
        began = time.thread_time()
        gc.collect()
        took.append(time.thread_time() - began)
    return min(took)


if __name__ == "__main__":
    main()
