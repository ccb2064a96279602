"""Per-cell limits: CPU budget across steps, memory, stack; what a breach reports."""

from __future__ import annotations

import gc
import time
from contextlib import nullcontext

import pytest
from hostile.engine_driver import engine, finished, outcome, run, texts

from codecells.engine import fallback_only
from codecells.engine.failures import cpu_limit_text, memory_limit_text, stack_limit_text
from codecells.engine.protocol import (
    EngineLimits,
    Finished,
    Lost,
    Quiescent,
    ResolveTool,
    ToolCallRequested,
)

CPU_LIMIT = EngineLimits(cpu_time=0.3)


def test_cpu_breach_keeps_output_and_writes() -> None:
    events = run(engine('text("start"); store("a", 1); for (;;) {}', limits=CPU_LIMIT))
    end = finished(events)
    assert texts(events) == ["start"]
    assert end.error_text == cpu_limit_text(CPU_LIMIT)
    assert end.error_text == (
        "cpu_time_limit exceeded: the cell used more than 0.3 s of JavaScript CPU time"
    )
    assert end.all_writes() == {"a": 1}


def test_cpu_budget_is_accounted_across_steps() -> None:
    source = """
      for (let i = 0; ; i++) {
        const t = Date.now(); while (Date.now() - t < 60) {}
        text(i); await tools.t();
      }
    """
    eng = engine(source, tools=["t"], limits=CPU_LIMIT)
    steps = 0
    while True:
        step = eng.step()
        steps += 1
        if not isinstance(step[-1], Quiescent):
            break
        call = next(e for e in step if isinstance(e, ToolCallRequested))
        eng.post(ResolveTool(call_id=call.call_id, value=None))
    assert 3 <= steps <= 20  # 60 ms of wall time is at most 60 ms of CPU time
    assert finished(step).error_text == cpu_limit_text(CPU_LIMIT)


def test_step_after_the_end_is_lost() -> None:
    eng = engine("for (;;) {}", limits=CPU_LIMIT)
    assert isinstance(eng.step()[-1], Finished)
    assert isinstance(eng.step()[-1], Lost)


def test_memory_limit_text() -> None:
    limits = EngineLimits(memory=8 * 1024 * 1024, cpu_time=2.0)
    events = run(engine('store("k", 1); const a = []; for (;;) a.push([a.length])', limits=limits))
    end = finished(events)
    assert end.error_text == memory_limit_text(limits)
    assert end.error_text.startswith("memory_limit exceeded: the cell used more than 8388608 bytes")
    assert end.all_writes() == {"k": 1}


def test_caught_out_of_memory_is_the_script_s_business() -> None:
    limits = EngineLimits(memory=8 * 1024 * 1024, cpu_time=2.0)
    source = "try { new Array(1e8).fill(1) } catch (e) { text(e.message) } text('alive')"
    assert outcome(source, limits=limits) == (["out of memory", "alive"], None)


@pytest.mark.parametrize("stack", [None, 200_000])
def test_stack_limit_text(stack: int | None) -> None:
    limits = EngineLimits(stack=stack, cpu_time=2.0)
    _, error = outcome("const f = (n) => f(n + 1) + 1; f(0)", limits=limits)
    assert error == stack_limit_text(limits)
    size = stack or 4 * 1024 * 1024
    assert error.startswith(
        f"stack_limit exceeded: the cell's JavaScript call stack grew beyond {size}"
    )


def test_smaller_stack_limit_allows_less_recursion() -> None:
    probe = "let d = 0; const f = () => { d++; f() }; try { f() } catch {} text(d)"
    small = int(outcome(probe, limits=EngineLimits(stack=100_000))[0][0])
    large = int(outcome(probe, limits=EngineLimits(stack=2_000_000))[0][0])
    assert 0 < small < large


@pytest.mark.parametrize(
    "source",
    ["for (;;) {}", "for (;;) await null;", "/^(a+)+$/.test('a'.repeat(40) + 'b')"],
)
def test_fallback_mode_still_enforces_the_cpu_budget(source: str) -> None:
    with fallback_only():
        events = run(engine(source, limits=CPU_LIMIT))
    assert finished(events).error_text == cpu_limit_text(CPU_LIMIT)


@pytest.mark.parametrize("mode", ["watchdog", "fallback"])
def test_a_budget_of_centuries_leaves_every_other_cell_s_limit_in_force(mode: str) -> None:
    """A budget beyond what a wait's timeout or the binding's clock can count is no limit for
    that cell, and must not take the enforcement of every other cell with it (the watchdog's
    thread died of an OverflowError and never came back)."""
    with fallback_only() if mode == "fallback" else nullcontext():
        for budget in (1e10, 1e300):
            huge = run(engine('text("ok")', limits=EngineLimits(cpu_time=budget)))
            assert finished(huge).error_text is None and texts(huge) == ["ok"]
        spin = 'const t = Date.now(); while (Date.now() - t < 3000) {} text("ran on")'
        events = run(engine(spin, limits=CPU_LIMIT))  # bounded: without the fix it ends
    assert finished(events).error_text == cpu_limit_text(CPU_LIMIT)


STORE_LIMITS = EngineLimits(memory=16 * 1024 * 1024, cpu_time=2.0)


@pytest.mark.parametrize(
    ("source", "limit_text"),
    [
        ('const s = "x".repeat(6e6); store("k", s)', memory_limit_text(STORE_LIMITS)),
        ('store("k", [{toJSON() { return "y".repeat(2e7) }}])', memory_limit_text(STORE_LIMITS)),
        (
            'store("k", {toJSON() { const f = () => f() + 1; return f() }})',
            stack_limit_text(STORE_LIMITS),
        ),
    ],
    ids=["memory", "memory-in-tojson", "stack-in-tojson"],
)
def test_store_names_the_limit_it_ran_into(source: str, limit_text: str) -> None:
    assert outcome(source, limits=STORE_LIMITS) == ([], limit_text)


def test_store_still_refuses_a_throwing_tojson_plainly() -> None:
    _, error = outcome('store("k", {toJSON() { throw new Error("no") }})')
    assert error == 'Unable to store "k". Only plain serializable objects can be stored.'


FORGED = [
    ('throw "InternalError: interrupted"', "InternalError: interrupted"),
    ('throw "InternalError: out of memory"', "InternalError: out of memory"),
    (
        'throw "RangeError: Maximum call stack size exceeded"',
        "RangeError: Maximum call stack size exceeded",
    ),
    (
        'throw {toString() { return "InternalError: out of memory" }}',
        "InternalError: out of memory",
    ),
    (
        'class E extends RangeError {}; throw new E("Maximum call stack size exceeded")',
        "RangeError: Maximum call stack size exceeded",
    ),
    ('await null; throw "InternalError: interrupted"', "InternalError: interrupted"),
    (
        'setTimeout(() => { throw "InternalError: interrupted" }, 0); await new Promise(() => {})',
        "InternalError: interrupted",
    ),
]


@pytest.mark.parametrize(
    ("source", "expected"), FORGED, ids=[f"forged-{i}" for i in range(len(FORGED))]
)
def test_limit_texts_thrown_by_the_script_are_ordinary_errors(source: str, expected: str) -> None:
    """Limits are recognised from the engine's own error objects (and Python's stop), never
    from text the script controls."""
    eng = engine(source, limits=STORE_LIMITS)
    events = run(eng, fire_timers=True)
    error = finished(events).error_text
    assert error is not None and error.split("\n")[0] == expected, error


@pytest.mark.parametrize("fallback", [False, True], ids=["watchdog", "fallback"])
def test_garbage_collections_on_the_step_s_thread_are_not_the_cell_s_cpu_time(
    fallback: bool,
) -> None:
    """A collection traverses the whole host process; whichever cell's step allocated when it
    ran must not pay for it (here the collections take longer than the whole budget)."""
    burned: list[float] = []

    def slow_collection(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and sum(burned) < 2 * CPU_LIMIT.cpu_time:  # type: ignore[operator]
            began = time.thread_time()
            while time.thread_time() - began < 0.01:
                pass
            burned.append(time.thread_time() - began)

    source = """
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 2000; i++) text(i);
        await tools.t();
      }
      text("done");
    """
    eng = engine(source, tools=["t"], limits=CPU_LIMIT)
    gc.callbacks.append(slow_collection)
    try:
        with fallback_only() if fallback else nullcontext():
            while True:
                step = eng.step()
                if not isinstance(step[-1], Quiescent):
                    break
                call = next(e for e in step if isinstance(e, ToolCallRequested))
                eng.post(ResolveTool(call_id=call.call_id, value=None))
    finally:
        gc.callbacks.remove(slow_collection)
    assert sum(burned) > CPU_LIMIT.cpu_time  # type: ignore[operator]
    assert finished(step).error_text is None
    assert texts(step)[-1] == "done"


def test_step_cpu_time_is_the_script_s_work_from_the_second_step_on() -> None:
    # What the worker pool weighs steps by: not the first step (creating the context).
    eng = engine(
        "let x = 0; for (let i = 0; i < 3e5; i++) x += i; await tools.t();"
        "for (let i = 0; i < 3e5; i++) x += i; text(x)",
        tools=["t"],
    )
    first = eng.step()
    assert eng.step_cpu_time is None
    call = next(e for e in first if isinstance(e, ToolCallRequested))
    eng.post(ResolveTool(call_id=call.call_id, value=None))
    assert finished(eng.step()).error_text is None
    assert eng.step_cpu_time is not None and eng.step_cpu_time > 0.001
