"""A cell's `setTimeout` timers on the event loop: one loop timer per cell, firings in slices.

A script can set thousands of timers at once. One `loop.call_later` each would put them all
into one loop iteration when they are due; here they wait in a heap (due time, then the order
they were set: the script's timer ids grow), one loop timer is armed for the earliest, and due
timers fire `FIRE_SLICE` seconds' worth per loop callback.
"""

from __future__ import annotations

import asyncio
import heapq
import math
import time
from collections.abc import Callable

__all__ = ["FIRE_SLICE", "Timers"]

FIRE_SLICE = 0.004
"""Seconds of timer firings per event-loop callback."""


class Timers:
    """The pending timers of one cell; `fire(timer_id)` is called on the loop when one is due."""

    def __init__(self, fire: Callable[[int], None]) -> None:
        self._fire = fire
        self._heap: list[tuple[float, int]] = []  # (due, timer id); cancelled ones dropped lazily
        self._live: set[int] = set()
        self._handle: asyncio.TimerHandle | None = None
        self._armed_for = math.inf

    def __len__(self) -> int:
        return len(self._live)

    def schedule(self, timer_id: int, delay: float) -> None:
        """Fire `timer_id` after `delay` seconds (after earlier timers due at the same time)."""
        loop = asyncio.get_running_loop()
        due = loop.time() + max(delay, 0.0)
        heapq.heappush(self._heap, (due, timer_id))
        self._live.add(timer_id)
        if due < self._armed_for:
            self._arm(loop, due)

    def cancel(self, timer_id: int) -> None:
        """Forget `timer_id` (no-op if it fired or was cancelled)."""
        self._live.discard(timer_id)
        if len(self._heap) > 2 * len(self._live) + 64:  # mostly cancelled: compact
            self._heap = [entry for entry in self._heap if entry[1] in self._live]
            heapq.heapify(self._heap)

    def cancel_all(self) -> None:
        """Forget every timer."""
        self._heap.clear()
        self._live.clear()
        if self._handle is not None:
            self._handle.cancel()
        self._handle, self._armed_for = None, math.inf

    def _arm(self, loop: asyncio.AbstractEventLoop, due: float) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._handle, self._armed_for = loop.call_at(due, self._fire_due), due

    def _fire_due(self) -> None:
        self._handle, self._armed_for = None, math.inf
        loop = asyncio.get_running_loop()
        now, stop = loop.time(), time.perf_counter() + FIRE_SLICE
        heap = self._heap
        while heap and heap[0][0] <= now and time.perf_counter() < stop:
            _, timer_id = heapq.heappop(heap)
            if timer_id in self._live:
                self._live.discard(timer_id)
                self._fire(timer_id)
        if heap and self._handle is None:
            self._arm(loop, heap[0][0])
