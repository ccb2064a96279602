"""Stopping JavaScript that runs on another thread.

The quickjs-ng binding has no cross-thread interrupt. Its interrupt handler, installed while a
time limit is set, stops the running entry once ``clock() - start >= limit``, where ``start`` and
``limit`` live in the ``InterruptData`` struct inside the ``Context`` object itself (layout in
`binding.py`). Writing 0 to ``interrupt_data.limit`` therefore stops the entry at its next
interrupt poll. This is only done when `binding.internals_allowed()`, after the offsets are
confirmed on a live context and a self-test stopped ``for(;;){}`` from another thread.
Otherwise `memory_interrupts()` is None and the engine falls back to stopping at the next entry
or job boundary (see docs/engine.md).
"""

from __future__ import annotations

import ctypes
import threading
import time
from dataclasses import dataclass

import quickjs

from .binding import internals_allowed

__all__ = ["ContextLayout", "memory_interrupts"]

_CLOCKS_PER_SEC = 1_000_000  # POSIX (XSI) value, on Linux and macOS alike


@dataclass(frozen=True)
class ContextLayout:
    """Byte offsets of the binding's time-limit fields inside a ``quickjs.Context``."""

    has_time_limit: int
    time_limit: int
    thread_state: int
    interrupt_limit: int

    def stop(self, context: quickjs.Context) -> None:
        """Make the entry running in ``context`` (if any) stop at its next interrupt poll, and
        keep stopping any JavaScript run there until the next `set_time_limit`.

        Clearing ``has_time_limit`` first makes the binding skip removing its handler when
        the entry returns, so the handler, with limit 0, still stops JavaScript the binding
        runs while converting the escaping error (with the GIL held): cell code can get hold
        of an interrupt's error object (`using` disposal wraps it in a catchable
        SuppressedError) and make its `toString` loop. The caller guarantees ``context`` is
        alive for the duration of the call."""
        ctypes.c_int.from_address(id(context) + self.has_time_limit).value = 0
        ctypes.c_long.from_address(id(context) + self.interrupt_limit).value = 0

    def in_javascript(self, context: quickjs.Context) -> bool:
        """True while an entry runs in ``context``: the binding's saved thread state is
        non-NULL exactly while a thread is inside JavaScript with the GIL released."""
        return self._read_long(context, self.thread_state) != 0

    def _read_long(self, context: quickjs.Context, offset: int) -> int:
        return ctypes.c_long.from_address(id(context) + offset).value

    def _read_int(self, context: quickjs.Context, offset: int) -> int:
        return ctypes.c_int.from_address(id(context) + offset).value


# int has_time_limit 32 (+4 padding) | clock_t time_limit 40 | PyThreadState* 48 |
# InterruptData.start 56 | .limit 64
_LAYOUT = ContextLayout(has_time_limit=32, time_limit=40, thread_state=48, interrupt_limit=64)


def _fields_match(layout: ContextLayout) -> bool:
    """Read back distinctive values the binding stores, on a throwaway context."""
    ctx = quickjs.Context()
    ctx.set_time_limit(123.456789)
    if layout._read_int(ctx, layout.has_time_limit) != 1:
        return False
    if layout._read_long(ctx, layout.time_limit) != int(123.456789 * _CLOCKS_PER_SEC):
        return False
    ctx.set_time_limit(-1)
    if layout._read_int(ctx, layout.has_time_limit) != 0:
        return False
    ctx.set_time_limit(7.654321)
    ctx.eval("1")
    return (
        layout._read_long(ctx, layout.interrupt_limit) == int(7.654321 * _CLOCKS_PER_SEC)
        and layout._read_long(ctx, layout.thread_state) == 0
    )


def _self_test(layout: ContextLayout) -> bool:
    """Stop ``for(;;){}`` running on another thread; True if it stopped as expected."""
    ctx = quickjs.Context()
    ctx.set_time_limit(5.0)
    outcome: list[str] = []

    def spin() -> None:
        try:
            ctx.eval("for(;;){}")
        except quickjs.JSException as exc:
            outcome.append(str(exc))

    worker = threading.Thread(target=spin, name="codecells-interrupt-self-test", daemon=True)
    worker.start()
    deadline = time.monotonic() + 2.0
    while not layout.in_javascript(ctx):
        if time.monotonic() > deadline or not worker.is_alive():
            return False
        time.sleep(0.001)
    layout.stop(ctx)
    worker.join(timeout=2.0)
    return not worker.is_alive() and len(outcome) == 1 and "interrupted" in outcome[0]


_verified: ContextLayout | None = None
_checked = False
_lock = threading.Lock()


def memory_interrupts() -> ContextLayout | None:
    """The verified layout for cross-thread interrupts, or None when the fallback applies.

    Verification runs once per process (a few milliseconds) on first use."""
    global _verified, _checked
    if not internals_allowed():
        return None
    if _checked:
        return _verified
    with _lock:
        if not _checked:
            if _fields_match(_LAYOUT) and _self_test(_LAYOUT):
                _verified = _LAYOUT
            _checked = True
        return _verified
