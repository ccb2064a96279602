"""Stored values: snapshots, commit on completion, discard on termination (CONTRACT §5)."""

from __future__ import annotations

import json
from pathlib import Path

from support import BLOCK, RecordingDelegate, texts, until

import codecells as cc
from codecells.store import SQLiteStore


async def test_writes_commit_on_completion_and_later_cells_load_them() -> None:
    async with cc.Session() as session:
        writer = await session.create_cell('store("n", {a: [1, 2]}); store("s", "x")')
        await writer.wait()
        assert session.stored_values == {"n": {"a": [1, 2]}, "s": "x"}
        reader = await session.create_cell(
            'text(JSON.stringify(load("n"))); text(String(load("zz")))'
        )
        assert texts(await reader.wait()) == ['{"a":[1,2]}', "undefined"]


async def test_writes_commit_even_when_the_cell_fails() -> None:
    async with cc.Session() as session:
        cell = await session.create_cell('store("k", 1); throw new Error("late")')
        event = await cell.wait()
        assert event.type == "completed" and event.error_text
        assert session.stored_values == {"k": 1}


async def test_a_cell_reads_the_snapshot_taken_at_its_creation() -> None:
    delegate = RecordingDelegate()
    gate = delegate.gate("block")
    async with cc.Session([BLOCK], delegate=delegate) as session:
        early = await session.create_cell('await tools.block(); text(String(load("k")))')
        writer = await session.create_cell('store("k", "new")')
        await writer.wait()
        gate.set()
        assert texts(await early.wait()) == ["undefined"]


async def test_writes_are_discarded_on_termination_even_after_the_script_finished() -> None:
    delegate = RecordingDelegate()
    delegate.gate("block")
    async with cc.Session([BLOCK], delegate=delegate) as session:
        cell = await session.create_cell('store("k", 1); await tools.block()')
        await delegate.call_started("tool-1").wait()
        await cell.terminate()
        assert session.stored_values == {}


async def test_stored_values_returns_a_copy_and_sessions_are_isolated() -> None:
    async with cc.Session() as one, cc.Session() as two:
        await (await one.create_cell('store("k", [1])')).wait()
        copy = one.stored_values
        copy["k"] = "changed"
        assert one.stored_values == {"k": [1]}
        assert two.stored_values == {}
        assert texts(await (await two.create_cell('text(String(load("k")))')).wait()) == [
            "undefined"
        ]


async def test_load_returns_a_fresh_copy() -> None:
    async with cc.Session() as session:
        cell = await session.create_cell(
            'store("o", {v: 1}); const a = load("o"); a.v = 2; text(String(load("o").v))'
        )
        assert texts(await cell.wait()) == ["1"]
        await until(lambda: session.stored_values == {"o": {"v": 1}})


async def test_a_later_write_replaces_a_value_and_text_round_trips_exactly() -> None:
    tricky = {"q": 'say "hi"\n', "u": "é\u2028😀", "n": [1.5, -0.0, 1e21, None, True]}
    async with cc.Session() as session:
        await (await session.create_cell(f"store('k', {json.dumps(tricky)})")).wait()
        assert session.stored_values == {"k": tricky}
        await (await session.create_cell('store("k", load("k").u); store("o", 2)')).wait()
        assert session.stored_values == {"k": tricky["u"], "o": 2}
        reader = await session.create_cell('text(JSON.stringify([load("k"), load("o")]))')
        assert json.loads(texts(await reader.wait())[0]) == [tricky["u"], 2]


APPROVE = cc.ToolDefinition(name="approve", description="says yes", answered_externally=True)


async def test_a_durable_session_keeps_a_continuing_cells_writes_as_values(
    tmp_path: Path,
) -> None:
    """A pausable cell's creation record keeps its snapshot of stored values (to replay it)."""
    store = SQLiteStore(tmp_path / "s.db")
    async with cc.Session([APPROVE], store=store, session_id="s") as session:
        await (await session.create_cell('store("k", {v: ["é"]})')).wait()
        assert session.stored_values == {"k": {"v": ["é"]}}
        cell = await session.create_pausable_cell(
            'text(JSON.stringify(load("k"))); await tools.approve()'
        )
        assert texts(await cell.wait_to_pending()) == ['{"v":["é"]}']
    kept = store.load_cell("s", cell.id)  # kept at its frontier
    assert kept is not None and kept.record.stored_values == {"k": {"v": ["é"]}}
