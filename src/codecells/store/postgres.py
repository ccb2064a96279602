"""`PostgresStore`: the store for more than one machine (PostgreSQL through ``psycopg`` 3).

Needs the ``codecells[postgres]`` extra; nothing else in codecells imports this module. One
connection per store object, shared by the event loop and the step workers under a lock; any
number of processes on any number of machines may open the same database. Each method is one
transaction; the generation claim and the journal append are conditional UPDATEs, which
PostgreSQL serialises per row. The tables live in their own schema (``codecells`` unless told).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

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
from .sqlite import SCHEMA

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

_CELL_TABLES = ("cells", "steps", "calls", "timers", "arrivals")

_CELL_COLUMNS = (
    "source, tool_call_id, tools, stored, seed, fingerprint, steps, frontier, finish, "
    "completed, resumed, observed, owner, lease_until"
)


def _describe(conninfo: str) -> str:
    """The connection string without its password, for messages."""
    try:
        params = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "postgresql (unparsable connection string)"
    params.pop("password", None)
    return "postgresql " + " ".join(f"{k}={v}" for k, v in sorted(params.items()))


class PostgresStore:
    """A `codecells.store.Store` in a PostgreSQL database (`conninfo`: a libpq connection
    string or URL), its tables in `schema` (created if missing)."""

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
    def _txn(self, what: str) -> Iterator[psycopg.Connection[Any]]:
        with self._lock:
            db = self._db
            if db is None:
                raise StoreError(f"the store {self.where} is closed")
            try:
                with db.transaction():
                    yield db
            except (psycopg.Error, ValueError, TypeError) as exc:
                raise StoreError(f"store {self.where}: cannot {what}: {exc}") from None

    # ------------------------------------------------------------------ sessions
    def open_session(self, session_id: str) -> SessionRecord:
        """The session `session_id`, created empty if new."""
        with self._txn("open the session") as db:
            db.execute("INSERT INTO sessions VALUES (%s, 1) ON CONFLICT DO NOTHING", (session_id,))
            values = db.execute(
                "SELECT key, value FROM stored_values WHERE session_id=%s ORDER BY key",
                (session_id,),
            ).fetchall()
            ids = db.execute(
                "SELECT cell_id FROM cells WHERE session_id=%s ORDER BY CAST(cell_id AS BIGINT)",
                (session_id,),
            ).fetchall()
        return SessionRecord(
            session_id, {key: json.loads(value) for key, value in values}, tuple(r[0] for r in ids)
        )

    def new_cell_id(self, session_id: str, count: int = 1) -> str:
        """The next cell id of the session, the first of `count`, never handed out twice."""
        check_cell_count(count)
        with self._txn("number a cell") as db:
            row = db.execute(
                "INSERT INTO sessions VALUES (%s, 1 + %s) ON CONFLICT (session_id) "
                "DO UPDATE SET next_cell=sessions.next_cell+%s RETURNING next_cell - %s",
                (session_id, count, count, count),
            ).fetchone()
        assert row is not None
        return str(row[0])

    # ------------------------------------------------------------------ cells
    def create_cell(self, record: CellRecord, owner: str, lease_until: float) -> None:
        """Record a new cell, held by `owner` until `lease_until`."""
        r = record
        with self._txn("create a cell") as db:
            db.execute(
                "INSERT INTO cells (session_id, cell_id, source, tool_call_id, tools, stored, "
                "seed, fingerprint, owner, lease_until) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                (r.session_id, r.cell_id, r.source, r.tool_call_id, json.dumps(list(r.tools)),
                 json.dumps(r.stored_values), r.seed, r.fingerprint, owner, lease_until),
            )  # fmt: skip

    def append_step(self, session_id: str, cell_id: str, step: StepRecord) -> None:
        """Commit one step: its journal entry, calls, timers and applied arrivals."""
        e, key = step.entry, (session_id, cell_id)
        with self._txn("journal a step") as db:
            updated = db.execute(
                "UPDATE cells SET steps=%s, frontier=COALESCE(%s, frontier), finish=%s "
                "WHERE session_id=%s AND cell_id=%s AND steps=%s",
                (e.n, step.frontier, step.finish, *key, e.n - 1),
            ).rowcount
            if updated != 1:
                raise StoreError(
                    f"store {self.where}: cell {cell_id} of session {session_id} has no step "
                    f"{e.n - 1} to follow (deleted, or journaled by another process)"
                )
            cur = db.cursor()
            cur.execute(
                "INSERT INTO steps VALUES (%s,%s,%s,%s,%s,%s,%s)",
                (*key, e.n, e.now_ms, e.commands, e.digest, e.chain),
            )
            cur.executemany(
                "INSERT INTO calls VALUES (%s,%s,%s,%s,%s,%s) ON CONFLICT DO NOTHING",
                [(*key, c.call_id, c.tool_index, json.dumps(c.input), e.n) for c in step.calls],
            )
            cur.executemany(
                "INSERT INTO timers VALUES (%s,%s,%s,%s,FALSE) ON CONFLICT "
                "(session_id, cell_id, timer_id) DO UPDATE SET due_ms=EXCLUDED.due_ms, "
                "cleared=FALSE",
                [(*key, timer, due) for timer, due in step.timers_set],
            )
            cur.executemany(
                "UPDATE timers SET cleared=TRUE WHERE session_id=%s AND cell_id=%s AND timer_id=%s",
                [(*key, timer) for timer in step.timers_cleared],
            )
            cur.executemany(
                "UPDATE arrivals SET applied=TRUE WHERE session_id=%s AND cell_id=%s AND key=%s",
                [(*key, k) for k in step.applied],
            )

    def journal(self, session_id: str, cell_id: str) -> list[JournalEntry]:
        """The cell's journal entries in step order."""
        with self._txn("read a journal") as db:
            rows = db.execute(
                "SELECT n, now_ms, commands, digest, chain FROM steps "
                "WHERE session_id=%s AND cell_id=%s ORDER BY n",
                (session_id, cell_id),
            ).fetchall()
        return [JournalEntry(int(n), int(now), c, d, ch) for n, now, c, d, ch in rows]

    def record_arrival(self, session_id: str, cell_id: str, key: str, command: str) -> bool:
        """Record a tool result or timer firing; False if `key` was recorded before."""
        with self._txn("record a tool result") as db:
            inserted = db.execute(
                "INSERT INTO arrivals (session_id, cell_id, key, command) VALUES (%s,%s,%s,%s) "
                "ON CONFLICT DO NOTHING",
                (session_id, cell_id, key, command),
            ).rowcount
        return inserted == 1

    def arrivals(self, session_id: str, cell_id: str) -> list[tuple[str, str]]:
        """Arrivals not applied yet, in arrival order."""
        with self._txn("read tool results") as db:
            return _arrivals(db, session_id, cell_id)

    def claim(
        self, session_id: str, cell_id: str, generation: int, owner: str, now: float, lease: float
    ) -> bool:
        """Compare-and-set the resume of `generation` for `owner` (see `Store.claim`)."""
        with self._txn("claim a resume") as db:
            claimed = db.execute(
                "UPDATE cells SET resumed=%s, owner=%s, lease_until=%s "
                "WHERE session_id=%s AND cell_id=%s AND completed IS NULL AND (resumed < %s "
                "OR (resumed = %s AND (owner=%s OR owner IS NULL OR lease_until < %s)))",
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
        return claimed == 1

    def observed(self, session_id: str, cell_id: str, generation: int) -> None:
        """Frontier `generation` was delivered to an observer."""
        with self._txn("record an observation") as db:
            db.execute(
                "UPDATE cells SET observed=GREATEST(observed, %s) "
                "WHERE session_id=%s AND cell_id=%s",
                (generation, session_id, cell_id),
            )

    def release(self, session_id: str, cell_id: str, owner: str) -> None:
        """`owner` lets go of the cell."""
        with self._txn("release a cell") as db:
            db.execute(
                "UPDATE cells SET owner=NULL, lease_until=0 "
                "WHERE session_id=%s AND cell_id=%s AND owner=%s",
                (session_id, cell_id, owner),
            )

    def renew(self, owner: str, lease_until: float) -> None:
        """Extend the lease of every cell `owner` holds."""
        with self._txn("renew leases") as db:
            db.execute("UPDATE cells SET lease_until=%s WHERE owner=%s", (lease_until, owner))

    def complete(self, session_id: str, cell_id: str, completed: str, writes: str) -> bool:
        """Once per cell: record the completion and commit `writes`, atomically."""
        with self._txn("commit a completion") as db:
            done = db.execute(
                "UPDATE cells SET completed=%s WHERE session_id=%s AND cell_id=%s "
                "AND completed IS NULL",
                (completed, session_id, cell_id),
            ).rowcount
            if done != 1:
                return False
            db.cursor().executemany(
                "INSERT INTO stored_values VALUES (%s,%s,%s) ON CONFLICT (session_id, key) "
                "DO UPDATE SET value=EXCLUDED.value",
                [(session_id, k, json.dumps(v)) for k, v in json.loads(writes).items()],
            )
        return True

    def restart(self, session_id: str, cell_id: str, owner: str, lease_until: float) -> None:
        """Forget the journal of a cell that never reached a frontier; `owner` reruns it."""
        with self._txn("restart a cell") as db:
            _delete(db, session_id, cell_id, _CELL_TABLES[1:])
            db.execute(
                "UPDATE cells SET steps=0, frontier=NULL, finish=NULL, resumed=0, owner=%s, "
                "lease_until=%s WHERE session_id=%s AND cell_id=%s",
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
                f"SELECT {_CELL_COLUMNS} FROM cells WHERE session_id=%s AND cell_id=%s",  # noqa: S608
                key,
            ).fetchone()
            if row is None:
                return None
            queued = _arrivals(db, *key)
            outstanding = db.execute(
                "SELECT call_id, tool_index, input FROM calls c WHERE session_id=%s "
                "AND cell_id=%s AND NOT EXISTS (SELECT 1 FROM arrivals a WHERE "
                "a.session_id=c.session_id AND a.cell_id=c.cell_id "
                "AND a.key='call:' || c.call_id) ORDER BY seq, "
                "CAST(SUBSTR(call_id, 6) AS BIGINT)",
                key,
            ).fetchall()
            timers = db.execute(
                "SELECT timer_id, due_ms FROM timers t WHERE session_id=%s AND cell_id=%s "
                "AND NOT cleared AND NOT EXISTS (SELECT 1 FROM arrivals a WHERE "
                "a.session_id=t.session_id AND a.cell_id=t.cell_id "
                "AND a.key='timer:' || t.timer_id) ORDER BY timer_id",
                key,
            ).fetchall()
            return self._stored_cell(session_id, cell_id, row, queued, outstanding, timers)

    @staticmethod
    def _stored_cell(
        session_id: str,
        cell_id: str,
        row: tuple[Any, ...],
        queued: list[tuple[str, str]],
        outstanding: list[tuple[Any, ...]],
        timers: list[tuple[Any, ...]],
    ) -> StoredCell:
        """The rows as a `StoredCell` (unreadable JSON raises ValueError: a `StoreError`)."""
        columns = dict(zip(_CELL_COLUMNS.split(", "), row, strict=True))
        return StoredCell(
            record=CellRecord(
                session_id=session_id,
                cell_id=cell_id,
                source=columns["source"],
                tool_call_id=columns["tool_call_id"],
                tools=tuple(json.loads(columns["tools"])),
                stored_values=json.loads(columns["stored"]),
                seed=int(columns["seed"]),
                fingerprint=columns["fingerprint"],
            ),
            steps=int(columns["steps"]),
            frontier=columns["frontier"],
            finish=columns["finish"],
            completed=columns["completed"],
            resumed=int(columns["resumed"]),
            observed=int(columns["observed"]),
            owner=columns["owner"],
            lease_until=float(columns["lease_until"]),
            queued=tuple(queued),
            outstanding=tuple(CallRecord(c, int(i), json.loads(v)) for c, i, v in outstanding),
            timers=tuple((int(t), int(d)) for t, d in timers),
        )

    def close(self) -> None:
        """Close the connection. Idempotent."""
        with self._lock:
            db, self._db = self._db, None
        if db is not None:
            db.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.where!r})"


def _arrivals(db: psycopg.Connection[Any], session_id: str, cell_id: str) -> list[tuple[str, str]]:
    rows = db.execute(
        "SELECT key, command FROM arrivals WHERE session_id=%s AND cell_id=%s AND NOT applied "
        "ORDER BY seq",
        (session_id, cell_id),
    ).fetchall()
    return [(str(key), str(command)) for key, command in rows]


def _delete(
    db: psycopg.Connection[Any], session_id: str, cell_id: str, tables: tuple[str, ...]
) -> None:
    for table in tables:
        db.execute(
            sql.SQL("DELETE FROM {} WHERE session_id=%s AND cell_id=%s").format(
                sql.Identifier(table)
            ),
            (session_id, cell_id),
        )
