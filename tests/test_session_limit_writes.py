"""A cell that breaks a limit completes, so its writes are committed (CONTRACT §5, §8): for
every limit, both kinds and durable cells, whichever step the limit is broken in."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from support import until

import codecells as cc
from codecells.engine.quickjs_engine import MAX_PENDING_TIMERS, MAX_PENDING_TOOL_CALLS
from codecells.fsm import Trigger
from codecells.store import SQLiteStore

CONFIG = cc.SessionConfig(cpu_time_limit=0.5, memory_limit=32 << 20, output_limit=10_000)
BREAKS = {
    "cpu": ("cpu_time_limit", "for (;;) {}"),
    "memory": ("memory_limit", "const a = []; for (;;) a.push(new Array(10000).fill(1))"),
    "stack": ("stack_limit", "const f = () => f() + 1; f()"),
    "output-in-one-step": ("output_limit", 'for (;;) text("x".repeat(500))'),
    # output piling up over steps nobody observed: the host stops the cell at a step end
    "output-over-steps": ("output_limit", 'for (;;) { text("x".repeat(500)); await tools.tick() }'),
    "tool-input": (
        "memory_limit",
        'const s = "x".repeat(1e6); for (;;) { tools.never({s}); await tools.tick() }',
    ),
    "tool-calls": (
        "tool_call_limit",
        f"for (let i = 0; i <= {MAX_PENDING_TOOL_CALLS}; i++) tools.never()",
    ),
    "timers": (
        "timer_limit",
        f"for (let i = 0; i <= {MAX_PENDING_TIMERS}; i++) setTimeout(() => {{}}, 1e6)",
    ),
}
"""How each limit is broken: (the limit the error names, the script)."""
WRITES = 'store("k", {early: 1}); await tools.tick(); store("late", 2); '
"""Writes before the step that breaks the limit, and in it."""


async def tick() -> None:
    """Ends the script's step."""


async def never(s: str = "") -> None:
    """Never answers (its call stays outstanding until cancelled)."""
    await asyncio.Event().wait()


TOOLS = [tick, never]


async def run_unobserved(session: cc.Session, kind: str, source: str) -> cc.Completed:
    """Run `source` with nobody observing (a pausable cell's frontiers are resumed unseen);
    return the event then observed."""
    event: cc.Yielded | cc.Pending | cc.Completed | cc.Terminated
    if kind == "continuing":
        cell = await session.create_cell(source)
        await until(lambda: cell.state == "completed")
        event = await cell.wait()
    else:
        pausable = await session.create_pausable_cell(source)
        generation = 0
        while pausable.state != "completed":
            await until(lambda: pausable.state in ("pending", "suspended", "completed"))
            if pausable.state != "completed":
                generation += 1
                await pausable.resume(generation)
        event = await pausable.wait_to_pending()
    assert isinstance(event, cc.Completed), event
    return event


@pytest.mark.parametrize("limit", sorted(BREAKS))
@pytest.mark.parametrize("kind", ["continuing", "pausable"])
async def test_a_cell_over_a_limit_completes_with_its_writes(kind: str, limit: str) -> None:
    async with cc.Session(TOOLS, config=CONFIG) as session:
        event = await run_unobserved(session, kind, WRITES + BREAKS[limit][1])
        assert (event.error_text or "").startswith(f"{BREAKS[limit][0]} exceeded"), event
        assert session.stored_values == {"k": {"early": 1}, "late": 2}


@pytest.mark.parametrize("limit", sorted(BREAKS))
async def test_a_durable_cell_over_a_limit_commits_its_writes_to_the_store(
    tmp_path: Path, limit: str
) -> None:
    db = tmp_path / "cells.db"
    async with cc.Session(TOOLS, config=CONFIG, store=SQLiteStore(db), session_id="s") as session:
        event = await run_unobserved(session, "pausable", WRITES + BREAKS[limit][1])
        assert (event.error_text or "").startswith(f"{BREAKS[limit][0]} exceeded"), event
        assert session.stored_values == {"k": {"early": 1}, "late": 2}
    async with cc.Session(TOOLS, store=SQLiteStore(db), session_id="s") as reopened:
        assert reopened.stored_values == {"k": {"early": 1}, "late": 2}


async def test_a_suspended_durable_cell_that_fails_keeps_its_writes(tmp_path: Path) -> None:
    # a failing guard or effect is a host bug: its consequence is planted, as in
    # tests/test_durable_session.py; the released engine is replayed for the writes
    async with cc.Session(TOOLS, store=SQLiteStore(tmp_path / "c.db"), session_id="s") as session:
        cell = await session.create_pausable_cell(WRITES)
        assert isinstance(await cell.wait_to_pending(), cc.Pending)
        await cell.suspend()
        cell._executor.fire(Trigger.EFFECT_FAILED, error_text="planted failure")
        event = await cell.wait_to_pending()
        assert isinstance(event, cc.Completed) and event.error_text == "planted failure"
        assert session.stored_values == {"k": {"early": 1}}
