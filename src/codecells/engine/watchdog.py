"""A process-wide thread that enforces CPU budgets of running steps and repeats interrupts.

Every `POLL_SECONDS` while any step runs, the watchdog calls `tick()` on each running engine:
the engine compares its worker thread's CPU clock with its budget and (re)delivers a pending
stop. Re-delivery matters because the binding re-arms its interrupt limit on each entry into
JavaScript, so a stop written between two entries would otherwise be lost. Registering a step
is a set insertion, cheap enough for every step.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

__all__ = ["POLL_SECONDS", "Watched", "watchdog"]

POLL_SECONDS = 0.01


class Watched(Protocol):
    """An engine whose running step the watchdog checks."""

    def tick(self) -> None:
        """Check the CPU budget; re-deliver a pending stop. Called from the watchdog thread."""


class _Watchdog:
    def __init__(self) -> None:
        self._running: set[Watched] = set()
        self._work = threading.Event()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def running(self, engine: Watched) -> None:
        """`engine` started a step."""
        self._running.add(engine)
        if not self._work.is_set():
            self._work.set()
            if self._thread is None:
                self._start()

    def idle(self, engine: Watched) -> None:
        """`engine`'s step ended."""
        self._running.discard(engine)

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="codecells-engine-watchdog", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._work.wait()
            engines = list(self._running)
            if not engines:
                self._work.clear()
                if self._running:  # a step started between the copy and the clear
                    self._work.set()
                continue
            for engine in engines:
                engine.tick()
            time.sleep(POLL_SECONDS)


watchdog = _Watchdog()
