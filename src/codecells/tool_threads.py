"""Plain ``def`` tools on daemon threads of codecells' own, so a blocked tool never holds up exit.

`asyncio.to_thread` runs functions in the loop's default executor, whose threads
``asyncio.run`` and the interpreter join at exit: one tool blocked forever made the program hang
after its session had shut down. Here the workers are daemon threads (at most `TOOL_THREADS`,
a new one only when none is idle). Cancelling the await does not stop the function — Python
cannot stop a thread —: it runs to its end and its result is dropped; a function still blocked
when the interpreter exits is abandoned with its daemon thread.
"""

from __future__ import annotations

import asyncio
import contextvars
import queue
import threading
from collections.abc import Callable
from functools import partial
from typing import Any, TypeAlias, TypeVar

__all__ = ["TOOL_THREADS", "run_in_tool_thread"]

TOOL_THREADS = 32
"""At most this many plain ``def`` tools run at once (as with the default executor of
`asyncio.to_thread`); further calls wait for a free thread."""

_T = TypeVar("_T")
_Outcome: TypeAlias = tuple[bool, Any]  # (raised, result or exception)
_Job: TypeAlias = tuple[Callable[[], Any], asyncio.AbstractEventLoop, "asyncio.Future[Any]"]
_jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
_lock = threading.Lock()  # guards the counts below
_threads = 0
_idle = 0  # workers waiting for a job and not yet promised to one


async def run_in_tool_thread(function: Callable[..., _T], /, **kwargs: Any) -> _T:
    """``function(**kwargs)`` on a daemon worker thread, in a copy of the current context."""
    global _idle, _threads
    loop = asyncio.get_running_loop()
    future: asyncio.Future[_T] = loop.create_future()
    job = partial(contextvars.copy_context().run, partial(function, **kwargs))
    with _lock:
        if _idle:
            _idle -= 1
        elif _threads < TOOL_THREADS:
            _threads += 1
            threading.Thread(target=_work, name=f"codecells-tool-{_threads}", daemon=True).start()
        _jobs.put((job, loop, future))
    return await future


def _work() -> None:
    global _idle
    while True:
        job, loop, future = _jobs.get()
        outcome: _Outcome
        try:
            outcome = (False, job())
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
            outcome = (True, exc)
        with _lock:
            _idle += 1  # before the loop hears of it: the next call must not spawn a thread
        try:
            loop.call_soon_threadsafe(_settle, future, outcome)
        except RuntimeError:  # the loop is closed: nobody is waiting any more
            pass
        del job, loop, future, outcome  # an idle worker keeps nothing alive


def _settle(future: asyncio.Future[Any], outcome: _Outcome) -> None:
    raised, value = outcome
    if future.done():  # the awaiting task was cancelled
        return
    if not raised:
        future.set_result(value)
    elif isinstance(value, StopIteration):  # a future refuses it; it must still settle
        future.set_exception(RuntimeError(f"tool raised {type(value).__name__}"))
    else:
        future.set_exception(value)
