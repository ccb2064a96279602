"""Durable cells while their store fails: nothing is reported done that the store did not
take, and nothing is lost or handed out twice (QA round 3, items 1-4, 6-8).

The failing stores are stand-ins: a real SQLite file whose chosen methods raise `StoreError`,
as they do when another connection holds ``BEGIN EXCLUSIVE`` past the busy timeout (10 s per
call, too slow for the default suite)."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any

import pytest
from support import texts, until

import codecells as cc
from codecells.store import SQLiteStore

SID = "s"
EXT = cc.ToolDefinition(name="ext", answered_externally=True)
ASK = 'text("got " + await tools.ext())'


class FailingStore(SQLiteStore):
    """A real SQLite file whose methods named in `failing` raise `StoreError` (a stand-in for
    a store locked by another connection past its busy timeout)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.failing: set[str] = set()

    def __getattribute__(self, name: str) -> Any:
        if name in object.__getattribute__(self, "__dict__").get("failing", ()):

            def locked(*_: object) -> None:
                raise cc.StoreError(f"store: cannot {name}: database is locked")

            return locked
        return super().__getattribute__(name)


def open_session(store: SQLiteStore, *tools: Any, **kwargs: Any) -> cc.Session:
    return cc.Session([EXT, *tools], store=store, session_id=SID, **kwargs)


async def at_frontier(session: cc.Session, source: str = ASK) -> tuple[cc.PausableCell, int]:
    cell = await session.create_pausable_cell(source)
    frontier = await cell.wait_to_pending()
    assert isinstance(frontier, cc.Pending)
    return cell, frontier.generation


async def test_an_answer_the_store_cannot_record_raises_and_the_call_still_waits(
    tmp_path: Path,
) -> None:
    store = FailingStore(tmp_path / "c.db")
    async with open_session(store) as session:
        cell, generation = await at_frontier(session)
        store.failing = {"record_arrival"}
        with pytest.raises(cc.StoreError, match="database is locked"):
            await cell.answer("tool-1", "yes")
        assert cell.waits_for_answer("tool-1")
        store.failing = set()
        await cell.answer("tool-1", "yes")
        assert await cell.resume(generation) == cc.ResumeOutcome.RESUMED
        done = await asyncio.wait_for(cell.wait_to_pending(), 10)
    assert isinstance(done, cc.Completed) and texts(done) == ["got yes"]


async def test_a_host_run_result_the_store_cannot_record_is_applied_at_the_resume(
    tmp_path: Path,
) -> None:
    release = asyncio.Event()

    async def lookup() -> str:
        await release.wait()
        return "found"

    store = FailingStore(tmp_path / "c.db")
    async with open_session(store, lookup) as session:
        cell, generation = await at_frontier(session, 'text("got " + await tools.lookup())')
        store.failing = {"record_arrival"}
        release.set()
        await until(lambda: cell.trace.steps[-1].trigger == cc.fsm.Trigger.TOOL_RESULT)
        store.failing = set()
        assert await cell.resume(generation) == cc.ResumeOutcome.RESUMED
        done = await asyncio.wait_for(cell.wait_to_pending(), 10)
    assert isinstance(done, cc.Completed) and texts(done) == ["got found"]


async def test_a_resume_whose_claim_fails_raises_and_the_cell_stays_at_its_frontier(
    tmp_path: Path,
) -> None:
    store = FailingStore(tmp_path / "c.db")
    async with open_session(store) as session:
        cell, generation = await at_frontier(session)
        await cell.answer("tool-1", "yes")
        for failing in ("claim", "arrivals"):  # the claim itself, or reading what it queues
            store.failing = {failing}
            with pytest.raises(cc.StoreError, match="database is locked"):
                await cell.resume(generation)
            assert cell.state == "pending"
        store.failing = set()
        assert await cell.resume(generation) == cc.ResumeOutcome.RESUMED
        done = await asyncio.wait_for(cell.wait_to_pending(), 10)
    assert isinstance(done, cc.Completed) and texts(done) == ["got yes"]


async def test_writes_whose_completion_commit_failed_are_committed_by_the_next_session(
    tmp_path: Path,
) -> None:
    store = FailingStore(tmp_path / "c.db")
    async with open_session(store) as session:
        cell, generation = await at_frontier(session, 'store("k", await tools.ext())')
        await cell.answer("tool-1", 3)
        store.failing = {"complete"}
        assert await cell.resume(generation) == cc.ResumeOutcome.RESUMED
        done = await asyncio.wait_for(cell.wait_to_pending(), 10)
        assert isinstance(done, cc.Completed) and done.error_text is None
    async with open_session(SQLiteStore(tmp_path / "c.db")) as reopened:
        assert reopened.stored_values == {"k": 3}
        again = await reopened.pausable_cell(cell.id).wait_to_pending()
        assert isinstance(again, cc.Completed)  # delivered again: documented (docs/durable.md)


async def test_a_claimed_cell_the_store_could_not_remove_is_removed_later(
    tmp_path: Path,
) -> None:
    store = FailingStore(tmp_path / "c.db")
    async with open_session(store) as session:
        cell = await session.create_pausable_cell('text("hello")')
        await until(lambda: cell.state == "completed")
        store.failing = {"delete_cell"}
        done = await cell.wait_to_pending()
        assert isinstance(done, cc.Completed) and texts(done) == ["hello"]
        store.failing = set()  # the removal is retried by the lease heartbeat or at shutdown
    async with open_session(SQLiteStore(tmp_path / "c.db")) as reopened:
        with pytest.raises(cc.MissingCell):
            reopened.pausable_cell(cell.id)


async def test_a_redispatched_call_losing_first_wins_continues_with_the_recorded_result(
    tmp_path: Path,
) -> None:
    released = {"A": asyncio.Event(), "B": asyncio.Event()}
    returned: list[str] = []

    class Replica:
        def __init__(self, name: str) -> None:
            self.name = name

        async def invoke_tool(self, call: cc.ToolCall) -> str:
            await released[self.name].wait()
            returned.append(self.name)
            return f"from-{self.name}"

    lookup = cc.ToolDefinition(name="lookup")
    source = 'const r = await tools.lookup(); text("result " + r)'

    def replica(name: str) -> cc.Session:
        store = SQLiteStore(tmp_path / "c.db")
        return cc.Session([lookup], delegate=Replica(name), store=store, session_id=SID)

    async with replica("A") as a:
        cell_a = await a.create_pausable_cell(source)
        assert isinstance(await cell_a.wait_to_pending(), cc.Pending)
        b = replica("B")
        cell_b = b.pausable_cell(cell_a.id)
        frontier = await cell_b.wait_to_pending()
        assert isinstance(frontier, cc.Pending)
        assert await cell_b.resume(frontier.generation) == cc.ResumeOutcome.RESUMED
        released["A"].set()  # A's result is recorded first ...
        await until(lambda: returned == ["A"] and cell_a.trace.steps[-1].trigger == "tool_result")
        released["B"].set()  # ... B's re-dispatched call loses: B runs on with A's result
        done = await asyncio.wait_for(cell_b.wait_to_pending(), 10)
        await b.shutdown()
    assert isinstance(done, cc.Completed) and texts(done) == ["result from-A"]


@pytest.mark.parametrize("lease", [0, -1.0, math.nan, math.inf, 10**400])
async def test_a_lease_that_is_no_positive_finite_number_is_refused(
    tmp_path: Path, lease: float
) -> None:
    with pytest.raises(ValueError, match="lease must be a positive finite number"):
        open_session(SQLiteStore(tmp_path / "c.db"), lease=lease)


async def test_session_ids_and_stores_of_the_wrong_kind_are_refused(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "c.db")
    with pytest.raises(ValueError, match="session_id must not be empty"):
        cc.Session(store=store, session_id="")
    with pytest.raises(TypeError, match="session_id must be a str or None, got 5"):
        cc.Session(store=store, session_id=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="store must be a Store"):
        cc.Session(store=str(tmp_path / "c.db"), session_id=SID)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="lease must be a number of seconds"):
        cc.Session(store=store, session_id=SID, lease="30")  # type: ignore[arg-type]


async def test_an_answer_with_both_a_result_and_an_error_is_refused(tmp_path: Path) -> None:
    async with open_session(SQLiteStore(tmp_path / "c.db")) as session:
        cell, _ = await at_frontier(session)
        with pytest.raises(ValueError, match="a result or an error, not both"):
            await cell.answer("tool-1", 1, error="x")
        assert cell.waits_for_answer("tool-1")
