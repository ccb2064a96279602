"""Plain `def` function tools run inside the step, on the thread running the script."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import threading
import time

import codecells as cc
from codecells.fsm import State, Trigger, definition
from codecells.fsm.spec import Effect
from codecells.fsm.table import IN_STEP_RESULTS

WAIT = 5.0  # seconds; a bound on waiting for an event, never a synchronisation by sleeping


def triggers(cell: cc.Cell | cc.PausableCell) -> list[Trigger]:
    return [step.trigger for step in cell.trace.steps if step.trigger is not Trigger.OBSERVE]


async def test_a_continuing_cell_gets_every_result_within_one_step() -> None:
    threads: list[str] = []

    def add(a: int, b: int) -> int:
        threads.append(threading.current_thread().name)
        return a + b

    async with cc.Session([add]) as session:
        cell = await session.create_cell(
            "let s = 0; for (let i = 0; i < 3; i++) s = await tools.add({a: s, b: i}); text(s)"
        )
        event = await cell.wait(yield_after=WAIT)
        assert event == cc.Completed(content_items=[cc.TextItem(text="3")])
        call, answer = Trigger.INLINE_TOOL_CALL, Trigger.TOOL_ANSWERED
        assert triggers(cell) == [
            Trigger.STARTED, call, answer, call, answer, call, answer,
            Trigger.OUTPUT, Trigger.FINISHED_OK,
        ]  # fmt: skip
    assert len(threads) == 3 and len(set(threads)) == 1
    assert threads[0].startswith("codecells-js"), "on the step's worker, not the event loop"


async def test_a_plain_tool_failure_rejects_the_promise_within_the_step() -> None:
    def fails(why: str) -> None:
        raise cc.ToolError(f"no: {why}")

    async with cc.Session([fails]) as session:
        cell = await session.create_cell(
            'try { await tools.fails({why: "x"}) } catch (e) { text(e) }\n'
            "try { await tools.fails({}) } catch (e) { text(e.startsWith('invalid arguments')) }"
        )
        event = await cell.wait(yield_after=WAIT)
    assert event == cc.Completed(
        content_items=[cc.TextItem(text="no: x"), cc.TextItem(text="true")]
    )
    assert Trigger.QUIESCENT not in triggers(cell)


async def test_a_pausable_cell_applies_the_result_only_after_resume() -> None:
    calls: list[int] = []

    def count(n: int) -> int:
        calls.append(n)
        return n * 10

    async with cc.Session([count]) as session:
        cell = await session.create_pausable_cell(
            'text("a"); const r = await tools.count({n: 1}); text(r)'
        )
        frontier = await cell.wait_to_pending()
        assert isinstance(frontier, cc.Pending)
        assert frontier.pending_tool_call_ids == ["tool-1"]
        assert frontier.content_items == [cc.TextItem(text="a")]
        assert calls == [1], "the tool ran in the step"
        assert await cell.wait_to_pending() == frontier, "held until resume"
        assert await cell.resume(frontier.generation) is cc.ResumeOutcome.RESUMED
        event = await cell.wait_to_pending()
    assert event == cc.Completed(content_items=[cc.TextItem(text="10")])
    assert triggers(cell)[:5] == [
        Trigger.STARTED, Trigger.OUTPUT, Trigger.INLINE_TOOL_CALL, Trigger.TOOL_ANSWERED,
        Trigger.QUIESCENT,
    ]  # fmt: skip


def test_the_table_holds_inline_results_exactly_for_the_kinds_that_do_not_apply_them() -> None:
    for kind in cc.CellKind:
        rows = definition(kind).rows(State.RUNNING, Trigger.TOOL_ANSWERED)
        assert len(rows) == 1
        queued = Effect.QUEUE_INPUT in rows[0].effects
        assert queued is (kind not in IN_STEP_RESULTS), kind


async def test_terminate_while_a_plain_tool_blocks_stops_the_script_after_it() -> None:
    entered, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def block(n: int) -> int:
        calls.append(n)
        entered.set()
        release.wait(WAIT)
        return n

    async with cc.Session([block]) as session:
        cell = await session.create_cell(
            "for (let i = 0; ; i++) { await tools.block({n: i}); text(i) }"
        )
        assert await asyncio.to_thread(entered.wait, WAIT)
        began = time.monotonic()
        event = await cell.terminate()
        assert time.monotonic() - began < 1.0
        assert isinstance(event, cc.Terminated)
        release.set()
        other = await session.create_cell('text("next")')
        assert await other.wait(yield_after=WAIT) == cc.Completed(
            content_items=[cc.TextItem(text="next")]
        )
    assert calls == [0], "the tool finished, the script did not go on"


async def test_a_blocking_plain_tool_holds_only_its_own_cell() -> None:
    entered, release = threading.Event(), threading.Event()

    def tool(block: bool) -> str:
        if block:
            entered.set()
            release.wait(WAIT)
        return "done"

    async with cc.Session([tool]) as session:
        blocked = await session.create_cell("text(await tools.tool({block: true}))")
        assert await asyncio.to_thread(entered.wait, WAIT)
        others = [
            await session.create_cell("text(await tools.tool({block: false}))") for _ in range(40)
        ]
        for cell in others:
            event = await cell.wait(yield_after=WAIT)
            assert event == cc.Completed(content_items=[cc.TextItem(text="done")])
        release.set()
        assert await blocked.wait(yield_after=WAIT) == cc.Completed(
            content_items=[cc.TextItem(text="done")]
        )


async def test_a_plain_tool_s_cpu_time_is_not_the_script_s() -> None:
    def burn(seconds: float) -> int:
        began, n = time.thread_time(), 0
        while time.thread_time() - began < seconds:
            n += 1
        return 1

    config = cc.SessionConfig(cpu_time_limit=0.2)
    async with cc.Session([burn], config=config) as session:
        cell = await session.create_cell(
            "let s = 0; for (let i = 0; i < 3; i++) s += await tools.burn({seconds: 0.1}); text(s)"
        )
        assert await cell.wait(yield_after=WAIT) == cc.Completed(
            content_items=[cc.TextItem(text="3")]
        )
        spinning = await session.create_cell("await tools.burn({seconds: 0}); for (;;) {}")
        event = await spinning.wait(yield_after=WAIT)
    assert isinstance(event, cc.Completed) and event.error_text is not None
    assert event.error_text.startswith("cpu_time_limit exceeded")


def test_a_blocked_plain_tool_does_not_keep_the_interpreter_from_exiting() -> None:
    script = textwrap.dedent(
        """
        import asyncio, threading, time
        import codecells as cc

        entered = threading.Event()

        def block() -> None:
            entered.set()
            threading.Event().wait()

        async def main():
            async with cc.Session([block]) as session:
                await session.create_cell("await tools.block()")
                await asyncio.to_thread(entered.wait, 5)
                began = time.monotonic()
            print(time.monotonic() - began < 1.0)

        asyncio.run(main())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


async def test_after_yield_control_the_step_ends_at_the_next_tool_call() -> None:
    def echo(i: int) -> int:
        return i

    async with cc.Session([echo]) as session:
        cell = await session.create_cell(
            "text(await tools.echo({i: 1})); yield_control(); text(await tools.echo({i: 2}))"
        )
        first = await cell.wait(yield_after=WAIT)
        assert first == cc.Yielded(content_items=[cc.TextItem(text="1")])
        assert await cell.wait(yield_after=WAIT) == cc.Completed(
            content_items=[cc.TextItem(text="2")]
        )
    seen = triggers(cell)
    yielded = seen.index(Trigger.YIELD_REQUESTED)
    assert Trigger.INLINE_TOOL_CALL in seen[:yielded]
    assert seen[yielded + 1 :].count(Trigger.TOOL_CALL) == 1, "dispatched: the step ended"
    assert Trigger.INLINE_TOOL_CALL not in seen[yielded:]


async def test_a_script_calling_slow_plain_tools_still_reaches_frontiers() -> None:
    def slow() -> int:
        time.sleep(0.03)
        return 1

    async with cc.Session([slow]) as session:
        cell = await session.create_cell("for (let i = 0; i < 8; i++) await tools.slow()")
        assert await cell.wait(yield_after=WAIT) == cc.Completed()
    assert Trigger.QUIESCENT in triggers(cell), "the inline window closed: the step ended"
