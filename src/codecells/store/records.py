"""What a durable store keeps, as plain records, and the interface every store implements.

A store holds sessions (their stored values and next cell number) and, per pausable cell of a
durable session, the cell's creation record, its journal (one `StepRecord` per engine step, in
order), the tool results and timer firings that arrived but were not yet applied
(*arrivals*), and who holds the cell (an owner token with a lease) and which frontier
generation was last resumed. Everything a restore needs is derived from these; nothing about a
cell's JavaScript heap is stored.

Implementations must be safe to call from several threads (steps commit on worker threads) and
from several processes at once on the same data (the generation claim is a compare-and-set).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from ..json_types import JsonValue

__all__ = [
    "CallRecord",
    "CellRecord",
    "JournalEntry",
    "SessionRecord",
    "StepRecord",
    "Store",
    "StoredCell",
    "check_cell_count",
]


MAX_CELL_COUNT = 10**9
"""The most cell ids numbered at once (ids stay far inside a 64-bit SQL integer)."""


def check_cell_count(count: object) -> None:
    """`Store.new_cell_id`'s `count`: an int from 1 to `MAX_CELL_COUNT` (else `ValueError`)."""
    if type(count) is not int or not 1 <= count <= MAX_CELL_COUNT:
        raise ValueError(f"count must be an int of at least 1 and at most 10**9, got {count!r}")


@dataclass(frozen=True)
class CellRecord:
    """Everything a cell's first step depends on, recorded when it is created."""

    session_id: str
    cell_id: str
    source: str
    tool_call_id: str
    tools: tuple[str, ...]
    """The tools' JavaScript names, in index order."""
    stored_values: dict[str, JsonValue]
    """The snapshot of the session's stored values the cell reads."""
    seed: int
    """Seed of the cell's `Math.random`."""
    fingerprint: str
    """codecells, prelude and quickjs-ng versions the journal was written with."""


@dataclass(frozen=True)
class CallRecord:
    """A tool call the script made: what re-dispatching it needs."""

    call_id: str
    tool_index: int
    input: JsonValue = None


@dataclass(frozen=True)
class JournalEntry:
    """What a replay needs of one step: its clock, the commands applied, the events' digest."""

    n: int
    now_ms: int
    commands: str
    """JSON array of the commands applied in the step, in order."""
    digest: str
    chain: str
    """Hash over the session id, cell id, step number and the previous entry's chain."""


@dataclass(frozen=True)
class StepRecord:
    """One journaled step, with what the host derives from its events."""

    entry: JournalEntry
    applied: tuple[str, ...] = ()
    """Arrival keys (``call:<id>`` / ``timer:<id>``) the step applied."""
    calls: tuple[CallRecord, ...] = ()
    timers_set: tuple[tuple[int, int], ...] = ()
    """(timer id, due time in ms of the virtual clock)."""
    timers_cleared: tuple[int, ...] = ()
    frontier: str | None = None
    """The `Pending` (JSON) of the frontier this step ended at, if it did."""
    finish: str | None = None
    """JSON ``{"completed": Completed, "writes": {...}}`` when the step ended the script."""


@dataclass(frozen=True)
class SessionRecord:
    """A durable session as opened: its stored values and its cells' ids."""

    session_id: str
    stored_values: dict[str, JsonValue]
    cell_ids: tuple[str, ...]


@dataclass(frozen=True)
class StoredCell:
    """A cell as loaded for restoring it (its journal entries are read only when replayed)."""

    record: CellRecord
    steps: int
    frontier: str | None
    """The last frontier reached (Pending JSON), None before the first."""
    finish: str | None
    """Set when the last step ended the script (see `StepRecord.finish`)."""
    completed: str | None
    """The committed completion (Completed JSON), once the writes were committed."""
    resumed: int
    observed: int
    """The last frontier generation delivered to an observer."""
    owner: str | None
    lease_until: float
    queued: tuple[tuple[str, str], ...]
    """Arrivals not applied yet: (key, command JSON), in arrival order."""
    outstanding: tuple[CallRecord, ...]
    """Calls made and never answered, in call order."""
    timers: tuple[tuple[int, int], ...] = field(default=())
    """Timers set, neither cleared nor fired: (timer id, due ms)."""


@runtime_checkable
class Store(Protocol):
    """A durable store of sessions and pausable cells (`SQLiteStore`, `MemoryStore`).

    Every method raises `codecells.errors.StoreError` with a clear message when the store cannot
    be read or written; nothing is half-written (each method is one transaction)."""

    def open_session(self, session_id: str) -> SessionRecord:
        """The session `session_id`, created empty if new."""
        ...

    def new_cell_id(self, session_id: str, count: int = 1) -> str:
        """The next cell id of the session ("1", "2", …), never handed out twice, also to
        several processes; the first of `count` consecutive ids so numbered (a batch of cells
        numbered in one transaction)."""
        ...

    def create_cell(self, record: CellRecord, owner: str, lease_until: float) -> None:
        """Record a new cell, held by `owner` until `lease_until` (epoch seconds)."""
        ...

    def append_step(self, session_id: str, cell_id: str, step: StepRecord) -> None:
        """Commit one step: its journal entry, calls, timers and applied arrivals."""
        ...

    def journal(self, session_id: str, cell_id: str) -> list[JournalEntry]:
        """The cell's journal entries in step order."""
        ...

    def record_arrival(self, session_id: str, cell_id: str, key: str, command: str) -> bool:
        """Record a tool result or timer firing; False if one with `key` was recorded before
        (the first wins)."""
        ...

    def arrivals(self, session_id: str, cell_id: str) -> list[tuple[str, str]]:
        """Arrivals not applied yet: (key, command JSON), in arrival order (from any process)."""
        ...

    def claim(
        self, session_id: str, cell_id: str, generation: int, owner: str, now: float, lease: float
    ) -> bool:
        """Compare-and-set: `owner` resumes frontier `generation` unless it was resumed before
        by an owner whose lease has not expired (an expired one presumably crashed before its
        next step was journaled: the generation may be resumed again)."""
        ...

    def observed(self, session_id: str, cell_id: str, generation: int) -> None:
        """Frontier `generation` was delivered to an observer (its items count as delivered)."""
        ...

    def release(self, session_id: str, cell_id: str, owner: str) -> None:
        """`owner` lets go of the cell (suspended): any process may resume it."""
        ...

    def renew(self, owner: str, lease_until: float) -> None:
        """Extend the lease of every cell `owner` holds."""
        ...

    def complete(self, session_id: str, cell_id: str, completed: str, writes: str) -> bool:
        """Once per cell: record its completion and commit `writes` (JSON object) to the
        session's stored values, atomically. False if it was completed before."""
        ...

    def restart(self, session_id: str, cell_id: str, owner: str, lease_until: float) -> None:
        """Forget the journal of a cell that never reached a frontier (nothing of it was
        delivered), so that `owner` runs it again from its start."""
        ...

    def delete_cell(self, session_id: str, cell_id: str) -> None:
        """Forget the cell and its journal (claimed or terminated)."""
        ...

    def load_cell(self, session_id: str, cell_id: str) -> StoredCell | None:
        """The cell, or None if the store does not hold it."""
        ...

    def close(self) -> None:
        """Release the store's resources. Idempotent."""
        ...
