"""Event storms: large batches of events from one cell are handled in full and in order, and
limits that protect the host give clear errors (the stalls themselves: benchmarks/storms.py)."""

from __future__ import annotations

import asyncio
import gc

import codecells as cc
from codecells.engine.failures import tool_input_limit_text
from codecells.engine.protocol import EngineLimits, ToolCallRequested
from codecells.engine.quickjs_engine import (
    MAX_PENDING_TIMERS,
    MAX_PENDING_TOOL_CALLS,
    timer_limit_text,
    tool_call_limit_text,
)
from codecells.fsm import Trigger

WAIT = 30.0  # seconds; a bound on waiting for an event, never a synchronisation by sleeping


async def run(source: str, tools: list[object] | None = None) -> cc.Completed:
    async with cc.Session(tools or []) as session:
        event = await (await session.create_cell(source)).wait(yield_after=WAIT)
    assert isinstance(event, cc.Completed)
    return event


async def test_more_pending_timers_than_the_cap_end_the_cell_with_a_clear_error() -> None:
    event = await run(
        f'text("before"); for (let i = 0; i <= {MAX_PENDING_TIMERS}; i++) setTimeout(() => {{}}, 1e6)'
    )
    assert event.error_text == timer_limit_text()
    assert (
        "timer_limit exceeded" in event.error_text and f"{MAX_PENDING_TIMERS:,}" in event.error_text
    )
    assert event.content_items == [cc.TextItem(text="before")]


CAP = f"const N = {MAX_PENDING_TIMERS};"


async def test_timers_up_to_the_cap_fire_in_due_then_set_order() -> None:
    event = await run(
        CAP
        + """
        let fired = 0, last = -1, ordered = true;
        await new Promise((resolve) => {
          for (let i = 0; i < N; i++) setTimeout(() => {
            ordered = ordered && i === last + 1; last = i;
            if (++fired === N) resolve();
          }, i < N / 2 ? 0 : 1);
        });
        text(String(ordered))
        """
    )
    assert event == cc.Completed(content_items=[cc.TextItem(text="true")])


async def test_cleared_and_fired_timers_do_not_count_against_the_cap() -> None:
    event = await run(
        CAP
        + """
        for (let round = 0; round < 3; round++) {
          const ids = []; for (let i = 0; i < N; i++) ids.push(setTimeout(() => {}, 1e6));
          for (const id of ids) clearTimeout(id);
        }
        for (let i = 0; i < 2; i++) await new Promise((r) => {
          let left = N; for (let j = 0; j < N; j++) setTimeout(() => --left || r(), 0);
        });
        text("ok")
        """
    )
    assert event == cc.Completed(content_items=[cc.TextItem(text="ok")])


async def test_a_storm_of_output_arrives_complete_and_in_order() -> None:
    event = await run("for (let i = 0; i < 20000; i++) text(i)")
    assert event.error_text is None
    assert [item.text for item in event.content_items] == [str(i) for i in range(20000)]


async def test_a_storm_of_unawaited_tool_calls_is_answered_in_full() -> None:
    async def double(i: int) -> int:
        return 2 * i

    event = await run(
        "const p = []; for (let i = 0; i < 3000; i++) p.push(tools.double({i}));"
        "const r = await Promise.all(p); text(r.every((v, i) => v === 2 * i) && r.length)",
        [double],
    )
    assert event == cc.Completed(content_items=[cc.TextItem(text="3000")])


async def never() -> int:
    """A tool that never answers by itself (its call stays outstanding until cancelled)."""
    await asyncio.Event().wait()
    return 0


async def test_more_outstanding_tool_calls_than_the_cap_end_the_cell_with_a_clear_error() -> None:
    event = await run(
        f'text("before"); for (let i = 0; i <= {MAX_PENDING_TOOL_CALLS}; i++) tools.never({{}})',
        [never],
    )
    assert event.error_text == tool_call_limit_text()
    assert "tool_call_limit exceeded" in event.error_text
    assert f"{MAX_PENDING_TOOL_CALLS:,} outstanding tool calls" in event.error_text
    assert event.content_items == [cc.TextItem(text="before")]


async def test_answered_tool_calls_do_not_count_against_the_cap() -> None:
    async def echo(i: int) -> int:
        return i

    event = await run(
        f"const N = {MAX_PENDING_TOOL_CALLS};"
        "let sum = 0; for (let round = 0; round < 2; round++) {"
        "  const p = []; for (let i = 0; i < N; i++) p.push(tools.echo({i}));"
        "  sum += (await Promise.all(p)).length;"
        "} text(sum)",
        [echo],
    )
    assert event == cc.Completed(content_items=[cc.TextItem(text=str(2 * MAX_PENDING_TOOL_CALLS))])


async def test_a_cell_over_the_tool_call_cap_ends_while_another_cell_goes_on() -> None:
    async with cc.Session([never]) as session:
        other = await session.create_cell(
            "let n = 0; for (let i = 0; i < 3; i++) { await new Promise((r) => setTimeout(r, 1));"
            " n++; } text(n)"
        )
        storm = await session.create_cell(
            f"for (let i = 0; i <= {MAX_PENDING_TOOL_CALLS}; i++) tools.never({{}})"
        )
        stormed = await storm.wait(yield_after=WAIT)
        went_on = await other.wait(yield_after=WAIT)
    assert isinstance(stormed, cc.Completed) and stormed.error_text == tool_call_limit_text()
    assert went_on == cc.Completed(content_items=[cc.TextItem(text="3")])


async def test_a_storm_far_beyond_the_tool_call_cap_ends_at_the_cap() -> None:
    """The prelude ends the cell at its first call over the cap: the host is sent no call
    beyond it, and a script that never stops calling ends there too (without the prelude's
    count it ran until its CPU time or memory ran out)."""
    async with cc.Session([never]) as session:
        cell = await session.create_cell("for (;;) tools.never({})")
        event = await cell.wait(yield_after=WAIT)
        calls = [step for step in cell.trace.steps if step.trigger is Trigger.TOOL_CALL]
    assert isinstance(event, cc.Completed) and event.error_text == tool_call_limit_text()
    assert len(calls) <= MAX_PENDING_TOOL_CALLS + 1


async def test_a_script_that_catches_the_tool_call_cap_still_ends_with_it() -> None:
    event = await run(
        "try { for (let i = 0; i < 1e5; i++) tools.never({}) } catch (e) { text(String(e)) }"
        ' text("after"); await new Promise((r) => setTimeout(r, 1))',
        [never],
    )
    assert event == cc.Completed(content_items=[], error_text=tool_call_limit_text())


async def test_a_storm_far_beyond_the_timer_cap_ends_at_the_cap() -> None:
    event = await run('text("before"); for (;;) setTimeout(() => {}, 1e6)')
    assert event == cc.Completed(
        content_items=[cc.TextItem(text="before")], error_text=timer_limit_text()
    )


async def test_terminating_a_cell_cancels_every_one_of_its_outstanding_calls() -> None:
    started = cancelled = 0
    all_started = asyncio.Event()

    async def wait_forever() -> int:
        nonlocal started, cancelled
        started += 1
        if started == MAX_PENDING_TOOL_CALLS:
            all_started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled += 1
            raise
        return 0

    async with cc.Session([wait_forever]) as session:
        cell = await session.create_cell(
            f"for (let i = 0; i < {MAX_PENDING_TOOL_CALLS}; i++) tools.wait_forever({{}});"
            "await new Promise(() => {})"
        )
        await asyncio.wait_for(all_started.wait(), WAIT)
        event = await cell.terminate()
    assert isinstance(event, cc.Terminated)
    assert cancelled == started == MAX_PENDING_TOOL_CALLS


class _Marker:
    """An object a tool holds in a local while it waits."""


def _in_reference_cycles(kind: type) -> int:
    """Instances of `kind` that a full collection finds unreachable (call with the collector
    disabled since they were made)."""
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds unreachable is kept, to count
    try:
        gc.collect()
        return sum(isinstance(garbage, kind) for garbage in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


async def test_a_cancelled_tool_call_is_freed_at_once_not_by_a_garbage_collection() -> None:
    """A storm's cancelled calls must not wait, as cyclic garbage, for the next full collection
    (which then has to traverse and free them all, on the loop)."""
    holding = asyncio.Event()

    async def hold() -> int:
        marker = _Marker()
        holding.set()
        await asyncio.Event().wait()
        return id(marker)

    gc.collect()
    gc.disable()
    try:
        async with cc.Session([hold]) as session:
            cell = await session.create_cell("tools.hold({}); await new Promise(() => {})")
            await asyncio.wait_for(holding.wait(), WAIT)
            assert isinstance(await cell.terminate(), cc.Terminated)
        in_cycles = _in_reference_cycles(_Marker)
    finally:
        gc.enable()
    assert in_cycles == 0


async def test_a_finished_cell_and_its_output_are_freed_at_once_not_by_a_garbage_collection() -> (
    None
):
    """A cell let go of (session closed, event and handle dropped) leaves no reference cycle
    holding its output: a storm's thousands of items would wait for the next full collection."""
    gc.collect()
    gc.disable()
    try:
        async with cc.Session([never]) as session:
            cell = await session.create_cell(
                "setTimeout(() => {}, 0); tools.never({}); for (let i = 0; i < 2000; i++) text(i)"
            )
            event = await cell.wait(yield_after=WAIT)
            assert isinstance(event, cc.Completed) and len(event.content_items) == 2000
        del cell, event
        in_cycles = _in_reference_cycles(cc.TextItem)
    finally:
        gc.enable()
    assert in_cycles == 0


async def test_a_steps_events_are_released_once_fed_while_the_cell_waits() -> None:
    """Outstanding calls keep no engine event alive: the step that made them (its worker's
    last job) released its events once they were fed, so a storm's thousands of calls do not
    add each call's event to every full collection while the cell waits."""
    holding = asyncio.Event()
    held = 0
    MARKER = "released-once-fed"  # other tests' events may be alive (module-level data)

    async def hold(marker: str) -> int:
        nonlocal held
        held += 1
        if held == 500:
            holding.set()
        await asyncio.Event().wait()
        return 0

    async with cc.Session([hold]) as session:
        cell = await session.create_cell(
            f"for (let i = 0; i < 500; i++) tools.hold({{marker: '{MARKER}'}});"
            "await new Promise(() => {})"
        )
        await asyncio.wait_for(holding.wait(), WAIT)  # every call fed: its task runs
        gc.collect()  # other tests' garbage aside
        alive = sum(
            type(o) is ToolCallRequested and o.input == {"marker": MARKER} for o in gc.get_objects()
        )
        assert isinstance(await cell.terminate(), cc.Terminated)
    assert alive == 0


INPUT_LIMITS = cc.SessionConfig(memory_limit=6 * 1024 * 1024)
MEGA = 'const s = "x".repeat(1e6);'


async def test_outstanding_calls_hold_no_more_input_than_the_memory_limit() -> None:
    """The host holds each call's input until it is answered, outside the cell's heap (which
    frees it once the step's messages are drained): a cell leaving calls outstanding step
    after step ends at its memory limit instead (10,000 calls of 1 MB held 10 GB)."""

    async def hold(s: str) -> int:
        await asyncio.Event().wait()
        return 0

    async with cc.Session([hold], config=INPUT_LIMITS) as session:
        cell = await session.create_cell(
            MEGA + 'text("before"); for (let i = 0; i < 10; i++) {'
            " tools.hold({s}); await new Promise((r) => setTimeout(r, 0)); }"
        )
        event = await cell.wait(yield_after=WAIT)
        sent = [step for step in cell.trace.steps if step.trigger is Trigger.TOOL_CALL]
    assert isinstance(event, cc.Completed)
    limits = EngineLimits(memory=INPUT_LIMITS.memory_limit)
    assert event.error_text == tool_input_limit_text(limits)
    assert event.content_items == [cc.TextItem(text="before")]
    assert len(sent) == 6  # the seventh megabyte was refused before it reached the host


async def test_answered_calls_free_their_input_from_the_count() -> None:
    async def size(s: str) -> int:
        return len(s)

    async with cc.Session([size], config=INPUT_LIMITS) as session:
        cell = await session.create_cell(
            MEGA + "let total = 0; for (let i = 0; i < 20; i++) total += await tools.size({s});"
            "text(total)"
        )
        event = await cell.wait(yield_after=WAIT)
    assert event == cc.Completed(content_items=[cc.TextItem(text=str(20 * 10**6))])
