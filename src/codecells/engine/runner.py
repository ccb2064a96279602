"""Engine steps on worker threads, so the event loop stays responsive.

The workers are persistent threads with large stacks (`pool.WorkerPool`: one young step per
core, more only while steps run long). Finished steps come back to their event loop in batches:
a worker appends the outcome to the loop's return queue and wakes the loop (one
``call_soon_threadsafe``) only when that queue was empty, so under load one loop iteration
takes in many steps. `start_step` calls the caller's callback with the outcome; `run_step`
settles a future. This is the cheapest handoff measured (docs/benchmarks.md): `run_in_executor`
on a thread pool costs about twice as much per step.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from functools import partial
from typing import TypeAlias

from .pool import WorkerPool
from .protocol import AnyEngineEvent, Engine

__all__ = [
    "StepDone",
    "StepOutcome",
    "close_engine",
    "host_call",
    "in_host_call",
    "run_step",
    "start_step",
]

StepOutcome: TypeAlias = list[AnyEngineEvent] | BaseException
"""A step's events, or the exception `engine.step()` raised."""
StepDone: TypeAlias = Callable[[StepOutcome], object]

_pool = WorkerPool("codecells-js")  # threads named codecells-js-1, -2, ...
_hosting: set[Engine] = set()  # engines whose step is inside `host_call`


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
    _pool.submit(_Step(engine, returns, done))


def close_engine(engine: Engine) -> None:
    """Call `engine.close()` on a worker thread: freeing a large JavaScript heap takes long
    (~0.1 s per million objects) and must not run on the event loop. Inline at interpreter
    exit."""
    try:
        _pool.submit(_Close(engine))
    except RuntimeError:
        engine.close()


def run_step(engine: Engine) -> asyncio.Future[list[AnyEngineEvent]]:
    """Start one `engine.step()` on a worker thread; the future resolves to its events.

    Cancelling the future (or a task awaiting it) does not stop the step: call
    `engine.interrupt()` for that. Raises RuntimeError once the interpreter is exiting."""
    future: asyncio.Future[list[AnyEngineEvent]] = asyncio.get_running_loop().create_future()
    start_step(engine, partial(_settle, future))
    return future


class _Step:
    """A job for the pool: one step of `engine`, its outcome handed to `done` on its loop."""

    __slots__ = ("done", "engine", "outcome", "returns", "step_cpu")

    def __init__(self, engine: Engine, returns: _Returns, done: StepDone) -> None:
        self.engine = engine
        self.returns = returns
        self.done = done
        self.outcome: StepOutcome = []
        self.step_cpu: float | None = None

    def run(self) -> None:
        try:
            self.outcome = self.engine.step()
        except BaseException as exc:  # noqa: BLE001 - handed to `done`
            self.outcome = exc
        # the engines that report it (`QuickJSEngine`, the durable journal's); others: unweighed
        self.step_cpu = getattr(self.engine, "step_cpu_time", None)

    def report(self) -> None:
        outcome, self.outcome = self.outcome, []  # the worker may hold this job a while yet
        self.returns.put(self.done, outcome)

    def stop(self) -> None:
        self.engine.interrupt()


class _Close:
    """A job for the pool: close `engine` (nobody to report to: released either way)."""

    __slots__ = ("engine",)
    step_cpu: float | None = None  # not a step: not weighed

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def run(self) -> None:
        with suppress(Exception):
            self.engine.close()

    def report(self) -> None:
        """Nobody waits for a close."""

    def stop(self) -> None:
        """Closing ends by itself."""


class _HostCall:
    """See `host_call`."""

    def __enter__(self) -> None:
        job = _pool.current_job()
        if isinstance(job, _Step):
            _pool.enter_host_call()
            _hosting.add(job.engine)

    def __exit__(self, *_: object) -> None:
        job = _pool.current_job()
        if isinstance(job, _Step):
            _hosting.discard(job.engine)
            _pool.leave_host_call()


host_call = _HostCall()
"""``with host_call:`` marks the calling worker as busy in host code (a plain `def` tool) for
the block: it does not count against `pool.WORKER_THREADS` (nor, once it lasts, against the
cores), and `in_host_call` reports its step. Outside a worker (an engine stepped directly) it
does nothing."""


def in_host_call(engine: Engine) -> bool:
    """True while `engine`'s step is inside `host_call` (it may block as long as the tool)."""
    return engine in _hosting


def _settle(future: asyncio.Future[list[AnyEngineEvent]], outcome: StepOutcome) -> None:
    if future.cancelled():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


threading._register_atexit(_pool.stop_all)  # type: ignore[attr-defined]
