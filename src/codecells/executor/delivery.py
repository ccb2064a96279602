"""Output buffering and observers: every item is delivered exactly once, in emission order."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from ..events import Completed, Item, Pending, Terminated, Yielded, item_size

__all__ = ["Observer", "Outbox"]

Event = Yielded | Pending | Completed | Terminated


@dataclass
class Outbox:
    """A cell's undelivered output.

    `content` holds items not yet delivered; `initial_yield` the items split off by the first
    ``yield_control()`` before any observation; `frontier` the held pending frontier (pausable).
    `held` counts the bytes (`item_size`) of every item appended and not yet delivered.
    """

    content: list[Item] = field(default_factory=list)
    initial_yield: list[Item] | None = None
    has_been_observed: bool = False
    frontier: Pending | None = None
    frontier_observed: bool = False
    held: int = 0

    def append(self, item: Item, size: int) -> None:
        """Buffer an item of `size` bytes."""
        self.content.append(item)
        self.held += size

    def delivered(self, items: list[Item]) -> None:
        """`items` were handed to an observer: they no longer count as held."""
        self.held -= sum(map(item_size, items))

    def take(self, upto: int | None = None) -> list[Item]:
        """Remove and return the first `upto` items (all when None)."""
        n = len(self.content) if upto is None else min(upto, len(self.content))
        taken, self.content = self.content[:n], self.content[n:]
        return taken

    def take_with_initial_yield(self) -> list[Item]:
        """Remove and return the initial yield (if any) followed by all content."""
        items = (self.initial_yield or []) + self.take()
        self.initial_yield = None
        return items

    def consume_frontier(self) -> None:
        """The held frontier was resumed: unless it was observed, its items stay undelivered,
        ahead of everything emitted since."""
        assert self.frontier is not None
        if not self.frontier_observed:
            self.content[:0] = self.frontier.content_items
        self.frontier = None

    def termination_content(self) -> list[Item]:
        """What a `Terminated` carries: an unobserved frontier's items, the initial yield, the rest."""
        unseen = self.frontier.content_items if self.frontier and not self.frontier_observed else []
        return list(unseen) + self.take_with_initial_yield()


@dataclass(eq=False)
class Observer:
    """One caller awaiting a cell's next event.

    The executor never hands an event to a sleeping observer: it only wakes it, and the observer
    claims its event synchronously when it runs again, so a cancelled ``wait`` loses nothing.
    `due`/`cut` record that a yield was requested or the deadline passed, and how many items
    were buffered at that moment.
    """

    yield_after: float | None = None
    woken: asyncio.Future[None] | None = None
    due: bool = False
    cut: int | None = None
    event: Event | None = None
    deadline: asyncio.TimerHandle | None = None

    def arm(self) -> asyncio.Future[None]:
        """A fresh wake-up future for the next wait."""
        self.woken = asyncio.get_running_loop().create_future()
        return self.woken

    def wake(self) -> None:
        """Let the observer run and claim its event."""
        if self.woken is not None and not self.woken.done():
            self.woken.set_result(None)

    def mark_due(self, buffered: int) -> None:
        """Output is due now: the observer will take the `buffered` items present at this moment."""
        if not self.due:
            self.due, self.cut = True, buffered
        self.wake()

    def disarm(self) -> None:
        """Cancel the yield deadline, if any."""
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None
