"""Engine steps on worker threads, so the event loop stays responsive.

The workers are persistent threads with large stacks, fed by one `queue.SimpleQueue`; a step's
outcome comes back to the event loop by one ``call_soon_threadsafe`` of the caller's callback
(`start_step`), or of a future's settlement (`run_step`). This is the cheapest handoff measured
(docs/benchmarks.md): `run_in_executor` on a thread pool costs about twice as much per step.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from functools import partial
from typing import TypeAlias

from .protocol import AnyEngineEvent, Engine

__all__ = [
    "WORKER_STACK_BYTES",
    "WORKER_THREADS",
    "StepDone",
    "StepOutcome",
    "run_step",
    "start_step",
]

WORKER_STACK_BYTES = 8 * 1024 * 1024
"""C stack per worker: QuickJS's stack limit (1 MB default, up to 6 MB) must fit with room to
spare, also where the platform default is small (musl: 128 KB)."""

WORKER_THREADS = 32
"""Steps are short unless a cell burns CPU (bounded by its CPU budget). The GIL is released
while JavaScript runs, so a few CPU-bound cells cannot starve the others' short steps as long as
threads remain; more threads than this add stack reservations, not throughput."""

StepOutcome: TypeAlias = list[AnyEngineEvent] | BaseException
"""A step's events, or the exception `engine.step()` raised."""
StepDone: TypeAlias = Callable[[StepOutcome], object]

_Job: TypeAlias = tuple[Engine, asyncio.AbstractEventLoop, StepDone]
_jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
_lock = threading.Lock()  # guards the state below and the order of `_jobs`
_threads = 0
_idle = 0  # workers waiting for a job and not yet promised to one
_in_flight: set[Engine] = set()
_exiting = False


def start_step(engine: Engine, done: StepDone) -> None:
    """Run one `engine.step()` on a worker thread, then call `done(outcome)` on the running
    event loop (not if the loop is closed by then).

    Nothing stops the step but `engine.interrupt()`. Raises RuntimeError once the interpreter
    is exiting."""
    loop = asyncio.get_running_loop()
    global _idle, _threads
    with _lock:
        if _exiting:
            raise RuntimeError("cannot run a step while the interpreter exits")
        if _idle:
            _idle -= 1
        elif _threads < WORKER_THREADS:
            _spawn()
            _threads += 1
        _jobs.put((engine, loop, done))


def run_step(engine: Engine) -> asyncio.Future[list[AnyEngineEvent]]:
    """Start one `engine.step()` on a worker thread; the future resolves to its events.

    Cancelling the future (or a task awaiting it) does not stop the step: call
    `engine.interrupt()` for that. Raises RuntimeError once the interpreter is exiting."""
    future: asyncio.Future[list[AnyEngineEvent]] = asyncio.get_running_loop().create_future()
    start_step(engine, partial(_settle, future))
    return future


def _settle(future: asyncio.Future[list[AnyEngineEvent]], outcome: StepOutcome) -> None:
    if future.cancelled():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


def _spawn() -> None:
    """Start a worker with `WORKER_STACK_BYTES` of stack (a process-wide setting, changed only
    around this thread's creation)."""
    previous = threading.stack_size(WORKER_STACK_BYTES)
    try:
        threading.Thread(target=_work, name=f"codecells-js-{_threads + 1}").start()
    finally:
        threading.stack_size(previous)


def _work() -> None:
    while (job := _jobs.get()) is not None:
        _run(*job)
        del job  # an idle worker keeps no engine alive


def _run(engine: Engine, loop: asyncio.AbstractEventLoop, done: StepDone) -> None:
    global _idle
    with _lock:
        _in_flight.add(engine)
    outcome: StepOutcome
    try:
        outcome = engine.step()
    except BaseException as exc:  # noqa: BLE001 - handed to `done`
        outcome = exc
    with _lock:
        _in_flight.discard(engine)
        _idle += 1  # before the loop hears of it: its next step must not spawn a thread
    try:
        loop.call_soon_threadsafe(done, outcome)
    except RuntimeError:  # the loop is closed: nobody is waiting any more
        pass


def _stop_workers() -> None:
    """At interpreter exit, stop every running step and let the workers end, so a session that
    was never shut down cannot keep the process alive while its JavaScript spins."""
    global _exiting
    with _lock:
        _exiting = True
        engines = list(_in_flight)
        threads = _threads
    for engine in engines:
        engine.interrupt()
    for _ in range(threads):
        _jobs.put(None)


# Runs before the interpreter joins non-daemon threads (plain `atexit` would run after).
threading._register_atexit(_stop_workers)  # type: ignore[attr-defined]
