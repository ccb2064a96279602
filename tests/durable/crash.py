"""Child process of test_durable_crash.py: run SCRIPT on a store that kills this process with
``os._exit`` right before or after its n-th call of one method (a crash injected at a journal
write). Every event the driver observes is printed (and flushed) as one JSON line first."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import corpus

from codecells.store import SQLiteStore

SCRIPT = """
text("a"); store("k", 1);
const x = await tools.approve({n: 1});
text("b " + JSON.stringify(x));
await tools.approve({n: 2});
text("c " + Math.random()); store("k", 2); text("end");
"""
CRASHED = 70
LEASE = 0.05


class CrashingStore(SQLiteStore):
    """Exits the process at the chosen write."""

    def __init__(self, path: Path, method: str, when: str, nth: int) -> None:
        self.method, self.when, self.left = method, when, nth
        super().__init__(path)

    def __getattribute__(self, name: str) -> Any:
        attribute = super().__getattribute__(name)
        if name != object.__getattribute__(self, "method"):
            return attribute

        def crashing(*args: Any) -> Any:
            self.left -= 1
            if self.left == 0 and self.when == "before":
                os._exit(CRASHED)
            result = attribute(*args)
            if self.left == 0:
                os._exit(CRASHED)
            return result

        return crashing


async def main(db: Path, method: str, when: str, nth: int) -> None:
    import codecells as cc

    store = CrashingStore(db, method, when, nth)
    session = cc.Session(
        corpus.TOOLS, delegate=corpus.Notes(), store=store, session_id=corpus.SESSION_ID,
        lease=LEASE,
    )  # fmt: skip
    cell = await session.create_pausable_cell(SCRIPT)
    while True:
        event = await cell.wait_to_pending()
        print(event.model_dump_json(), flush=True)
        if not isinstance(event, cc.Pending):
            break
        await corpus.answer_outstanding(cell, event)
        await cell.resume(event.generation)
    await session.shutdown()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])))
