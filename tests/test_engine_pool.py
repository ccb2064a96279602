"""The worker pool's admission: one young step per slot, room made by long steps, reports."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections.abc import Callable

import pytest

from codecells.engine.pool import HEAVY_STEP_CPU, WorkerPool

WAIT = 5.0  # seconds; a bound on waiting for an event, never a synchronisation by sleeping
NEVER = 3600.0  # a wall-clock limit no test reaches: only CPU and host calls make steps long


class Step:
    """A job that records when it runs and reports, and can be held inside its run."""

    step_cpu: float | None = 0.0  # a light step

    def __init__(self, reports: list[Step], hold: str = "") -> None:
        self.reports = reports
        self.hold = hold  # "": return at once; "block", "host" (in a host call) or "burn" (CPU)
        self.pool: WorkerPool | None = None
        self.entered = threading.Event()
        self.release = threading.Event()
        self.reported = threading.Event()

    def run(self) -> None:
        self.entered.set()
        if self.hold == "burn":
            while not self.release.is_set():  # CPU time, as JavaScript burning a core
                pass
        elif self.hold == "host":
            assert self.pool is not None
            self.pool.enter_host_call()
            self.release.wait(WAIT)
            self.pool.leave_host_call()
        elif self.hold == "block":
            self.release.wait(WAIT)

    def report(self) -> None:
        self.reports.append(self)
        self.reported.set()

    def stop(self) -> None:
        self.release.set()


def submit(pool: WorkerPool, job: Step) -> Step:
    job.pool = pool
    pool.submit(job)
    return job


def until(event: threading.Event) -> None:
    assert event.wait(WAIT), "the event did not come"


@pytest.fixture
def pool() -> WorkerPool:
    return WorkerPool("test-pool", young_steps=1, long_wall=NEVER)


def test_no_more_young_steps_run_than_slots(pool: WorkerPool) -> None:
    reports: list[Step] = []
    first = submit(pool, Step(reports, hold="block"))
    until(first.entered)
    second = submit(pool, Step(reports))
    state = pool.state()
    assert (state.running, state.young, state.waiting) == (1, 1, 1)
    assert not second.entered.is_set()
    first.release.set()
    until(second.reported)
    assert reports == [first, second]


@pytest.mark.parametrize("hold", ["burn", "host"])
def test_a_long_step_makes_room_for_the_next(pool: WorkerPool, hold: str) -> None:
    # A step burning CPU, or blocked in a host call (a plain `def` tool), for longer than
    # `LONG_STEP_CPU` gives up its slot: the waiting short step runs meanwhile.
    reports: list[Step] = []
    long = submit(pool, Step(reports, hold=hold))
    until(long.entered)
    short = submit(pool, Step(reports))
    until(short.reported)
    assert not long.release.is_set() and reports == [short]
    state = pool.state()
    assert (state.threads, state.running, state.young) == (2, 1, 0), "the pool grew"
    long.release.set()
    until(long.reported)


def test_the_pool_shrinks_back_once_long_steps_end(pool: WorkerPool) -> None:
    reports: list[Step] = []
    longs = [submit(pool, Step(reports, hold="host")) for _ in range(3)]
    for job in longs:
        until(job.entered)  # each admitted once the one before it turned long
    assert pool.state().running == 3
    for job in longs:
        job.release.set()
        until(job.reported)
    state = pool.state()
    assert (state.threads, state.running, state.young) == (3, 0, 0)
    blocked = submit(pool, Step(reports, hold="block"))
    until(blocked.entered)
    after = submit(pool, Step(reports))
    assert pool.state().waiting == 1, "one young step at a time again, idle threads or not"
    blocked.release.set()
    until(after.reported)


def test_finished_steps_are_reported_in_order(pool: WorkerPool) -> None:
    reports: list[Step] = []
    first = submit(pool, Step(reports, hold="block"))
    until(first.entered)
    rest = [submit(pool, Step(reports)) for _ in range(50)]
    first.release.set()  # the worker goes on through the waiting jobs, reporting in batches
    until(rest[-1].reported)
    assert reports == [first, *rest]


def run_steps(pool: WorkerPool, count: int, step_cpu: float) -> None:
    """Run `count` steps whose script took `step_cpu` seconds each, one after the other."""
    for _ in range(count):
        job = Step([])
        job.step_cpu = step_cpu
        until(submit(pool, job).reported)


def young_steps_admitted(pool: WorkerPool) -> int:
    """How many of two blocked steps the pool admits at once (each held until released)."""
    reports: list[Step] = []
    first = submit(pool, Step(reports, hold="block"))
    until(first.entered)
    second = submit(pool, Step(reports, hold="block"))
    admitted = pool.state().young
    first.release.set()
    second.release.set()
    until(second.reported)
    return admitted


def test_steps_heavy_in_javascript_run_a_step_per_core() -> None:
    # Steps whose script takes long (JavaScript, which runs without the GIL) get a young step
    # per core; once steps are light again (their own Python only), one at a time again.
    pool = WorkerPool("test-heavy", young_steps=1, heavy_young_steps=2, long_wall=NEVER)
    assert young_steps_admitted(pool) == 1
    run_steps(pool, 60, step_cpu=10 * HEAVY_STEP_CPU)
    assert young_steps_admitted(pool) == 2
    run_steps(pool, 60, step_cpu=0.0)
    assert young_steps_admitted(pool) == 1


def test_first_steps_and_closes_are_not_weighed() -> None:
    # A cell's first step (creating its context) and closing an engine say nothing about how
    # much of a step is JavaScript: they leave the mean as it is.
    pool = WorkerPool("test-unweighed", young_steps=1, heavy_young_steps=2, long_wall=NEVER)
    for _ in range(60):
        job = Step([], hold="burn")
        job.step_cpu = None
        submit(pool, job)
        until(job.entered)
        job.release.set()
        until(job.reported)
    assert young_steps_admitted(pool) == 1


SOON = 0.005  # a wall-clock limit blocked steps soon reach: they turn long


def eventually(condition: Callable[[], bool]) -> None:
    """Wait for a pool state no event announces (a step turning long, a thread retiring)."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "the pool never got there"
        time.sleep(0.001)


def test_long_steps_never_starve_a_short_one() -> None:
    # More long steps than there used to be threads for (32): a short step still runs.
    pool = WorkerPool("test-starve", young_steps=1, long_wall=SOON)
    reports: list[Step] = []
    blocked = [submit(pool, Step(reports, hold="block")) for _ in range(40)]
    for job in blocked:
        until(job.entered)
    short = submit(pool, Step(reports))
    until(short.reported)
    assert reports == [short] and not any(job.release.is_set() for job in blocked)
    for job in blocked:
        job.release.set()
    for job in blocked:
        until(job.reported)


def test_long_steps_take_threads_up_to_the_bound() -> None:
    pool = WorkerPool("test-bound", young_steps=1, long_wall=SOON, threads=2)
    reports: list[Step] = []
    first, second = (submit(pool, Step(reports, hold="block")) for _ in range(2))
    until(second.entered)  # admitted once `first` turned long
    short = submit(pool, Step(reports))
    eventually(lambda: pool.state().young == 0)  # `second` is long too: no young step runs
    state = pool.state()
    assert (state.threads, state.running, state.waiting) == (2, 2, 1), "no third thread"
    first.release.set()  # its thread takes the waiting step
    until(short.reported)
    assert reports == [first, short]
    second.release.set()
    until(second.reported)


def test_idle_threads_beyond_the_kept_ones_end() -> None:
    pool = WorkerPool(
        "test-retire", young_steps=1, long_wall=SOON, kept_threads=1, idle_seconds=0.05
    )
    reports: list[Step] = []
    burst = [submit(pool, Step(reports, hold="block")) for _ in range(4)]
    for job in burst:
        until(job.entered)
    assert pool.state().threads == 4
    for job in burst:
        job.release.set()
        until(job.reported)
    # Steps keep coming one at a time: the most recently idle thread takes each, so the others
    # idle long enough to end.
    deadline = time.monotonic() + WAIT
    while pool.state().threads > 1:
        assert time.monotonic() < deadline, "idle threads did not end"
        until(submit(pool, Step(reports)).reported)
    until(submit(pool, Step(reports)).reported)
    assert pool.state().threads == 1


class Refusals:
    """`threading.Thread.start` failing for a pool's threads, as when the process is out of
    threads or memory."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, prefixes: tuple[str, ...]) -> None:
        self.on = threading.Event()
        self.refused = threading.Event()
        start = threading.Thread.start

        def maybe_refuse(thread: threading.Thread) -> None:
            if self.on.is_set() and thread.name.startswith(prefixes):
                self.refused.set()
                raise RuntimeError("can't start new thread")
            start(thread)

        monkeypatch.setattr(threading.Thread, "start", maybe_refuse)


def _short_step_while_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, refused: tuple[str, ...]
) -> tuple[Refusals, WorkerPool, list[Step], Step, Step]:
    """A pool of one young step, busy with a blocked step, then a short step submitted while
    the platform refuses the threads named `refused`."""
    refusals = Refusals(monkeypatch, refused)
    pool = WorkerPool(name, young_steps=1, long_wall=SOON)
    reports: list[Step] = []
    blocked = submit(pool, Step(reports, hold="block"))
    until(blocked.entered)
    refusals.on.set()
    return refusals, pool, reports, blocked, submit(pool, Step(reports))


def test_a_thread_the_platform_refuses_is_tried_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # The short step waits (nothing raises), and runs as soon as a thread can be started.
    refusals, pool, _, blocked, short = _short_step_while_refused(
        monkeypatch, "test-refused", ("test-refused-",)
    )
    until(refusals.refused)
    assert pool.state().threads == 1 and not short.entered.is_set()
    refusals.on.clear()
    until(short.reported)
    assert not blocked.release.is_set() and pool.state().threads == 2
    blocked.release.set()
    until(blocked.reported)


def test_without_new_threads_a_step_waits_for_a_busy_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # Not even the supervisor starts: the waiting step runs once a worker is free again.
    refusals, pool, reports, blocked, short = _short_step_while_refused(
        monkeypatch, "test-threadless", ("test-threadless-", "supervisor of test-threadless")
    )
    assert refusals.refused.is_set() and pool.state().waiting == 1
    blocked.release.set()
    until(short.reported)
    assert reports == [blocked, short] and pool.state().threads == 1


def test_a_reported_job_is_not_kept_alive_by_the_pool(pool: WorkerPool) -> None:
    """Once reported, a job (and the cell it refers to) belongs to nobody in the pool: not to
    the thread it started (a Thread keeps its arguments while it runs), nor to an idle worker
    waiting for the next job."""
    first, second = Step([]), Step([])
    submit(pool, first)
    until(first.reported)
    submit(pool, second)  # on the thread `first` started, now idle
    until(second.reported)
    kept = [weakref.ref(first), weakref.ref(second)]
    del first, second
    gc.collect()
    assert [ref() for ref in kept] == [None, None]
