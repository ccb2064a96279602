"""Stored values: snapshots, commit on completion, discard on termination (CONTRACT §5)."""

from __future__ import annotations

from support import BLOCK, RecordingDelegate, texts, until

import codecells as cc


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
