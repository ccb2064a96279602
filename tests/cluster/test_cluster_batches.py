"""The batch API of session proxies: many cells created in one call to the host and observed
in one call, with the same events, errors and exactly-once delivery as one cell at a time (a
batch cancelled after its reply came: test_cluster_observations.py)."""

from __future__ import annotations

import asyncio
import functools
import sys
from pathlib import Path

import pytest
import ray.cloudpickle
from support import texts, until

import codecells as cc
from codecells.cluster import Cluster
from codecells.cluster.host import Host
from codecells.store import SQLiteStore

pytestmark = pytest.mark.ray
ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # hosts cannot import tests

APPROVE = cc.ToolDefinition(name="approve", answered_externally=True)
BLOCKED = 'text("held"); await new Promise(r => setTimeout(r, 600000))'


def double(x: int) -> int:
    """2x."""
    return 2 * x


async def test_a_batch_of_cells_gives_each_cells_events_in_order(cluster: Cluster) -> None:
    async with await cluster.open_session([double]) as session:
        sources = ['text("a")', "text(String(await tools.double({x: 21})))", BLOCKED]
        cells = await session.create_cells(sources)
        assert [int(c.id) for c in cells] == list(range(int(cells[0].id), int(cells[0].id) + 3))
        first = await session.wait_cells(cells, yield_after=1.0)
        assert [(e.type, texts(e)) for e in first] == [
            ("completed", ["a"]), ("completed", ["42"]), ("yielded", ["held"])
        ]  # fmt: skip
        assert [c.state for c in cells] == ["closed", "closed", "pending"]  # at its timer
        (again,) = await session.wait_cells(c for c in cells[2:])  # type: ignore[arg-type]
        assert again.type == "yielded"  # an iterable of cells does as well as a list
        assert (await session.terminate(cells[2].id)).type == "terminated"
        with pytest.raises(cc.MissingCell):  # ended and removed, as one by one
            await session.wait_cells(cells[:1])
        assert await session.wait_cells([]) == []


async def test_a_batch_of_pausable_cells_waits_to_their_frontiers(cluster: Cluster) -> None:
    async with await cluster.open_session([APPROVE]) as session:
        cells = await session.create_pausable_cells(
            [f'text("ask {i}"); text(await tools.approve({i}))' for i in range(3)]
        )
        frontiers = await session.wait_to_pending_cells(cells)
        assert [(f.type, texts(f)) for f in frontiers] == [
            ("pending", [f"ask {i}"]) for i in range(3)
        ]
        for i, cell in enumerate(cells):
            await cell.answer("tool-1", f"yes {i}")
            assert await cell.resume(1) is cc.ResumeOutcome.RESUMED
        ends = await session.wait_to_pending_cells(cells)
        assert [(e.type, texts(e)) for e in ends] == [("completed", [f"yes {i}"]) for i in range(3)]


async def test_creating_a_batch_is_all_or_none(cluster: Cluster) -> None:
    async with await cluster.open_session() as session:
        before = await session.create_cell('text("before")')
        with pytest.raises(TypeError, match="cell source must be a str"):
            await session.create_cells([BLOCKED, 2])  # type: ignore[list-item]
        with pytest.raises(cc.MissingCell):  # created, then terminated and removed
            session.cell(str(int(before.id) + 1))
        with pytest.raises(TypeError, match="got one str"):
            await session.create_cells('text("a")')
        after = await session.create_cell('text("after")')
        assert int(after.id) == int(before.id) + 2
        assert [texts(e) for e in await session.wait_cells([before, after])] == [
            ["before"], ["after"]
        ]  # fmt: skip


async def test_a_failed_wait_in_a_batch_loses_none_of_the_other_events(cluster: Cluster) -> None:
    async with await cluster.open_session() as session:
        gone, kept = await session.create_cells(['text("gone")', 'text("kept")'])
        assert texts(await gone.wait()) == ["gone"]
        await until(lambda: kept.state == "completed")
        with pytest.raises(cc.MissingCell):
            await session.wait_cells([kept, gone])
        assert texts(await kept.wait()) == ["kept"]  # the event the failed batch claimed


async def test_a_batch_refuses_cells_it_cannot_observe(cluster: Cluster) -> None:
    async with (
        await cluster.open_session([APPROVE]) as session,
        await cluster.open_session() as other,
    ):
        cell = await session.create_cell('text("a")')
        pausable = await session.create_pausable_cell("await tools.approve()")
        stranger = await other.create_cell('text("b")')
        with pytest.raises(TypeError, match="expected CellProxy objects, got PausableCellProxy"):
            await session.wait_cells([cell, pausable])  # type: ignore[list-item]
        with pytest.raises(ValueError, match=f"cell {stranger.id} belongs to another session"):
            await session.wait_cells([cell, stranger])
        with pytest.raises(ValueError, match=f"cell {cell.id} is listed twice"):
            await session.wait_cells([cell, cell])
        assert texts(await cell.wait()) == ["a"]  # nothing was asked of the host
        assert (await session.wait_to_pending_cells([pausable]))[0].type == "pending"


async def test_a_session_shut_down_during_a_batch_creation_refuses_the_rest(
    tmp_path: Path,
) -> None:
    host = Host(functools.partial(SQLiteStore, tmp_path / "cells.db"), lease=30.0)
    await host.open_session("s", (), None, False)
    creating = asyncio.ensure_future(host.create_cells("s", False, [(BLOCKED, None)] * 50))
    await asyncio.sleep(0)  # the host made its first cell and let the loop run
    await host.close_session("s")
    assert (await creating)["error"] == "ShuttingDown"
    await host.stop()
