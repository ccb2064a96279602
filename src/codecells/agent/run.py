"""Run one script in a cell, printing its output as it arrives (``codecells run``).

Output items go to stdout as they are delivered (text as is, an image as a one-line summary);
progress, pending frontiers, notifications, codecells' log warnings and the outcome go to
stderr.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import TextIO

from ..events import Completed, Item, Pending, Terminated, TextItem
from ..json_types import JsonValue
from ..session import Session
from ..tools import ToolCall, ToolError
from .tooldefs import Tool

__all__ = ["run_script"]

_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
_TICK = 0.1  # seconds between progress frames


async def run_script(
    source: str,
    tools: Sequence[Tool],
    *,
    pausable: bool = False,
    yield_after: float = 1.0,
    progress: bool = False,
    out: TextIO,
    err: TextIO,
) -> int:
    """Run `source` in a fresh session with `tools`; return 0 on success, 1 when the script
    failed or was terminated. Items go to `out`, everything else to `err`.

    A continuing cell is observed every `yield_after` seconds (earlier on ``yield_control()``);
    a pausable one is resumed at every pending frontier until it ends.
    """
    show = _Display(out, err, progress)
    with show.log_notes():
        async with Session(tools, delegate=_ConsoleDelegate(show)) as session:
            if pausable:
                event = await _run_pausable(session, source, show)
            else:
                event = await _run_continuing(session, source, yield_after, show)
    if isinstance(event, Terminated):
        show.note("cell terminated")
        return 1
    if event.error_text is not None:
        show.note(f"script failed:\n{event.error_text}")
        return 1
    return 0


async def _run_continuing(
    session: Session, source: str, yield_after: float, show: _Display
) -> Completed | Terminated:
    cell = await session.create_cell(source)
    while True:
        async with show.waiting(f"cell {cell.id}"):
            event = await cell.wait(yield_after=yield_after)
        show.items(event.content_items)
        if isinstance(event, (Completed, Terminated)):
            return event


async def _run_pausable(session: Session, source: str, show: _Display) -> Completed | Terminated:
    cell = await session.create_pausable_cell(source)
    while True:
        async with show.waiting(f"cell {cell.id}"):
            event = await cell.wait_to_pending()
        show.items(event.content_items)
        if not isinstance(event, Pending):
            return event
        waiting = ", ".join(event.pending_tool_call_ids) or "timers"
        show.note(f"pending frontier {event.generation} (waiting on {waiting}); resuming")
        await cell.resume(event.generation)


class _ConsoleDelegate:
    """Shows notifications on stderr; refuses tools that have no handler."""

    def __init__(self, show: _Display) -> None:
        self._show = show

    async def invoke_tool(self, call: ToolCall) -> JsonValue:
        raise ToolError(f"tool {call.tool_name} has no handler in `codecells run`")

    async def notify(self, call_id: str, cell_id: str, text: str) -> None:
        self._show.note(f"notify (cell {cell_id}): {text}")


class _Display:
    """Where the run's output goes: items to `out`, everything else to `err`."""

    def __init__(self, out: TextIO, err: TextIO, progress: bool) -> None:
        self._out, self._err, self._progress = out, err, progress
        self._started = time.monotonic()

    def items(self, items: Sequence[Item]) -> None:
        for item in items:
            print(_show(item), file=self._out, flush=True)

    def note(self, message: str) -> None:
        """Print ``codecells: <message>`` on its own stderr line (over the progress line)."""
        clear = "\r\033[K" if self._progress else ""
        print(f"{clear}codecells: {message}", file=self._err, flush=True)

    @contextmanager
    def log_notes(self) -> Iterator[None]:
        """Show codecells' log warnings as notes (one line each, without tracebacks)."""
        logger = logging.getLogger("codecells")
        handler = _NoteHandler(self)
        propagate, logger.propagate = logger.propagate, False
        logger.addHandler(handler)
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.propagate = propagate

    @asynccontextmanager
    async def waiting(self, label: str) -> AsyncIterator[None]:
        """Animate ``<frame> <label> running <seconds>s`` on one stderr line while the body
        waits (when progress is on); the line is cleared afterwards."""
        if not self._progress:
            yield
            return
        task = asyncio.create_task(self._animate(label))
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            self._err.write("\r\033[K")
            self._err.flush()

    async def _animate(self, label: str) -> None:
        for frame in itertools.count():
            elapsed = time.monotonic() - self._started
            self._err.write(f"\r{_FRAMES[frame % len(_FRAMES)]} {label} running {elapsed:.1f}s")
            self._err.flush()
            await asyncio.sleep(_TICK)


class _NoteHandler(logging.Handler):
    def __init__(self, show: _Display) -> None:
        super().__init__(logging.WARNING)
        self._show = show

    def emit(self, record: logging.LogRecord) -> None:
        self._show.note(record.getMessage())


def _show(item: Item) -> str:
    if isinstance(item, TextItem):
        return item.text
    head = item.image_url.split(",", 1)[0]
    return f"[image {head}, {len(item.image_url)} characters, detail {item.detail or 'auto'}]"
