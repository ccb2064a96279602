"""Steps on worker threads: a responsive event loop, prompt interrupts, thread hopping."""

from __future__ import annotations

import asyncio
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from hostile.engine_driver import INTERRUPTED, engine, finished, run, running_script, texts

from codecells.engine import fallback_only, interrupt, memory_interrupts, run_step
from codecells.engine.failures import cpu_limit_text
from codecells.engine.interrupt import ContextLayout
from codecells.engine.protocol import (
    EngineLimits,
    Finished,
    Interrupted,
    Quiescent,
    ResolveTool,
    ToolCallRequested,
)

UNLIMITED = EngineLimits()
# ~10-80 ms per call, and QuickJS runs its interrupt handler only every 10,000 polls: unless
# the stop brings the next run forward, it lands after minutes.
LONG_NATIVE_CALLS = 'const s = "x".repeat(5e7); let n = 0; for (;;) n += s.indexOf("y")'


def verified_layout() -> ContextLayout:
    layout = memory_interrupts()
    if layout is None:
        pytest.skip("no verified memory interrupt on this platform")
    return layout


async def test_event_loop_stays_responsive_while_a_cell_burns_cpu() -> None:
    ticks = 0

    async def heartbeat() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    beat = asyncio.create_task(heartbeat())
    began = time.monotonic()
    events = await run_step(engine("for (;;) {}", limits=EngineLimits(cpu_time=0.5)))
    elapsed = time.monotonic() - began
    beat.cancel()
    assert finished(events).error_text is not None
    assert ticks >= 0.3 * elapsed / 0.01


@pytest.mark.skipif(sys.platform != "linux", reason="the memory interrupt is verified on Linux")
def test_memory_interrupt_is_verified_here() -> None:
    assert memory_interrupts() is not None


@pytest.mark.parametrize(
    "source",
    [
        "while (true) {}",
        "/^(a+)+$/.test('a'.repeat(50) + 'b')",
        "for (;;) await null;",
        "const f = () => { Promise.resolve().then(f) }; f(); await new Promise(() => {})",
        LONG_NATIVE_CALLS,
    ],
)
async def test_interrupt_stops_a_cpu_bound_step_within_a_second(source: str) -> None:
    layout = verified_layout()
    eng = engine(source, limits=UNLIMITED)
    step = asyncio.ensure_future(run_step(eng))
    await running_script(eng, layout)
    assert not step.done()
    interrupted_at = time.monotonic()
    eng.interrupt()
    events = await asyncio.wait_for(step, timeout=5)
    assert time.monotonic() - interrupted_at < 1.0
    assert events[-1] == INTERRUPTED
    assert eng.step() == [INTERRUPTED]


async def test_the_cpu_limit_ends_a_loop_of_long_native_calls() -> None:
    limits = EngineLimits(cpu_time=0.3)
    events = await asyncio.wait_for(run_step(engine(LONG_NATIVE_CALLS, limits=limits)), 10)
    assert finished(events).error_text == cpu_limit_text(limits)


@pytest.mark.skipif(sys.platform != "linux", reason="the memory interrupt is verified on Linux")
@pytest.mark.parametrize(
    "failure",
    [("_INTERRUPT_COUNTER", 544), ("_counter_polls_next", lambda layout: False)],
    ids=["offset-of-another-field", "polls-not-brought-forward"],
)
def test_the_interrupt_counter_is_written_only_where_verified(failure: tuple[str, object]) -> None:
    # Where the counter does not check out, a stop writes the limit alone (slower, still safe).
    layout = verified_layout()
    assert layout.interrupt_counter is not None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(interrupt, *failure)
        assert interrupt._verified_layout() == replace(layout, interrupt_counter=None)


async def test_interrupt_keeps_output_and_writes_made_before_it() -> None:
    layout = verified_layout()
    eng = engine('text("before"); store("a", [1]); for (;;) {}', limits=UNLIMITED)
    step = asyncio.ensure_future(run_step(eng))
    await running_script(eng, layout)
    eng.interrupt()
    events = await asyncio.wait_for(step, timeout=5)
    assert texts(events) == ["before"]
    end = events[-1]
    assert isinstance(end, Interrupted) and end.all_writes() == {"a": [1]}
    assert eng.step() == [end], "and so does every later step"


def test_an_interrupt_between_steps_keeps_the_earlier_steps_writes() -> None:
    eng = engine('store("a", 1); await tools.t(); store("b", 2)', tools=["t"])
    assert isinstance(eng.step()[-1], Quiescent)
    eng.interrupt()
    eng.post(ResolveTool(call_id="tool-1", value=1))
    (end,) = eng.step()
    assert isinstance(end, Interrupted) and end.all_writes() == {"a": 1}


def test_interrupt_before_the_first_step() -> None:
    eng = engine('text("never")')
    eng.interrupt()
    assert eng.step() == [INTERRUPTED]
    assert eng.step() == [INTERRUPTED]


@pytest.mark.parametrize("fallback", [False, True])
def test_interrupt_between_steps(fallback: bool) -> None:
    with fallback_only() if fallback else _nothing():
        eng = engine("await tools.t(); text('never')", tools=["t"])
        assert isinstance(eng.step()[-1], Quiescent)
        eng.interrupt()
        eng.post(ResolveTool(call_id="tool-1", value=1))
        assert eng.step() == [INTERRUPTED]


async def test_fallback_stops_an_interrupted_loop_at_its_budget() -> None:
    limits = EngineLimits(cpu_time=0.3)
    layout = verified_layout()  # only read here: the engine below does not use it
    with fallback_only():
        eng = engine("for (;;) {}", limits=limits)
        step = asyncio.ensure_future(run_step(eng))
        await running_script(eng, layout)
        eng.interrupt()
        events = await asyncio.wait_for(step, timeout=5)
    # Without memory interrupts the entry runs to its budget, then the interrupt wins.
    assert events[-1] in (
        INTERRUPTED,
        Finished(error_text=cpu_limit_text(limits), fresh_writes=True),
    )


async def test_close_during_a_step_interrupts_it() -> None:
    layout = verified_layout()
    eng = engine("for (;;) {}", limits=UNLIMITED)
    step = asyncio.ensure_future(run_step(eng))
    await running_script(eng, layout)
    eng.close()
    assert (await asyncio.wait_for(step, timeout=5))[-1] == INTERRUPTED
    eng.close()


def test_close_is_idempotent_and_ends_the_engine() -> None:
    eng = engine("await tools.t()", tools=["t"])
    assert isinstance(eng.step()[-1], Quiescent)
    eng.close()
    eng.close()
    assert eng.step()[-1].type in ("lost", "interrupted")


def test_steps_may_hop_threads() -> None:
    source = """
      const depth = (n) => (n === 0 ? 0 : 1 + depth(n - 1));
      text(depth(2000)); await tools.t();
      text(depth(2000)); await tools.t();
      const boom = (n) => boom(n + 1) + 1; boom(0);
    """
    eng = engine(source, tools=["t"], limits=EngineLimits(cpu_time=5.0))
    pools = [ThreadPoolExecutor(max_workers=1) for _ in range(3)]
    events = []
    try:
        for pool in pools:
            step = pool.submit(eng.step).result(timeout=10)
            events += step
            calls = [e for e in step if isinstance(e, ToolCallRequested)]
            for call in calls:
                eng.post(ResolveTool(call_id=call.call_id, value=None))
    finally:
        for pool in pools:
            pool.shutdown()
    assert texts(events) == ["2000", "2000"]
    error = finished(events).error_text
    assert error is not None and error.startswith("stack_limit exceeded")


async def test_many_concurrent_cells_on_the_pool() -> None:
    source = "let s = 0; for (let i = 0; i < 5; i++) s += await tools.t(i); text(s)"

    async def drive() -> list[str]:
        eng = engine(source, tools=["t"])
        events = []
        while True:
            step = await run_step(eng)
            events += step
            if not isinstance(step[-1], Quiescent):
                return texts(events)
            for call in (e for e in step if isinstance(e, ToolCallRequested)):
                eng.post(ResolveTool(call_id=call.call_id, value=call.input))

    results = await asyncio.gather(*(drive() for _ in range(60)))
    assert results == [["10"]] * 60


async def test_pool_threads_carry_the_largest_stack_limit() -> None:
    limits = EngineLimits(stack=64 * 1024 * 1024, cpu_time=5.0)  # clamped to MAX_STACK_BYTES
    probe = "let d = 0; const f = () => { d++; f() }; try { f() } catch {} text(d > 3000)"
    assert texts(await run_step(engine(probe, limits=limits))) == ["true"]
    events = await run_step(engine("const f = (n) => f(n + 1) + 1; f(0)", limits=limits))
    error = finished(events).error_text
    assert error is not None and error.startswith("stack_limit exceeded")


def test_sequential_cells_do_not_leak_into_each_other() -> None:
    first = run(engine('globalThis.leak = 1; store("k", 1)'))
    assert finished(first).all_writes() == {"k": 1}
    assert texts(run(engine("text(typeof leak)"))) == ["undefined"]


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
