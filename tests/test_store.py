"""The `codecells.store.Store` contract, checked on every implementation (a PostgreSQL store
added later runs the same tests): ids, journal commits, arrivals, claims, completions."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from codecells.errors import StoreError
from codecells.store import (
    CallRecord,
    CellRecord,
    JournalEntry,
    MemoryStore,
    SQLiteStore,
    StepRecord,
    Store,
)

SID = "s"
Opener = Callable[[], Store]


@pytest.fixture(params=["sqlite", "memory", "postgres"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens a connection to one store (every call: another connection to the same data,
    for the stores that can have several); PostgreSQL: a schema of its own in the server the
    tests started (pgserver.py)."""
    opened: list[Store] = []
    memory = MemoryStore()
    if request.param == "postgres":
        from codecells.store.postgres import PostgresStore

        dsn, schema = (request.getfixturevalue(f) for f in ("postgres_dsn", "postgres_schema"))

    def open_store() -> Store:
        store: Store = (
            SQLiteStore(tmp_path / "s.db") if request.param == "sqlite"
            else PostgresStore(dsn, schema=schema) if request.param == "postgres"
            else memory
        )  # fmt: skip
        opened.append(store)
        return store

    yield open_store
    for store in opened:
        store.close()


def record(cell_id: str = "1") -> CellRecord:
    return CellRecord(
        session_id=SID,
        cell_id=cell_id,
        source="text(1)",
        tool_call_id="",
        tools=("approve",),
        stored_values={"a": 1},
        seed=7,
        fingerprint="f",
    )


def step(n: int, **kw: object) -> StepRecord:
    entry = JournalEntry(n=n, now_ms=1000 + n, commands="[]", digest=f"d{n}", chain=f"c{n}")
    return StepRecord(entry=entry, **kw)  # type: ignore[arg-type]


def test_sessions_and_cell_ids(opener: Opener) -> None:
    a, b = opener(), opener()
    assert a.open_session(SID).cell_ids == ()
    ids = [a.new_cell_id(SID), b.new_cell_id(SID), a.new_cell_id(SID)]
    assert ids == ["1", "2", "3"], "never handed out twice, also to two connections"
    assert a.new_cell_id("other") == "1"


def test_a_batch_of_cell_ids_is_numbered_at_once(opener: Opener) -> None:
    a, b = opener(), opener()
    assert a.new_cell_id(SID) == "1"
    assert a.new_cell_id(SID, 3) == "2", "the first of 2, 3, 4"
    assert b.new_cell_id(SID) == "5"
    assert a.new_cell_id("new", 2) == "1" and a.new_cell_id("new") == "3"
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="count must be an int of at least 1 and at most"):
            a.new_cell_id(SID, bad)  # type: ignore[arg-type]
    assert b.new_cell_id(SID) == "6", "a refused batch numbers nothing"


def test_a_cell_and_its_journal(opener: Opener) -> None:
    store = opener()
    store.create_cell(record(), "me", 10.0)
    call = CallRecord("tool-1", 0, {"q": 1})
    store.append_step(SID, "1", step(1, calls=(call,), timers_set=((1, 1500),), frontier="{}"))
    with pytest.raises(StoreError, match="has no step 0 to follow"):
        store.append_step(SID, "1", step(1))  # a stale writer cannot append again
    loaded = store.load_cell(SID, "1")
    assert loaded is not None
    assert loaded.record == record() and loaded.steps == 1 and loaded.frontier == "{}"
    assert loaded.outstanding == (call,) and loaded.timers == ((1, 1500),)
    assert [e.n for e in store.journal(SID, "1")] == [1]
    assert store.open_session(SID).cell_ids == ("1",)


def test_arrivals_first_wins_until_applied(opener: Opener) -> None:
    store = opener()
    store.create_cell(record(), "me", 10.0)
    store.append_step(SID, "1", step(1, calls=(CallRecord("tool-1", 0),)))
    assert store.record_arrival(SID, "1", "call:tool-1", '{"a": 1}')
    assert not store.record_arrival(SID, "1", "call:tool-1", '{"a": 2}')
    assert store.record_arrival(SID, "1", "timer:3", '{"b": 1}')
    assert store.arrivals(SID, "1") == [("call:tool-1", '{"a": 1}'), ("timer:3", '{"b": 1}')]
    loaded = store.load_cell(SID, "1")
    assert loaded is not None and loaded.outstanding == (), "answered: not dispatched again"
    store.append_step(SID, "1", step(2, applied=("call:tool-1",)))
    assert store.arrivals(SID, "1") == [("timer:3", '{"b": 1}')]


def test_claims_are_compare_and_set(opener: Opener) -> None:
    a, b = opener(), opener()
    a.create_cell(record(), "A", 10.0)
    assert a.claim(SID, "1", 1, "A", now=0.0, lease=30.0)
    assert a.claim(SID, "1", 1, "A", now=1.0, lease=30.0), "the same owner again"
    assert not b.claim(SID, "1", 1, "B", now=1.0, lease=30.0), "resumed by a live owner"
    assert b.claim(SID, "1", 1, "B", now=32.0, lease=30.0), "its lease (renewed at 1) ran out"
    assert not a.claim(SID, "1", 1, "A", now=33.0, lease=30.0)
    assert a.claim(SID, "1", 2, "A", now=33.0, lease=30.0), "a newer generation"
    a.release(SID, "1", "A")
    assert b.claim(SID, "1", 2, "B", now=34.0, lease=30.0), "released: anyone"


def test_a_completion_commits_its_writes_once(opener: Opener) -> None:
    store = opener()
    store.create_cell(record(), "me", 10.0)
    assert store.complete(SID, "1", '{"type": "completed"}', '{"k": 1}')
    assert not store.complete(SID, "1", '{"type": "completed"}', '{"k": 2}')
    assert store.open_session(SID).stored_values == {"k": 1}
    assert not store.claim(SID, "1", 1, "me", now=0.0, lease=1.0), "nothing to resume"
    loaded = store.load_cell(SID, "1")
    assert loaded is not None and loaded.completed == '{"type": "completed"}'


def test_restart_and_delete(opener: Opener) -> None:
    store = opener()
    store.create_cell(record(), "me", 10.0)
    store.append_step(SID, "1", step(1, calls=(CallRecord("tool-1", 0),)))
    store.record_arrival(SID, "1", "call:tool-1", "{}")
    store.restart(SID, "1", "other", 20.0)
    loaded = store.load_cell(SID, "1")
    assert loaded is not None and (loaded.steps, loaded.queued, loaded.outstanding) == (0, (), ())
    assert loaded.owner == "other" and store.journal(SID, "1") == []
    store.delete_cell(SID, "1")
    assert store.load_cell(SID, "1") is None
    assert store.open_session(SID).cell_ids == ()


def test_small_updates_do_not_rewrite_a_large_cell_record(tmp_path: Path) -> None:
    """Claims, observations and lease renewals run on the event loop: SQLite rewrites a whole row
    on UPDATE, so they must not share a row with the source and stored-values snapshot."""
    db = tmp_path / "s.db"
    store = SQLiteStore(db)
    big = replace(record(), source="x" * (4 << 20), stored_values={"v": "y" * (4 << 20)})
    store.open_session(SID)
    store.create_cell(big, "me", lease_until=10.0)
    wal = db.with_name(db.name + "-wal")
    for generation in (1, 2, 3):
        with closing(sqlite3.connect(db)) as other:
            other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert wal.stat().st_size == 0
        store.observed(SID, "1", generation)
        assert store.claim(SID, "1", generation, "me", now=0.0, lease=30.0)
        store.renew("me", lease_until=100.0 + generation)
        assert wal.stat().st_size < 256 * 1024, "a small update rewrote the 8 MiB record"
    loaded = store.load_cell(SID, "1")
    assert loaded is not None and loaded.record == big and loaded.resumed == 3
    store.close()


def _open_and_write(path: str, start: Any, session_id: str) -> None:
    start.wait()
    store = SQLiteStore(path)
    try:
        store.open_session(session_id)
    finally:
        store.close()


def test_processes_opening_one_new_store_together_all_succeed(tmp_path: Path) -> None:
    """Ray host actors open the cluster's store at the same moment: entering WAL mode needs an
    exclusive lock that SQLite refuses at once (no busy handler) while another process is opening
    the file, so each opener must wait its turn instead of failing with "database is locked"."""
    context = multiprocessing.get_context("spawn")
    for round_ in range(4):
        path = str(tmp_path / f"race{round_}.db")
        start = context.Barrier(6)
        openers = [
            context.Process(target=_open_and_write, args=(path, start, f"s{n}")) for n in range(6)
        ]
        for process in openers:
            process.start()
        for process in openers:
            process.join(60)
        assert [process.exitcode for process in openers] == [0] * 6
        with closing(SQLiteStore(path)) as store:
            assert all(store.open_session(f"s{n}").cell_ids == () for n in range(6))
