"""Hostile cell code: each snippet ends its cell with a clear error (or harmlessly) within a
bounded time, and the next cell in the same process runs normally."""

from __future__ import annotations

import time

import pytest
from hostile.engine_driver import engine, outcome, run

from codecells.engine import fallback_only
from codecells.engine.protocol import EngineLimits, Finished, Quiescent, ResolveTool
from codecells.engine.quickjs_engine import timer_limit_text

LIMITS = EngineLimits(cpu_time=0.25, memory=16 * 1024 * 1024, stack=256 * 1024)
CPU = "cpu_time_limit exceeded"
MEMORY = "memory_limit exceeded"
STACK = "stack_limit exceeded"
ANY_ERROR = ""  # some clear error; the exact text is QuickJS's
ANY_END = "*"  # any end at all, error or not
TIMERS = timer_limit_text()

# (id, source, expected error_text prefix; None = ends without error or waits harmlessly)
CORPUS: list[tuple[str, str, str | None]] = [
    ("sync-infinite-loop", "for (;;) {}", CPU),
    ("while-true-in-function", "function spin() { while (true) {} } text('x'); spin()", CPU),
    ("async-infinite-loop", "for (;;) await null;", CPU),
    ("microtask-flood", "const f = () => { Promise.resolve().then(f) }; f(); await tools.t()", CPU),
    (
        "nested-promise-flood",
        "const f = () => Promise.resolve().then(f); f(); await tools.t()",
        ANY_END,
    ),
    ("timer-ping-pong", "const f = () => setTimeout(f, 0); f(); await new Promise(() => {})", CPU),
    ("catastrophic-regex", "/^(a+)+$/.test('a'.repeat(40) + 'b')", CPU),
    ("array-growth", "const a = []; for (;;) a.push({v: [1, 2, 3]})", MEMORY),
    ("big-array-fill", "new Array(1e9).fill(0)", MEMORY),
    ("string-doubling", "let s = 'x'; for (;;) { s += s; s.charCodeAt(s.length - 1) }", ANY_ERROR),
    ("huge-repeat", "'x'.repeat(2 ** 31)", ANY_ERROR),
    ("typed-array-bomb", "new Uint8Array(2 ** 31)", ANY_ERROR),
    ("deep-recursion", "function f(n) { return f(n + 1) + 1 } f(0)", STACK),
    ("bigint-exponent-bomb", "2n ** (2n ** 40n)", ANY_ERROR),
    ("bigint-squaring", "let x = 3n; for (;;) x *= x", ANY_ERROR),
    ("proxy-get-recursion", "const p = new Proxy({}, {get: (t, k, r) => r[k]}); p.x", STACK),
    ("tostring-recursion", "const o = {toString() { return String(o) }}; String(o)", STACK),
    ("throw-looping-tostring", "throw {toString() { for (;;) {} }}", CPU),
    ("throw-looping-stack-getter", "throw {get stack() { for (;;) {} }}", CPU),
    (
        "throw-throwing-getters",
        "throw {get stack() { throw 1 }, toString() { throw 2 }}",
        "uncaught exception",
    ),
    (
        "prepare-stack-trace-refused",
        "Error.prepareStackTrace = () => { for (;;) {} }; null.x",
        "TypeError: 'prepareStackTrace' is read-only",
    ),
    (
        "stack-trace-limit-loop",
        "Error.stackTraceLimit = {valueOf() { for (;;) {} }}; new Error()",
        CPU,
    ),
    (
        "tampered-error-then-loop",
        (
            "try { Error.prototype.toString = () => { for (;;) {} } } catch {}\n"
            "Object.prototype[Symbol.toPrimitive] = () => { for (;;) {} }; for (;;) {}"
        ),
        CPU,
    ),
    (
        "array-index-setter",
        (
            "Object.defineProperty(Array.prototype, '0', {set() { throw 1 }});"
            "text(JSON.stringify({a: 1}))"
        ),
        "1",
    ),
    (
        "wipe-globals",
        (
            "for (const n of Object.getOwnPropertyNames(globalThis)) { try "
            "{ globalThis[n] = null } catch {} try { delete globalThis[n] } catch {} }"
            "text('ok')"
        ),
        None,
    ),
    (
        "function-constructor-this",
        ("const g = Function('return this')();try { g.text = 1 } catch {} text(typeof g.control)"),
        None,
    ),
    (
        "sloppy-caller-chain",
        ("setTimeout(() => text(String(Function('return arguments.callee.caller')())), 0)"),
        None,
    ),
    ("bogus-tool-name", "await tools.nope()", "TypeError"),
    ("bigint-tool-input", "await tools.t({n: 1n})", "TypeError"),
    (
        "throwing-getter-tool-input",
        "await tools.t({get x() { throw new Error('getter') }})",
        "Error: getter",
    ),
    ("looping-getter-tool-input", "await tools.t({get x() { for (;;) {} }})", CPU),
    ("exit-swallowed-then-loop", "try { exit() } catch {} for (;;) {}", CPU),
    ("many-timers", "for (let i = 0; i < 5000; i++) setTimeout(() => {}, 1)", None),
    ("too-many-timers", "for (let i = 0; i < 20000; i++) setTimeout(() => {}, 1)", TIMERS),
    ("lone-surrogates", "text('\\ud800'); store('k', '\\udfff'); tools.t('\\ud800')", None),
    (
        "reject-with-looping-object",
        "await Promise.reject({get stack() { for (;;) {} }, toString() { return 'x' }})",
        CPU,
    ),
    ("eval-huge-source", "eval('1+'.repeat(1e6) + '1')", ANY_ERROR),
]


@pytest.mark.parametrize(
    ("source", "expected"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS]
)
def test_hostile_snippet_is_contained(source: str, expected: str | None) -> None:
    check_contained(source, expected)


CPU_BOUND = [c for c in CORPUS if c[2] == CPU]


@pytest.mark.parametrize("source", [c[1] for c in CPU_BOUND], ids=[c[0] for c in CPU_BOUND])
def test_cpu_bound_snippet_is_contained_without_binding_internals(source: str) -> None:
    """The fallback stops at entry boundaries; cell code swallowing the binding's interrupt
    (into a promise, after `exit()`) must still end with the CPU limit, never linger."""
    with fallback_only():
        check_contained(source, CPU)


def check_contained(source: str, expected: str | None) -> None:
    began = time.monotonic()
    eng = engine(source, tools=["t"], limits=LIMITS)
    events = run(
        eng,
        answer=lambda call: ResolveTool(call_id=call.call_id, value=None),
        fire_timers=True,
        max_steps=200_000,
    )
    end = events[-1]
    assert time.monotonic() - began < 10
    if expected == ANY_END:
        assert isinstance(end, (Finished, Quiescent))
    elif expected is None:
        assert isinstance(end, Quiescent) or (isinstance(end, Finished) and end.error_text is None)
    else:
        assert isinstance(end, Finished), end
        assert end.error_text is not None and end.error_text.startswith(expected), end.error_text
    eng.close()
    assert outcome('text("next cell")') == (["next cell"], None)
