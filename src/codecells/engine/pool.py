"""The worker threads that run engine steps, and how many steps run at once.

A step is mostly Python holding the GIL (the step machinery, inline tools) around short entries
into JavaScript that release it. Threads that all want the GIL only take turns, each turn a
context switch: 32 workers on 2 cores spent twice the CPU per cell of one worker. So the pool
admits at most `YOUNG_STEPS` *young* steps at once (a core each, one core left to the event
loop) while steps are light; while they are *heavy* — the running mean of their script's CPU
time (`Job.step_cpu`: mostly JavaScript, which runs without the GIL) above `HEAVY_STEP_CPU` —
a young step per core. A step turns *long* once it has used `LONG_STEP_CPU` seconds of its
thread's CPU (JavaScript burning a core), has sat that long in a host call (a plain `def` tool
that blocks), or has lasted `LONG_STEP_WALL` whatever it does: it then gives up its slot and
the next waiting job is admitted, on another thread if none is idle. Long steps hold threads,
not slots: up to `WORKER_THREADS` threads step at once (threads in host calls not counted), so
however many cells burn CPU or block, a short step still gets a thread. A supervisor thread,
awake only while jobs wait, finds long steps. So CPU-bound or blocked cells delay other cells'
short steps by a few milliseconds, never starve them, and the pool is back to `YOUNG_STEPS` as
soon as the long steps end. Idle threads beyond `KEPT_THREADS` end after `IDLE_SECONDS` without
a job (the most recently idle thread takes the next job, so a burst's extra threads do idle),
and a thread the platform refuses to start is retried later, the job waiting meanwhile.

A worker that finishes a step takes the next waiting job itself (no hand-off to another
thread) and holds the finished job's report back for up to `REPORT_DELAY` (the supervisor hands
it on then), so the event loop is woken once per batch (docs/benchmarks.md, "Worker
scheduling").
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "CORES",
    "HEAVY_STEP_CPU",
    "HEAVY_WEIGHT",
    "IDLE_SECONDS",
    "KEPT_THREADS",
    "REPORT_DELAY",
    "LONG_STEP_CPU",
    "LONG_STEP_WALL",
    "SPAWN_RETRY",
    "WORKER_STACK_BYTES",
    "WORKER_THREADS",
    "Job",
    "PoolState",
    "YOUNG_STEPS",
    "WorkerPool",
]


def _usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


CORES = _usable_cores()
"""The cores this process may run on."""
YOUNG_STEPS = max(1, CORES - 1)
"""Young steps admitted at once: a core each, one core left to the event loop (the thread that
feeds their events to the cells and runs `async def` tools)."""
WORKER_THREADS = 256
"""Threads stepping at once at most, long steps included (threads in a host call not counted: a
blocking tool holds only its cell). Only long steps grow the pool past `YOUNG_STEPS`, so this
bounds the threads (and their stack reservations) that many CPU-bound or blocked cells take;
beyond it, the next steps wait for a thread."""
KEPT_THREADS = max(4, CORES)
"""Idle threads kept however long they idle."""
IDLE_SECONDS = 5.0
"""Seconds an idle thread beyond `KEPT_THREADS` waits for a job before it ends."""
SPAWN_RETRY = 0.05
"""Seconds before starting a thread is tried again after the platform refused one."""
WORKER_STACK_BYTES = 8 * 1024 * 1024
"""C stack per worker: QuickJS's stack limit (1 MB default, up to 6 MB) must fit with room to
spare, also where the platform default is small (musl: 128 KB)."""
LONG_STEP_CPU = 0.002
"""Seconds of thread CPU (or of a host call) after which a step is long."""
HEAVY_STEP_CPU = 0.0001
"""Mean CPU seconds of the script's own work per step (`Job.step_cpu`) above which steps are
*heavy*: mostly JavaScript, which runs without the GIL, so a step per core runs at once
(`WorkerPool`'s `heavy_young_steps`). A step's own Python (commands, events) costs well under
this; host code such as a plain `def` tool holds the GIL and is not counted."""
HEAVY_WEIGHT = 0.0625
"""Weight of the last step in the running mean of step CPU time."""
LONG_STEP_WALL = 0.02
"""Seconds after which a step is long whatever it does (waiting for the GIL, blocked)."""
REPORT_DELAY = 0.005
"""Seconds a finished job's report may be held back while its worker goes on with the next
job: the event loop is woken once for a batch instead of taking the GIL between every step."""
_MIN_PAUSE = 0.0002
_THREAD_CLOCKS = hasattr(time, "pthread_getcpuclockid")
log = logging.getLogger("codecells")


class Job(Protocol):
    """Work for one worker thread."""

    step_cpu: float | None
    """Set by `run`: the CPU seconds of the script's own work in the step (JavaScript and the
    step's machinery, not host code such as inline tools), counted in the mean step time;
    None for a job that is not a step (closing an engine)."""

    def run(self) -> None:
        """Do the work; must not raise."""

    def report(self) -> None:
        """Hand the outcome on (called once the job's slot is free); must not raise."""

    def stop(self) -> None:
        """At interpreter exit, end a running `run` promptly (any thread)."""


@dataclass(frozen=True)
class PoolState:
    """A snapshot of the pool (for tests and diagnostics)."""

    threads: int
    running: int
    young: int
    waiting: int


class _Worker:
    __slots__ = ("clock", "cpu_began", "began", "handed", "host_since", "job", "wake", "young")

    def __init__(self) -> None:
        self.clock = time.pthread_getcpuclockid(threading.get_ident()) if _THREAD_CLOCKS else 0
        self.job: Job | None = None
        self.began = 0.0
        self.cpu_began = 0.0
        self.host_since = math.inf
        self.young = False
        self.handed: Job | None = None  # the next job, handed over while idle (None: end)
        self.wake = threading.Lock()  # released once `handed` is set
        self.wake.acquire()

    def long_in(self, now: float, long_wall: float) -> float:
        """Seconds until this step is long at the earliest (<= 0: it is long now)."""
        due = min(self.began + long_wall, self.host_since + LONG_STEP_CPU) - now
        if _THREAD_CLOCKS:
            try:
                used = time.clock_gettime(self.clock) - self.cpu_began
            except OSError:  # the thread is ending
                return due
            return min(due, LONG_STEP_CPU - used)  # CPU time runs no faster than wall time
        return min(due, self.began + LONG_STEP_CPU - now)


class WorkerPool:
    """Runs `Job`s on persistent daemon threads, admitting them as described above
    (`young_steps`, `heavy_young_steps`, `long_wall`, `threads`, `kept_threads` and
    `idle_seconds` default to `YOUNG_STEPS`, `CORES`, `LONG_STEP_WALL`, `WORKER_THREADS`,
    `KEPT_THREADS` and `IDLE_SECONDS`)."""

    def __init__(
        self,
        name: str,
        *,
        young_steps: int = YOUNG_STEPS,
        heavy_young_steps: int | None = None,
        long_wall: float = LONG_STEP_WALL,
        threads: int = WORKER_THREADS,
        kept_threads: int = KEPT_THREADS,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self._name = name
        self._young_steps = young_steps
        self._heavy_young_steps = max(
            young_steps, CORES if heavy_young_steps is None else heavy_young_steps
        )
        self._step_cpu = 0.0  # running mean of `Job.step_cpu` (see `_weigh`)
        self._young_limit = young_steps
        self._long_wall = long_wall
        self._max_threads = threads
        self._kept_threads = kept_threads
        self._idle_seconds = idle_seconds
        self._lock = threading.Lock()  # guards everything below
        self._waiting: deque[Job] = deque()  # not admitted yet, in order of submission
        self._busy: set[_Worker] = set()
        self._idle: list[_Worker] = []  # threads waiting for a job, the most recent last
        self._local = threading.local()
        self._threads = 0
        self._started = 0  # threads ever started (their names' numbers)
        self._spawn_after = 0.0  # monotonic time before which no thread is started
        self._refused = False  # the last try to start a thread failed (logged once)
        self._running = 0  # admitted jobs, handed over or running
        self._young = 0  # admitted jobs not found long
        self._exiting = False
        self._supervisor: threading.Thread | None = None
        self._asleep = False  # the supervisor waits for `_nudge` (no job was waiting)
        self._nudge = threading.Event()
        self._unreported: list[Job] = []  # finished, in order, not yet reported
        self._unreported_since = math.inf  # monotonic time the oldest of them finished

    # --- submitting --------------------------------------------------------------------

    def submit(self, job: Job) -> None:
        """Run `job` as soon as it is admitted. Raises RuntimeError once the interpreter exits."""
        with self._lock:
            if self._exiting:
                raise RuntimeError("cannot run a step while the interpreter exits")
            if self._waiting or not self._admit(job):
                self._waiting.append(job)
                self._wake_supervisor()

    def _wake_supervisor(self) -> None:
        if self._supervisor is None:
            supervisor = threading.Thread(
                target=self._supervise, name=f"supervisor of {self._name}", daemon=True
            )
            if self._started_thread(supervisor):  # else a later wake-up tries again
                self._supervisor = supervisor
        elif self._asleep:
            self._asleep = False
            self._nudge.set()

    def _admit(self, job: Job) -> bool:
        """Hand `job` to the most recently idle thread, or to a new one, if a young slot is
        free; False if it must wait."""
        if self._young >= self._young_limit:
            return False
        if self._idle:
            worker = self._idle.pop()
            worker.handed = job
            worker.wake.release()
        elif not (self._may_spawn() and self._spawn(job)):
            return False
        self._young += 1
        self._running += 1
        return True

    def _admit_waiting(self) -> None:
        while self._waiting and self._admit(self._waiting[0]):
            self._waiting.popleft()

    def _may_spawn(self) -> bool:
        if self._threads >= self._max_threads:
            in_host = sum(worker.host_since < math.inf for worker in self._busy)
            if self._threads >= self._max_threads + in_host:
                return False
        return self._spawn_after <= time.monotonic()

    def _spawn(self, job: Job) -> bool:
        """Start a worker for `job` with `WORKER_STACK_BYTES` of stack (a process-wide setting,
        changed only around this thread's creation); False if the platform refused it. Daemon
        threads: one blocked in a plain `def` tool must not keep the interpreter from exiting
        (see `stop_all`)."""
        previous = threading.stack_size(WORKER_STACK_BYTES)
        try:
            name = f"{self._name}-{self._started + 1}"
            # the job in a list the thread empties: a Thread keeps its arguments while it runs,
            # and with a thread's first job it kept that job's cell and output for good
            worker = threading.Thread(target=self._work, args=([job],), name=name, daemon=True)
            if not self._started_thread(worker):
                self._spawn_after = time.monotonic() + SPAWN_RETRY
                return False
        finally:
            threading.stack_size(previous)
        self._started += 1
        self._threads += 1
        return True

    def _started_thread(self, thread: threading.Thread) -> bool:
        """Start `thread`; False (logged once in a row) if the platform refused it."""
        try:
            thread.start()
        except (RuntimeError, MemoryError) as exc:  # "can't start new thread"
            if not self._refused:
                log.warning("%s: could not start a thread: %s", self._name, exc)
            self._refused = True
            return False
        self._refused = False
        return True

    # --- workers -----------------------------------------------------------------------

    def _work(self, handed: list[Job]) -> None:
        job = handed.pop()
        worker = self._local.worker = _Worker()
        self._begin_on_this_thread(worker, job)
        while True:
            job.run()
            following, reports = self._next(worker, job)
            _report(reports)
            if following is None:
                del job, reports  # an idle worker keeps no job alive, nor a cell through it
                following = self._wait(worker)
                if following is None:
                    return
            job = following

    def _wait(self, worker: _Worker) -> Job | None:
        """Idle: wait to be handed a job. None: this thread ends (it idled `idle_seconds`
        beyond the kept threads, or the interpreter exits)."""
        while not worker.wake.acquire(timeout=self._idle_seconds):
            with self._lock:
                if self._threads > self._kept_threads and worker in self._idle:
                    self._idle.remove(worker)
                    self._threads -= 1
                    return None
        job, worker.handed = worker.handed, None
        if job is not None:
            self._begin_on_this_thread(worker, job)
        return job

    def _begin_on_this_thread(self, worker: _Worker, job: Job) -> None:
        cpu = time.thread_time()
        with self._lock:
            self._begin(worker, job, cpu)

    def _begin(self, worker: _Worker, job: Job, cpu: float) -> None:
        worker.job = job
        worker.young = True
        worker.began = time.monotonic()
        worker.cpu_began = cpu
        self._busy.add(worker)

    def _next(self, worker: _Worker, done: Job) -> tuple[Job | None, list[Job]]:
        """`done` ended: free its slot; take the next waiting job if there is room. Returns
        that job and the finished jobs to report now: all of them, unless this worker goes on
        with another job while the oldest unreported one is younger than `REPORT_DELAY`."""
        cpu = time.thread_time()
        with self._lock:
            self._busy.discard(worker)
            self._running -= 1
            if worker.young:
                self._young -= 1
                if done.step_cpu is not None:
                    self._weigh(done.step_cpu)
            following = None
            if self._waiting and not self._exiting and self._young < self._young_limit:
                following = self._waiting.popleft()
                self._young += 1
                self._running += 1
                self._begin(worker, following, cpu)
            else:
                worker.job = None  # an idle worker keeps no job alive
                if self._exiting:  # nothing handed: `_wait` ends the thread
                    self._threads -= 1
                    worker.wake.release()
                else:
                    self._idle.append(worker)
            now = time.monotonic()
            if following is not None and now - self._unreported_since < REPORT_DELAY:
                if not self._unreported:
                    self._unreported_since = now
                    self._wake_supervisor()
                self._unreported.append(done)
                return following, []
            reports = [*self._unreported, done]
            self._unreported.clear()
            self._unreported_since = math.inf
        return following, reports

    def _weigh(self, step_cpu: float) -> None:
        """Count a young step's script CPU time into the mean; heavy steps get a step per
        core, light ones `young_steps`."""
        self._step_cpu += (step_cpu - self._step_cpu) * HEAVY_WEIGHT
        heavy = self._step_cpu > HEAVY_STEP_CPU
        self._young_limit = self._heavy_young_steps if heavy else self._young_steps

    # --- host calls --------------------------------------------------------------------

    def current_job(self) -> Job | None:
        """The job this thread runs (None outside a worker)."""
        worker: _Worker | None = getattr(self._local, "worker", None)
        return None if worker is None else worker.job

    def enter_host_call(self) -> None:
        """This worker's job calls host code that may block: its thread does not count against
        `WORKER_THREADS`, and after `LONG_STEP_CPU` not against the young steps either (the
        supervisor then admits waiting jobs). A float written, no lock: plain tools are called
        thousands of times a second."""
        self._local.worker.host_since = time.monotonic()

    def leave_host_call(self) -> None:
        """The host call returned."""
        self._local.worker.host_since = math.inf

    # --- the supervisor ----------------------------------------------------------------

    def _supervise(self) -> None:
        while True:
            reports: list[Job] = []
            with self._lock:
                pause = None
                if self._waiting or self._unreported:
                    pause = self._promote()
                    if self._unreported:
                        pause = min(pause, self._report_in(reports))
                else:
                    self._asleep = True
                    self._nudge.clear()
            _report(reports)
            del reports  # nor does the supervisor while it sleeps
            if pause is None:
                self._nudge.wait()
            else:
                time.sleep(max(pause, _MIN_PAUSE))

    def _report_in(self, reports: list[Job]) -> float:
        """Move the unreported jobs to `reports` if the oldest waited `REPORT_DELAY`; returns
        the seconds until it will have."""
        due = self._unreported_since + REPORT_DELAY - time.monotonic()
        if due > 0:
            return due
        reports.extend(self._unreported)
        self._unreported.clear()
        self._unreported_since = math.inf
        return REPORT_DELAY

    def _promote(self) -> float:
        """Mark long steps as such and admit waiting jobs in their place; returns the seconds
        until a young step could turn long."""
        now = time.monotonic()
        pause = LONG_STEP_CPU
        for worker in self._busy:
            if worker.young:
                due = worker.long_in(now, self._long_wall)
                if due <= 0:
                    worker.young = False
                    self._young -= 1
                else:
                    pause = min(pause, due)
        self._admit_waiting()
        return pause

    # --- state and exit ----------------------------------------------------------------

    def state(self) -> PoolState:
        """How many threads exist, how many admitted jobs (all, young) and how many wait."""
        with self._lock:
            return PoolState(self._threads, self._running, self._young, len(self._waiting))

    def stop_all(self) -> None:
        """At interpreter exit: stop every running job, drop waiting ones, let threads end."""
        with self._lock:
            self._exiting = True
            self._waiting.clear()
            self._unreported.clear()
            running = [worker.job for worker in self._busy if worker.job is not None]
            idle, self._idle = self._idle, []
            self._threads -= len(idle)
        for worker in idle:
            worker.wake.release()  # nothing handed: the thread ends
        for job in running:
            job.stop()


def _report(jobs: list[Job]) -> None:
    """Report `jobs` in order (a function: its frame, and with it the last job, ends here)."""
    for job in jobs:
        job.report()
