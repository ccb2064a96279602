"""Child process of the cross-process race: open the store, report ready, resume generation 1
of cell 1 when told to on stdin, print the outcome, and drive the cell to its end if it won."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import corpus

import codecells as cc
from codecells.store import SQLiteStore


async def main(db: Path) -> None:
    session = corpus.session(SQLiteStore(db))
    cell = session.pausable_cell("1")
    frontier = await cell.wait_to_pending()
    assert isinstance(frontier, cc.Pending)
    await corpus.answer_outstanding(cell, frontier)
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    outcome = await cell.resume(frontier.generation)
    print(outcome.value, flush=True)
    if outcome == cc.ResumeOutcome.RESUMED:
        print((await corpus.drive(cell))[-1].model_dump_json(), flush=True)
    await session.shutdown()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
