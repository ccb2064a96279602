"""Installing the prelude from bytecode compiled once per process.

Compiling the prelude is most of a trivial cell's cost: QuickJS compiles eagerly, about 0.1 µs
per byte in a fresh runtime. The binding has no bytecode API, but its extension module exports
quickjs-ng's C API. When `binding.internals_allowed()`, the prelude is compiled once per
process in a scratch context, written with ``JS_WriteObject`` and, for every new context, read
back with ``JS_ReadObject`` and run with ``JS_EvalFunction``: 3-4 times cheaper than compiling.
The bytecode never leaves the process and is made from our own source, the trusted writer
``JS_ReadObject`` requires. A self-test loads it once and checks the result before it is used;
otherwise the prelude is compiled by ``ctx.eval`` as before (same behaviour, slower).
"""

from __future__ import annotations

import ctypes
import json
import sys
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

import quickjs

from .binding import CONTEXT_POINTER, RUNTIME_POINTER, internals_allowed, pointer_at

__all__ = ["Prelude", "install_prelude"]


class Prelude(NamedTuple):
    """A script whose value is ``install(config, ...lazySources)``, and those lazy sources."""

    source: str
    lazy_sources: tuple[str, ...]


_INSTALL_KEY = "__codecells_prelude__"
"""The global the compiled prelude leaves its value under; the wrapper deletes it when called."""

_EVAL_TYPE_GLOBAL_COMPILE_ONLY = 1 << 5
_WRITE_FLAGS = (1 << 0) | (1 << 4)  # bytecode, without source text (stack lines stay)
_READ_OBJ_BYTECODE = 1 << 0
_TAG_EXCEPTION = 6


class _JSValue(ctypes.Structure):
    """quickjs-ng's ``JSValue`` on 64-bit platforms (no NaN boxing): a 64-bit union and a tag.

    The union is declared as an integer: it has the same size and ABI class as
    ``union { int32_t; double; void *; }`` and is only passed through, never read."""

    _fields_ = [("u", ctypes.c_int64), ("tag", ctypes.c_int64)]


class _Api:
    """The few quickjs-ng C functions used, typed for ctypes (calls release the GIL)."""

    def __init__(self) -> None:
        lib = ctypes.CDLL(sys.modules["_quickjs"].__file__)
        ptr, size_t = ctypes.c_void_p, ctypes.c_size_t
        self.get_runtime = _typed(lib.JS_GetRuntime, ptr, [ptr])
        self.update_stack_top = _typed(lib.JS_UpdateStackTop, None, [ptr])
        self.eval = _typed(
            lib.JS_Eval, _JSValue, [ptr, ctypes.c_char_p, size_t, ctypes.c_char_p, ctypes.c_int]
        )
        self.write_object = _typed(
            lib.JS_WriteObject,
            ctypes.POINTER(ctypes.c_uint8),
            [ptr, ctypes.POINTER(size_t), _JSValue, ctypes.c_int],
        )
        self.read_object = _typed(
            lib.JS_ReadObject, _JSValue, [ptr, ctypes.c_char_p, size_t, ctypes.c_int]
        )
        self.eval_function = _typed(lib.JS_EvalFunction, _JSValue, [ptr, _JSValue])
        self.free_value = _typed(lib.JS_FreeValue, None, [ptr, _JSValue])
        self.free = _typed(lib.js_free, None, [ptr, ptr])
        self.new_runtime = _typed(lib.JS_NewRuntime, ptr, [])
        self.new_context = _typed(lib.JS_NewContext, ptr, [ptr])
        self.free_context = _typed(lib.JS_FreeContext, None, [ptr])
        self.free_runtime = _typed(lib.JS_FreeRuntime, None, [ptr])


def _typed(function: Any, restype: Any, argtypes: list[Any]) -> Any:
    function.restype = restype
    function.argtypes = argtypes
    return function


class _Compiled:
    """One source compiled to bytecode, and how to run it in a context."""

    def __init__(self, api: _Api, prelude: Prelude) -> None:
        self._api = api
        key, sources = json.dumps(_INSTALL_KEY), ", ".join(map(json.dumps, prelude.lazy_sources))
        wrapped = (
            f"{{ const install = {prelude.source};\n"
            f"globalThis[{key}] = (config) => "
            f"{{ delete globalThis[{key}]; return install(config, {sources}); }}; }}"
        ).encode()
        scratch = quickjs.Context()
        ctx = self._context_pointer(scratch)
        function = api.eval(
            ctx, wrapped, len(wrapped), b"<prelude>", _EVAL_TYPE_GLOBAL_COMPILE_ONLY
        )
        if function.tag == _TAG_EXCEPTION:
            raise RuntimeError("the prelude does not compile")
        size = ctypes.c_size_t()
        buffer = api.write_object(ctx, ctypes.byref(size), function, _WRITE_FLAGS)
        api.free_value(ctx, function)
        if not buffer:
            raise RuntimeError("the prelude's bytecode could not be written")
        self.bytecode = ctypes.string_at(buffer, size.value)
        api.free(ctx, buffer)

    def _context_pointer(self, context: quickjs.Context) -> int:
        ctx, runtime = pointer_at(context, CONTEXT_POINTER), pointer_at(context, RUNTIME_POINTER)
        if not ctx or self._api.get_runtime(ctx) != runtime:
            raise RuntimeError("unexpected layout of quickjs.Context")
        return ctx

    def install(self, context: quickjs.Context) -> Any:
        """Run the bytecode in `context` (fresh, used by this thread only); its value."""
        api, ctx = self._api, pointer_at(context, CONTEXT_POINTER)
        api.update_stack_top(pointer_at(context, RUNTIME_POINTER))
        function = api.read_object(ctx, self.bytecode, len(self.bytecode), _READ_OBJ_BYTECODE)
        if function.tag == _TAG_EXCEPTION:
            raise RuntimeError("the prelude's bytecode could not be read")
        result = api.eval_function(ctx, function)  # takes ownership of `function`
        if result.tag == _TAG_EXCEPTION:
            raise RuntimeError("the prelude's bytecode failed to run")
        api.free_value(ctx, result)
        return context.get(_INSTALL_KEY)


_compiled: dict[Prelude, _Compiled | None] = {}
_lock = threading.Lock()


def _self_test(compiled: _Compiled) -> bool:
    """Install into a throwaway context: a function comes back and the context still works."""
    context = quickjs.Context()
    return isinstance(compiled.install(context), quickjs.Object) and context.eval("6 * 7") == 42


def _compiled_for(prelude: Prelude) -> _Compiled | None:
    with _lock:
        if prelude not in _compiled:
            try:
                compiled = _Compiled(_Api(), prelude)
                usable = _self_test(compiled)
            except (OSError, AttributeError, RuntimeError, KeyError):
                usable = False
            _compiled[prelude] = compiled if usable else None
        return _compiled[prelude]


def install_prelude(context: quickjs.Context, prelude: Prelude) -> Callable[[str], Any]:
    """Evaluate `prelude` in a fresh `context` (from bytecode when possible, else by compiling
    it) and return its install function, bound to the lazy sources: ``install(config_json)``."""
    compiled = _compiled_for(prelude) if internals_allowed() else None
    if compiled is None:
        install = context.eval(prelude.source)
        return lambda config: install(config, *prelude.lazy_sources)
    bound: Callable[[str], Any] = compiled.install(context)
    return bound
