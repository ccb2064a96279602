"""Exactly-once observations across a host boundary: an event a host claimed for a caller's
`wait` that never reached the caller (cancelled on the way, at any point) is held on the
host and handed to that caller's next observation of the cell.

Why: a host-side wait may claim the cell's event (a completion removes the cell) and yet its
reply never arrive: Ray discards the result of an actor call cancelled after it returned, and
the caller may be cancelled after the reply came. So every observation carries a `Ticket`:
its number, the numbers whose replies the caller received (the host forgets those), and the
numbers the caller gave up on (the host settles them and returns the event one of them holds).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypedDict

from .wire import Reply

__all__ = ["HostLedger", "Ticket", "Tickets"]


class Ticket(TypedDict):
    """What an observation tells the host (plain data: it crosses to the host)."""

    number: int
    delivered: list[int]
    abandoned: list[int]


@dataclass(eq=False)
class Tickets:
    """The caller's side, one per cell: numbers observations and remembers their fate."""

    issued: int = 0
    delivered: set[int] = field(default_factory=set)
    abandoned: set[int] = field(default_factory=set)

    def issue(self) -> Ticket:
        """The ticket of the next observation."""
        self.issued += 1
        return {"number": self.issued, "delivered": sorted(self.delivered),
                "abandoned": sorted(self.abandoned)}  # fmt: skip

    def answered(self, ticket: Ticket, *, event: bool) -> None:
        """The host answered the observation (with an event, or an error): it has settled
        what the ticket listed."""
        self.delivered.difference_update(ticket["delivered"])
        self.abandoned.difference_update(ticket["abandoned"])
        if event:
            self.delivered.add(ticket["number"])

    def abandon(self, ticket: Ticket) -> None:
        """The observation got no answer (cancelled, or its host failed): its event, if the
        host claimed one, is still owed."""
        self.abandoned.add(ticket["number"])


@dataclass(eq=False)
class _CellLedger:
    running: dict[int, asyncio.Task[Reply]] = field(default_factory=dict)
    held: dict[int, Reply] = field(default_factory=dict)
    """Event replies not yet acknowledged, by observation number."""
    dead: set[int] = field(default_factory=set)
    """Observations abandoned before they started here: refused if they arrive."""

    def finished(self, number: int, task: asyncio.Task[Reply]) -> None:
        self.running.pop(number, None)
        if not task.cancelled() and task.exception() is None and "value" in task.result():
            self.held[number] = task.result()

    async def settle(self, number: int) -> None:
        """Make sure abandoned observation `number` claims nothing more."""
        task = self.running.get(number)
        if task is not None:
            task.cancel()
            await asyncio.wait([task])
        elif number not in self.held:
            self.dead.add(number)

    callers: int = 0
    """Observations in `HostLedger.observe` now (the ledger is dropped when none is and it
    holds nothing)."""

    def idle(self) -> bool:
        return not (self.callers or self.running or self.held or self.dead)

    def take_owed(self, abandoned: list[int]) -> Reply | None:
        owed = [n for n in abandoned if n in self.held]
        return self.held.pop(owed[0]) if owed else None


class HostLedger:
    """The host's side: runs observations so that a claimed event outlives the call."""

    def __init__(self) -> None:
        self._cells: dict[tuple[str, str], _CellLedger] = {}

    async def observe(
        self, session_id: str, cell_id: str, ticket: Ticket, observe: Callable[[], Awaitable[Reply]]
    ) -> Reply:
        """`observe()`'s reply, or the event an abandoned observation of the ticket holds.
        The observation runs in a task of its own whose event reply is held until the caller
        acknowledges it; cancelling this call cancels it."""
        key = (session_id, cell_id)
        cell = self._cells.setdefault(key, _CellLedger())
        cell.callers += 1
        try:
            return await self._observe(cell, ticket, observe)
        finally:
            cell.callers -= 1
            if cell.idle() and self._cells.get(key) is cell:  # not forgotten meanwhile
                del self._cells[key]

    @staticmethod
    async def _observe(
        cell: _CellLedger, ticket: Ticket, observe: Callable[[], Awaitable[Reply]]
    ) -> Reply:
        number = ticket["number"]
        for delivered in ticket["delivered"]:
            cell.held.pop(delivered, None)
        if number in cell.dead:  # its caller gave up on it before it got here
            cell.dead.discard(number)
            return {"value": None, "abandoned": number}
        for abandoned in ticket["abandoned"]:
            await cell.settle(abandoned)
        owed = cell.take_owed(ticket["abandoned"])
        if owed is not None:
            cell.held[number] = owed  # owed again until this reply is acknowledged
            return owed
        task = asyncio.ensure_future(observe())
        cell.running[number] = task
        task.add_done_callback(lambda t: cell.finished(number, t))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            task.cancel()
            raise

    async def owed(self, session_id: str, cell_id: str, ticket: Ticket) -> Reply | None:
        """For a call that ends the cell (terminate): settle the observations `ticket` lists
        as abandoned and take the event one of them claimed, if any."""
        cell = self._cells.get((session_id, cell_id))
        if cell is None:
            return None
        for abandoned in ticket["abandoned"]:
            await cell.settle(abandoned)
        return cell.take_owed(ticket["abandoned"])

    def forget(self, session_id: str, cell_id: str | None = None) -> None:
        """Drop the cell's ledger (its terminal event arrived), or the whole session's."""
        for key in [k for k in self._cells if k[0] == session_id and cell_id in (None, k[1])]:
            del self._cells[key]
