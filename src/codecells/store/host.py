"""The durable side of a session: which cells are journaled, and loading cells from a store.

A session holds one `CellKeeper`: `InMemory` without a store (every cell in memory only), or
`DurableCells` with one (pausable cells journaled in the store; continuing cells stay in
memory). The session never asks which one it has.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from typing import Protocol

from ..engine.protocol import Engine, ToolCallRequested
from ..errors import EngineError
from ..events import Completed, Pending
from ..executor.journal import NO_JOURNAL, Journal
from ..json_types import JsonValue
from ..kinds import CellKind
from .journal import CellJournal, ClockedEngine, Durability, parse_command
from .records import CellRecord, Store, StoredCell

__all__ = ["CellKeeper", "DurableCells", "InMemory", "LoadedCell", "engine_fingerprint"]

EngineMaker = Callable[[str, str, dict[str, JsonValue], int | None], Engine]
"""Builds a cell's engine from its id, source, stored-values snapshot and seed (None: not
durable)."""

DEFAULT_LEASE = 30.0
"""Seconds a process holds a cell it runs without renewing its lease (renewed every third)."""


@cache
def engine_fingerprint() -> str:
    """codecells, quickjs-ng and prelude versions, and whether the prelude is precompiled:
    what a journal written by another process must match to be replayed."""
    from .. import __version__
    from ..engine.binding import internals_allowed
    from ..engine.quickjs_engine import PRELUDE

    prelude = hashlib.blake2b(
        "\0".join((PRELUDE.source, *PRELUDE.lazy_sources)).encode(), digest_size=8
    ).hexdigest()
    mode = "bytecode" if internals_allowed() else "source"
    return f"codecells {__version__}; quickjs-ng {metadata.version('quickjs-ng')}; prelude {prelude} ({mode})"


def cell_seed(session_id: str, cell_id: str) -> int:
    """The seed of a durable cell's `Math.random`: a function of its session and cell ids, so
    a run is reproducible (it is recorded with the cell all the same)."""
    text = f"{session_id}/{cell_id}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=4).digest(), "big") >> 1


@dataclass
class LoadedCell:
    """A cell as a session brings it back: its journal and what its executor holds."""

    cell_id: str
    tool_call_id: str
    journal: CellJournal
    frontier: Pending | None = None
    completed: Completed | None = None
    last_resumed: int | None = None
    outstanding: list[ToolCallRequested] = field(default_factory=list)
    """Calls made before and never answered: dispatched again when the cell is resumed here."""
    timers: list[tuple[int, float]] = field(default_factory=list)
    """(timer id, seconds until due)."""
    writes: dict[str, JsonValue] = field(default_factory=dict)
    """Writes committed while loading (a crash came between a finish and its commit)."""
    restart: bool = False
    """The cell never reached a frontier: it runs again from its start."""


class CellKeeper(Protocol):
    """How a session keeps its cells."""

    session_id: str
    stored_values: dict[str, JsonValue]
    cell_ids: tuple[str, ...]

    def new_cell_id(self) -> str:
        """The id of a new cell: "1", "2", … per session."""
        ...

    def reserve_cell_ids(self, count: int) -> None:
        """Number the next `count` new cells at once (see `Session.reserve_cell_ids`)."""
        ...

    def keep(
        self, kind: CellKind, cell_id: str, source: str, tool_call_id: str,
        stored: dict[str, JsonValue], make_engine: EngineMaker,
    ) -> tuple[Engine, Journal]:  # fmt: skip
        """The engine and journal of a new cell."""
        ...

    def load(self, cell_id: str, make_engine: EngineMaker) -> LoadedCell | None:
        """A cell kept by an earlier process (None: not loadable now)."""
        ...

    def start(self) -> None:
        """Begin renewing leases (on the running loop)."""
        ...

    def stop(self) -> None:
        """Stop renewing leases."""
        ...


class InMemory:
    """Cells kept in this process's memory only."""

    def __init__(self) -> None:
        self.session_id = uuid.uuid4().hex
        self.stored_values: dict[str, JsonValue] = {}
        self.cell_ids: tuple[str, ...] = ()
        self._next = 0

    def new_cell_id(self) -> str:
        self._next += 1
        return str(self._next)

    def reserve_cell_ids(self, count: int) -> None:
        return None

    def keep(
        self, kind: CellKind, cell_id: str, source: str, tool_call_id: str,
        stored: dict[str, JsonValue], make_engine: EngineMaker,
    ) -> tuple[Engine, Journal]:  # fmt: skip
        return make_engine(cell_id, source, stored, None), NO_JOURNAL

    def load(self, cell_id: str, make_engine: EngineMaker) -> LoadedCell | None:
        return None

    def start(self) -> None:
        return None

    def stop(self) -> None:
        return None


def _clocked(engine: Engine) -> ClockedEngine:
    if not callable(getattr(engine, "set_clock", None)):
        raise EngineError("durable cells need an engine with a virtual clock (set_clock)")
    return engine  # type: ignore[return-value]


class DurableCells:
    """Pausable cells journaled in `store` under `session_id`; continuing cells in memory."""

    def __init__(
        self,
        store: Store,
        session_id: str,
        tools: tuple[str, ...],
        *,
        lease: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._d = Durability(store, session_id, uuid.uuid4().hex, lease, clock)
        self._tools = tools
        record = store.open_session(session_id)
        self.session_id = session_id
        self.stored_values = record.stored_values
        self.cell_ids = record.cell_ids
        self._heartbeat: asyncio.Task[None] | None = None
        self._reserved: deque[range] = deque()
        """Ids numbered in the store ahead of their cells (`reserve_cell_ids`), as ranges: a
        huge count costs no memory."""

    def new_cell_id(self) -> str:
        if self._reserved:
            ids = self._reserved.popleft()
            if len(ids) > 1:
                self._reserved.appendleft(ids[1:])
            return str(ids[0])
        return self._d.store.new_cell_id(self.session_id)

    def reserve_cell_ids(self, count: int) -> None:
        needed = count - sum(map(len, self._reserved))
        if needed > 0:
            first = int(self._d.store.new_cell_id(self.session_id, needed))
            self._reserved.append(range(first, first + needed))

    def keep(
        self, kind: CellKind, cell_id: str, source: str, tool_call_id: str,
        stored: dict[str, JsonValue], make_engine: EngineMaker,
    ) -> tuple[Engine, Journal]:  # fmt: skip
        if kind is CellKind.CONTINUING:
            return make_engine(cell_id, source, stored, None), NO_JOURNAL
        seed = cell_seed(self.session_id, cell_id)
        record = CellRecord(
            session_id=self.session_id,
            cell_id=cell_id,
            source=source,
            tool_call_id=tool_call_id,
            tools=self._tools,
            stored_values=stored,
            seed=seed,
            fingerprint=engine_fingerprint(),
        )
        journal = CellJournal(
            self._d, cell_id, lambda: _clocked(make_engine(cell_id, source, stored, seed))
        )
        self._d.store.create_cell(record, self._d.owner, self._d.clock() + self._d.lease)
        return journal, journal

    def load(self, cell_id: str, make_engine: EngineMaker) -> LoadedCell | None:
        d = self._d
        stored = d.store.load_cell(self.session_id, cell_id)
        if stored is None:
            return None
        now = d.clock()
        held = stored.owner not in (None, d.owner) and stored.lease_until > now
        record = stored.record
        frontier = Pending.model_validate_json(stored.frontier) if stored.frontier else None
        loaded = LoadedCell(
            cell_id=cell_id,
            tool_call_id=record.tool_call_id,
            journal=CellJournal(
                d,
                cell_id,
                lambda: _clocked(
                    make_engine(cell_id, record.source, record.stored_values, record.seed)
                ),
                steps=stored.steps,
                frontiers=frontier.generation if frontier else 0,
                queued=tuple((key, parse_command(c)) for key, c in stored.queued),
                live=False,
                mismatch=self._mismatch(stored),
                frontier=frontier,
                observed=frontier is not None and stored.observed >= frontier.generation,
            ),
            frontier=frontier,
        )
        if stored.completed is not None or stored.finish is not None:
            self._load_completion(stored, loaded)
            return loaded
        if frontier is None:  # nothing was delivered: run it again from its start
            if held:
                return None  # it runs in a live process
            d.store.restart(self.session_id, cell_id, d.owner, now + d.lease)
            loaded.journal = CellJournal(
                d,
                cell_id,
                lambda: _clocked(
                    make_engine(cell_id, record.source, record.stored_values, record.seed)
                ),
            )
            loaded.restart = True
            return loaded
        # resumed by a live process: consumed; by one whose lease ran out: resumable again
        resumed = stored.resumed if held else min(stored.resumed, frontier.generation - 1)
        loaded.last_resumed = resumed or None
        loaded.outstanding = [
            ToolCallRequested(call_id=c.call_id, tool_index=c.tool_index, input=c.input)
            for c in stored.outstanding
        ]
        loaded.timers = [(t, max(0.0, due / 1000 - now)) for t, due in stored.timers]
        return loaded

    def _load_completion(self, stored: StoredCell, loaded: LoadedCell) -> None:
        loaded.frontier = None
        if stored.completed is not None:
            loaded.completed = Completed.model_validate_json(stored.completed)
            return
        assert stored.finish is not None  # the finish was journaled, its commit never made
        finish = json.loads(stored.finish)
        loaded.completed = Completed.model_validate(finish["completed"])
        writes = json.dumps(finish["writes"])
        if self._d.store.complete(
            self.session_id, loaded.cell_id, loaded.completed.model_dump_json(), writes
        ):
            loaded.writes = finish["writes"]

    def _mismatch(self, stored: StoredCell) -> str | None:
        record = stored.record
        if record.fingerprint != engine_fingerprint():
            return f"it was journaled by {record.fingerprint}; this process runs {engine_fingerprint()}"
        if record.tools != self._tools:
            return (
                f"it was journaled with the tools {list(record.tools)}; this session has "
                f"{list(self._tools)}"
            )
        return None

    def start(self) -> None:
        if self._heartbeat is None:
            self._heartbeat = asyncio.get_running_loop().create_task(self._renew())

    async def _renew(self) -> None:
        d = self._d
        while True:
            await asyncio.sleep(d.lease / 3)
            with contextlib.suppress(Exception):
                d.store.renew(d.owner, d.clock() + d.lease)
            d.forget_claimed()

    def stop(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None
        self._d.forget_claimed()
