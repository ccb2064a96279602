"""What the engine relies on of the quickjs-ng binding beyond its public Python API.

Two optimisations reach into the binding (see docs/engine.md): the cross-thread interrupt
(`interrupt.py`) writes a field of the ``quickjs.Context`` object and the interrupt counter of
quickjs-ng's ``JSContext`` (``int interrupt_counter`` at offset 548), and the precompiled prelude
(`precompiled.py`) calls quickjs-ng C functions the extension module exports. Both are used
only with the pinned binding version on 64-bit Linux or macOS, only after a self-test on a
live context, and never when `CODECELLS_NO_BINDING_INTERNALS` is set or inside
`fallback_only()`. Otherwise the engine uses the public API alone (slower, same behaviour).

The binding's ``Context`` object (module.c of quickjs-ng 0.17.0.2)::

    typedef struct { PyObject_HEAD; JSRuntime *runtime; JSContext *context;
                     int has_time_limit; clock_t time_limit; PyThreadState *thread_state;
                     InterruptData { clock_t start; clock_t limit; } interrupt_data; ... }
"""

from __future__ import annotations

import ctypes
import importlib.metadata
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import quickjs

__all__ = [
    "CONTEXT_POINTER",
    "PINNED_BINDING_VERSION",
    "RUNTIME_POINTER",
    "fallback_only",
    "internals_allowed",
    "pointer_at",
]

PINNED_BINDING_VERSION = "0.17.0.2"
DISABLE_ENV = "CODECELLS_NO_BINDING_INTERNALS"

# Byte offsets inside a ``quickjs.Context`` (PyObject_HEAD is 16 bytes).
RUNTIME_POINTER = 16
CONTEXT_POINTER = 24

_forced_fallback = 0
_lock = threading.Lock()


def _pinned_platform() -> bool:
    if sys.platform not in ("linux", "darwin") or ctypes.sizeof(ctypes.c_void_p) != 8:
        return False
    if ctypes.sizeof(ctypes.c_long) != 8 or object.__basicsize__ != 16:
        return False
    try:
        return importlib.metadata.version("quickjs-ng") == PINNED_BINDING_VERSION
    except importlib.metadata.PackageNotFoundError:
        return False


_ALLOWED = _pinned_platform() and not os.environ.get(DISABLE_ENV)


def internals_allowed() -> bool:
    """True if the binding internals may be used for engines created now (each optimisation
    still runs its own self-test once). The environment is read at import."""
    return _ALLOWED and not _forced_fallback


def pointer_at(context: quickjs.Context, offset: int) -> int:
    """The pointer stored at `offset` inside the binding's ``Context`` object."""
    return ctypes.c_void_p.from_address(id(context) + offset).value or 0


@contextmanager
def fallback_only() -> Iterator[None]:
    """Within this block, engines created use the binding's public API only (tests)."""
    global _forced_fallback
    with _lock:
        _forced_fallback += 1
    try:
        yield
    finally:
        with _lock:
            _forced_fallback -= 1
