"""A process-wide thread that enforces CPU budgets of running steps and repeats interrupts.

The watchdog sleeps until the earliest moment a running step could exhaust its budget (a
thread's CPU clock never runs faster than the wall clock), then calls `tick()` on each running
engine: the engine compares its worker thread's CPU clock with its budget, (re)delivers a
pending stop and says how long it can be left alone. So a budget is enforced within a wake-up
latency (well under 2 ms) instead of a fixed polling period, and a step far from its budget
costs nothing. Re-delivery matters because the binding re-arms its interrupt limit on each
entry into JavaScript, so a stop written between two entries would otherwise be lost: while a
stop is pending, it is re-written every `RESEND_SECONDS`. Registering a step is a set insertion
and a comparison, cheap enough for every step.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Protocol

__all__ = ["MAX_SLEEP_SECONDS", "MIN_SLEEP_SECONDS", "RESEND_SECONDS", "Watched", "watchdog"]

RESEND_SECONDS = 0.001
"""How often a pending stop is written again while its step runs."""
MIN_SLEEP_SECONDS = 0.0002
"""The shortest sleep between two checks (a budget about to run out)."""
MAX_SLEEP_SECONDS = 3600.0
"""The longest single sleep: a wait's timeout must fit the platform's (a budget of centuries
made the wait raise, and the thread died with every cell's CPU limit)."""


class Watched(Protocol):
    """An engine whose running step the watchdog checks."""

    def tick(self) -> float:
        """Check the CPU budget; re-deliver a pending stop. Called from the watchdog thread.

        Returns the seconds after which it needs the next check (`math.inf`: none needed)."""


class _Watchdog:
    def __init__(self) -> None:
        self._running: set[Watched] = set()
        self._lock = threading.Lock()  # guards `_next` against a registration racing a sleep
        self._next = math.inf  # monotonic time of the next check
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def running(self, engine: Watched, check_in: float) -> None:
        """`engine` started a step that needs a check within `check_in` seconds."""
        self._running.add(engine)
        self.check_within(check_in)

    def check_within(self, seconds: float) -> None:
        """Make sure the next check comes within `seconds` (an interrupt: at once)."""
        if self._plan(time.monotonic() + seconds):
            self._wake.set()

    def _plan(self, due: float) -> bool:
        """Bring the next check forward to `due`; True if it moved (the sleep must be cut)."""
        if due >= self._next:  # the common case, without the lock (re-checked under it)
            return False
        with self._lock:
            if due >= self._next:
                return False
            self._next = due
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="codecells-engine-watchdog", daemon=True
                )
                self._thread.start()
        return True

    def idle(self, engine: Watched) -> None:
        """`engine`'s step ended."""
        self._running.discard(engine)

    def _run(self) -> None:
        while True:
            with self._lock:
                timeout = None if self._next == math.inf else self._next - time.monotonic()
            if timeout is not None:
                timeout = min(timeout, MAX_SLEEP_SECONDS)
            if timeout is None or timeout > 0:
                self._wake.wait(timeout)
            self._wake.clear()
            with self._lock:
                self._next = math.inf  # registrations from here on wake us again
            soonest = math.inf
            for engine in list(self._running):
                soonest = min(soonest, engine.tick())
            if soonest < math.inf:
                self._plan(time.monotonic() + max(soonest, MIN_SLEEP_SECONDS))


watchdog = _Watchdog()
