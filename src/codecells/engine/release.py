"""Freeing a context's JavaScript heap without holding the GIL.

The binding frees a context's runtime in its ``Context`` dealloc, holding the GIL: for a heap of
a million objects that is 0.1-0.3 s during which no other Python thread runs, the event loop
included. Here, when `binding.internals_allowed()` and the interrupt layout was verified, the
runtime is freed through quickjs-ng's C API called by ctypes (which releases the GIL), after
the ``Context`` object was given a fresh, empty runtime and context for its dealloc to free.
This is done only when no ``quickjs.Object`` refers to the context any more (they hold a
reference to it and would free their values into the runtime later): otherwise, and on any
doubt, the context is left to the binding.
"""

from __future__ import annotations

import ctypes
import sys
import threading

import quickjs

from .binding import CONTEXT_POINTER, RUNTIME_POINTER, internals_allowed, pointer_at
from .interrupt import memory_interrupts
from .precompiled import _Api

__all__ = ["release_context"]

_OWNED_REFERENCES = 3  # the caller's, this function's parameter, `sys.getrefcount`'s argument
_api: _Api | None = None
_lock = threading.Lock()


def release_context(context: quickjs.Context) -> None:
    """Free `context`'s JavaScript runtime now, without the GIL where possible. The caller
    holds the only reference to `context` and drops it afterwards."""
    api = _usable_api()
    if api is None or sys.getrefcount(context) != _OWNED_REFERENCES:
        return
    runtime, ctx = pointer_at(context, RUNTIME_POINTER), pointer_at(context, CONTEXT_POINTER)
    if not runtime or not ctx or api.get_runtime(ctx) != runtime:
        return
    empty_runtime = api.new_runtime()
    empty_context = api.new_context(empty_runtime) if empty_runtime else None
    if not empty_context:
        if empty_runtime:
            api.free_runtime(empty_runtime)
        return
    address = id(context)
    ctypes.c_void_p.from_address(address + RUNTIME_POINTER).value = empty_runtime
    ctypes.c_void_p.from_address(address + CONTEXT_POINTER).value = empty_context
    api.update_stack_top(runtime)  # this thread frees it
    api.free_context(ctx)
    api.free_runtime(runtime)


def _usable_api() -> _Api | None:
    global _api
    if not internals_allowed() or memory_interrupts() is None:
        return None
    if _api is None:
        with _lock:
            if _api is None:
                try:
                    _api = _Api()
                except (OSError, AttributeError):
                    return None
    return _api
