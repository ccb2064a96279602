"""`CellJournal`: a durable pausable cell's engine, journaled step by step, and its restore.

A cell's JavaScript state is a function of its source, tools, stored-values snapshot, seed and
the ordered commands applied to its engine (resolve tool, reject tool, fire timer), given the
virtual time of each step. `CellJournal` wraps the cell's engine: each step applies exactly the
commands queued when it starts, at a recorded clock, and commits the step's journal entry (with
a digest of its events) to the store *before* the executor sees the events. Restoring replays
the entries into a fresh engine and checks every digest; a difference fails the restore with
`ReplayDiverged` and writes nothing. Replay feeds no executor, so nothing is dispatched, emitted
or committed twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import BaseModel, TypeAdapter

from ..engine.protocol import (
    AnyEngineCommand,
    AnyEngineEvent,
    Engine,
    EngineCommand,
    Finished,
    FireTimer,
    Interrupted,
    Lost,
    Output,
    Quiescent,
    ResolveTool,
    TimerCleared,
    TimerSet,
    ToolCallRequested,
)
from ..engine.wire import trusted
from ..errors import ReplayDiverged, StoreError
from ..events import Completed, Item, Pending
from ..json_types import JsonValue, json_problem
from .records import CallRecord, JournalEntry, StepRecord, Store

__all__ = ["CellJournal", "ClockedEngine", "Durability", "arrival_key", "chain_hash"]

log = logging.getLogger("codecells")


class _EndedElsewhere(Exception):
    """The store no longer holds the cell: another process resumed it and saw it end."""


_COMMAND: TypeAdapter[AnyEngineCommand] = TypeAdapter(EngineCommand)
_RESOLVE_FIELDS = frozenset({"type", "call_id", "value"})


class ClockedEngine(Engine, Protocol):
    """An engine whose script reads a virtual clock the host sets before each step."""

    def set_clock(self, now_ms: int) -> None:
        """The time (ms since the epoch) `Date` shows during the next step."""
        ...


@dataclass(frozen=True)
class Durability:
    """What every durable cell of one session shares: the store, its session id, this
    process's owner token and lease length, the wall clock, and the ids of claimed cells the
    store could not forget yet (`forget_claimed` retries them)."""

    store: Store
    session_id: str
    owner: str
    lease: float
    clock: Callable[[], float] = time.time
    unforgotten: set[str] = field(default_factory=set)

    def forget_claimed(self) -> None:
        """Delete the claimed cells a failing store kept (logged while it still fails; never
        raises: it runs in the lease heartbeat and at shutdown)."""
        for cell_id in sorted(self.unforgotten):
            try:
                self.store.delete_cell(self.session_id, cell_id)
            except Exception:
                log.error(
                    "cell %s: claimed, but not removed from the store: until it is, a session "
                    "that opens %r delivers its completion again",
                    cell_id,
                    self.session_id,
                    exc_info=True,
                )
                return
            self.unforgotten.discard(cell_id)


def arrival_key(command: AnyEngineCommand) -> str:
    """The store key of a tool result or timer firing (one per call or timer)."""
    if isinstance(command, FireTimer):
        return f"timer:{command.timer_id}"
    return f"call:{command.call_id}"


def chain_hash(previous: str, session_id: str, cell_id: str, n: int, digest: str) -> str:
    """Links a journal entry to its cell, session and predecessor."""
    text = f"{previous}\0{session_id}\0{cell_id}\0{n}\0{digest}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def events_digest(events: list[AnyEngineEvent]) -> str:
    """A digest of a step's events: every field of every event (and of an output's item), in
    order, as the repr of plain values (pydantic's own repr costs ~10 us per event)."""
    fields = [
        tuple(v.__dict__ if isinstance(v, BaseModel) else v for v in e.__dict__.values())
        for e in events
    ]
    return hashlib.blake2b(repr(fields).encode(), digest_size=16).hexdigest()


class CellJournal:
    """One durable pausable cell: its `Engine` (journaled) and its `Journal` (for the executor).

    `make_engine` builds a fresh inner engine for the cell. A new cell starts with `steps=0`; a
    restored one with its journal length and no engine until `restore()` (or its next step)."""

    durable = True

    def __init__(
        self,
        durability: Durability,
        cell_id: str,
        make_engine: Callable[[], ClockedEngine],
        *,
        steps: int = 0,
        frontiers: int = 0,
        queued: tuple[tuple[str, AnyEngineCommand], ...] = (),
        live: bool = True,
        mismatch: str | None = None,
        frontier: Pending | None = None,
        observed: bool = False,
    ) -> None:
        self._d = durability
        self.cell_id = cell_id
        self._make_engine = make_engine
        self._inner: ClockedEngine | None = make_engine() if live else None
        self._steps = steps
        self._frontiers = frontiers
        self._chain = ""
        self._last_now = 0
        self._content: list[Item] = []  # output since the last frontier
        self._frontier = frontier  # the last frontier reached
        self.frontier_observed = observed  # and whether it was delivered to an observer
        self._queued: deque[tuple[str, AnyEngineCommand]] = deque(queued)
        self._arrived: dict[str, AnyEngineCommand] = {}  # recorded by `arrive`, for `post`
        self._unrecorded: dict[str, AnyEngineCommand] = {}  # arrivals the store did not take
        self._uncommitted: tuple[str, str] | None = None  # a completion the store did not take
        self._lock = threading.Lock()
        self._interrupted = False
        self._restoring: asyncio.Future[list[AnyEngineEvent]] | None = None
        self._mismatch = mismatch  # why this process cannot replay the journal, if it cannot

    # ------------------------------------------------------------------ Engine
    def post(self, command: AnyEngineCommand) -> None:
        """Queue a tool result or timer firing for the next step, as `arrive` recorded it (an
        arrival not announced by `arrive` is recorded now)."""
        key = arrival_key(command)
        held = self._arrived.pop(key, None)
        if held is None:
            if not self.arrive(command):
                return
            held = self._arrived.pop(key)
        with self._lock:
            self._queued.append((key, held))

    def answer(self, command: AnyEngineCommand) -> bool:
        """Record a tool result or timer firing in the store before the script is given it
        (`StoreError` if the store fails: nothing changes). False when it brings the script
        nothing new: the store held one for its call or timer first, already queued here or
        applied; otherwise the first recorded (maybe another process's) is what `post` queues."""
        d, key = self._d, arrival_key(command)
        if d.store.record_arrival(d.session_id, self.cell_id, key, command_json(command)):
            held: AnyEngineCommand | None = command
        else:
            held = next(
                (parse_command(text) for k, text in d.store.arrivals(d.session_id, self.cell_id)
                 if k == key),
                None,
            )  # fmt: skip
        with self._lock:
            if held is None or any(k == key for k, _ in self._queued):
                return False
        self._arrived[key] = held
        return True

    def arrive(self, command: AnyEngineCommand) -> bool:
        """`answer`, for a host-run tool's result or a timer firing (nobody to raise to): if the
        store fails, the arrival is kept here and recorded at the next resume's claim (or
        journaled with the step that applies it); lost only with this process, whose successor
        dispatches the call again."""
        try:
            return self.answer(command)
        except StoreError:
            key = arrival_key(command)
            log.warning(
                "cell %s: arrival %s not recorded yet (kept in memory)",
                self.cell_id,
                key,
                exc_info=True,
            )
            self._unrecorded[key] = self._arrived[key] = command
            return True

    def _record_unrecorded(self) -> None:
        """Record the arrivals the store did not take (`StoreError` if it still fails)."""
        d = self._d
        for key, command in list(self._unrecorded.items()):
            d.store.record_arrival(d.session_id, self.cell_id, key, command_json(command))
            del self._unrecorded[key]

    @property
    def has_queued_input(self) -> bool:
        """True when recorded arrivals wait for the next step."""
        return bool(self._queued)

    def step(self) -> list[AnyEngineEvent]:
        """Run one step of the inner engine (restoring it first if released) and journal it."""
        try:
            inner = self._inner or self._replay()
        except (ReplayDiverged, StoreError) as exc:
            return [Lost(message=str(exc))]
        if self._interrupted:  # its end carries the script's writes (a released engine's too)
            inner.interrupt()
            return inner.step()
        with self._lock:
            batch = list(self._queued)
            self._queued.clear()
        now = max(self._last_now + 1, int(self._d.clock() * 1000))  # strictly increasing
        inner.set_clock(now)
        for _, command in batch:
            inner.post(command)
        events = inner.step()
        if isinstance(events[-1], (Lost, Interrupted)):
            return events  # the engine broke or was stopped: nothing to journal
        try:
            self._append(events, batch, now)
        except StoreError as exc:
            inner.close()
            self._inner = None
            return [Lost(message=f"the step could not be journaled: {exc}")]
        for key, _ in batch:  # journaled with the step's commands
            self._unrecorded.pop(key, None)
        return events

    @property
    def step_cpu_time(self) -> float | None:
        """The inner engine's (`QuickJSEngine.step_cpu_time`), for the worker pool."""
        return getattr(self._inner, "step_cpu_time", None)

    def interrupt(self) -> None:
        """Stop the running step (or the next one)."""
        self._interrupted = True
        if self._inner is not None:
            self._inner.interrupt()

    def close(self) -> None:
        """Release the inner engine. Idempotent."""
        inner, self._inner = self._inner, None
        if inner is not None:
            inner.close()

    # ------------------------------------------------------------------ journaling
    def _append(
        self, events: list[AnyEngineEvent], batch: list[tuple[str, AnyEngineCommand]], now: int
    ) -> None:
        n = self._steps + 1
        digest = events_digest(events)
        chain = chain_hash(self._chain, self._d.session_id, self.cell_id, n, digest)
        commands = "[" + ",".join(command_json(command) for _, command in batch) + "]"
        content = self._content + [e.item for e in events if isinstance(e, Output)]
        end = events[-1]
        frontier = finish = None
        pending = None
        if isinstance(end, Quiescent):
            pending = Pending(
                generation=self._frontiers + 1,
                content_items=content,
                pending_tool_call_ids=end.pending_tool_call_ids,
            )
            frontier, content = pending.model_dump_json(), []
        elif isinstance(end, Finished):
            completed = Completed(content_items=content, error_text=end.error_text)
            finish = json.dumps(
                {"completed": completed.model_dump(mode="json"), "writes": end.stored_value_writes}
            )
        step = StepRecord(
            entry=JournalEntry(n=n, now_ms=now, commands=commands, digest=digest, chain=chain),
            applied=tuple(key for key, _ in batch),
            calls=tuple(
                CallRecord(e.call_id, e.tool_index, e.input)
                for e in events
                if isinstance(e, ToolCallRequested)
            ),
            timers_set=tuple(
                (e.timer_id, now + int(e.delay * 1000)) for e in events if isinstance(e, TimerSet)
            ),
            timers_cleared=tuple(e.timer_id for e in events if isinstance(e, TimerCleared)),
            frontier=frontier,
            finish=finish,
        )
        self._d.store.append_step(self._d.session_id, self.cell_id, step)
        self._steps, self._chain, self._last_now, self._content = n, chain, now, content
        if pending is not None:
            self._frontiers, self._frontier, self.frontier_observed = (
                pending.generation,
                pending,
                False,
            )

    # ------------------------------------------------------------------ restore
    def _replay(self) -> ClockedEngine:
        """Rebuild the engine from the journal (worker thread); raises `ReplayDiverged`."""
        d, cid = self._d, self.cell_id
        if self._mismatch is not None:
            raise ReplayDiverged(cid, 0, self._mismatch)
        entries = d.store.journal(d.session_id, cid)
        if len(entries) < self._steps:
            if d.store.load_cell(d.session_id, cid) is None:
                raise _EndedElsewhere()
            raise ReplayDiverged(
                cid, len(entries), f"the store holds {len(entries)} steps, expected {self._steps}"
            )
        # the journal only grows while the cell lives: more steps (or no cell at all) mean
        # another process resumed it meanwhile; replay up to this process's frontier (or
        # nothing), and the generation claim answers ALREADY_RUNNING
        entries = entries[: self._steps]
        inner = self._make_engine()
        chain, now = "", 0
        try:
            for entry in entries:
                chain = self._check_entry(entry, chain)
                inner.set_clock(entry.now_ms)
                for command in self._commands(entry):
                    inner.post(command)
                events = inner.step()
                if events_digest(events) != entry.digest:
                    raise ReplayDiverged(
                        cid,
                        entry.n,
                        "the script did something else than when it was journaled (its source, "
                        "tools, stored values, or the codecells/prelude/quickjs-ng version "
                        f"differ); last event now: {events[-1].type}",
                    )
                now = entry.now_ms
        except BaseException:
            inner.close()
            raise
        self._inner, self._chain, self._last_now = inner, chain, now
        return inner

    def _check_entry(self, entry: JournalEntry, chain: str) -> str:
        expected = chain_hash(chain, self._d.session_id, self.cell_id, entry.n, entry.digest)
        if entry.chain != expected:
            raise ReplayDiverged(
                self.cell_id,
                entry.n,
                f"journal entry {entry.n} does not belong to session {self._d.session_id!r} "
                f"cell {self.cell_id} (copied from another journal, or edited)",
            )
        return expected

    def _commands(self, entry: JournalEntry) -> list[AnyEngineCommand]:
        try:
            return _parse_commands(entry.commands)
        except ValueError:
            raise ReplayDiverged(
                self.cell_id, entry.n, "its recorded commands are not valid"
            ) from None

    # ------------------------------------------------------------------ Journal
    def claim(self, generation: int) -> bool:
        """Compare-and-set this process's resume of `generation` in the store (`StoreError` if
        the store fails: nothing is claimed or queued); once granted, the queue is what the
        store recorded (answers given in other processes included)."""
        d = self._d
        self._record_unrecorded()
        if not d.store.claim(d.session_id, self.cell_id, generation, d.owner, d.clock(), d.lease):
            return False
        recorded = d.store.arrivals(d.session_id, self.cell_id)
        with self._lock:
            self._queued = deque((key, parse_command(command)) for key, command in recorded)
        # as the executor does on resume: an unobserved frontier's items go to the next event
        frontier = self._frontier
        unseen = frontier is not None and not self.frontier_observed
        self._content = list(frontier.content_items) if frontier and unseen else []
        return True

    def observed(self, generation: int) -> None:
        """Record that frontier `generation` was delivered (its items count as delivered)."""
        self.frontier_observed = True
        d = self._d
        try:
            d.store.observed(d.session_id, self.cell_id, generation)
        except StoreError:
            log.warning("cell %s: observation not recorded", self.cell_id, exc_info=True)

    async def restore(self) -> None:
        """Replay the journal on a worker thread if the engine was released."""
        if self._inner is not None:
            return
        if self._restoring is None:
            from ..engine.runner import run_step

            replay = _Replay(self)
            self._restoring = asyncio.ensure_future(run_step(replay))
        try:
            await asyncio.shield(self._restoring)
        except _EndedElsewhere:  # nothing to restore: the generation claim will refuse the resume
            pass
        finally:
            if self._restoring is not None and self._restoring.done():
                self._restoring = None

    def suspend(self) -> None:
        """Release the engine and the lease."""
        self.close()
        self._interrupted = False
        d = self._d
        try:
            self._record_unrecorded()
            d.store.release(d.session_id, self.cell_id, d.owner)
        except StoreError:
            log.warning("cell %s: lease not released", self.cell_id, exc_info=True)

    def completed(
        self, content: list[Item], error_text: str | None, writes: dict[str, JsonValue]
    ) -> None:
        """Record the completion and commit the writes, once (a no-op for a restored one); if
        the store fails, `closed` tries again, and keeps the cell in the store if it fails."""
        event = Completed(content_items=list(content), error_text=error_text)
        self._uncommitted = (event.model_dump_json(), json.dumps(writes))
        self._commit_completion()

    def _commit_completion(self) -> bool:
        d = self._d
        if self._uncommitted is None:
            return True
        try:
            d.store.complete(d.session_id, self.cell_id, *self._uncommitted)
        except StoreError:
            log.error(
                "cell %s: completion not committed to the store yet", self.cell_id, exc_info=True
            )
            return False
        self._uncommitted = None
        return True

    def closed(self) -> None:
        """Forget the cell in the store, unless its completion was never committed there: the
        cell stays (with its journaled end), and a session that opens it commits its writes
        and delivers it again. A failed removal is retried (`Durability.forget_claimed`)."""
        if not self._commit_completion():
            log.error(
                "cell %s: kept in the store: a session that opens %r commits its writes and "
                "delivers its completion again",
                self.cell_id,
                self._d.session_id,
            )
            return
        self._d.unforgotten.add(self.cell_id)
        self._d.forget_claimed()


class _Replay:
    """Runs a journal's replay as a step on the engine workers (their C stacks fit QuickJS)."""

    def __init__(self, journal: CellJournal) -> None:
        self._journal = journal

    def step(self) -> list[AnyEngineEvent]:
        self._journal._replay()
        return []

    def post(self, command: AnyEngineCommand) -> None:
        raise NotImplementedError

    @property
    def has_queued_input(self) -> bool:
        return False

    def interrupt(self) -> None:
        return None

    def close(self) -> None:
        return None


def command_json(command: AnyEngineCommand) -> str:
    """A command's JSON text as the store keeps it, written by `json`: pydantic writes and
    validates only ~255 levels deep, and a tool result may nest `MAX_JSON_DEPTH`."""
    return json.dumps(command.__dict__, separators=(",", ":"))


def parse_command(text: str) -> AnyEngineCommand:
    """A recorded command (JSON); ValueError if it is none."""
    return _command(_loads(text))


def _parse_commands(text: str) -> list[AnyEngineCommand]:
    data = _loads(text)
    if not isinstance(data, list):
        raise ValueError("recorded commands are not a list")
    return [_command(item) for item in data]


def _loads(text: str) -> object:
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("recorded commands nest too deep") from None


def _command(data: object) -> AnyEngineCommand:
    """A parsed command, validated; a tool result by `json_problem`, at any depth."""
    if isinstance(data, dict) and data.keys() == _RESOLVE_FIELDS:
        call_id, value = data["call_id"], data["value"]
        if data["type"] == "resolve_tool" and isinstance(call_id, str):
            if json_problem(value) is not None:
                raise ValueError(f"recorded result of {call_id} is not JSON")
            return trusted(ResolveTool, call_id=call_id, value=value)
    return _COMMAND.validate_python(data)
