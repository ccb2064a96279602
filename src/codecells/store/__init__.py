"""Durable pausable cells: the store interface and its SQLite implementation (docs/durable.md).

>>> store = SQLiteStore("cells.db")                       # doctest: +SKIP
>>> session = Session(tools, store=store, session_id="s1")  # doctest: +SKIP

A store keeps a durable session's stored values and, per pausable cell, its creation record and
the journal of commands applied to its engine; a session opened later under the same id — in
this or another process — restores the cells by replaying their journals.
"""

from __future__ import annotations

from .journal import CellJournal, Durability
from .records import (
    CallRecord,
    CellRecord,
    JournalEntry,
    SessionRecord,
    StepRecord,
    Store,
    StoredCell,
)
from .sqlite import MemoryStore, SQLiteStore

__all__ = [
    "CallRecord",
    "CellJournal",
    "CellRecord",
    "Durability",
    "JournalEntry",
    "MemoryStore",
    "SQLiteStore",
    "SessionRecord",
    "StepRecord",
    "Store",
    "StoredCell",
]
