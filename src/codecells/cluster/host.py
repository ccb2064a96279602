"""`Host`: one process of the cluster, hosting many durable sessions over the shared store.

`Cluster` runs each host as an async Ray actor (``ray.remote(Host)``); the class itself does
not import Ray. Every method takes the session id and answers with plain data (see `wire`):
a cell's event as JSON plus the cell's state after the call, or an encoded codecells error.
Function tools run here, in the host's event loop; tools without a Python handler and
notifications go to the caller's process through `RemoteDelegate`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import os
import pickle
import resource
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from ..config import SessionConfig
from ..errors import MissingCell, ShuttingDown, WrongCellKind
from ..events import Completed, Pending, Terminated, Yielded
from ..json_types import JsonValue
from ..session import Cell, PausableCell, Session
from ..store.records import Store
from ..tools import ToolCall, ToolDefinition, ToolError
from .observations import HostLedger, Ticket
from .wire import Reply, encode_error

__all__ = ["Host", "PickledTool", "RemoteDelegate", "StoreFactory"]

StoreFactory = Callable[[], Store]
"""Opens the shared store in a host's process (e.g. ``functools.partial(SQLiteStore, path)``)."""

PickledTool = tuple[str, bytes]
"""A tool's name and its (cloud)pickle, as the cluster sends it to a host."""

_closed_message: dict[str, Any] = {"kind": "closed"}


class RemoteDelegate:
    """A session's delegate on the host: queues tool calls, notifications and closed cells
    for the caller's process, which pulls them (`Host.pull`) and answers (`Host.reply`)."""

    def __init__(self) -> None:
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sent = 0
        """Messages queued so far (a reply carries it: see `Host._call`)."""
        self._waiting: dict[int, asyncio.Future[Any]] = {}
        self._tokens = itertools.count(1)

    async def _ask(self, message: dict[str, Any]) -> Any:
        token = next(self._tokens)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting[token] = future
        self.send({**message, "token": token})
        try:
            return await future
        except asyncio.CancelledError:
            self.send({"kind": "cancel", "token": token})
            raise
        finally:
            self._waiting.pop(token, None)

    async def invoke_tool(self, call: ToolCall) -> JsonValue:
        """Run the call in the caller's process (its delegate's `invoke_tool`)."""
        answer = await self._ask({"kind": "tool", "call": call.model_dump(mode="json")})
        if "error" in answer:
            raise ToolError(answer["error"])
        value: JsonValue = answer["value"]
        return value

    async def notify(self, call_id: str, cell_id: str, text: str) -> None:
        """Deliver the notification to the caller's delegate and wait until it has run."""
        await self._ask({"kind": "notify", "call_id": call_id, "cell_id": cell_id, "text": text})

    def cell_closed(self, cell_id: str) -> None:
        """Tell the caller's delegate (no answer awaited)."""
        self.send({"kind": "cell_closed", "cell_id": cell_id})

    def send(self, message: dict[str, Any]) -> None:
        """Queue `message` for the caller."""
        self.sent += 1
        self.outbox.put_nowait(message)

    def reply(self, token: int, answer: dict[str, Any]) -> None:
        """The caller's answer to message `token` (ignored if nobody waits for it any more)."""
        future = self._waiting.get(token)
        if future is not None and not future.done():
            future.set_result(answer)

    async def pull(self, timeout: float) -> list[dict[str, Any]]:
        """The messages queued so far, waiting up to `timeout` seconds for the first."""
        try:
            first = await asyncio.wait_for(self.outbox.get(), timeout)
        except TimeoutError:
            return []
        batch = [first]
        while not self.outbox.empty():
            batch.append(self.outbox.get_nowait())
        return batch


def _event(event: Yielded | Pending | Completed | Terminated) -> dict[str, Any]:
    return event.model_dump(mode="json")


class Host:
    """Sessions of one host process, each opened on the shared store under its id."""

    def __init__(self, store: StoreFactory, lease: float) -> None:
        self._store = store()
        self._lease = lease
        self._sessions: dict[str, Session] = {}
        self._delegates: dict[str, RemoteDelegate] = {}
        self._ledger = HostLedger()
        self._stopped = asyncio.Event()

    async def ping(self) -> int:
        """This host's process id."""
        return os.getpid()

    async def watch(self) -> None:
        """Returns only when the host is stopped: the cluster learns of its death by this
        call failing."""
        await self._stopped.wait()

    async def stats(self) -> dict[str, int]:
        """Resident memory (bytes, now and peak), the number of sessions hosted and the CPU
        time the process has used (microseconds, all its threads)."""
        usage = resource.getrusage(resource.RUSAGE_SELF)
        peak = usage.ru_maxrss * 1024
        cpu_us = round((usage.ru_utime + usage.ru_stime) * 1e6)
        return {"rss": _rss(peak), "peak_rss": peak, "sessions": len(self._sessions),
                "cpu_us": cpu_us}  # fmt: skip

    async def open_session(
        self,
        session_id: str,
        tools: Iterable[PickledTool],
        config: SessionConfig | None,
        with_delegate: bool,
    ) -> Reply:
        """Open (or reopen, after another host died) the session on the shared store; its
        pausable cells come back from the store at their frontiers."""

        async def open_() -> Reply:
            if session_id in self._sessions:
                return {"value": None}
            loaded = [_unpickled(name, blob) for name, blob in tools]
            delegate = RemoteDelegate() if with_delegate else None
            session = Session(
                loaded, delegate=delegate, config=config, store=self._store,
                session_id=session_id, lease=self._lease,
            )  # fmt: skip
            self._sessions[session_id] = session
            if delegate is not None:
                self._delegates[session_id] = delegate
            return {"value": None}

        return await self._call(session_id, open_)

    async def close_session(self, session_id: str) -> Reply:
        """Shut the session down here (its durable cells stay in the store)."""
        session = self._sessions.pop(session_id, None)
        delegate = self._delegates.pop(session_id, None)
        self._ledger.forget(session_id)
        if session is not None:
            await session.shutdown()
        if delegate is not None:
            delegate.send(_closed_message)
        return {"value": None}

    async def stop(self) -> None:
        """Shut every session down (the cluster then ends the actor)."""
        for session_id in list(self._sessions):
            await self.close_session(session_id)
        self._store.close()
        self._stopped.set()

    # ------------------------------------------------------------------ delegate traffic
    async def pull(self, session_id: str, timeout: float) -> Reply:
        """Messages for the caller's delegate; ``{"kind": "closed"}`` once the session is."""
        delegate = self._delegates.get(session_id)
        if delegate is None:
            return {"value": [_closed_message]}
        return {"value": await delegate.pull(timeout)}

    async def reply(self, session_id: str, answers: list[tuple[int, dict[str, Any]]]) -> None:
        """The caller's delegate answered these messages (by token)."""
        delegate = self._delegates.get(session_id)
        if delegate is not None:
            for token, answer in answers:
                delegate.reply(token, answer)

    # ------------------------------------------------------------------ cells
    async def create_cells(
        self, session_id: str, pausable: bool, cells: list[tuple[str, str | None]]
    ) -> Reply:
        """New cells, one per ``(source, tool_call_id)``: ``{"value": their ids}``. All or
        none: if one cannot be created, those created before it are terminated."""

        async def create() -> Reply:
            session = self._session(session_id)
            make = session.create_pausable_cell if pausable else session.create_cell
            if cells:  # an empty batch makes no cell (and reserves no id)
                session.reserve_cell_ids(len(cells))
            made: list[Cell | PausableCell] = []
            try:
                for source, tool_call_id in cells:
                    made.append(await make(source, tool_call_id=tool_call_id))
                    await asyncio.sleep(0)  # a large batch lets the host's other work run
            except Exception:
                for cell in made:
                    with contextlib.suppress(MissingCell):  # the session shut down meanwhile
                        await cell.terminate()
                raise
            return {"value": [cell.id for cell in made]}

        return await self._call(session_id, create)

    async def wait(
        self, session_id: str, cell_ids: list[str], yield_after: float | None,
        tickets: list[Ticket],
    ) -> Reply:  # fmt: skip
        """`Cell.wait` on each cell at once, each an observation under its ticket (see
        `observations`): ``{"value": [each cell's event or error]}``."""

        async def wait(cell_id: str) -> Reply:
            cell = self._session(session_id).cell(cell_id)
            return {"value": _event(await cell.wait(yield_after)), "state": cell.state}

        return await self._observe(session_id, cell_ids, tickets, wait)

    async def wait_to_pending(
        self, session_id: str, cell_ids: list[str], tickets: list[Ticket]
    ) -> Reply:
        """`PausableCell.wait_to_pending` on each cell at once (see `wait`)."""

        async def wait(cell_id: str) -> Reply:
            cell = self._session(session_id).pausable_cell(cell_id)
            return {"value": _event(await cell.wait_to_pending()), "state": cell.state}

        return await self._observe(session_id, cell_ids, tickets, wait)

    async def observed(self, session_id: str, cell_ids: list[str]) -> None:
        """The caller received these cells' terminal events: nothing of them is owed any more."""
        for cell_id in cell_ids:
            self._ledger.forget(session_id, cell_id)

    async def _observe(
        self, session_id: str, cell_ids: list[str], tickets: list[Ticket],
        wait: Callable[[str], Awaitable[Reply]],
    ) -> Reply:  # fmt: skip
        replies = await asyncio.gather(*(
            self._ledger.observe(session_id, cell_id, ticket, functools.partial(
                _caught, functools.partial(wait, cell_id)))
            for cell_id, ticket in zip(cell_ids, tickets, strict=True)
        ))  # fmt: skip
        return self._stamped(session_id, {"value": replies})

    async def resume(self, session_id: str, cell_id: str, generation: int) -> Reply:
        """`PausableCell.resume`."""

        async def resume() -> Reply:
            cell = self._session(session_id).pausable_cell(cell_id)
            return {"value": (await cell.resume(generation)).value}

        return await self._call(session_id, resume)

    async def suspend(self, session_id: str, cell_id: str) -> Reply:
        """`PausableCell.suspend`."""

        async def suspend() -> Reply:
            cell = self._session(session_id).pausable_cell(cell_id)
            await cell.suspend()
            return {"value": None}

        return await self._call(session_id, suspend)

    async def answer(
        self, session_id: str, cell_id: str, call_id: str, result: JsonValue, error: str | None
    ) -> Reply:
        """`PausableCell.answer`."""

        async def answer() -> Reply:
            cell = self._session(session_id).pausable_cell(cell_id)
            await cell.answer(call_id, result, error=error)
            return {"value": None}

        return await self._call(session_id, answer)

    async def terminate(self, session_id: str, cell_id: str, ticket: Ticket | None = None) -> Reply:
        """`Session.terminate` (either kind). `ticket`: the caller's abandoned observations of
        the cell; an event one of them claimed is the caller's: a completion is returned as
        `Session.terminate` returns a buffered one, a yield's output leads the end's."""

        async def terminate() -> Reply:
            owed = None if ticket is None else await self._ledger.owed(session_id, cell_id, ticket)
            if owed is not None and owed["value"]["type"] in ("completed", "terminated"):
                self._ledger.forget(session_id, cell_id)
                return owed
            session = self._session(session_id)
            cell: Cell | PausableCell
            try:
                cell = session.pausable_cell(cell_id)
            except WrongCellKind:
                cell = session.cell(cell_id)
            event = _event(await cell.terminate())
            self._ledger.forget(session_id, cell_id)
            if owed is not None:  # a yield or frontier whose output never reached the caller
                event["content_items"] = [*owed["value"]["content_items"], *event["content_items"]]
            return {"value": event, "state": cell.state}

        return await self._call(session_id, terminate)

    async def look_up(self, session_id: str, cell_id: str, pausable: bool) -> Reply:
        """`Session.pausable_cell` / `Session.cell`: the cell's state (`MissingCell`,
        `WrongCellKind`)."""

        async def look_up() -> Reply:
            session = self._session(session_id)
            cell = session.pausable_cell(cell_id) if pausable else session.cell(cell_id)
            return {"value": cell.state}

        return await self._call(session_id, look_up)

    async def stored_values(self, session_id: str) -> Reply:
        """`Session.stored_values`."""

        async def values() -> Reply:
            return {"value": self._session(session_id).stored_values}

        return await self._call(session_id, values)

    def _session(self, session_id: str) -> Session:
        session = self._sessions.get(session_id)
        if session is None:  # closed by its proxy (or never opened here)
            raise ShuttingDown()
        return session

    async def _call(self, session_id: str, operation: Callable[[], Awaitable[Reply]]) -> Reply:
        return self._stamped(session_id, await _caught(operation))

    def _stamped(self, session_id: str, reply: Reply) -> Reply:
        """`reply` with how many messages the session's delegate queued by then (``"sent"``:
        the caller handles those before it returns the reply)."""
        delegate = self._delegates.get(session_id)
        if delegate is not None:
            reply["sent"] = delegate.sent
        return reply


async def _caught(operation: Callable[[], Awaitable[Reply]]) -> Reply:
    """`operation`'s reply, or the codecells error it raised as data."""
    try:
        return await operation()
    except Exception as exc:
        encoded = encode_error(exc)
        if encoded is None:
            raise
        return encoded


def _unpickled(name: str, blob: bytes) -> ToolDefinition | Callable[..., Any]:
    try:
        tool: ToolDefinition | Callable[..., Any] = pickle.loads(blob)  # noqa: S301 (our caller's)
    except Exception as exc:
        raise TypeError(f"tool {name!r} cannot be loaded on a cluster host: {exc}") from None
    return tool


def _rss(fallback: int) -> int:
    """Current resident set size in bytes (Linux ``/proc``), else the peak."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return fallback
