"""Host callbacks of one cell (tool calls, notifications) as asyncio tasks it owns."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

__all__ = ["CANCEL_GRACE", "Callbacks"]

log = logging.getLogger("codecells")

CANCEL_GRACE = 0.1
"""Seconds a cancelled callback gets to finish before the cell stops waiting for it."""


class Callbacks:
    """Tracks a cell's tool-call and notification tasks; cancels them with a grace period.

    A tool call is one task running the host's awaitable itself, and one shared done callback
    (`_finished`) hands its result on: no wrapper coroutine or closure per call, so a storm of
    thousands of outstanding calls leaves fewer objects for each full garbage collection to
    traverse (docs/benchmarks.md, "Event storms")."""

    def __init__(self, cell_id: str, answered: Callable[[Any], None]) -> None:
        self._cell_id = cell_id
        self._answered = answered
        self.tools: dict[str, asyncio.Future[Any]] = {}
        self._call_ids: dict[asyncio.Future[Any], str] = {}
        self.notifications: set[asyncio.Task[None]] = set()

    def spawn_tool(self, call_id: str, work: Awaitable[Any]) -> None:
        """Run a tool call; when it ends, its result goes to `answered` (unless it was
        cancelled or failed) and it leaves `tools`."""
        task = asyncio.ensure_future(work)  # a future (an externally answered call) as it is
        if isinstance(task, asyncio.Task):
            task.set_name(f"cell {self._cell_id} {call_id}")
        self.tools[call_id] = task
        self._call_ids[task] = call_id
        task.add_done_callback(self._finished)

    def spawn_notification(self, work: Coroutine[Any, Any, None]) -> None:
        """Run a notification; it removes itself from the set when done."""
        task = asyncio.get_running_loop().create_task(work, name=f"cell {self._cell_id} notify")
        self.notifications.add(task)
        task.add_done_callback(self._notified)

    def _finished(self, task: asyncio.Future[Any]) -> None:
        call_id = self._call_ids.pop(task)
        if self.tools.get(call_id) is task:
            del self.tools[call_id]
        if not task.cancelled() and task.exception() is None:
            self._answered(task.result())
        self._log_failure(task)

    def _notified(self, task: asyncio.Task[None]) -> None:
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
        await _cancel(set(self.tools.values()))

    async def cancel_all(self) -> None:
        """Cancel every tool call and notification (termination)."""
        await _cancel(set(self.tools.values()) | self.notifications)


async def _cancel(tasks: set[asyncio.Future[Any]]) -> None:
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=CANCEL_GRACE)
