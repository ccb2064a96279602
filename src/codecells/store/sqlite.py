"""`SQLiteStore`: the embedded default store (standard library `sqlite3`, WAL mode).

One connection per store object, shared by the event loop and the step workers under a lock;
several processes may open the same file (SQLite's file locks serialise writers; the generation
claim is one conditional UPDATE). Each method is one transaction (``BEGIN IMMEDIATE``).
``synchronous=NORMAL``: a committed step survives the process being killed; after a power loss
the last transactions may be lost, never half-applied.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from os import PathLike
from typing import Any

from ..errors import StoreError
from .sql import CELL_COLUMNS, SCHEMA, SQLStore, Statements

__all__ = ["MemoryStore", "SQLiteStore"]

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


class SQLiteStore(SQLStore):
    """A `codecells.store.Store` in an SQLite database file (created if missing)."""

    _CELL_TABLES = ("cell_records", "cells", "steps", "calls", "timers", "arrivals")
    """A cell's creation record (large, written once) has a table of its own: SQLite rewrites a
    whole row on every UPDATE, so with the source and stored-values snapshot in `cells`, each
    claim, observation and lease renewal would rewrite them (tens of ms per MB, on the loop)."""
    _SELECT_CELL = (
        f"SELECT {', '.join(CELL_COLUMNS)} FROM cell_records JOIN cells "  # noqa: S608
        "USING (session_id, cell_id) WHERE session_id=? AND cell_id=?"
    )
    _RECORD_ARRIVAL = (
        "INSERT OR IGNORE INTO arrivals (session_id, cell_id, key, command, seq) "
        "SELECT ?1, ?2, ?3, ?4, COALESCE(MAX(seq), 0) + 1 FROM arrivals "
        "WHERE session_id=?1 AND cell_id=?2"
    )

    def __init__(self, path: str | PathLike[str]) -> None:
        self.path = self.where = str(path)
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
    def _txn(self, what: str) -> Iterator[sqlite3.Cursor]:
        with self._lock:
            db = self._db
            if db is None:
                raise StoreError(f"the store {self.path} is closed")
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db.cursor()
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
            except (sqlite3.Error, ValueError, TypeError) as exc:  # unreadable rows too
                raise StoreError(f"store {self.path}: cannot {what}: {exc}") from None

    def _insert_cell(self, db: Statements, row: tuple[Any, ...]) -> None:
        db.execute("INSERT INTO cell_records VALUES (?,?,?,?,?,?,?,?)", row[:8])
        db.execute(
            "INSERT INTO cells (session_id, cell_id, owner, lease_until) VALUES (?,?,?,?)",
            (*row[:2], *row[8:]),
        )


class MemoryStore(SQLiteStore):
    """A store that lives in this process only (SQLite ``:memory:``), for tests and examples:
    the same code and transactions as `SQLiteStore`, nothing written to disk."""

    def __init__(self) -> None:
        super().__init__(":memory:")
