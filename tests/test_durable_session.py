"""Durable sessions through the public API: suspend and resume, two processes racing for one
generation, divergence caught at restore, hostile store files, and every durable row of the
lifecycle table taken by a real cell (its trace conforming to the definition)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from support import durable_rows, texts, until

import codecells as cc
from codecells.engine.protocol import (
    AnyEngineEvent,
    Finished,
    Lost,
    Notify,
    Output,
    Quiescent,
    Started,
    TimerCleared,
    TimerSet,
    ToolCallRequested,
    YieldRequested,
)
from codecells.fsm import Trigger
from codecells.json_types import JsonValue
from codecells.store import MemoryStore, SQLiteStore
from codecells.testing import Gate, ScriptedEngine, check_trace

sys.path.insert(0, str(Path(__file__).parent / "durable"))

import corpus  # noqa: E402

APPROVE = corpus.APPROVE
SID = "s"
TWO_STEPS = """
text("one " + Math.random());
const a = await tools.approve({n: 1});
text("two " + JSON.stringify(a));
store("k", a);
"""


def open_session(db: Path | SQLiteStore, sid: str = SID) -> cc.Session:
    store = db if isinstance(db, SQLiteStore) else SQLiteStore(db)
    return cc.Session([APPROVE, corpus.double], store=store, session_id=sid)


async def suspended_cell(db: Path, source: str = TWO_STEPS, sid: str = SID) -> cc.Pending:
    """A cell at its first frontier, left in the store by a session that shut down."""
    async with open_session(db, sid) as session:
        cell = await session.create_pausable_cell(source)
        frontier = await cell.wait_to_pending()
        assert isinstance(frontier, cc.Pending)
    assert cell.state == "detached", "shutdown keeps a durable frontier in the store"
    return frontier


async def test_suspend_then_resume_in_the_same_session_replays_the_engine() -> None:
    async with cc.Session([APPROVE], store=MemoryStore(), session_id=SID) as session:
        cell = await session.create_pausable_cell(TWO_STEPS)
        frontier = await cell.wait_to_pending()
        assert isinstance(frontier, cc.Pending)
        await cell.suspend()
        await cell.suspend()  # idempotent
        assert cell.state == "suspended"
        assert await cell.wait_to_pending() == frontier
        await cell.answer("tool-1", "yes")
        with pytest.raises(cc.UnknownToolCall, match="has no externally answered call tool-1"):
            await cell.answer("tool-1", "again")
        assert await cell.resume(frontier.generation) == cc.ResumeOutcome.RESUMED
        done = await cell.wait_to_pending()
        assert texts(done) == ['two "yes"'] and session.stored_values == {"k": "yes"}


async def test_suspend_is_refused_without_a_store_or_a_frontier() -> None:
    async with cc.Session([APPROVE]) as session:
        cell = await session.create_pausable_cell("await tools.approve()")
        with pytest.raises(cc.CannotSuspend, match="cannot be suspended"):
            await cell.suspend()  # running, or pending without a store: refused either way
        await cell.wait_to_pending()
        with pytest.raises(cc.CannotSuspend, match="its session has no store"):
            await cell.suspend()


async def test_two_processes_resuming_one_generation_run_it_once(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    frontier = await suspended_cell(db)
    first, second = open_session(db), open_session(db)  # two connections, two owners
    try:
        a, b = first.pausable_cell("1"), second.pausable_cell("1")
        for cell in (a, b):
            await cell.answer("tool-1", "ok")
        outcomes = await asyncio.gather(
            a.resume(frontier.generation), b.resume(frontier.generation)
        )
        assert sorted(outcomes) == [cc.ResumeOutcome.ALREADY_RUNNING, cc.ResumeOutcome.RESUMED]
        winner, loser = (a, b) if outcomes[0] == cc.ResumeOutcome.RESUMED else (b, a)
        assert texts(await winner.wait_to_pending()) == ['two "ok"']
        assert loser.state == "suspended", "the loser never ran"
        assert await loser.resume(frontier.generation) == cc.ResumeOutcome.ALREADY_RUNNING
    finally:
        await first.shutdown()
        await second.shutdown()


DEEP_ECHO = """
let o = 1;
for (let i = 0; i < 799; i++) o = [o];
let back = await tools.wrap({value: o}), depth = 0;
await tools.approve();
while (Array.isArray(back)) { back = back[0]; depth++; }
text(depth);
"""


async def test_a_result_as_deep_as_an_input_is_journaled_and_replayed(tmp_path: Path) -> None:
    async def wrap(value: JsonValue) -> JsonValue:  # 800 levels: as deep as an input may be
        assert isinstance(value, dict)
        return [value["value"]]

    def deep_session() -> cc.Session:
        tools = [APPROVE, cc.HandledTool(cc.ToolDefinition(name="wrap"), wrap)]
        return cc.Session(tools, store=SQLiteStore(tmp_path / "c.db"), session_id=SID)

    async with deep_session() as session:
        cell = await session.create_pausable_cell(DEEP_ECHO)
        first = await cell.wait_to_pending()
        assert isinstance(first, cc.Pending)
        await until(lambda: any(s.trigger == Trigger.TOOL_RESULT for s in cell.trace.steps))
        await cell.resume(first.generation)  # the result is applied: recorded in the journal
        second = await cell.wait_to_pending()
        assert isinstance(second, cc.Pending) and second.pending_tool_call_ids == ["tool-2"]
    async with deep_session() as session:  # another process: the journal is replayed
        restored = session.pausable_cell(cell.id)
        await restored.answer("tool-2", True)
        assert await restored.resume(second.generation) == cc.ResumeOutcome.RESUMED
        done = await restored.wait_to_pending()
    assert isinstance(done, cc.Completed) and done.error_text is None
    assert texts(done) == ["800"]


async def test_idle_frontiers_are_suspended_automatically() -> None:
    config = cc.SessionConfig(suspend_idle_after=0.05)
    async with cc.Session([APPROVE], store=MemoryStore(), config=config) as session:
        cell = await session.create_pausable_cell(TWO_STEPS)
        await cell.wait_to_pending()
        await until(lambda: cell.state == "suspended")


# --- divergence ---------------------------------------------------------------------------------


def edit(db: Path, sql: str, *args: object) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute(sql, args).rowcount >= 1


@pytest.mark.parametrize(
    ("sql", "step", "reason"),
    [
        ("UPDATE cell_records SET source = 'text(\"edited\"); await tools.approve()'", 1,
         "did something else than when it was journaled"),
        ("UPDATE cell_records SET fingerprint = 'codecells 0.0.1'", 0,
         "journaled by codecells 0.0.1; this process runs codecells"),
        ("UPDATE steps SET digest = '00' WHERE n = 1", 1, "does not belong to session"),
        ("UPDATE steps SET commands = 'not json' WHERE n = 1", 1, "recorded commands"),
        ("UPDATE cells SET steps = 2", 1, "the store holds 1 steps, expected 2"),
    ],
)  # fmt: skip
async def test_a_changed_source_fingerprint_or_journal_fails_the_restore(
    tmp_path: Path, sql: str, step: int, reason: str
) -> None:
    db = tmp_path / "c.db"
    frontier = await suspended_cell(db)
    edit(db, sql)
    before = SQLiteStore(db).load_cell(SID, "1")
    async with open_session(db) as session:
        cell = session.pausable_cell("1")
        with pytest.raises(cc.ReplayDiverged) as info:
            await cell.resume(frontier.generation)
        assert info.value.cell_id == "1" and info.value.step == step
        assert str(info.value).startswith(
            f"exec cell 1 cannot be restored: its journal diverged at step {step}: "
        )
        assert reason in str(info.value)
        assert cell.state == "suspended" and await cell.wait_to_pending() == frontier
    assert SQLiteStore(db).load_cell(SID, "1") == before, "the store was left as it was"


async def test_a_journal_from_another_session_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    frontier = await suspended_cell(db, sid="other")
    with sqlite3.connect(db) as conn:  # graft the other session's journal onto session s
        conn.execute("INSERT INTO sessions VALUES ('s', 2)")
        for table in ("cell_records", "cells", "steps", "calls"):
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]  # noqa: S608
            select = ", ".join("'s'" if c == "session_id" else c for c in columns)
            conn.execute(f"INSERT INTO {table} SELECT {select} FROM {table}")  # noqa: S608
    async with open_session(db) as session:
        with pytest.raises(cc.ReplayDiverged, match="does not belong to session 's' cell 1"):
            await session.pausable_cell("1").resume(frontier.generation)


async def test_a_process_that_lags_behind_gets_already_running_not_a_divergence(
    tmp_path: Path,
) -> None:
    """Another process resumed the frontier and journaled further steps before this one replays:
    the journal only grows, so this process replays up to its own frontier and loses the
    claim."""
    db = tmp_path / "c.db"
    frontier = await suspended_cell(db, "text(await tools.approve({})); await tools.approve({})")
    lagging, ahead, late = open_session(db), open_session(db), open_session(db)
    try:
        behind, gone = lagging.pausable_cell("1"), late.pausable_cell("1")
        moved = ahead.pausable_cell("1")
        await moved.answer("tool-1", "there")
        assert await moved.resume(frontier.generation) is cc.ResumeOutcome.RESUMED
        further = await moved.wait_to_pending()  # a step journaled after the lagging one loaded
        assert isinstance(further, cc.Pending) and further.generation == 2
        assert await behind.resume(frontier.generation) is cc.ResumeOutcome.ALREADY_RUNNING
        assert await moved.resume(further.generation) is cc.ResumeOutcome.RESUMED
        await moved.answer("tool-2", "end")
        assert isinstance(await moved.wait_to_pending(), cc.Completed)  # claimed: deleted
        assert await gone.resume(frontier.generation) is cc.ResumeOutcome.ALREADY_RUNNING
    finally:
        await lagging.shutdown()
        await ahead.shutdown()
        await late.shutdown()


async def test_shutdown_keeps_running_cells_in_the_store_as_a_crash_would(
    tmp_path: Path,
) -> None:
    """A graceful shutdown never loses more than a crash: a cell resumed and running keeps its
    last frontier, a cell that never reached one is run again; an attached observer is told."""
    db = tmp_path / "c.db"
    gate = asyncio.Event()

    async def slow(n: int) -> int:
        """Waits for the test."""
        await gate.wait()
        return n

    tools = [APPROVE, slow]
    async with cc.Session(tools, store=SQLiteStore(db), session_id=SID) as session:
        resumed = await session.create_pausable_cell(
            'text("a"); await tools.approve({}); text("b"); text(String(await tools.slow({n: 7})))'
        )
        frontier = await resumed.wait_to_pending()
        assert isinstance(frontier, cc.Pending)
        await resumed.answer("tool-1", "ok")
        assert await resumed.resume(frontier.generation) is cc.ResumeOutcome.RESUMED
        second = await resumed.wait_to_pending()
        assert isinstance(second, cc.Pending) and second.pending_tool_call_ids == ["tool-2"]
        await resumed.resume(second.generation)  # running: waits for the slow tool
        fresh = await session.create_pausable_cell('text("c"); for (;;) {}')
        observer = asyncio.create_task(fresh.wait_to_pending())
        await until(lambda: resumed.state == "running" and fresh.state == "running")
    assert (resumed.state, fresh.state) == ("detached", "detached")
    with pytest.raises(cc.ClosedCell):
        await observer
    gate.set()
    async with cc.Session(tools, store=SQLiteStore(db), session_id=SID) as again:
        kept = again.pausable_cell(resumed.id)
        assert await kept.wait_to_pending() == second, "its last frontier, as after a crash"
        assert await kept.resume(second.generation) is cc.ResumeOutcome.RESUMED
        assert await kept.wait_to_pending() == cc.Completed(
            content_items=[cc.TextItem(text="7")], error_text=None
        )
        assert again.pausable_cell(fresh.id).state == "running", "run again from its start"
        await again.terminate(fresh.id)


# --- hostile store files ------------------------------------------------------------------------


async def test_a_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    db.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(
        cc.StoreError, match=r"cannot open the store .*c\.db: file is not a database"
    ):
        SQLiteStore(db)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (x)")
    with pytest.raises(cc.StoreError, match="it is not a codecells store"):
        SQLiteStore(other)


async def test_a_truncated_file_is_a_clear_error_and_the_process_goes_on(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    await suspended_cell(db)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    for wal in tmp_path.glob("c.db-*"):
        wal.unlink()
    with pytest.raises(cc.StoreError, match=r"store .*c\.db"):
        store = SQLiteStore(db)
        open_session(store)
    async with cc.Session([APPROVE]) as session:  # the process is fine
        cell = await session.create_pausable_cell("text(1)")
        assert texts(await cell.wait_to_pending()) == ["1"]


@pytest.mark.parametrize(
    ("path", "reason"), [("", "the path is empty"), ("c\0.db", "embedded null")]
)
def test_a_path_that_names_no_file_is_a_clear_error(path: str, reason: str) -> None:
    with pytest.raises(cc.StoreError, match=f"cannot open the store.*{reason}"):
        SQLiteStore(path)


async def test_an_unwritable_path_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a directory")
    with pytest.raises(cc.StoreError, match="cannot open the store .*unable to open database file"):
        SQLiteStore(blocker / "c.db")


# --- every durable row of the table, by a real cell ---------------------------------------------


class BrokenStore(SQLiteStore):
    """A store whose writes of tool results start failing (not with a StoreError)."""

    broken = False

    def record_arrival(self, session_id: str, cell_id: str, key: str, command: str) -> bool:
        if self.broken:
            raise RuntimeError("disk on fire")
        return super().record_arrival(session_id, cell_id, key, command)


class LateDelegate:
    """Host-run tools wait for the test and ignore cancellation (late results reach the cell)."""

    def __init__(self) -> None:
        self.answer = asyncio.Event()

    async def invoke_tool(self, call: cc.ToolCall) -> Any:
        while True:
            try:
                await self.answer.wait()
                return "late"
            except asyncio.CancelledError:
                continue

    async def notify(self, call_id: str, cell_id: str, text: str) -> None:
        pass

    def cell_closed(self, cell_id: str) -> None:
        pass


class ClockedEngine(ScriptedEngine):
    """A scripted engine a durable cell can journal (its virtual clock is ignored)."""

    def set_clock(self, now_ms: int) -> None:
        pass


SLOW = cc.ToolDefinition(name="slow", description="answers when the test says so")
CALL = ToolCallRequested(call_id="tool-1", tool_index=0)
LATE_STEPS: tuple[list[AnyEngineEvent], ...] = (
    [
        Started(),
        Output(item=cc.TextItem(text="late")),
        CALL,
        Notify(text="note"),
        YieldRequested(),
        TimerSet(timer_id=1, delay=3600.0),
        TimerCleared(timer_id=1),
        Quiescent(pending_tool_call_ids=["tool-1"]),
    ],
    [Finished()],
    [Finished(error_text="boom")],
    [Lost(message="gone")],
)


async def detaching_cells() -> list[cc.PausableCell]:
    """Running durable cells at shutdown, whose stopping step still delivers every kind of
    event (scripted engines that play on after the interrupt), one of them waiting on a
    host-run tool that answers late; a second shutdown and a planted effect failure land while
    they detach."""
    engines: dict[str, ClockedEngine] = {}
    gates: list[Gate] = []
    delegate = LateDelegate()
    session = cc.Session(
        [SLOW],
        delegate=delegate,
        store=MemoryStore(),
        session_id=SID,
        engine_factory=lambda spec: engines.setdefault(
            spec.cell_id, ClockedEngine(interruptible=False)
        ),
    )
    cells = []
    for events in LATE_STEPS:
        engine = ClockedEngine([events], interruptible=False)
        gates.append(engine.hold())
        engines[str(len(engines) + 1)] = engine
        cells.append(await session.create_pausable_cell("/* scripted */"))
    waiting = await session.create_pausable_cell("/* scripted */")
    engines[waiting.id].add([CALL, Quiescent(pending_tool_call_ids=["tool-1"])])
    cells.append(waiting)
    frontier = await waiting.wait_to_pending()
    assert isinstance(frontier, cc.Pending)
    assert await waiting.resume(frontier.generation) is cc.ResumeOutcome.RESUMED
    for gate in gates:
        assert await asyncio.to_thread(gate.entered.wait, 5.0)
    shutdown = asyncio.create_task(session.shutdown())
    await until(lambda: all(c.state == "detaching" for c in cells))
    cells[0]._executor.fire(Trigger.EFFECT_FAILED, error_text="planted failure")
    cells[0]._executor.fire(Trigger.SHUTDOWN)
    delegate.answer.set()
    for gate in gates:
        gate.release()
    await shutdown
    assert [c.state for c in cells] == ["detached"] * len(cells)
    return cells


async def test_every_durable_row_is_taken_by_real_cells(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    traces: list[cc.PausableCell] = []
    async with open_session(db) as session:
        timed = await session.create_pausable_cell(
            "await new Promise((r) => setTimeout(r, 30)); await tools.approve(); text('t')"
        )
        traces.append(timed)
        first = await timed.wait_to_pending()
        assert isinstance(first, cc.Pending)
        await timed.suspend()  # pending -> suspended; the timer fires while suspended
        await timed.suspend()
        await until(lambda: any(s.trigger == Trigger.TIMER_FIRED for s in timed.trace.steps))
        await timed.resume(first.generation)  # suspended, queued input: replay, run at once
        second = await timed.wait_to_pending()
        assert isinstance(second, cc.Pending)
        await timed.suspend()
        assert await timed.resume(first.generation) == cc.ResumeOutcome.ALREADY_RUNNING
        await timed.resume(second.generation)  # suspended, nothing queued: await input
        await timed.answer("tool-1", 1)
        assert texts(await timed.wait_to_pending()) == ["t"]

        stopped = await session.create_pausable_cell(TWO_STEPS)
        traces.append(stopped)
        await stopped.wait_to_pending()
        await stopped.suspend()
        assert isinstance(await stopped.terminate(), cc.Terminated)

        done = await session.create_pausable_cell("text('kept')")
        traces.append(done)
        held = await session.create_pausable_cell(TWO_STEPS)
        traces.append(held)
        await held.wait_to_pending()
        parked = await session.create_pausable_cell(TWO_STEPS)
        traces.append(parked)
        await parked.wait_to_pending()
        await parked.suspend()
        await until(lambda: done.state == "completed")
    # shutdown: completed, pending and suspended cells are detached, kept in the store

    first_session, second_session = open_session(db), open_session(db)
    try:
        a = first_session.pausable_cell(held.id)  # running -> suspended on load
        b = second_session.pausable_cell(held.id)
        loaded_done = first_session.pausable_cell(done.id)  # running -> completed on load
        traces += [a, b, loaded_done]
        assert texts(await loaded_done.wait_to_pending()) == ["kept"]
        outcomes = await asyncio.gather(a.resume(1), b.resume(1))
        assert sorted(outcomes) == [cc.ResumeOutcome.ALREADY_RUNNING, cc.ResumeOutcome.RESUMED]
        loaded_parked = first_session.pausable_cell(parked.id)
        traces.append(loaded_parked)
        assert isinstance(await loaded_parked.wait_to_pending(), cc.Pending)  # observe
        await loaded_parked.answer("tool-1", "late")  # a result arrives while suspended
        assert not loaded_parked.waits_for_answer("tool-1")
    finally:
        await first_session.shutdown()
        await second_session.shutdown()

    async with open_session(db) as live:  # a live frontier another process resumes first
        cell = await live.create_pausable_cell(TWO_STEPS)
        traces.append(cell)
        frontier = await cell.wait_to_pending()
        assert isinstance(frontier, cc.Pending)
        async with open_session(db) as other:
            await other.pausable_cell(cell.id).answer("tool-1", "there")
            assert await other.pausable_cell(cell.id).resume(frontier.generation) == (
                cc.ResumeOutcome.RESUMED
            )
            assert await cell.resume(frontier.generation) == cc.ResumeOutcome.ALREADY_RUNNING

    broken = BrokenStore(tmp_path / "broken.db")
    async with open_session(broken) as session:  # the store breaks while the cell is suspended
        cell = await session.create_pausable_cell(
            "await new Promise((r) => setTimeout(r, 30)); text('t')"
        )
        traces.append(cell)
        await cell.wait_to_pending()
        await cell.suspend()
        broken.broken = True  # the timer's firing cannot be recorded: the cell fails
        await until(lambda: cell.state != "suspended")
        failed = await cell.wait_to_pending()
        assert isinstance(failed, cc.Completed) and "disk on fire" in (failed.error_text or "")

    traces += await detaching_cells()
    taken = {s.row for cell in traces for s in cell.trace.steps}
    for cell in traces:
        assert check_trace("pausable", cell.trace).ok
    missing = durable_rows("pausable") - taken
    assert not missing, sorted(missing)


def test_a_durable_session_needs_a_running_loop() -> None:
    with pytest.raises(RuntimeError, match="durable session must be created inside a running"):
        cc.Session([APPROVE], store=MemoryStore())


class FailingStore(SQLiteStore):
    """A real SQLite file behind a store whose completions and removals keep failing, not with
    a StoreError (a stand-in for a broken store or driver: a read-only file fails with a
    StoreError, which the journal logs and survives)."""

    def complete(self, session_id: str, cell_id: str, completed: str, writes: str) -> bool:
        raise RuntimeError("disk on fire")

    def delete_cell(self, session_id: str, cell_id: str) -> None:
        raise RuntimeError("disk still on fire")


async def test_a_store_that_keeps_failing_still_ends_the_cell_for_its_observer(
    tmp_path: Path,
) -> None:
    async with cc.Session(store=FailingStore(tmp_path / "c.db"), session_id=SID) as session:
        cell = await session.create_pausable_cell('store("k", 1); text("x")')
        done = await asyncio.wait_for(cell.wait_to_pending(), 10)
    assert isinstance(done, cc.Completed) and texts(done) == ["x"]
    assert done.error_text == (
        "exec runtime ended unexpectedly: finished_ok failed: RuntimeError: disk on fire"
    )
    assert cell.state == "closed"
    assert [s.trigger for s in cell.trace.steps][-3:] == [
        Trigger.EFFECT_FAILED,
        Trigger.HANDLING_FAILED,
        Trigger.OBSERVE,
    ]


async def test_a_call_never_answered_is_dispatched_again_with_its_idempotency_key(
    tmp_path: Path,
) -> None:
    keys: list[str] = []
    release = asyncio.Event()

    async def lookup(q: str) -> str:
        """Looks something up (slowly)."""
        call = cc.current_tool_call()
        assert call is not None
        keys.append(call.idempotency_key)
        await release.wait()
        return q.upper()

    def open_with_lookup() -> cc.Session:
        return cc.Session([lookup], store=SQLiteStore(tmp_path / "c.db"), session_id=SID)

    async with open_with_lookup() as first:  # the call is outstanding when the process leaves
        cell = await first.create_pausable_cell("text(await tools.lookup({q: 'abc'}))")
        frontier = await cell.wait_to_pending()
        assert isinstance(frontier, cc.Pending) and frontier.pending_tool_call_ids == ["tool-1"]
        await until(lambda: len(keys) == 1)
    async with open_with_lookup() as second:
        again = second.pausable_cell(cell.id)
        assert keys == [f"{SID}/1/tool-1"], "not dispatched again before the cell is resumed"
        release.set()
        assert await again.resume(frontier.generation) == cc.ResumeOutcome.RESUMED
        assert texts(await again.wait_to_pending()) == ["ABC"]
        assert keys == [f"{SID}/1/tool-1"] * 2, "at least once, with the same key"


async def test_an_unobserved_frontier_keeps_its_items_across_a_restore(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    async with open_session(db) as first:
        cell = await first.create_pausable_cell(TWO_STEPS)
        await until(lambda: cell.state == "pending")  # reached, never observed
    async with open_session(db) as second:
        again = second.pausable_cell(cell.id)
        await again.answer("tool-1", "y")
        assert await again.resume(1) == cc.ResumeOutcome.RESUMED
        done = await again.wait_to_pending()
        first_text, second_text = texts(done)
        assert first_text.startswith("one ") and second_text == 'two "y"'


HOSTILE = """
const probes = [];
for (const f of [() => new Date.now(), () => Date.prototype.toString.call({}),
                 () => Date.prototype.getTimezoneOffset.call(1), () => Date.call(null, 1, 2),
                 () => Reflect.construct(Date, [], Object).getTime()]) {
  try { probes.push(String(f())); } catch (e) { probes.push(e.constructor.name); }
}
text(JSON.stringify(probes));
text(Object.getOwnPropertyNames(globalThis).filter((n) => /weak|durable|state/i.test(n)).join());
Date.prototype.getTime = () => { throw new Error("tampered"); };
await tools.approve();
try { text(new Date().getTime()); } catch (e) { text("still tampered: " + e.message); }
"""


async def test_hostile_probes_of_the_pinned_globals_stay_inside_the_cell(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    frontier = await suspended_cell(db, HOSTILE)
    first, second = texts(frontier)
    *refused, called, foreign = json.loads(first)
    assert refused == ["TypeError"] * 3 and called.endswith(" GMT+0000") and foreign == "TypeError"
    assert second == "WeakMap,WeakSet", "WeakRef is gone; nothing of the pinning is global"
    async with open_session(db) as session:  # restored by replay: the tampering too
        cell = session.pausable_cell("1")
        await cell.answer("tool-1", True)
        await cell.resume(frontier.generation)
        assert texts(await cell.wait_to_pending()) == ["still tampered: tampered"]


async def test_reserved_cell_ids_go_to_the_next_cells_and_never_to_another_process(
    tmp_path: Path,
) -> None:
    db = tmp_path / "cells.db"
    async with open_session(db) as first, open_session(db) as second:
        first.reserve_cell_ids(3)  # 1, 2, 3: one store transaction
        assert (await second.create_cell('text("b")')).id == "4"
        assert [(await first.create_pausable_cell('text("a")')).id for _ in range(2)] == ["1", "2"]
        assert (await first.create_cell('text("a")')).id == "3"
        assert (await first.create_cell('text("a")')).id == "5"  # the reservation is used up
    async with cc.Session([]) as local:  # in memory: nothing to reserve, numbering unchanged
        local.reserve_cell_ids(2)
        assert (await local.create_cell("1")).id == "1"
        for bad in (0, -1, True, 2.0, "3", 10**9 + 1):
            with pytest.raises(ValueError, match="count must be an int"):
                local.reserve_cell_ids(bad)  # type: ignore[arg-type]


async def test_reserving_a_huge_number_of_cell_ids_costs_no_memory(tmp_path: Path) -> None:
    async with open_session(tmp_path / "cells.db") as session:
        session.reserve_cell_ids(10**9)  # a careless count: numbered at once, nothing listed
        assert (await session.create_cell('text("a")')).id == "1"
        assert (await session.create_cell('text("b")')).id == "2"
