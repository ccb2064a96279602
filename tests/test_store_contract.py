"""More of the `Store` contract (beside test_store.py, whose `opener` runs these too on every
implementation: in-memory, SQLite and PostgreSQL, a real server the tests start)."""

from __future__ import annotations

import json

import pytest
import test_store
from test_store import Opener

import codecells as cc
from codecells.store import CallRecord, CellRecord, JournalEntry, StepRecord, Store
from codecells.store.postgres import PostgresStore

opener = test_store.opener  # the fixture over every store


@pytest.fixture
def store(opener: Opener) -> Store:
    return opener()


def _record(cell_id: str, session_id: str = "s") -> CellRecord:
    return CellRecord(
        session_id=session_id,
        cell_id=cell_id,
        source='text("x")',
        tool_call_id="call-1",
        tools=("echo", "add"),
        stored_values={"k": [1, "é"]},
        seed=12345,
        fingerprint="fp",
    )


def _step(n: int, **fields: object) -> StepRecord:
    entry = JournalEntry(n, 1000 * n, json.dumps([{"n": n}]), f"d{n}", f"c{n}")
    return StepRecord(entry, **fields)  # type: ignore[arg-type]


def test_a_new_session_is_empty_and_cells_are_listed_in_number_order(store: Store) -> None:
    assert store.open_session("s") == store.open_session("s")
    assert store.open_session("s").cell_ids == ()
    for cell_id in ("2", "10", "9"):
        store.create_cell(_record(cell_id), "owner", 100.0)
    assert store.open_session("s").cell_ids == ("2", "9", "10")
    assert store.open_session("other").cell_ids == ()
    assert store.new_cell_id("s") == "1"  # numbering is apart from the cells recorded


def test_a_cell_loads_as_it_was_created(store: Store) -> None:
    store.open_session("s")
    store.create_cell(_record("1"), "owner", 100.0)
    loaded = store.load_cell("s", "1")
    assert loaded is not None
    assert loaded.record == _record("1")
    assert (loaded.steps, loaded.frontier, loaded.finish, loaded.completed) == (0, None, None, None)
    assert (loaded.owner, loaded.lease_until, loaded.resumed, loaded.observed) == (
        "owner",
        100.0,
        0,
        0,
    )
    assert store.load_cell("s", "2") is None and store.load_cell("t", "1") is None


def test_steps_follow_each_other_and_the_journal_reads_them_in_order(store: Store) -> None:
    store.open_session("s")
    store.create_cell(_record("1"), "owner", 100.0)
    store.append_step("s", "1", _step(1, frontier='{"f": 1}'))
    store.append_step("s", "1", _step(2))
    with pytest.raises(cc.StoreError, match="has no step 3 to follow"):
        store.append_step("s", "1", _step(4))
    with pytest.raises(cc.StoreError, match="has no step 1 to follow"):
        store.append_step("s", "1", _step(2))  # journaled already (by another process)
    assert [e.n for e in store.journal("s", "1")] == [1, 2]
    assert store.journal("s", "1")[0] == _step(1).entry
    loaded = store.load_cell("s", "1")
    assert loaded is not None and loaded.steps == 2
    assert loaded.frontier == '{"f": 1}'  # a step without a frontier keeps the last one


def test_arrivals_queue_in_order_first_wins_and_applied_ones_leave(store: Store) -> None:
    store.open_session("s")
    store.create_cell(_record("1"), "owner", 100.0)
    calls = tuple(CallRecord(f"tool-{i}", i % 2, {"i": i}) for i in (1, 2, 10))
    store.append_step("s", "1", _step(1, calls=calls))
    assert store.record_arrival("s", "1", "call:tool-10", '{"v": 10}')
    assert store.record_arrival("s", "1", "call:tool-1", '{"v": 1}')
    assert not store.record_arrival("s", "1", "call:tool-1", '{"v": "again"}')
    loaded = store.load_cell("s", "1")
    assert loaded is not None
    assert loaded.queued == (("call:tool-10", '{"v": 10}'), ("call:tool-1", '{"v": 1}'))
    assert store.arrivals("s", "1") == list(loaded.queued)
    assert loaded.outstanding == (calls[1],)
    store.append_step("s", "1", _step(2, applied=("call:tool-10",)))
    loaded = store.load_cell("s", "1")
    assert loaded is not None and loaded.queued == (("call:tool-1", '{"v": 1}'),)


def test_outstanding_calls_come_in_call_order(store: Store) -> None:
    store.open_session("s")
    store.create_cell(_record("1"), "owner", 100.0)
    store.append_step("s", "1", _step(1, calls=(CallRecord("tool-10", 0), CallRecord("tool-9", 1))))
    store.append_step("s", "1", _step(2, calls=(CallRecord("tool-11", 0, [None, 1.5]),)))
    loaded = store.load_cell("s", "1")
    assert loaded is not None
    assert [c.call_id for c in loaded.outstanding] == ["tool-9", "tool-10", "tool-11"]
    assert loaded.outstanding[-1].input == [None, 1.5]


def test_timers_set_cleared_and_fired(store: Store) -> None:
    store.open_session("s")
    store.create_cell(_record("1"), "owner", 100.0)
    store.append_step("s", "1", _step(1, timers_set=((1, 500), (2, 700), (3, 900))))
    store.append_step("s", "1", _step(2, timers_cleared=(2,)))
    store.record_arrival("s", "1", "timer:3", '{"fire": 3}')
    loaded = store.load_cell("s", "1")
    assert loaded is not None and loaded.timers == ((1, 500),)


def test_the_last_observed_generation_only_grows(store: Store) -> None:
    store.open_session("s")
    store.create_cell(_record("1"), "a", 10.0)
    for generation in (2, 1, 3):
        store.observed("s", "1", generation)
    loaded = store.load_cell("s", "1")
    assert loaded is not None and loaded.observed == 3


def test_renew_extends_every_lease_of_an_owner(store: Store) -> None:
    store.open_session("s")
    for cell_id in ("1", "2"):
        store.create_cell(_record(cell_id), "a", 10.0)
    store.create_cell(_record("3"), "b", 10.0)
    store.renew("a", 99.0)
    leases = [store.load_cell("s", c) for c in ("1", "2", "3")]
    assert [c.lease_until for c in leases if c is not None] == [99.0, 99.0, 10.0]


def test_a_restarted_cell_keeps_its_record_and_loses_its_journal(store: Store) -> None:
    store.open_session("s")
    store.create_cell(_record("1"), "a", 10.0)
    store.append_step("s", "1", _step(1, calls=(CallRecord("tool-1", 0),), timers_set=((1, 5),)))
    store.record_arrival("s", "1", "call:tool-1", "{}")
    store.claim("s", "1", 1, "a", now=0.0, lease=1.0)
    store.restart("s", "1", "b", 77.0)
    loaded = store.load_cell("s", "1")
    assert loaded is not None and loaded.record == _record("1")
    assert (loaded.steps, loaded.frontier, loaded.resumed, loaded.owner) == (0, None, 0, "b")
    assert (loaded.lease_until, loaded.queued, loaded.outstanding, loaded.timers) == (
        77.0,
        (),
        (),
        (),
    )
    assert store.journal("s", "1") == []
    store.append_step("s", "1", _step(1))  # journaled anew from its first step


def test_a_deleted_cell_is_gone_with_its_journal(store: Store) -> None:
    store.open_session("s")
    store.create_cell(_record("1"), "a", 10.0)
    store.append_step("s", "1", _step(1, calls=(CallRecord("tool-1", 0),), timers_set=((1, 5),)))
    store.record_arrival("s", "1", "call:tool-1", "{}")
    store.delete_cell("s", "1")
    assert store.load_cell("s", "1") is None and store.journal("s", "1") == []
    store.create_cell(_record("1"), "a", 10.0)  # the id can be recorded anew
    loaded = store.load_cell("s", "1")
    assert loaded is not None and (loaded.queued, loaded.outstanding, loaded.timers) == ((), (), ())


def test_a_closed_store_refuses_clearly(opener: Opener) -> None:
    store = opener()
    store.close()
    store.close()
    with pytest.raises(cc.StoreError, match="closed"):
        store.open_session("s")


def test_two_store_objects_on_the_same_data_claim_a_generation_once(
    opener: Opener, request: pytest.FixtureRequest
) -> None:
    if "memory" in request.node.callspec.id:
        pytest.skip("an in-memory store is one object")
    first, second = opener(), opener()
    first.open_session("s")
    first.create_cell(_record("1"), "a", 0.0)
    second.append_step("s", "1", _step(1))
    with pytest.raises(cc.StoreError):
        first.append_step("s", "1", _step(1))
    assert first.claim("s", "1", 1, "a", now=1.0, lease=30.0)
    assert not second.claim("s", "1", 1, "b", now=2.0, lease=30.0)
    assert second.load_cell("s", "1") == first.load_cell("s", "1")


async def test_a_durable_session_resumes_a_cell_through_another_store_object(
    opener: Opener,
) -> None:
    echo = cc.ToolDefinition(name="echo", answered_externally=True)
    source = (
        'store("k", Math.random() < 1); text(await tools.echo(1)); text(String(Date.now() > 0))'
    )
    async with cc.Session([echo], store=opener(), session_id="s") as first:
        pending = await (await first.create_pausable_cell(source)).wait_to_pending()
        await first.pausable_cell("1").suspend()
    async with cc.Session([echo], store=opener(), session_id="s") as second:
        cell = second.pausable_cell("1")
        assert await cell.wait_to_pending() == pending
        await cell.answer("tool-1", "answered")
        assert await cell.resume(pending.generation) is cc.ResumeOutcome.RESUMED
        end = await cell.wait_to_pending()
        assert end == cc.Completed(
            content_items=[cc.TextItem(text="answered"), cc.TextItem(text="true")]
        )
        assert second.stored_values == {"k": True}


def test_postgres_store_errors_are_clear(postgres_dsn: str, postgres_schema: str) -> None:
    with pytest.raises(cc.StoreError, match=r"cannot open the store postgresql .*port=1\b") as err:
        PostgresStore("host=127.0.0.1 port=1 user=postgres password=secret connect_timeout=2")
    assert "secret" not in str(err.value)
    store = PostgresStore(postgres_dsn, schema=postgres_schema)
    with store._txn("age the schema") as db:
        db.execute("UPDATE meta SET value='codecells-store-0'")
    store.close()
    with pytest.raises(cc.StoreError, match="schema 'codecells-store-0', expected"):
        PostgresStore(postgres_dsn, schema=postgres_schema)


def test_an_unreadable_row_is_a_clear_error_and_the_store_stays_usable(
    postgres_dsn: str, postgres_schema: str
) -> None:
    store = PostgresStore(postgres_dsn, schema=postgres_schema)
    try:
        store.open_session("s")
        store.create_cell(_record("1"), "a", 10.0)
        store.create_cell(_record("2"), "a", 10.0)
        with store._txn("damage a row") as db:
            db.execute("UPDATE cells SET tools='[not json' WHERE cell_id='1'")
        with pytest.raises(cc.StoreError, match="cannot load a cell: Expecting value"):
            store.load_cell("s", "1")
        loaded = store.load_cell("s", "2")
        assert loaded is not None and loaded.record == _record("2")
    finally:
        store.close()
