"""A host dies (``ray.kill``, or its process SIGKILLed) at a frontier: its sessions reopen on the
other host from the shared PostgreSQL store, their pausable cells finish there byte-identically
to an uninterrupted run, nothing the contract promises once is repeated, and a continuing cell
that was running ends with the documented error event."""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import ray
import ray.cloudpickle
from support import RecordingDelegate, until

import codecells as cc
from codecells.cluster import HOST_LOST, Cluster, HostLost, PausableCellProxy, SessionProxy
from codecells.store import MemoryStore
from codecells.store.postgres import PostgresStore

pytestmark = pytest.mark.ray
ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # hosts cannot import tests


def double(n: int) -> int:
    """Double a number (a function tool: runs in the host)."""
    return 2 * n


ECHO = cc.ToolDefinition(name="echo", description="Echo (the caller's delegate)")
APPROVE = cc.ToolDefinition(
    name="approve", description="A person decides", answered_externally=True
)
BLOCK = cc.ToolDefinition(name="block", description="Answered when the test opens its gate")
TOOLS = (ECHO, double, APPROVE, BLOCK)

SOURCE = """
store("runs", (load("runs") ?? 0) + 1);
text("start " + Math.random().toFixed(8));
text("echo " + await tools.echo("one"));
text("double " + await tools.double({n: 21}));
const [ok, late] = await Promise.all([tools.approve({what: "deploy"}), tools.echo("two")]);
text("approved " + ok + " " + late + " " + Math.random().toFixed(8));
"""
"""Frontiers: 1 waits for echo, 2 for double, 3 for the approval (and the second echo)."""

OpenSession = Callable[[str, RecordingDelegate], Awaitable[Any]]


async def _to_the_approval(cell: Any) -> cc.Pending:
    """Resume the cell until it waits for the approval (its third frontier)."""
    while True:
        event = await cell.wait_to_pending()
        assert isinstance(event, cc.Pending), event
        if event.generation == 3:
            return event
        assert await cell.resume(event.generation) is cc.ResumeOutcome.RESUMED


async def _finish(cell: Any, pending: cc.Pending) -> cc.Completed:
    """Approve, then resume until the end: whether the second echo's result has arrived by the
    first resume is timing, so the run may hold once more at a frontier waiting only for it."""
    await cell.answer(pending.pending_tool_call_ids[0], "yes")
    event: cc.Pending | cc.Completed | cc.Terminated = pending
    while isinstance(event, cc.Pending):
        assert await cell.resume(event.generation) is cc.ResumeOutcome.RESUMED
        event = await cell.wait_to_pending()
    assert isinstance(event, cc.Completed), event
    return event


async def _uninterrupted(session_id: str) -> str:
    """The same cell in one local session, never interrupted: its `Completed` as JSON."""
    async with cc.Session(TOOLS, delegate=RecordingDelegate(), store=MemoryStore(),
                          session_id=session_id) as session:  # fmt: skip
        cell = await session.create_pausable_cell(SOURCE)
        return (await _finish(cell, await _to_the_approval(cell))).model_dump_json()


def _kill_by_ray(host: Any) -> None:
    ray.kill(host, no_restart=True)


def _kill_the_process(host: Any) -> None:
    os.kill(ray.get(host.ping.remote()), signal.SIGKILL)


@pytest.fixture
def pg_cluster(ray_session: None, postgres_dsn: str, postgres_schema: str) -> Any:
    store = functools.partial(PostgresStore, postgres_dsn, schema=postgres_schema)
    with Cluster(store, hosts=2, cpus_per_host=0.5) as started:
        yield started


@pytest.mark.parametrize("kill", [_kill_by_ray, _kill_the_process], ids=["ray.kill", "SIGKILL"])
async def test_a_dead_hosts_cells_finish_on_the_other_host_byte_identically(
    pg_cluster: Cluster, kill: Callable[[Any], None]
) -> None:
    delegate = RecordingDelegate()
    delegate.gate("block")  # never opened
    ids = [f"failover-{kill.__name__}-{i}" for i in range(4)]
    sessions: list[SessionProxy] = [
        await pg_cluster.open_session(TOOLS, delegate=delegate, session_id=sid) for sid in ids
    ]
    doomed = pg_cluster.host_of(ids[0])
    assert {pg_cluster.host_of(s) == doomed for s in ids} == {True, False}  # spread, 2 and 2
    cells = [await s.create_pausable_cell(SOURCE) for s in sessions]
    frontiers = [await _to_the_approval(c) for c in cells]
    await cells[0].suspend()
    running = await sessions[0].create_cell('text("ran"); await tools.block()')
    await until(lambda: len(delegate.calls) == 2 * 4 + 1, 20)  # two echoes per cell, a block
    await until(lambda: running.state == "pending")
    echoes = sorted((c.session_id, c.cell_id, c.call_id) for c in delegate.calls)

    kill(doomed)

    # the next call on a proxy of the lost host is routed to the session's new host
    cell = sessions[0].pausable_cell("1")
    assert await cell.wait_to_pending() == frontiers[0]
    assert all(pg_cluster.host_of(s) != doomed for s in ids) and len(pg_cluster.hosts) == 1
    for cell, frontier in zip(cells, frontiers, strict=True):
        assert await cell.wait_to_pending() == frontier  # at the frontier, nothing lost
    finals = [
        (await _finish(c, f)).model_dump_json() for c, f in zip(cells, frontiers, strict=True)
    ]
    assert finals == [await _uninterrupted(sid) for sid in ids]
    # the first echo of each cell ran once; only the second echo (answered at the approval
    # frontier, maybe while the host died) may have been dispatched again: at-least-once
    again = sorted((c.session_id, c.cell_id, c.call_id) for c in delegate.calls)
    assert [c for c in again if c[2] != "tool-4"] == [c for c in echoes if c[2] != "tool-4"]
    lost = await running.wait(1.0)
    assert lost == cc.Completed(error_text=HOST_LOST.format(cell_id="2", host="host 0"))
    assert running.state == "closed"
    with pytest.raises(cc.MissingCell):
        await running.wait(1.0)
    assert [await s.stored_values() for s in sessions] == [{"runs": 1}] * 4
    assert (await sessions[0].create_cell("1")).id == "3"  # the lost cell's id is not reused
    for session in sessions:
        await session.shutdown()


async def test_sessions_move_at_once_when_their_host_dies_and_calls_then_go_there(
    pg_cluster: Cluster,
) -> None:
    sessions = [await pg_cluster.open_session([APPROVE]) for _ in range(4)]
    cells: list[PausableCellProxy] = [
        await s.create_pausable_cell('text(await tools.approve("x"))') for s in sessions
    ]
    pending = await asyncio.gather(*(c.wait_to_pending() for c in cells))
    doomed = pg_cluster.hosts[0]
    ray.kill(doomed, no_restart=True)
    # no call needed: the cluster sees the host die and reopens its sessions elsewhere
    await until(lambda: all(pg_cluster.host_of(s.session_id) != doomed for s in sessions))
    for cell, frontier in zip(cells, pending, strict=True):
        assert isinstance(frontier, cc.Pending)
        await cell.answer("tool-1", cell.id)
        await cell.resume(frontier.generation)
        assert await cell.wait_to_pending() == cc.Completed(content_items=[cc.TextItem(text="1")])
    for session in sessions:
        await session.shutdown()


async def test_a_generation_resumed_on_a_dead_host_is_resumable_once_its_lease_ran_out(
    ray_session: None, postgres_dsn: str, postgres_schema: str
) -> None:
    store = functools.partial(PostgresStore, postgres_dsn, schema=postgres_schema)
    delegate = RecordingDelegate()
    gate = delegate.gate("block")
    with Cluster(store, hosts=2, lease=1.0, cpus_per_host=0.5) as cluster:
        session = await cluster.open_session(TOOLS, delegate=delegate)
        cell = await session.create_pausable_cell('text("a"); text(await tools.block()); text("b")')
        frontier = await cell.wait_to_pending()
        assert isinstance(frontier, cc.Pending)
        assert await cell.resume(1) is cc.ResumeOutcome.RESUMED  # running: waits for block
        ray.kill(cluster.host_of(session.session_id), no_restart=True)
        assert await cell.wait_to_pending() == frontier  # back at its last frontier
        outcome = await cell.resume(1)  # the dead host's lease may still run
        while outcome is cc.ResumeOutcome.ALREADY_RUNNING:
            await asyncio.sleep(0.1)  # the lease runs out by the clock: nothing to await
            outcome = await cell.resume(1)
        assert outcome is cc.ResumeOutcome.RESUMED
        gate.set()  # the call was dispatched again by the new host: at least once
        end = await cell.wait_to_pending()
        assert end == cc.Completed(content_items=[cc.TextItem(text="null"), cc.TextItem(text="b")])
        assert [c.call_id for c in delegate.calls] == ["tool-1", "tool-1"]
        await session.shutdown()


async def test_proxy_calls_after_the_cluster_shut_down_raise_host_lost(ray_session: None) -> None:
    """Every proxy call waited for a failover that a shut-down cluster never makes: they
    hung, and so did the interpreter's exit."""
    cluster = Cluster(MemoryStore, hosts=1, cpus_per_host=0.5)
    try:
        session = await cluster.open_session()
        cell = await session.create_cell("await new Promise(() => {})")
    finally:
        cluster.shutdown()
    calls: list[Callable[[], Awaitable[Any]]] = [
        lambda: session.create_cell("1"),
        cell.terminate,
        session.shutdown,
    ]
    for call in calls:
        with pytest.raises(HostLost, match="the cluster is shut down"):
            await asyncio.wait_for(call(), 30)
