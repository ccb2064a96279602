"""Engine steps on worker threads, so the event loop stays responsive.

The workers are persistent threads with large stacks, fed by one `queue.SimpleQueue`. Finished
steps come back to their event loop in batches: a worker appends the outcome to the loop's
return queue and wakes the loop (one ``call_soon_threadsafe``) only when that queue was empty,
so under load one loop iteration takes in many steps. `start_step` calls the caller's callback
with the outcome; `run_step` settles a future. This is the cheapest handoff measured
(docs/benchmarks.md): `run_in_executor` on a thread pool costs about twice as much per step.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import weakref
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from functools import partial
from typing import TypeAlias

from .protocol import AnyEngineEvent, Engine

__all__ = [
    "WORKER_STACK_BYTES",
    "WORKER_THREADS",
    "StepDone",
    "StepOutcome",
    "close_engine",
    "host_call",
    "in_host_call",
    "run_step",
    "start_step",
]

WORKER_STACK_BYTES = 8 * 1024 * 1024
"""C stack per worker: QuickJS's stack limit (1 MB default, up to 6 MB) must fit with room to
spare, also where the platform default is small (musl: 128 KB)."""

WORKER_THREADS = 32
"""Steps are short unless a cell burns CPU (bounded by its CPU budget). The GIL is released
while JavaScript runs, so a few CPU-bound cells cannot starve the others' short steps as long as
threads remain; more threads than this add stack reservations, not throughput. Workers busy in a
host call (`host_call`: a plain `def` tool) do not count: a blocking tool holds only its cell."""

StepOutcome: TypeAlias = list[AnyEngineEvent] | BaseException
"""A step's events, or the exception `engine.step()` raised."""
StepDone: TypeAlias = Callable[[StepOutcome], object]

_Job: TypeAlias = tuple[Engine, "_Returns | None", StepDone | None]  # None: close the engine
_jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
_lock = threading.Lock()  # guards the state below and the order of `_jobs`
_threads = 0
_idle = 0  # workers waiting for a job and not yet promised to one
_in_host_call = 0  # workers inside `host_call`
_in_flight: dict[Engine, bool] = {}  # engine of a running step -> inside `host_call`
_current = threading.local()  # the engine of the step this worker runs
_exiting = False


class _Returns:
    """Finished steps waiting for their event loop, taken in by one callback per batch."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = weakref.ref(loop)  # strong, it would keep its `_returns` entry alive
        self.outcomes: deque[tuple[StepDone, StepOutcome]] = deque()
        self.lock = threading.Lock()

    def put(self, done: StepDone, outcome: StepOutcome) -> None:
        """From a worker: queue the outcome; wake the loop if the queue was empty."""
        with self.lock:
            wake = not self.outcomes
            self.outcomes.append((done, outcome))
        loop = self.loop()
        if wake and loop is not None:
            try:
                loop.call_soon_threadsafe(self.take)
            except RuntimeError:  # the loop is closed: nobody is waiting any more
                pass

    def take(self) -> None:
        """On the loop: hand every queued outcome to its callback, in order of return."""
        with self.lock:
            batch = list(self.outcomes)
            self.outcomes.clear()
        for done, outcome in batch:
            try:
                done(outcome)
            except Exception as exc:  # noqa: BLE001 - one broken callback must not drop others
                asyncio.get_running_loop().call_exception_handler(
                    {"message": "step callback failed", "exception": exc}
                )


_returns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Returns] = (
    weakref.WeakKeyDictionary()
)


def start_step(engine: Engine, done: StepDone) -> None:
    """Run one `engine.step()` on a worker thread, then call `done(outcome)` on the running
    event loop (not if the loop is closed by then).

    Nothing stops the step but `engine.interrupt()`. Raises RuntimeError once the interpreter
    is exiting."""
    loop = asyncio.get_running_loop()
    returns = _returns.get(loop)
    if returns is None:
        returns = _returns[loop] = _Returns(loop)
    _submit((engine, returns, done))


def close_engine(engine: Engine) -> None:
    """Call `engine.close()` on a worker thread: freeing a large JavaScript heap takes long
    (~0.1 s per million objects) and must not run on the event loop. Inline at interpreter
    exit."""
    try:
        _submit((engine, None, None))
    except RuntimeError:
        engine.close()


def _submit(job: _Job) -> None:
    global _idle, _threads
    with _lock:
        if _exiting:
            raise RuntimeError("cannot run a step while the interpreter exits")
        if _idle:
            _idle -= 1
        elif _threads < WORKER_THREADS + _in_host_call:
            _spawn()
            _threads += 1
        _jobs.put(job)


def run_step(engine: Engine) -> asyncio.Future[list[AnyEngineEvent]]:
    """Start one `engine.step()` on a worker thread; the future resolves to its events.

    Cancelling the future (or a task awaiting it) does not stop the step: call
    `engine.interrupt()` for that. Raises RuntimeError once the interpreter is exiting."""
    future: asyncio.Future[list[AnyEngineEvent]] = asyncio.get_running_loop().create_future()
    start_step(engine, partial(_settle, future))
    return future


class _HostCall:
    """See `host_call`."""

    def __enter__(self) -> None:
        global _in_host_call
        engine = getattr(_current, "engine", None)
        if engine is not None:
            with _lock:
                _in_host_call += 1
                _in_flight[engine] = True

    def __exit__(self, *_: object) -> None:
        global _in_host_call
        engine = getattr(_current, "engine", None)
        if engine is not None:
            with _lock:
                _in_host_call -= 1
                _in_flight[engine] = False


host_call = _HostCall()
"""``with host_call:`` marks the calling worker as busy in host code (a plain `def` tool) for
the block: it does not count against `WORKER_THREADS`, and `in_host_call` reports its step.
Outside a worker (an engine stepped directly) it does nothing."""


def in_host_call(engine: Engine) -> bool:
    """True while `engine`'s step is inside `host_call` (it may block as long as the tool)."""
    return _in_flight.get(engine, False)


def _settle(future: asyncio.Future[list[AnyEngineEvent]], outcome: StepOutcome) -> None:
    if future.cancelled():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


def _spawn() -> None:
    """Start a worker with `WORKER_STACK_BYTES` of stack (a process-wide setting, changed only
    around this thread's creation). Workers are daemon threads: one blocked in a plain `def`
    tool must not keep the interpreter from exiting (steps in JavaScript are interrupted at
    exit, see `_stop_workers`)."""
    previous = threading.stack_size(WORKER_STACK_BYTES)
    try:
        threading.Thread(target=_work, name=f"codecells-js-{_threads + 1}", daemon=True).start()
    finally:
        threading.stack_size(previous)


def _work() -> None:
    while (job := _jobs.get()) is not None:
        _run(*job)
        del job  # an idle worker keeps no engine alive


def _run(engine: Engine, returns: _Returns | None, done: StepDone | None) -> None:
    global _idle
    if returns is None or done is None:
        _close(engine)
        return
    with _lock:
        _in_flight[engine] = False
    _current.engine = engine
    outcome: StepOutcome
    try:
        outcome = engine.step()
    except BaseException as exc:  # noqa: BLE001 - handed to `done`
        outcome = exc
    _current.engine = None
    with _lock:
        _in_flight.pop(engine, None)
        _idle += 1  # before the loop hears of it: its next step must not spawn a thread
    returns.put(done, outcome)


def _close(engine: Engine) -> None:
    global _idle
    with suppress(Exception):  # nobody to report to: the engine is released either way
        engine.close()
    with _lock:
        _idle += 1


def _stop_workers() -> None:
    """At interpreter exit, stop every running step and let idle workers end, so a session
    that was never shut down cannot keep the process busy while its JavaScript spins."""
    global _exiting
    with _lock:
        _exiting = True
        engines = list(_in_flight)
        threads = _threads
    for engine in engines:
        engine.interrupt()
    for _ in range(threads):
        _jobs.put(None)


threading._register_atexit(_stop_workers)  # type: ignore[attr-defined]
