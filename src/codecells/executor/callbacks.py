"""Host callbacks of one cell (tool calls, notifications) as asyncio tasks it owns."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, NamedTuple

__all__ = ["CANCEL_GRACE", "Callbacks"]

log = logging.getLogger("codecells")

CANCEL_GRACE = 0.1
"""Seconds a cancelled callback gets to finish before the cell stops waiting for it."""
CANCEL_BATCH = 1_000
"""Callbacks cancelled per event-loop callback (a storm's 10,000 at once took ~15 ms)."""


class Callbacks:
    """Tracks a cell's tool-call and notification tasks; cancels them with a grace period.

    A tool call is one task running the host's awaitable itself, and one shared done callback
    (`_finished`, bound once, run in one context copied when the cell was made) hands its
    result on: no wrapper coroutine, closure, bound method or context per call, so a storm of
    thousands of outstanding calls leaves fewer objects for each full garbage collection to
    traverse (docs/benchmarks.md, "Event storms")."""

    def __init__(self, cell_id: str, answered: Callable[[Any], None]) -> None:
        self._cell_id = cell_id
        self._answered = answered
        self.tools: dict[str, asyncio.Future[Any]] = {}
        self._call_ids: dict[asyncio.Future[Any], str] = {}
        self.notifications: set[asyncio.Task[None]] = set()
        self._on_finished = self._finished
        self._context = contextvars.copy_context()  # done callbacks run one at a time
        self._endings: list[_Ending] = []  # the cancellations under way (`_cancel`)

    def spawn_tool(self, call_id: str, work: Awaitable[Any]) -> None:
        """Run a tool call; when it ends, its result goes to `answered` (unless it was
        cancelled or failed) and it leaves `tools`."""
        task = asyncio.ensure_future(work)  # a future (an externally answered call) as it is
        if isinstance(task, asyncio.Task):
            task.set_name(f"cell {self._cell_id} {call_id}")
        self.tools[call_id] = task
        self._call_ids[task] = call_id
        task.add_done_callback(self._on_finished, context=self._context)

    def spawn_notification(self, work: Coroutine[Any, Any, None]) -> None:
        """Run a notification; it removes itself from the set when done."""
        task = asyncio.get_running_loop().create_task(work, name=f"cell {self._cell_id} notify")
        self.notifications.add(task)
        task.add_done_callback(self._notified)

    def _finished(self, task: asyncio.Future[Any]) -> None:
        self._ended(task)
        call_id = self._call_ids.pop(task)
        if self.tools.get(call_id) is task:
            del self.tools[call_id]
        if not task.cancelled() and task.exception() is None:
            self._answered(task.result())
        self._log_failure(task)

    def _notified(self, task: asyncio.Task[None]) -> None:
        self._ended(task)
        self.notifications.discard(task)
        self._log_failure(task)

    def _log_failure(self, task: asyncio.Future[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.warning("cell %s callback failed", self._cell_id, exc_info=task.exception())

    @property
    def idle(self) -> bool:
        """No tool call or notification is outstanding."""
        return not self.tools and not self.notifications

    async def drain_notifications(self) -> None:
        """Wait for every outstanding notification (natural completion waits for them)."""
        while self.notifications:
            await asyncio.wait(set(self.notifications))

    async def cancel_tools(self) -> None:
        """Cancel every outstanding tool call and give them `CANCEL_GRACE` to finish."""
        await self._cancel(list(self.tools.values()))

    async def cancel_all(self) -> None:
        """Cancel every tool call and notification (termination)."""
        await self._cancel([*self.tools.values(), *self.notifications])

    async def _cancel(self, tasks: list[asyncio.Future[Any]]) -> None:
        """Cancel `tasks`, `CANCEL_BATCH` per event-loop callback, and wait until they have
        ended or `CANCEL_GRACE` has passed. Their own done callbacks count them down: waiting
        with `asyncio.wait` would add a callback and a context to each of a storm's thousands."""
        if not tasks:
            return
        ending = _Ending(set(tasks), asyncio.get_running_loop().create_future())
        self._endings.append(ending)
        cancelled = 0
        try:
            while cancelled < len(tasks):
                if cancelled:
                    await asyncio.sleep(0)  # let other callbacks run between batches
                for task in tasks[cancelled : cancelled + CANCEL_BATCH]:
                    task.cancel()
                cancelled += CANCEL_BATCH
            await asyncio.wait({ending.done}, timeout=CANCEL_GRACE)
        finally:
            for task in tasks[cancelled:]:  # this wait itself was cancelled: cancel the rest
                task.cancel()
            self._endings.remove(ending)

    def _ended(self, task: asyncio.Future[Any]) -> None:
        """Count `task` down in every `_cancel` waiting for it."""
        for ending in self._endings:
            ending.tasks.discard(task)
            if not ending.tasks and not ending.done.done():
                ending.done.set_result(None)


class _Ending(NamedTuple):
    """The tasks one `Callbacks._cancel` still waits for, and the future it waits on."""

    tasks: set[asyncio.Future[Any]]
    done: asyncio.Future[None]
