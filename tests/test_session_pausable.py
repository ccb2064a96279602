"""Pausable cells: frontiers, generations and resume (CONTRACT §5)."""

from __future__ import annotations

import asyncio

import pytest
from support import BLOCK, ECHO, RecordingDelegate, drain_pausable, texts, until

import codecells as cc


async def test_frontier_lists_outstanding_calls_and_repeats_until_resumed() -> None:
    delegate = RecordingDelegate()
    async with cc.Session([ECHO], delegate=delegate) as session:
        cell = await session.create_pausable_cell(
            'text("start"); const a = tools.echo("x"); const b = tools.echo("y"); '
            "text(await a + await b)"
        )
        first = await cell.wait_to_pending()
        assert first == cc.Pending(
            generation=1,
            content_items=[cc.TextItem(text="start")],
            pending_tool_call_ids=["tool-1", "tool-2"],
        )
        assert await cell.wait_to_pending() == first
        assert cell.state == "pending"
        assert await cell.resume(1) is cc.ResumeOutcome.RESUMED
        end = await cell.wait_to_pending()
        assert end == cc.Completed(content_items=[cc.TextItem(text="xy")], error_text=None)


async def test_tool_results_apply_only_after_resume() -> None:
    delegate = RecordingDelegate()
    async with cc.Session([ECHO], delegate=delegate) as session:
        cell = await session.create_pausable_cell('text(await tools.echo("r"))')
        pending = await cell.wait_to_pending()
        assert pending.type == "pending"
        await until(lambda: len(delegate.calls) == 1)  # dispatched while frozen
        # the result arrived, yet the cell holds at the frontier
        for _ in range(50):
            await asyncio.sleep(0)
        assert cell.state == "pending"
        assert await cell.wait_to_pending() == pending
        await cell.resume(pending.generation)
        assert texts(await cell.wait_to_pending()) == ["r"]


async def test_generations_count_per_cell_and_content_is_never_repeated() -> None:
    async with cc.Session([ECHO], delegate=RecordingDelegate()) as session:
        cell = await session.create_pausable_cell(
            'for (let i = 0; i < 3; i++) { text("t" + i); await tools.echo(i); } text("end")'
        )
        seen, end, generations = await drain_pausable(cell)
        assert generations == [1, 2, 3]
        assert seen == ["t0", "t1", "t2", "end"] and end.type == "completed"


async def test_timers_hold_at_the_frontier_too() -> None:
    async with cc.Session() as session:
        cell = await session.create_pausable_cell(
            'await new Promise(r => setTimeout(r, 1)); text("fired")'
        )
        pending = await cell.wait_to_pending()
        assert pending.type == "pending" and pending.pending_tool_call_ids == []
        await until(lambda: any(s.trigger == "timer_fired" for s in cell.trace.steps))
        assert cell.state == "pending"  # the firing is held
        await cell.resume(pending.generation)
        assert texts(await cell.wait_to_pending()) == ["fired"]


async def test_resume_outcomes_and_invalid_generations() -> None:
    async with cc.Session([ECHO], delegate=RecordingDelegate()) as session:
        cell = await session.create_pausable_cell("await tools.echo(1); await tools.echo(2)")
        with pytest.raises(cc.InvalidGeneration) as before:
            await cell.resume(1)
        assert str(before.value) == (
            "exec cell 1 cannot resume generation 1; latest generation is none"
        )
        assert before.value.requested == 1 and before.value.latest is None
        pending = await cell.wait_to_pending()
        with pytest.raises(cc.InvalidGeneration, match="latest generation is 1$"):
            await cell.resume(2)
        assert await cell.resume(1) is cc.ResumeOutcome.RESUMED
        assert await cell.resume(1) is cc.ResumeOutcome.ALREADY_RUNNING
        second = await cell.wait_to_pending()
        assert second.type == "pending" and second.generation == pending.generation + 1
        assert await cell.resume(1) is cc.ResumeOutcome.ALREADY_RUNNING
        with pytest.raises(
            cc.InvalidGeneration, match="cannot resume generation 3; latest generation is 2$"
        ):
            await cell.resume(3)


async def test_concurrent_resumes_resume_once() -> None:
    async with cc.Session([ECHO], delegate=RecordingDelegate()) as session:
        cell = await session.create_pausable_cell("await tools.echo(1)")
        pending = await cell.wait_to_pending()
        outcomes = await asyncio.gather(
            cell.resume(pending.generation), cell.resume(pending.generation)
        )
        assert sorted(outcomes) == [cc.ResumeOutcome.ALREADY_RUNNING, cc.ResumeOutcome.RESUMED]


async def test_yield_control_never_yields_in_a_pausable_cell() -> None:
    async with cc.Session([ECHO], delegate=RecordingDelegate()) as session:
        cell = await session.create_pausable_cell(
            'text("a"); yield_control(); text("b"); await tools.echo(1); text("c")'
        )
        seen, end, _ = await drain_pausable(cell)
        assert seen == ["a", "b", "c"] and end.type == "completed"


async def test_resume_without_input_waits_for_it_and_queued_results_apply_at_once() -> None:
    delegate = RecordingDelegate()
    gate = delegate.gate("block")
    async with cc.Session([BLOCK, ECHO], delegate=delegate) as session:
        cell = await session.create_pausable_cell(
            'await tools.block(); text("x"); await tools.echo(1); text("y")'
        )
        first = await cell.wait_to_pending()
        assert (first.generation, first.pending_tool_call_ids) == (1, ["tool-1"])
        assert await cell.resume(1) is cc.ResumeOutcome.RESUMED
        waiting = asyncio.ensure_future(cell.wait_to_pending())
        for _ in range(50):
            await asyncio.sleep(0)
        assert not waiting.done() and cell.state == "running"  # no frontier without progress
        gate.set()
        second = await asyncio.wait_for(waiting, 10)
        assert second == cc.Pending(
            generation=2, content_items=[cc.TextItem(text="x")], pending_tool_call_ids=["tool-2"]
        )
        await until(
            lambda: any(
                s.trigger == "tool_result" and s.source == "pending" for s in cell.trace.steps
            )
        )
        assert cell.state == "pending"  # the echo result is held
        await cell.resume(2)
        end = await cell.wait_to_pending()
        assert end.type == "completed" and texts(end) == ["y"]


async def test_wrong_kind_and_missing_lookups() -> None:
    async with cc.Session() as session:
        continuing = await session.create_cell("await new Promise(() => {})")
        pausable = await session.create_pausable_cell("await new Promise(() => {})")
        with pytest.raises(cc.WrongCellKind) as wrong:
            session.pausable_cell(continuing.id)
        assert str(wrong.value) == "exec cell 1 is continuing, expected pausable"
        assert (wrong.value.cell_id, wrong.value.expected, wrong.value.actual) == (
            "1",
            "pausable",
            "continuing",
        )
        with pytest.raises(
            cc.WrongCellKind, match="^exec cell 2 is pausable, expected continuing$"
        ):
            session.cell(pausable.id)
        with pytest.raises(cc.MissingCell, match="^exec cell 9 not found$"):
            session.pausable_cell("9")
        assert (
            session.cell("1").id == "1" and session.pausable_cell("2").kind is cc.CellKind.PAUSABLE
        )


async def test_completion_folds_a_pre_observation_yield_into_one_event() -> None:
    async with cc.Session() as session:
        cell = await session.create_pausable_cell('text("a"); yield_control(); text("b")')
        await until(lambda: cell.state == "completed")
        event = await cell.wait_to_pending()
        assert event.type == "completed" and texts(event) == ["a", "b"]


async def test_cancelled_wait_to_pending_loses_nothing() -> None:
    delegate = RecordingDelegate()
    gate = delegate.gate("block")
    async with cc.Session([BLOCK], delegate=delegate) as session:
        cell = await session.create_pausable_cell('text("a"); await tools.block(); text("b")')
        first = await cell.wait_to_pending()
        await cell.resume(first.generation)
        waiting = asyncio.ensure_future(cell.wait_to_pending())
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        gate.set()
        seen, end, _ = await drain_pausable(cell)
        assert texts(first) + seen == ["a", "b"] and end.type == "completed"


async def test_terminate_includes_an_unobserved_frontier_content() -> None:
    delegate = RecordingDelegate()
    delegate.gate("block")
    async with cc.Session([BLOCK], delegate=delegate) as session:
        cell = await session.create_pausable_cell('text("held"); await tools.block()')
        await until(lambda: cell.state == "pending")
        final = await cell.terminate()
        assert final == cc.Terminated(content_items=[cc.TextItem(text="held")])


async def test_resuming_an_unobserved_frontier_loses_nothing() -> None:
    async with cc.Session([ECHO], delegate=RecordingDelegate()) as session:
        cell = await session.create_pausable_cell(
            'text("a"); await tools.echo(1); text("b"); await tools.echo(2); text("c")'
        )
        await until(lambda: cell.state == "pending")
        assert await cell.resume(1) is cc.ResumeOutcome.RESUMED  # frontier 1 never observed
        second = await cell.wait_to_pending()
        assert second.type == "pending" and second.generation == 2
        assert texts(second) == ["a", "b"]
        assert await cell.resume(2) is cc.ResumeOutcome.RESUMED
        final = await cell.wait_to_pending()
        assert final == cc.Completed(content_items=[cc.TextItem(text="c")], error_text=None)


async def test_an_unobserved_frontier_reaches_the_completion() -> None:
    async with cc.Session([ECHO], delegate=RecordingDelegate()) as session:
        cell = await session.create_pausable_cell('text("a"); await tools.echo(1); text("b")')
        await until(lambda: cell.state == "pending")
        assert await cell.resume(1) is cc.ResumeOutcome.RESUMED
        final = await cell.wait_to_pending()
        assert final.type == "completed" and texts(final) == ["a", "b"]


@pytest.mark.parametrize("generation", [0, -1])
async def test_generations_below_one_are_always_invalid(generation: int) -> None:
    async with cc.Session([ECHO], delegate=RecordingDelegate()) as session:
        cell = await session.create_pausable_cell("await tools.echo(1); await tools.echo(2)")
        for _ in range(2):  # before the first resume, and after it
            pending = await cell.wait_to_pending()
            assert pending.type == "pending"
            with pytest.raises(cc.InvalidGeneration, match=f"generation {generation};"):
                await cell.resume(generation)
            assert await cell.resume(pending.generation) is cc.ResumeOutcome.RESUMED


@pytest.mark.parametrize("generation", [True, 0, -1, 1.0, "1"])
def test_a_pending_event_s_generation_is_a_frontier_number(generation: object) -> None:
    """Generations count 1, 2, ... (CONTRACT §5): a bool, a float or a numeric str is refused,
    not coerced (True would otherwise become generation 1)."""
    with pytest.raises(ValueError, match="generation"):
        cc.Pending(generation=generation)  # type: ignore[arg-type]
