"""`SQLStore`: the `Store` methods written once in SQL both SQLite and PostgreSQL run.

A subclass opens its database and supplies one transaction per method (`_txn`, yielding a
DB-API cursor), the placeholder style of its driver, and the few statements where the two
layouts differ: SQLite keeps a cell's large creation record in a table of its own
(`cell_records`, so small updates don't rewrite it), PostgreSQL in the `cells` row (its large
values live out of line and are not rewritten); PostgreSQL numbers arrivals with an identity
column. Everything else — upserts (``ON CONFLICT``), ``RETURNING``, ``TRUE``/``FALSE`` — is
the SQL both accept.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache
from typing import Any, ClassVar, Protocol

from ..errors import StoreError
from .records import CallRecord, CellRecord, JournalEntry, SessionRecord, StepRecord, StoredCell

__all__ = ["CELL_COLUMNS", "SCHEMA", "Cursor", "SQLStore", "Statements"]

SCHEMA = "codecells-store-2"
"""The layout version both stores write into their ``meta`` table and check on opening."""

CELL_COLUMNS = (
    "source",
    "tool_call_id",
    "tools",
    "stored",
    "seed",
    "fingerprint",
    "steps",
    "frontier",
    "finish",
    "completed",
    "resumed",
    "observed",
    "owner",
    "lease_until",
)
"""What `SQLStore._SELECT_CELL` selects, in this order."""


class Cursor(Protocol):
    """The part of a DB-API cursor the stores use (``sqlite3`` and ``psycopg`` alike)."""

    @property
    def rowcount(self) -> int: ...
    def execute(self, query: Any, params: Any = ..., /) -> Any: ...
    def executemany(self, query: Any, params: Any, /) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


@lru_cache(maxsize=256)
def _format_placeholders(query: str) -> str:
    """``?`` placeholders as ``%s`` (psycopg); the queries hold no other ``?`` or ``%``."""
    return query.replace("?", "%s")


class Statements:
    """A transaction's cursor, taking queries with ``?`` placeholders in either dialect."""

    def __init__(self, cursor: Cursor, percent: bool) -> None:
        self._cursor = cursor
        self._percent = percent

    def _query(self, query: str) -> str:
        return _format_placeholders(query) if self._percent else query

    def execute(self, query: str, params: Sequence[Any] = ()) -> Cursor:
        self._cursor.execute(self._query(query), params)
        return self._cursor

    def rows(self, query: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.execute(query, params).fetchall()

    def executemany(self, query: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self._cursor.executemany(self._query(query), rows)


class SQLStore:
    """The `codecells.store.Store` methods over a subclass's database (see the module doc)."""

    where: str
    """The database, for messages (a path; a connection string without its password)."""
    _db: Any  # the subclass's connection; None once closed
    _lock: threading.Lock  # one transaction at a time on it

    _PERCENT_PLACEHOLDERS: ClassVar[bool] = False
    _CELL_TABLES: ClassVar[tuple[str, ...]]
    """Every table holding a row per cell (or per cell and step, call, ...)."""
    _JOURNAL_TABLES: ClassVar[tuple[str, ...]] = ("steps", "calls", "timers", "arrivals")
    _SELECT_CELL: ClassVar[str]
    """Selects `CELL_COLUMNS` of cell ``session_id=? AND cell_id=?``."""
    _RECORD_ARRIVAL: ClassVar[str]
    """Inserts an arrival (``session_id, cell_id, key, command``) numbered after the others,
    doing nothing if its key was recorded before."""

    def _txn(self, what: str) -> AbstractContextManager[Cursor]:
        """One transaction (`StoreError` naming `what` if it fails); yields its cursor."""
        raise NotImplementedError

    def _insert_cell(self, db: Statements, row: tuple[Any, ...]) -> None:
        """Insert a new cell's rows; `row`: ``session_id, cell_id, source, tool_call_id,
        tools, stored, seed, fingerprint, owner, lease_until``."""
        raise NotImplementedError

    @contextmanager
    def _transaction(self, what: str) -> Iterator[Statements]:
        with self._txn(what) as cursor:
            yield Statements(cursor, self._PERCENT_PLACEHOLDERS)

    # ------------------------------------------------------------------ sessions
    def open_session(self, session_id: str) -> SessionRecord:
        """The session `session_id`, created empty if new."""
        with self._transaction("open the session") as db:
            db.execute("INSERT INTO sessions VALUES (?, 1) ON CONFLICT DO NOTHING", (session_id,))
            values = db.rows(
                "SELECT key, value FROM stored_values WHERE session_id=? ORDER BY key",
                (session_id,),
            )
            ids = db.rows(
                "SELECT cell_id FROM cells WHERE session_id=? ORDER BY CAST(cell_id AS BIGINT)",
                (session_id,),
            )
        return SessionRecord(
            session_id, {key: json.loads(value) for key, value in values}, tuple(r[0] for r in ids)
        )

    def new_cell_id(self, session_id: str) -> str:
        """The next cell id of the session, never handed out twice."""
        with self._transaction("number a cell") as db:
            (number,) = db.execute(
                "INSERT INTO sessions VALUES (?, 2) ON CONFLICT (session_id) "
                "DO UPDATE SET next_cell=sessions.next_cell+1 RETURNING next_cell - 1",
                (session_id,),
            ).fetchone()
        return str(number)

    # ------------------------------------------------------------------ cells
    def create_cell(self, record: CellRecord, owner: str, lease_until: float) -> None:
        """Record a new cell, held by `owner` until `lease_until`."""
        r = record
        row = (r.session_id, r.cell_id, r.source, r.tool_call_id, json.dumps(list(r.tools)),
               json.dumps(r.stored_values), r.seed, r.fingerprint, owner, lease_until)  # fmt: skip
        with self._transaction("create a cell") as db:
            self._insert_cell(db, row)

    def append_step(self, session_id: str, cell_id: str, step: StepRecord) -> None:
        """Commit one step: its journal entry, calls, timers and applied arrivals."""
        e, key = step.entry, (session_id, cell_id)
        with self._transaction("journal a step") as db:
            updated = db.execute(
                "UPDATE cells SET steps=?, frontier=COALESCE(?, frontier), finish=? "
                "WHERE session_id=? AND cell_id=? AND steps=?",
                (e.n, step.frontier, step.finish, *key, e.n - 1),
            ).rowcount
            if updated != 1:
                raise StoreError(
                    f"store {self.where}: cell {cell_id} of session {session_id} has no step "
                    f"{e.n - 1} to follow (deleted, or journaled by another process)"
                )
            db.execute(
                "INSERT INTO steps VALUES (?,?,?,?,?,?,?)",
                (*key, e.n, e.now_ms, e.commands, e.digest, e.chain),
            )
            db.executemany(
                "INSERT INTO calls VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                [(*key, c.call_id, c.tool_index, json.dumps(c.input), e.n) for c in step.calls],
            )
            db.executemany(
                "INSERT INTO timers VALUES (?,?,?,?,FALSE) ON CONFLICT "
                "(session_id, cell_id, timer_id) DO UPDATE SET due_ms=excluded.due_ms, "
                "cleared=FALSE",
                [(*key, timer, due) for timer, due in step.timers_set],
            )
            db.executemany(
                "UPDATE timers SET cleared=TRUE WHERE session_id=? AND cell_id=? AND timer_id=?",
                [(*key, timer) for timer in step.timers_cleared],
            )
            db.executemany(
                "UPDATE arrivals SET applied=TRUE WHERE session_id=? AND cell_id=? AND key=?",
                [(*key, k) for k in step.applied],
            )

    def journal(self, session_id: str, cell_id: str) -> list[JournalEntry]:
        """The cell's journal entries in step order."""
        with self._transaction("read a journal") as db:
            rows = db.rows(
                "SELECT n, now_ms, commands, digest, chain FROM steps "
                "WHERE session_id=? AND cell_id=? ORDER BY n",
                (session_id, cell_id),
            )
        return [JournalEntry(int(n), int(now), c, d, ch) for n, now, c, d, ch in rows]

    def record_arrival(self, session_id: str, cell_id: str, key: str, command: str) -> bool:
        """Record a tool result or timer firing; False if `key` was recorded before."""
        with self._transaction("record a tool result") as db:
            inserted = db.execute(
                self._RECORD_ARRIVAL, (session_id, cell_id, key, command)
            ).rowcount
        return inserted == 1

    def arrivals(self, session_id: str, cell_id: str) -> list[tuple[str, str]]:
        """Arrivals not applied yet, in arrival order."""
        with self._transaction("read tool results") as db:
            return _arrivals(db, session_id, cell_id)

    def claim(
        self, session_id: str, cell_id: str, generation: int, owner: str, now: float, lease: float
    ) -> bool:
        """Compare-and-set the resume of `generation` for `owner` (see `Store.claim`)."""
        with self._transaction("claim a resume") as db:
            claimed = db.execute(
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
        return claimed == 1

    def observed(self, session_id: str, cell_id: str, generation: int) -> None:
        """Frontier `generation` was delivered to an observer."""
        with self._transaction("record an observation") as db:
            db.execute(
                "UPDATE cells SET observed=? WHERE session_id=? AND cell_id=? AND observed < ?",
                (generation, session_id, cell_id, generation),
            )

    def release(self, session_id: str, cell_id: str, owner: str) -> None:
        """`owner` lets go of the cell."""
        with self._transaction("release a cell") as db:
            db.execute(
                "UPDATE cells SET owner=NULL, lease_until=0 "
                "WHERE session_id=? AND cell_id=? AND owner=?",
                (session_id, cell_id, owner),
            )

    def renew(self, owner: str, lease_until: float) -> None:
        """Extend the lease of every cell `owner` holds."""
        with self._transaction("renew leases") as db:
            db.execute("UPDATE cells SET lease_until=? WHERE owner=?", (lease_until, owner))

    def complete(self, session_id: str, cell_id: str, completed: str, writes: str) -> bool:
        """Once per cell: record the completion and commit `writes`, atomically."""
        with self._transaction("commit a completion") as db:
            done = db.execute(
                "UPDATE cells SET completed=? WHERE session_id=? AND cell_id=? "
                "AND completed IS NULL",
                (completed, session_id, cell_id),
            ).rowcount
            if done != 1:
                return False
            db.executemany(
                "INSERT INTO stored_values VALUES (?,?,?) ON CONFLICT (session_id, key) "
                "DO UPDATE SET value=excluded.value",
                [(session_id, k, json.dumps(v)) for k, v in json.loads(writes).items()],
            )
        return True

    def restart(self, session_id: str, cell_id: str, owner: str, lease_until: float) -> None:
        """Forget the journal of a cell that never reached a frontier; `owner` reruns it."""
        with self._transaction("restart a cell") as db:
            _delete(db, session_id, cell_id, self._JOURNAL_TABLES)
            db.execute(
                "UPDATE cells SET steps=0, frontier=NULL, finish=NULL, resumed=0, owner=?, "
                "lease_until=? WHERE session_id=? AND cell_id=?",
                (owner, lease_until, session_id, cell_id),
            )

    def delete_cell(self, session_id: str, cell_id: str) -> None:
        """Forget the cell and its journal."""
        with self._transaction("delete a cell") as db:
            _delete(db, session_id, cell_id, self._CELL_TABLES)

    def load_cell(self, session_id: str, cell_id: str) -> StoredCell | None:
        """The cell, or None if the store does not hold it (unreadable rows: `StoreError`)."""
        key = (session_id, cell_id)
        with self._transaction("load a cell") as db:
            row = db.execute(self._SELECT_CELL, key).fetchone()
            if row is None:
                return None
            queued = _arrivals(db, *key)
            outstanding = db.rows(
                "SELECT call_id, tool_index, input FROM calls c WHERE session_id=? "
                "AND cell_id=? AND NOT EXISTS (SELECT 1 FROM arrivals a WHERE "
                "a.session_id=c.session_id AND a.cell_id=c.cell_id "
                "AND a.key='call:' || c.call_id) ORDER BY seq, "
                "CAST(SUBSTR(call_id, 6) AS BIGINT)",
                key,
            )
            timers = db.rows(
                "SELECT timer_id, due_ms FROM timers t WHERE session_id=? AND cell_id=? "
                "AND NOT cleared AND NOT EXISTS (SELECT 1 FROM arrivals a WHERE "
                "a.session_id=t.session_id AND a.cell_id=t.cell_id "
                "AND a.key='timer:' || t.timer_id) ORDER BY timer_id",
                key,
            )
            columns = dict(zip(CELL_COLUMNS, row, strict=True))
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


def _arrivals(db: Statements, session_id: str, cell_id: str) -> list[tuple[str, str]]:
    rows = db.rows(
        "SELECT key, command FROM arrivals WHERE session_id=? AND cell_id=? AND NOT applied "
        "ORDER BY seq",
        (session_id, cell_id),
    )
    return [(str(key), str(command)) for key, command in rows]


def _delete(db: Statements, session_id: str, cell_id: str, tables: tuple[str, ...]) -> None:
    for table in tables:  # names from the class's own constants only
        db.execute(f"DELETE FROM {table} WHERE session_id=? AND cell_id=?", (session_id, cell_id))  # noqa: S608
