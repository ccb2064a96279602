"""Durable pausable cells: suspend and restore time against journal length, and memory.

    python benchmarks/durable.py            # prints the table (docs/benchmarks.md)
    python benchmarks/durable.py --cells 1000   # the RSS rows with fewer cells

Restore: a cell awaited N results of a host tool one by one (N journaled tool results, N + 1
steps), was suspended, and is resumed in a fresh session that opened the same SQLite store; the
time is that of `resume()` (replaying the journal into a fresh engine, then the claim), in wall
clock and CPU time of the whole process (the replay runs on a worker thread), the run with
the least CPU of 5. Targets: restoring 1,000 journaled results <= 100 ms; the RSS of 10,000
suspended cells in one session <= 10 % of the same cells held pending in memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from measure import rss_bytes

import codecells as cc
from codecells.store import SQLiteStore

LENGTHS = (10, 100, 1_000, 5_000)
CELLS = 10_000
APPROVE = cc.ToolDefinition(name="approve", answered_externally=True)
LOOP = "let s = 0; for (let i = 0; i < N; i++) s += await tools.inc({x: i}); await tools.approve(); text(s);"
WAITING = "await tools.approve(); text('done');"


def inc(x: int) -> int:
    """x + 1."""
    return x + 1


def session(store: SQLiteStore, sid: str = "bench") -> cc.Session:
    return cc.Session([APPROVE, inc], store=store, session_id=sid)


async def journal_cell(db: Path, n: int) -> tuple[str, int, float]:
    """A cell with n journaled tool results, suspended; (cell id, generation, suspend s)."""
    store = SQLiteStore(db)
    s = session(store)
    cell = await s.create_pausable_cell(LOOP.replace("N", str(n)))
    while True:
        event = await cell.wait_to_pending()
        assert isinstance(event, cc.Pending), event
        if cell.waits_for_answer(event.pending_tool_call_ids[-1]):
            break
        await cell.resume(event.generation)
    began = time.perf_counter()
    await cell.suspend()
    suspended = time.perf_counter() - began
    await s.shutdown()
    store.close()  # the last connection: the WAL is folded into the file copied below
    return cell.id, event.generation, suspended


async def restore_once(db: Path, cell_id: str, generation: int) -> tuple[float, float]:
    """(CPU seconds of the whole process, wall seconds) of one `resume()` that restores."""
    store = SQLiteStore(db)
    s = session(store)
    cell = s.pausable_cell(cell_id)
    began, cpu = time.perf_counter(), time.process_time()
    assert await cell.resume(generation) == cc.ResumeOutcome.RESUMED
    took = time.process_time() - cpu, time.perf_counter() - began
    await s.shutdown()
    store.close()
    return took


async def restore_table() -> list[tuple[int, float, float, float]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in LENGTHS:
            db = Path(tmp) / f"{n}.db"
            cell_id, generation, suspended = await journal_cell(db, n)
            best = (float("inf"), float("inf"))
            for attempt in range(5):
                copy = Path(tmp) / f"{n}-{attempt}.db"
                copy.write_bytes(db.read_bytes())  # each restore from the same suspended state
                best = min(best, await restore_once(copy, cell_id, generation))
            rows.append((n, suspended * 1e3, best[0] * 1e3, best[1] * 1e3))
    return rows


async def held_pending(cells: int) -> float:
    """RSS per cell of `cells` pausable cells held pending in memory (no store)."""
    before = rss_bytes()
    async with cc.Session([APPROVE]) as s:
        held = [await s.create_pausable_cell(WAITING) for _ in range(cells)]
        for cell in held:
            await cell.wait_to_pending()
        return (rss_bytes() - before) / cells


async def make_suspended(db: Path, cells: int) -> None:
    store = SQLiteStore(db)
    async with session(store, "many") as s:
        for _ in range(cells):
            cell = await s.create_pausable_cell(WAITING)
            await cell.wait_to_pending()
            await cell.suspend()
    store.close()


async def opened_suspended(db: Path, cells: int) -> float:
    """RSS per cell of a session that opened `cells` suspended cells from the store."""
    before = rss_bytes()
    s = session(SQLiteStore(db), "many")
    assert s.pausable_cell(str(cells)).state == "suspended"
    per_cell = (rss_bytes() - before) / cells
    await s.shutdown()
    return per_cell


def child(what: str, db: str, cells: int) -> None:
    """Measure in a fresh interpreter: RSS growth is not hidden by memory reused."""
    if what == "pending":
        value = asyncio.run(held_pending(cells))
    else:
        value = asyncio.run(opened_suspended(Path(db), cells))
    print(json.dumps(value))


def in_child(what: str, db: Path, cells: int) -> float:
    import subprocess

    out = subprocess.run(
        [sys.executable, __file__, "--child", what, str(db), str(cells)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(json.loads(out.stdout))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=CELLS)
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    print(f"{'journaled tool results':>24} {'suspend (ms)':>13} {'restore CPU (ms)':>17} "
          f"{'restore wall (ms)':>18}  target")  # fmt: skip
    for n, suspend_ms, cpu_ms, wall_ms in asyncio.run(restore_table()):
        target = "<= 100 ms " + ("✓" if cpu_ms <= 100 else "✗") if n == 1_000 else ""
        print(f"{n:>24,} {suspend_ms:13.2f} {cpu_ms:17.1f} {wall_ms:18.1f}  {target}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "many.db"
        asyncio.run(make_suspended(db, args.cells))
        suspended = in_child("suspended", db, args.cells)
        pending = in_child("pending", db, args.cells)
    ratio = suspended / pending
    print(f"{args.cells:,} cells, RSS per cell: pending in memory {pending / 1024:.1f} KB, "
          f"suspended {suspended / 1024:.1f} KB: {ratio:.1%} (target <= 10 % "
          f"{'✓' if ratio <= 0.10 else '✗'})")  # fmt: skip


if __name__ == "__main__":
    main()
