"""`PostgresStore`: the store for more than one machine (PostgreSQL through ``psycopg`` 3).

Needs the ``codecells[postgres]`` extra; nothing else in codecells imports this module. One
connection per store object, shared by the event loop and the step workers under a lock; any
number of processes on any number of machines may open the same database. Each method is one
transaction; the generation claim and the journal append are conditional UPDATEs, which
PostgreSQL serialises per row. The tables live in their own schema (``codecells`` unless told).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from ..errors import StoreError
from .sql import CELL_COLUMNS, SCHEMA, SQLStore, Statements

__all__ = ["PostgresStore"]

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (session_id TEXT PRIMARY KEY, next_cell BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS stored_values (
  session_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (session_id, key));
CREATE TABLE IF NOT EXISTS cells (
  session_id TEXT NOT NULL, cell_id TEXT NOT NULL, source TEXT NOT NULL,
  tool_call_id TEXT NOT NULL, tools TEXT NOT NULL, stored TEXT NOT NULL, seed BIGINT NOT NULL,
  fingerprint TEXT NOT NULL, steps BIGINT NOT NULL DEFAULT 0, frontier TEXT, finish TEXT,
  completed TEXT, resumed BIGINT NOT NULL DEFAULT 0, observed BIGINT NOT NULL DEFAULT 0,
  owner TEXT,
  lease_until DOUBLE PRECISION NOT NULL DEFAULT 0,
  PRIMARY KEY (session_id, cell_id));
CREATE INDEX IF NOT EXISTS cells_owner ON cells (owner);
CREATE TABLE IF NOT EXISTS steps (
  session_id TEXT NOT NULL, cell_id TEXT NOT NULL, n BIGINT NOT NULL, now_ms BIGINT NOT NULL,
  commands TEXT NOT NULL, digest TEXT NOT NULL, chain TEXT NOT NULL,
  PRIMARY KEY (session_id, cell_id, n));
CREATE TABLE IF NOT EXISTS calls (
  session_id TEXT NOT NULL, cell_id TEXT NOT NULL, call_id TEXT NOT NULL,
  tool_index BIGINT NOT NULL, input TEXT NOT NULL, seq BIGINT NOT NULL,
  PRIMARY KEY (session_id, cell_id, call_id));
CREATE TABLE IF NOT EXISTS timers (
  session_id TEXT NOT NULL, cell_id TEXT NOT NULL, timer_id BIGINT NOT NULL,
  due_ms BIGINT NOT NULL, cleared BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (session_id, cell_id, timer_id));
CREATE TABLE IF NOT EXISTS arrivals (
  session_id TEXT NOT NULL, cell_id TEXT NOT NULL, key TEXT NOT NULL, command TEXT NOT NULL,
  seq BIGINT GENERATED ALWAYS AS IDENTITY, applied BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (session_id, cell_id, key));
"""


def _describe(conninfo: str) -> str:
    """The connection string without its password, for messages."""
    try:
        params = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "postgresql (unparsable connection string)"
    params.pop("password", None)
    return "postgresql " + " ".join(f"{k}={v}" for k, v in sorted(params.items()))


class PostgresStore(SQLStore):
    """A `codecells.store.Store` in a PostgreSQL database (`conninfo`: a libpq connection
    string or URL), its tables in `schema` (created if missing)."""

    _PERCENT_PLACEHOLDERS = True
    _CELL_TABLES = ("cells", "steps", "calls", "timers", "arrivals")
    _SELECT_CELL = (
        f"SELECT {', '.join(CELL_COLUMNS)} FROM cells "  # noqa: S608
        "WHERE session_id=? AND cell_id=?"
    )
    _RECORD_ARRIVAL = (  # `seq`: an identity column, ordered as the inserts commit
        "INSERT INTO arrivals (session_id, cell_id, key, command) VALUES (?,?,?,?) "
        "ON CONFLICT DO NOTHING"
    )

    def __init__(self, conninfo: str, *, schema: str = "codecells") -> None:
        self.where = _describe(conninfo)
        self._lock = threading.Lock()
        self._db: psycopg.Connection[Any] | None = None
        try:
            db = psycopg.connect(conninfo, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(f"cannot open the store {self.where}: {exc}") from None
        try:
            self._prepare(db, schema)
        except (psycopg.Error, StoreError) as exc:
            db.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot open the store {self.where}: {exc}") from None
        self._db = db

    def _prepare(self, db: psycopg.Connection[Any], schema: str) -> None:
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(hashtext('codecells-store'))")
            db.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            db.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
            db.execute(_TABLES.encode())
            db.execute("INSERT INTO meta VALUES ('schema', %s) ON CONFLICT DO NOTHING", (SCHEMA,))
            row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None or row[0] != SCHEMA:
                found = row[0] if row else None
                raise StoreError(
                    f"cannot open the store {self.where}: schema {found!r}, expected {SCHEMA!r}"
                )

    @contextmanager
    def _txn(self, what: str) -> Iterator[psycopg.Cursor[Any]]:
        with self._lock:
            db = self._db
            if db is None:
                raise StoreError(f"the store {self.where} is closed")
            try:
                with db.transaction(), db.cursor() as cursor:
                    yield cursor
            except (psycopg.Error, ValueError, TypeError) as exc:
                raise StoreError(f"store {self.where}: cannot {what}: {exc}") from None

    def _insert_cell(self, db: Statements, row: tuple[Any, ...]) -> None:
        db.execute(
            "INSERT INTO cells (session_id, cell_id, source, tool_call_id, tools, stored, "
            "seed, fingerprint, owner, lease_until) VALUES (?,?,?,?,?,?,?,?,?,?)",
            row,
        )
