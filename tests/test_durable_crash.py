"""A crash injected before or after each kind of journal write (the child exits at once)
loses nothing and duplicates nothing the contract promises exactly once: every output item is
delivered once (a frontier may be observed again, identical, until it is resumed), the
stored-value writes are committed once, and a generation is resumed by one run only."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "durable"))

import corpus  # noqa: E402
import crash  # noqa: E402

import codecells as cc  # noqa: E402
from codecells.store import MemoryStore, SQLiteStore  # noqa: E402

CHILD = Path(__file__).parent / "durable" / "crash.py"

WRITES = [  # (method, n-th call): every journal write of SCRIPT's run, in order
    ("create_cell", 1),
    ("append_step", 1),
    ("record_arrival", 1),
    ("claim", 1),
    ("append_step", 2),
    ("record_arrival", 2),
    ("claim", 2),
    ("append_step", 3),
    ("complete", 1),
    ("delete_cell", 1),
]

Event = cc.Pending | cc.Completed | cc.Terminated


def parse(line: bytes) -> Event:
    adapter = {"pending": cc.Pending, "completed": cc.Completed, "terminated": cc.Terminated}
    data = line.decode()
    kind = data.split('"type":"', 1)[1].split('"', 1)[0]
    return adapter[kind].model_validate_json(data)  # type: ignore[attr-defined, no-any-return]


async def reference() -> list[Event]:
    session = cc.Session(
        corpus.TOOLS, delegate=corpus.Notes(), store=MemoryStore(), session_id=corpus.SESSION_ID
    )
    cell = await session.create_pausable_cell(crash.SCRIPT)
    events = await corpus.drive(cell)
    await session.shutdown()
    return events


def delivered(events: list[Event]) -> list[cc.Item]:
    """Every item delivered, a frontier observed twice counted once."""
    seen: set[int] = set()
    items: list[cc.Item] = []
    for event in events:
        if isinstance(event, cc.Pending):
            if event.generation in seen:
                continue
            seen.add(event.generation)
        items += event.content_items
    return items


async def crash_at(db: Path, method: str, nth: int, when: str) -> list[Event]:
    """Run the child until it crashes at the write; the events it observed."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(CHILD), str(db), method, when, str(nth),
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await proc.communicate()
    assert proc.returncode == crash.CRASHED, f"no crash injected {when} {method} #{nth}"
    return [parse(line) for line in out.splitlines()]


async def check_recovery(db: Path, method: str, when: str, before: list[Event]) -> None:
    """Open the store as a fresh process would, finish the cell, check what was delivered."""
    later = time.time() + 60  # opened a minute later: the crashed process's leases expired
    session = cc.Session(
        corpus.TOOLS, delegate=corpus.Notes(), store=SQLiteStore(db),
        session_id=corpus.SESSION_ID, clock=lambda: later,
    )  # fmt: skip
    expected = await reference()
    try:
        if method == "create_cell" and when == "before":
            assert not before
            with pytest.raises(cc.MissingCell):  # never created: nothing was promised
                session.pausable_cell("1")
            return
        if method == "delete_cell" and when == "after":
            # the observer claimed Completed (the process died as it was handed over): gone
            with pytest.raises(cc.MissingCell):
                session.pausable_cell("1")
            after: list[Event] = [expected[-1]]
        else:
            after = await corpus.drive(session.pausable_cell("1"))
        assert delivered(before + after) == delivered(expected)
        assert (before + after)[-1] == expected[-1]
        assert session.stored_values == {"k": 2}
        assert SQLiteStore(db).load_cell(corpus.SESSION_ID, "1") is None, "claimed: forgotten"
    finally:
        await session.shutdown()


async def test_a_crash_at_any_journal_write_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    points = [(m, n, w) for m, n in WRITES for w in ("before", "after")]
    limit = asyncio.Semaphore(4)

    async def one(i: int, method: str, nth: int, when: str) -> list[Event]:
        async with limit:
            return await crash_at(tmp_path / f"{i}.db", method, nth, when)

    runs = await asyncio.gather(*(one(i, *point) for i, point in enumerate(points)))
    for i, ((method, _, when), before) in enumerate(zip(points, runs, strict=True)):
        try:
            await check_recovery(tmp_path / f"{i}.db", method, when, before)
        except AssertionError as exc:
            raise AssertionError(f"crash {when} {points[i][:2]}: {exc}") from exc
