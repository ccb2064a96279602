"""`run_step`: run an engine step on a shared worker pool so the event loop stays responsive."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from .protocol import AnyEngineEvent, Engine

__all__ = ["WORKER_STACK_BYTES", "WORKER_THREADS", "run_step"]

WORKER_STACK_BYTES = 8 * 1024 * 1024
"""C stack per worker: QuickJS's stack limit (1 MB default, up to 6 MB) must fit with room to
spare, also where the platform default is small (musl: 128 KB)."""

WORKER_THREADS = 32
"""Steps are short unless a cell burns CPU (bounded by its CPU budget). The GIL is released
while JavaScript runs, so a few CPU-bound cells cannot starve the others' short steps as long as
threads remain; more threads than this add stack reservations, not throughput."""

_stack_size_lock = threading.Lock()


class _LargeStackExecutor(ThreadPoolExecutor):
    """A thread pool whose threads get `WORKER_STACK_BYTES` of stack."""

    def _adjust_thread_count(self) -> None:
        # threading.stack_size is process-wide: set it only around our own thread creation.
        with _stack_size_lock:
            previous = threading.stack_size(WORKER_STACK_BYTES)
            try:
                super()._adjust_thread_count()
            finally:
                threading.stack_size(previous)


_executor = _LargeStackExecutor(max_workers=WORKER_THREADS, thread_name_prefix="codecells-js")
_in_flight: set[Engine] = set()
_in_flight_lock = threading.Lock()


def _tracked_step(engine: Engine) -> list[AnyEngineEvent]:
    with _in_flight_lock:
        _in_flight.add(engine)
    try:
        return engine.step()
    finally:
        with _in_flight_lock:
            _in_flight.discard(engine)


def _interrupt_in_flight() -> None:
    """At interpreter exit, stop every running step, so a session that was never shut down
    cannot keep the process alive while its JavaScript spins."""
    with _in_flight_lock:
        engines = list(_in_flight)
    for engine in engines:
        engine.interrupt()


# Runs before the interpreter joins thread-pool workers (plain `atexit` would run after).
threading._register_atexit(_interrupt_in_flight)  # type: ignore[attr-defined]


async def run_step(engine: Engine) -> list[AnyEngineEvent]:
    """Run one `engine.step()` on the shared worker pool and return its events.

    Cancelling the awaiting task does not stop the step: call `engine.interrupt()` for that."""
    return await asyncio.get_running_loop().run_in_executor(_executor, _tracked_step, engine)
