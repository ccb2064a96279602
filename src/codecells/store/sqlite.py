"""`SQLiteStore`: the embedded default store (standard library `sqlite3`, WAL mode).

One connection per store object, shared by the event loop and the step workers under a lock;
several processes may open the same file (SQLite's file locks serialise writers; the generation
claim is one conditional UPDATE). Each method is one transaction (``BEGIN IMMEDIATE``).
``synchronous=NORMAL``: a committed step survives the process being killed; after a power loss
the last transactions may be lost, never half-applied.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from os import PathLike

from ..errors import StoreError
from .records import (
    CallRecord,
    CellRecord,
    JournalEntry,
    SessionRecord,
    StepRecord,
    StoredCell,
    check_cell_count,
)

__all__ = ["MemoryStore", "SQLiteStore"]

SCHEMA = "codecells-store-2"

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (session_id TEXT PRIMARY KEY, next_cell INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS stored_values (
  session_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (session_id, key));
CREATE TABLE IF NOT EXISTS cell_records (
  session_id TEXT NOT NULL, cell_id TEXT NOT NULL, source TEXT NOT NULL,
  tool_call_id TEXT NOT NULL, tools TEXT NOT NULL, stored TEXT NOT NULL, seed INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  PRIMARY KEY (session_id, cell_id));
CREATE TABLE IF NOT EXISTS cells (
  session_id TEXT NOT NULL, cell_id TEXT NOT NULL,
  steps INTEGER NOT NULL DEFAULT 0, frontier TEXT, finish TEXT,
  completed TEXT, resumed INTEGER NOT NULL DEFAULT 0, observed INTEGER NOT NULL DEFAULT 0,
  owner TEXT,
  lease_until REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (session_id, cell_id));
CREATE TABLE IF NOT EXISTS steps (
  session_id TEXT NOT NULL, cell_id TEXT NOT NULL, n INTEGER NOT NULL, now_ms INTEGER NOT NULL,
  commands TEXT NOT NULL, digest TEXT NOT NULL, chain TEXT NOT NULL,
  PRIMARY KEY (session_id, cell_id, n));
CREATE TABLE IF NOT EXISTS calls (
  session_id TEXT NOT NULL, cell_id TEXT NOT NULL, call_id TEXT NOT NULL,
  tool_index INTEGER NOT NULL, input TEXT NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY (session_id, cell_id, call_id));
CREATE TABLE IF NOT EXISTS timers (
  session_id TEXT NOT NULL, cell_id TEXT NOT NULL, timer_id INTEGER NOT NULL,
  due_ms INTEGER NOT NULL, cleared INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (session_id, cell_id, timer_id));
CREATE TABLE IF NOT EXISTS arrivals (
  session_id TEXT NOT NULL, cell_id TEXT NOT NULL, key TEXT NOT NULL, command TEXT NOT NULL,
  seq INTEGER NOT NULL, applied INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (session_id, cell_id, key));
"""

_CELL_TABLES = ("cell_records", "cells", "steps", "calls", "timers", "arrivals")
"""A cell's creation record (large, written once) has a table of its own: SQLite rewrites a whole
row on every UPDATE, so with the source and stored-values snapshot in `cells`, each claim,
observation and lease renewal would rewrite them (tens of ms per MB, on the event loop)."""
_JOURNAL_TABLES = _CELL_TABLES[2:]


_OPEN_TIMEOUT = 10.0
"""Seconds a store waits for other processes' locks (busy timeout, and entering WAL mode)."""


def _enter_wal_mode(db: sqlite3.Connection) -> None:
    """Put the database in WAL mode, waiting out other processes opening it at the same time.

    Switching the journal mode needs an exclusive lock and SQLite fails it at once with
    "database is locked" (its busy handler is not consulted) while another connection is opening
    the same new file, so several processes or Ray host actors opening one store together would
    fail; they retry until the busy timeout instead.
    """
    deadline = time.monotonic() + _OPEN_TIMEOUT
    pause = 0.002
    while True:
        try:
            (mode,) = db.execute("PRAGMA journal_mode=WAL").fetchone()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise
        else:
            if str(mode).lower() in ("wal", "memory"):  # "memory": MemoryStore's `:memory:`
                return
            raise sqlite3.OperationalError(f"the journal mode stays {mode!r}, WAL is needed")
        time.sleep(pause)  # the other process holds the lock for a few ms at most
        pause = min(pause * 2, 0.05)


class SQLiteStore:
    """A `codecells.store.Store` in an SQLite database file (created if missing)."""

    def __init__(self, path: str | PathLike[str]) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if not self.path:  # SQLite would open a private temporary file, lost when closed
            raise StoreError(
                "cannot open the store: the path is empty (use MemoryStore for a store in memory)"
            )
        try:
            db = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=_OPEN_TIMEOUT
            )
        except (sqlite3.Error, ValueError) as exc:  # ValueError: a NUL in the path
            raise StoreError(f"cannot open the store {self.path}: {exc}") from None
        try:
            self._prepare(db)
        except (sqlite3.Error, StoreError) as exc:
            db.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot open the store {self.path}: {exc}") from None
        self._db = db

    def _prepare(self, db: sqlite3.Connection) -> None:
        _enter_wal_mode(db)
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(f"PRAGMA busy_timeout={int(_OPEN_TIMEOUT * 1000)}")
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "meta" not in tables:
            raise StoreError(f"cannot open the store {self.path}: it is not a codecells store")
        db.executescript("BEGIN IMMEDIATE;" + _TABLES + "COMMIT;")
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA,))
            (schema,) = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if schema != SCHEMA:
                raise StoreError(
                    f"cannot open the store {self.path}: schema {schema!r}, expected {SCHEMA!r}"
                )
            (check,) = db.execute("PRAGMA quick_check(1)").fetchone()
            if check != "ok":
                raise StoreError(f"cannot open the store {self.path}: it is damaged ({check})")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    @contextmanager
    def _txn(self, what: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = self._db
            if db is None:
                raise StoreError(f"the store {self.path} is closed")
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
            except (sqlite3.Error, ValueError, TypeError) as exc:  # unreadable rows too
                raise StoreError(f"store {self.path}: cannot {what}: {exc}") from None

    # ------------------------------------------------------------------ sessions
    def open_session(self, session_id: str) -> SessionRecord:
        """The session `session_id`, created empty if new."""
        with self._txn("open the session") as db:
            db.execute("INSERT OR IGNORE INTO sessions VALUES (?, 1)", (session_id,))
            values = {
                key: json.loads(value)
                for key, value in db.execute(
                    "SELECT key, value FROM stored_values WHERE session_id=? ORDER BY key",
                    (session_id,),
                )
            }
            ids = tuple(
                r[0]
                for r in db.execute(
                    "SELECT cell_id FROM cells WHERE session_id=? ORDER BY CAST(cell_id AS INTEGER)",
                    (session_id,),
                )
            )
        return SessionRecord(session_id, values, ids)

    def new_cell_id(self, session_id: str, count: int = 1) -> str:
        """The next cell id of the session, the first of `count`, never handed out twice."""
        check_cell_count(count)
        with self._txn("number a cell") as db:
            db.execute("INSERT OR IGNORE INTO sessions VALUES (?, 1)", (session_id,))
            (number,) = db.execute(
                "UPDATE sessions SET next_cell=next_cell+? WHERE session_id=? "
                "RETURNING next_cell - ?",
                (count, session_id, count),
            ).fetchone()
        return str(number)

    # ------------------------------------------------------------------ cells
    def create_cell(self, record: CellRecord, owner: str, lease_until: float) -> None:
        """Record a new cell, held by `owner` until `lease_until`."""
        with self._txn("create a cell") as db:
            db.execute(
                "INSERT INTO cell_records VALUES (?,?,?,?,?,?,?,?)",
                (
                    record.session_id,
                    record.cell_id,
                    record.source,
                    record.tool_call_id,
                    json.dumps(list(record.tools)),
                    json.dumps(record.stored_values),
                    record.seed,
                    record.fingerprint,
                ),
            )
            db.execute(
                "INSERT INTO cells (session_id, cell_id, owner, lease_until) VALUES (?,?,?,?)",
                (record.session_id, record.cell_id, owner, lease_until),
            )

    def append_step(self, session_id: str, cell_id: str, step: StepRecord) -> None:
        """Commit one step: its journal entry, calls, timers and applied arrivals."""
        e, key = step.entry, (session_id, cell_id)
        with self._txn("journal a step") as db:
            updated = db.execute(
                "UPDATE cells SET steps=?, frontier=COALESCE(?, frontier), finish=? "
                "WHERE session_id=? AND cell_id=? AND steps=?",
                (e.n, step.frontier, step.finish, *key, e.n - 1),
            ).rowcount
            if updated != 1:
                raise StoreError(
                    f"store {self.path}: cell {cell_id} of session {session_id} has no step "
                    f"{e.n - 1} to follow (deleted, or journaled by another process)"
                )
            db.execute(
                "INSERT INTO steps VALUES (?,?,?,?,?,?,?)",
                (*key, e.n, e.now_ms, e.commands, e.digest, e.chain),
            )
            db.executemany(
                "INSERT OR IGNORE INTO calls VALUES (?,?,?,?,?,?)",
                [(*key, c.call_id, c.tool_index, json.dumps(c.input), e.n) for c in step.calls],
            )
            db.executemany(
                "INSERT OR REPLACE INTO timers VALUES (?,?,?,?,0)",
                [(*key, timer, due) for timer, due in step.timers_set],
            )
            db.executemany(
                "UPDATE timers SET cleared=1 WHERE session_id=? AND cell_id=? AND timer_id=?",
                [(*key, timer) for timer in step.timers_cleared],
            )
            db.executemany(
                "UPDATE arrivals SET applied=1 WHERE session_id=? AND cell_id=? AND key=?",
                [(*key, k) for k in step.applied],
            )

    def journal(self, session_id: str, cell_id: str) -> list[JournalEntry]:
        """The cell's journal entries in step order."""
        with self._txn("read a journal") as db:
            return [
                JournalEntry(*row)
                for row in db.execute(
                    "SELECT n, now_ms, commands, digest, chain FROM steps "
                    "WHERE session_id=? AND cell_id=? ORDER BY n",
                    (session_id, cell_id),
                )
            ]

    def record_arrival(self, session_id: str, cell_id: str, key: str, command: str) -> bool:
        """Record a tool result or timer firing; False if `key` was recorded before."""
        with self._txn("record a tool result") as db:
            return (
                db.execute(
                    "INSERT OR IGNORE INTO arrivals (session_id, cell_id, key, command, seq) "
                    "SELECT ?, ?, ?, ?, COALESCE(MAX(seq), 0) + 1 FROM arrivals "
                    "WHERE session_id=? AND cell_id=?",
                    (session_id, cell_id, key, command, session_id, cell_id),
                ).rowcount
                == 1
            )

    def arrivals(self, session_id: str, cell_id: str) -> list[tuple[str, str]]:
        """Arrivals not applied yet, in arrival order."""
        with self._txn("read tool results") as db:
            return _arrivals(db, session_id, cell_id)

    def claim(
        self, session_id: str, cell_id: str, generation: int, owner: str, now: float, lease: float
    ) -> bool:
        """Compare-and-set the resume of `generation` for `owner` (see `Store.claim`)."""
        with self._txn("claim a resume") as db:
            return (
                db.execute(
                    "UPDATE cells SET resumed=?, owner=?, lease_until=? "
                    "WHERE session_id=? AND cell_id=? AND completed IS NULL AND (resumed < ? "
                    "OR (resumed = ? AND (owner=? OR owner IS NULL OR lease_until < ?)))",
                    (
                        generation,
                        owner,
                        now + lease,
                        session_id,
                        cell_id,
                        generation,
                        generation,
                        owner,
                        now,
                    ),  # fmt: skip
                ).rowcount
                == 1
            )

    def observed(self, session_id: str, cell_id: str, generation: int) -> None:
        """Frontier `generation` was delivered to an observer."""
        with self._txn("record an observation") as db:
            db.execute(
                "UPDATE cells SET observed=MAX(observed, ?) WHERE session_id=? AND cell_id=?",
                (generation, session_id, cell_id),
            )

    def release(self, session_id: str, cell_id: str, owner: str) -> None:
        """`owner` lets go of the cell."""
        with self._txn("release a cell") as db:
            db.execute(
                "UPDATE cells SET owner=NULL, lease_until=0 "
                "WHERE session_id=? AND cell_id=? AND owner=?",
                (session_id, cell_id, owner),
            )

    def renew(self, owner: str, lease_until: float) -> None:
        """Extend the lease of every cell `owner` holds."""
        with self._txn("renew leases") as db:
            db.execute("UPDATE cells SET lease_until=? WHERE owner=?", (lease_until, owner))

    def complete(self, session_id: str, cell_id: str, completed: str, writes: str) -> bool:
        """Once per cell: record the completion and commit `writes`, atomically."""
        with self._txn("commit a completion") as db:
            done = db.execute(
                "UPDATE cells SET completed=? WHERE session_id=? AND cell_id=? "
                "AND completed IS NULL",
                (completed, session_id, cell_id),
            ).rowcount
            if done != 1:
                return False
            db.executemany(
                "INSERT OR REPLACE INTO stored_values VALUES (?,?,?)",
                [(session_id, key, json.dumps(value)) for key, value in json.loads(writes).items()],
            )
            return True

    def restart(self, session_id: str, cell_id: str, owner: str, lease_until: float) -> None:
        """Forget the journal of a cell that never reached a frontier; `owner` reruns it."""
        with self._txn("restart a cell") as db:
            _delete(db, session_id, cell_id, _JOURNAL_TABLES)
            db.execute(
                "UPDATE cells SET steps=0, frontier=NULL, finish=NULL, resumed=0, owner=?, "
                "lease_until=? WHERE session_id=? AND cell_id=?",
                (owner, lease_until, session_id, cell_id),
            )

    def delete_cell(self, session_id: str, cell_id: str) -> None:
        """Forget the cell and its journal."""
        with self._txn("delete a cell") as db:
            _delete(db, session_id, cell_id, _CELL_TABLES)

    def load_cell(self, session_id: str, cell_id: str) -> StoredCell | None:
        """The cell, or None if the store does not hold it."""
        key = (session_id, cell_id)
        with self._txn("load a cell") as db:
            row = db.execute(
                "SELECT source, tool_call_id, tools, stored, seed, fingerprint, steps, frontier, "
                "finish, completed, resumed, observed, owner, lease_until FROM cell_records "
                "JOIN cells USING (session_id, cell_id) WHERE session_id=? AND cell_id=?",
                key,
            ).fetchone()
            if row is None:
                return None
            queued = tuple(_arrivals(db, *key))
            outstanding = tuple(
                CallRecord(call_id, tool_index, json.loads(value))
                for call_id, tool_index, value in db.execute(
                    "SELECT call_id, tool_index, input FROM calls c WHERE session_id=? "
                    "AND cell_id=? AND NOT EXISTS (SELECT 1 FROM arrivals a WHERE "
                    "a.session_id=c.session_id AND a.cell_id=c.cell_id "
                    "AND a.key='call:' || c.call_id) ORDER BY seq, "
                    "CAST(SUBSTR(call_id, 6) AS INTEGER)",
                    key,
                )
            )
            timers = tuple(
                (int(t), int(d))
                for t, d in db.execute(
                    "SELECT timer_id, due_ms FROM timers t WHERE session_id=? AND cell_id=? "
                    "AND cleared=0 AND NOT EXISTS (SELECT 1 FROM arrivals a WHERE "
                    "a.session_id=t.session_id AND a.cell_id=t.cell_id "
                    "AND a.key='timer:' || t.timer_id) ORDER BY timer_id",
                    key,
                )
            )
        (source, tool_call_id, tools, stored, seed, fingerprint, steps, frontier, finish,
         completed, resumed, observed, owner, lease_until) = row  # fmt: skip
        record = CellRecord(
            session_id=session_id,
            cell_id=cell_id,
            source=source,
            tool_call_id=tool_call_id,
            tools=tuple(json.loads(tools)),
            stored_values=json.loads(stored),
            seed=int(seed),
            fingerprint=fingerprint,
        )
        return StoredCell(
            record=record,
            steps=int(steps),
            frontier=frontier,
            finish=finish,
            completed=completed,
            resumed=int(resumed),
            observed=int(observed),
            owner=owner,
            lease_until=float(lease_until),
            queued=queued,
            outstanding=outstanding,
            timers=timers,
        )

    def close(self) -> None:
        """Close the connection. Idempotent."""
        with self._lock:
            db, self._db = self._db, None
        if db is not None:
            db.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.path!r})"


def _arrivals(db: sqlite3.Connection, session_id: str, cell_id: str) -> list[tuple[str, str]]:
    return [
        (key, command)
        for key, command in db.execute(
            "SELECT key, command FROM arrivals WHERE session_id=? AND cell_id=? AND applied=0 "
            "ORDER BY seq",
            (session_id, cell_id),
        )
    ]


def _delete(db: sqlite3.Connection, session_id: str, cell_id: str, tables: tuple[str, ...]) -> None:
    for table in tables:  # names from _CELL_TABLES only
        db.execute(f"DELETE FROM {table} WHERE session_id=? AND cell_id=?", (session_id, cell_id))  # noqa: S608


class MemoryStore(SQLiteStore):
    """A store that lives in this process only (SQLite ``:memory:``), for tests and examples:
    the same code and transactions as `SQLiteStore`, nothing written to disk."""

    def __init__(self) -> None:
        super().__init__(":memory:")
