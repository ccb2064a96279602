"""Durable pausable cells survive their process: a child runs a corpus of scripts to frontiers
waiting on externally answered tools and is killed with SIGKILL; this process opens the same
SQLite file, finds every cell at the identical frontier, answers, resumes, and gets the same
`Completed` (JSON, byte for byte) as an uninterrupted run of the same script."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "durable"))

import corpus  # noqa: E402

import codecells as cc  # noqa: E402
from codecells.store import MemoryStore, SQLiteStore  # noqa: E402

CHILD = Path(__file__).parent / "durable" / "corpus.py"
RACER = Path(__file__).parent / "durable" / "race.py"


async def run_child_until_frontiers(db: Path) -> dict[str, list[str]]:
    """Start the child, read the frontiers it reached, kill it with SIGKILL."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(CHILD), str(db), stdout=asyncio.subprocess.PIPE
    )
    assert proc.stdout is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), 40)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        await proc.wait()
    assert proc.returncode == -signal.SIGKILL
    frontiers: dict[str, list[str]] = json.loads(line)
    return frontiers


async def uninterrupted() -> dict[str, list[str]]:
    """Each script run without interruption: its events after its first external frontier."""
    session = corpus.session(MemoryStore())
    out: dict[str, list[str]] = {}
    try:
        for name, source in corpus.SCRIPTS.items():
            cell = await session.create_pausable_cell(source)
            before = await corpus.drive(cell, stop_at_external=True)
            after = await corpus.drive_from(cell, before[-1])
            out[name] = [e.model_dump_json() for e in after]
    finally:
        await session.shutdown()
    return out


async def test_sigkilled_cells_resume_in_a_fresh_process_byte_identically(
    tmp_path: Path,
) -> None:
    db = tmp_path / "cells.db"
    frontiers = await run_child_until_frontiers(db)
    assert set(frontiers) == set(corpus.SCRIPTS) and len(frontiers) >= 15
    reference = await uninterrupted()

    notes = corpus.Notes()
    session = corpus.session(SQLiteStore(db), notes)
    try:
        for name, (cell_id, pending_json) in frontiers.items():
            cell = session.pausable_cell(cell_id)
            assert cell.state == "suspended", name
            frontier = await cell.wait_to_pending()
            assert frontier.model_dump_json() == pending_json, name  # the identical Pending
            assert await cell.wait_to_pending() == frontier, "repeatable until resumed"
            after = await corpus.drive_from(cell, frontier)
            # the final event byte for byte (host-run tools and timers may split steps and
            # frontiers differently in two runs; answers and the virtual clock do not)
            assert after[-1].model_dump_json() == reference[name][-1], name
            assert isinstance(after[-1], cc.Completed)
        assert session.stored_values == {
            "x": {"n": 1},
            "y": {"a": corpus.answer_for("tool-1"), "list": [1, 2]},
        }
        assert any(n.startswith("after ") for n in notes.notes)
        assert "before" not in notes.notes, "replay does not send notifications again"
    finally:
        await session.shutdown()


async def test_two_processes_resuming_one_generation_give_one_run(tmp_path: Path) -> None:
    db = tmp_path / "cells.db"
    store = SQLiteStore(db)
    async with corpus.session(store) as session:
        cell = await session.create_pausable_cell(corpus.SCRIPTS["many_frontiers"])
        await cell.wait_to_pending()
    store.close()
    racers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            str(RACER),
            str(db),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        for _ in range(2)
    ]
    for racer in racers:
        assert racer.stdout is not None
        assert await asyncio.wait_for(racer.stdout.readline(), 40) == b"ready\n"
    for racer in racers:  # both resume generation 1 now
        assert racer.stdin is not None
        racer.stdin.write(b"go\n")
        await racer.stdin.drain()
    outputs = [
        (await asyncio.wait_for(r.communicate(), 40))[0].decode().splitlines() for r in racers
    ]
    assert all(r.returncode == 0 for r in racers)
    assert sorted(out[0] for out in outputs) == ["already_running", "resumed"]
    (winner,) = [out for out in outputs if out[0] == "resumed"]
    assert cc.Completed.model_validate_json(winner[1]).content_items
    assert SQLiteStore(db).load_cell(corpus.SESSION_ID, "1") is None, "one run ended it"
