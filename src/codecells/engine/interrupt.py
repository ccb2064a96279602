"""Stopping JavaScript that runs on another thread.

The quickjs-ng binding has no cross-thread interrupt. Its interrupt handler, installed while a
time limit is set, stops the running entry once ``clock() - start >= limit``, where ``start`` and
``limit`` live in the ``InterruptData`` struct inside the ``Context`` object itself (layout in
`binding.py`). Writing 0 to ``interrupt_data.limit`` therefore stops the entry at the next call
of the handler. QuickJS calls the handler only when the context's ``interrupt_counter``,
decremented at every interrupt poll (calls, loop back-edges, the regex engine), runs out: once
every 10,000 polls, which is 10,000 native calls in a loop of long ones (seconds to minutes).
So a stop also writes 0 to that counter (a field of quickjs-ng's ``JSContext``): the very next
poll calls the handler, and the stop lands within one native call.

This is only done when `binding.internals_allowed()`, after the offsets are confirmed on live
contexts and a self-test stopped ``for(;;){}`` from another thread; the counter is written only
once it was also seen counting polls and, written, making the next poll call the handler
(otherwise the stop writes the limit alone). Without a verified layout `memory_interrupts()` is
None and the engine falls back to stopping at the next entry or job boundary (docs/engine.md).
"""

from __future__ import annotations

import ctypes
import threading
import time
from dataclasses import dataclass, replace

import quickjs

from .binding import CONTEXT_POINTER, RUNTIME_POINTER, internals_allowed, pointer_at
from .precompiled import _Api

__all__ = ["ContextLayout", "memory_interrupts"]

_CLOCKS_PER_SEC = 1_000_000  # POSIX (XSI) value, on Linux and macOS alike
_COUNTER_INIT = 10_000  # quickjs-ng's JS_INTERRUPT_COUNTER_INIT
_FAR_COUNTER = 1 << 30  # polls before the handler runs by itself: far beyond the self-test
_RESEND = 0.001  # seconds between two writes of a stop in the self-test (as the watchdog's)


@dataclass(frozen=True)
class ContextLayout:
    """Byte offsets of the binding's time-limit fields inside a ``quickjs.Context``, and of
    quickjs-ng's interrupt counter inside its ``JSContext`` (None: not verified, not written)."""

    has_time_limit: int
    time_limit: int
    thread_state: int
    interrupt_limit: int
    interrupt_counter: int | None = None

    def stop(self, context: quickjs.Context) -> None:
        """Make the entry running in ``context`` (if any) stop at its next interrupt poll, and
        keep stopping any JavaScript run there until the next `set_time_limit`.

        Clearing ``has_time_limit`` first makes the binding skip removing its handler when
        the entry returns, so the handler, with limit 0, still stops JavaScript the binding
        runs while converting the escaping error (with the GIL held): cell code can get hold
        of an interrupt's error object (`using` disposal wraps it in a catchable
        SuppressedError) and make its `toString` loop. The counter is written last, so the
        handler it brings forward finds the limit at 0. A decrement racing the write may undo
        it; the watchdog writes it again (`watchdog.RESEND_SECONDS`). The caller guarantees
        ``context`` is alive for the duration of the call."""
        ctypes.c_int.from_address(id(context) + self.has_time_limit).value = 0
        ctypes.c_long.from_address(id(context) + self.interrupt_limit).value = 0
        if self.interrupt_counter is not None:
            self._counter(context).value = 0

    def in_javascript(self, context: quickjs.Context) -> bool:
        """True while an entry runs in ``context``: the binding's saved thread state is
        non-NULL exactly while a thread is inside JavaScript with the GIL released."""
        return self._read_long(context, self.thread_state) != 0

    def _counter(self, context: quickjs.Context) -> ctypes.c_int:
        assert self.interrupt_counter is not None
        address = pointer_at(context, CONTEXT_POINTER) + self.interrupt_counter
        return ctypes.c_int.from_address(address)

    def _read_long(self, context: quickjs.Context, offset: int) -> int:
        return ctypes.c_long.from_address(id(context) + offset).value

    def _read_int(self, context: quickjs.Context, offset: int) -> int:
        return ctypes.c_int.from_address(id(context) + offset).value


# int has_time_limit 32 (+4 padding) | clock_t time_limit 40 | PyThreadState* 48 |
# InterruptData.start 56 | .limit 64
_LAYOUT = ContextLayout(has_time_limit=32, time_limit=40, thread_state=48, interrupt_limit=64)
# quickjs-ng 0.17's JSContext: header 16 | rt 24 | link 40 | counts, flags 48 | 5 shapes 88 |
# class_proto 96 | 24 JSValues (16 bytes each) 480 | global_obj, global_var_obj 512 |
# time_origin 528 | random_state 536 | hash_seed 544 | int interrupt_counter 548
_INTERRUPT_COUNTER = 548


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


def _counter_counts_polls(layout: ContextLayout) -> bool:
    """Read only: the counter belongs to the context's runtime and goes down by the same number
    of polls for each further 100 iterations of a loop, staying within its range."""
    ctx = quickjs.Context()
    pointer = pointer_at(ctx, CONTEXT_POINTER)
    if not pointer or _Api().get_runtime(pointer) != pointer_at(ctx, RUNTIME_POINTER):
        return False
    counter = layout._counter(ctx)
    ctx.eval("1")  # the first poll of a fresh context sets the counter
    used = []
    for iterations in (0, 100, 200):
        before = counter.value
        ctx.eval(f"for (let i = 0; i < {iterations}; i++) {{}}")
        after = counter.value
        if not 0 < after <= before <= _COUNTER_INIT:
            return False
        used.append(before - after)
    return used[2] - used[1] == used[1] - used[0] >= 100


def _counter_polls_next(layout: ContextLayout) -> bool:
    """With the handler set to stop at once, a counter written to `k` lets `for(;;) n++` run
    exactly `k - 1` iterations: the handler runs at the `k`-th poll, not the 10,000th."""
    for k in (1, 51):
        ctx = quickjs.Context()
        ctx.eval("var n = 0")
        ctx.set_time_limit(0)
        layout._counter(ctx).value = k
        try:
            ctx.eval("for (;;) n++")
        except quickjs.JSException as exc:
            if "interrupted" not in str(exc):
                return False
        ctx.set_time_limit(-1)
        if ctx.eval("n") != k - 1:
            return False
    return True


def _self_test(layout: ContextLayout) -> bool:
    """Stop ``for(;;){}`` running on another thread; True if it stopped as expected. With the
    counter, the loop starts a billion polls away from the handler's next run by itself, so
    only the counter written by the stop can make it stop within the deadline."""
    ctx = quickjs.Context()
    ctx.set_time_limit(5.0)
    if layout.interrupt_counter is not None:
        layout._counter(ctx).value = _FAR_COUNTER
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
    deadline = time.monotonic() + 2.0
    while worker.is_alive() and time.monotonic() < deadline:
        layout.stop(ctx)  # again and again, as the watchdog does: a decrement may undo it
        worker.join(timeout=_RESEND)
    return not worker.is_alive() and len(outcome) == 1 and "interrupted" in outcome[0]


def _verified_layout() -> ContextLayout | None:
    """The layout, with the counter if that checks out too; None if the limit fields fail."""
    if not (_fields_match(_LAYOUT) and _self_test(_LAYOUT)):
        return None
    counted = replace(_LAYOUT, interrupt_counter=_INTERRUPT_COUNTER)
    try:
        usable = (
            _counter_counts_polls(counted) and _counter_polls_next(counted) and _self_test(counted)
        )
    except (OSError, AttributeError, KeyError):  # the C API could not be loaded
        usable = False
    return counted if usable else _LAYOUT


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
            _verified = _verified_layout()
            _checked = True
        return _verified
