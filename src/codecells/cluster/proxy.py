"""Session and cell proxies: `Session`'s async API, served by the session's host actor.

Events arrive as JSON and are rebuilt here into codecells events; errors raised on the host
are raised here as the same codecells errors. The synchronous parts of the API (`state`,
`cell()`, `pausable_cell()`) ask the host with a blocking call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

from ..errors import MissingCell
from ..events import Completed, Pending, ResumeOutcome, Terminated, Yielded
from ..json_types import JsonValue
from ..kinds import CellKind
from ..session import Delegate
from ..tools import ToolCall, ToolError
from .observations import Tickets
from .wire import AnyEvent, Reply, decode_event, raise_error

if TYPE_CHECKING:
    from .cluster import Cluster, Placement, _Slot

__all__ = ["CellProxy", "HOST_LOST", "PausableCellProxy", "SessionProxy"]

log = logging.getLogger("codecells.cluster")

HOST_LOST = (
    "exec cell {cell_id} was lost: its host ({host}) died while it ran, and continuing cells "
    "live in their host's memory only"
)
"""`Completed.error_text` of a continuing cell whose host died."""

PULL_TIMEOUT = 30.0
"""Seconds one long poll for delegate traffic waits on the host (it returns at once when the
session closes)."""


class SessionProxy:
    """A session on a cluster host, with `Session`'s async API (see docs/cluster.md).

    Differences from `Session`: `stored_values()` is a coroutine; `cell()`, `pausable_cell()`
    and a cell's `state` block for a call to the host (about a millisecond); no `trace`."""

    def __init__(self, cluster: Cluster, placement: Placement, delegate: Delegate | None) -> None:
        self._cluster = cluster
        self._placement = placement
        self._delegate = delegate
        self._alive = True
        self._shutting_down: asyncio.Future[None] | None = None
        self._handled = 0
        """Messages of the current host the pump has handed to `delegate`."""
        self._progress = asyncio.Condition()
        self._tickets: dict[str, Tickets] = {}
        """Observations of each cell not yet ended (see `observations`)."""
        self._outgoing: dict[tuple[_Slot, str], list[Any]] = {}
        """Calls to hosts queued for the end of this event-loop turn (see `_send_later`)."""
        self._pump = (
            asyncio.get_running_loop().create_task(self._pump_delegate(delegate))
            if delegate is not None
            else None
        )

    @property
    def session_id(self) -> str:
        """The session's id in the shared store."""
        return self._placement.session_id

    @property
    def is_alive(self) -> bool:
        """False once `shutdown` has begun."""
        return self._alive

    async def __aenter__(self) -> SessionProxy:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.shutdown()

    async def shutdown(self) -> None:
        """Shut the session down on its host (durable cells stay in the store). Concurrent
        shutdowns all wait for the first (CONTRACT §3)."""
        if self._shutting_down is None:
            self._alive = False
            self._shutting_down = asyncio.ensure_future(self._shut_down())
        await asyncio.shield(self._shutting_down)

    async def _shut_down(self) -> None:
        try:
            await self._cluster.close(self._placement)
        finally:
            if self._pump is not None:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(asyncio.shield(self._pump), 5.0)
                self._pump.cancel()

    async def _call(
        self,
        method: str,
        *args: Any,
        cell_id: str | None = None,
    ) -> Reply:
        lost = self._placement.lost
        try:
            if cell_id not in lost:
                reply = await self._cluster.call(self._placement, method, *args)
                await self._delegate_caught_up(reply.get("sent", 0))
                return reply
        except MissingCell:
            if cell_id not in lost:  # not lost with a host (the new host never had it)
                raise
        assert cell_id is not None
        return {"value": self._lost_event(cell_id)}

    def _lost_event(self, cell_id: str) -> dict[str, Any]:
        """The `HOST_LOST` completion of a continuing cell lost with its host (given once)."""
        text = HOST_LOST.format(cell_id=cell_id, host=f"host {self._placement.lost.pop(cell_id)}")
        return Completed(error_text=text).model_dump(mode="json")

    # ------------------------------------------------------------------ cells
    async def create_cell(self, source: str, *, tool_call_id: str | None = None) -> CellProxy:
        """`Session.create_cell` on the host (`HostLost` if the host died meanwhile: the cell
        may or may not have been created)."""
        (cell_id,) = await self._create(False, [(source, tool_call_id)])
        return CellProxy(self, cell_id)

    async def create_pausable_cell(
        self, source: str, *, tool_call_id: str | None = None
    ) -> PausableCellProxy:
        """`Session.create_pausable_cell` on the host (see `create_cell`)."""
        (cell_id,) = await self._create(True, [(source, tool_call_id)])
        return PausableCellProxy(self, cell_id)

    async def create_cells(self, sources: Sequence[str]) -> list[CellProxy]:
        """A continuing cell per source, in one call to the host (batch API). All or none: if
        one cannot be created (its error is raised), those before it are terminated."""
        return [CellProxy(self, i) for i in await self._create(False, _batch(sources))]

    async def create_pausable_cells(self, sources: Sequence[str]) -> list[PausableCellProxy]:
        """A pausable cell per source, in one call to the host (see `create_cells`)."""
        return [PausableCellProxy(self, i) for i in await self._create(True, _batch(sources))]

    async def _create(self, pausable: bool, cells: list[tuple[str, str | None]]) -> list[str]:
        reply = await self._cluster.call(
            self._placement, "create_cells", pausable, cells, retry=False
        )
        cell_ids: list[str] = reply["value"]
        if not pausable:
            self._placement.continuing.update(cell_ids)
        return cell_ids

    async def wait_cells(
        self, cells: Sequence[CellProxy], yield_after: float | None = None
    ) -> list[Yielded | Completed | Terminated]:
        """`wait(yield_after)` of each cell, at once, in one call to the host (batch API): the
        events in the order of `cells`, once every cell has one. If a cell's wait fails, its
        error is raised, and the events of the others are not lost: each one's next
        observation returns it."""
        events = await self._observe_cells("wait", CellProxy, cells, yield_after)
        return cast(list[Yielded | Completed | Terminated], events)

    async def wait_to_pending_cells(
        self, cells: Sequence[PausableCellProxy]
    ) -> list[Pending | Completed | Terminated]:
        """`wait_to_pending()` of each cell, in one call to the host (see `wait_cells`)."""
        events = await self._observe_cells("wait_to_pending", PausableCellProxy, cells)
        return cast(list[Pending | Completed | Terminated], events)

    async def _observe_cells(
        self, method: str, kind: type[_CellProxy], cells: Sequence[_CellProxy], *args: Any
    ) -> list[AnyEvent]:
        """Observe `cells` in one host call, each under a ticket of its own (`observations`):
        if an earlier observation of a cell was cancelled or failed after its host claimed an
        event, the host returns that event now."""
        cells = list(cells)  # an iterator would be spent by the checks
        _check_batch(self, kind, cells)
        lost = self._placement.lost
        asked = [cell for cell in cells if cell.id not in lost]
        tickets = [self._tickets.setdefault(cell.id, Tickets()) for cell in asked]
        issued = [t.issue() for t in tickets]
        try:
            reply = await self._call(method, [cell.id for cell in asked], *args, issued)
        except BaseException:
            for cell_tickets, ticket in zip(tickets, issued, strict=True):
                cell_tickets.abandon(ticket)
            raise
        answers: dict[str, Reply] = dict(zip((c.id for c in asked), reply["value"], strict=True))
        failed = next((a for i, a in answers.items() if "error" in a and not (
            a["error"] == "MissingCell" and i in lost)), None)  # fmt: skip
        for cell_tickets, ticket, cell in zip(tickets, issued, asked, strict=True):
            if "error" in answers[cell.id]:
                cell_tickets.answered(ticket, event=False)
            elif failed is None:
                cell_tickets.answered(ticket, event=True)
            else:  # its event is not handed over: the host keeps it owed
                cell_tickets.abandon(ticket)
        if failed is not None:
            raise_error(failed)
        return [self._received(cell, answers.get(cell.id)) for cell in cells]

    def _received(self, cell: _CellProxy, answer: Reply | None) -> AnyEvent:
        """The event of `cell` (None: lost with its host), handed to the caller now."""
        if answer is None or "error" in answer:  # MissingCell on the new host: lost with the old
            return decode_event(self._lost_event(cell.id))
        event = decode_event(answer["value"])
        cell._last_state = answer.get("state", cell._last_state)
        if isinstance(event, Completed | Terminated):
            self._ended(cell.id)
            self._send_later(self._placement.slot, "observed", cell.id)  # acknowledged
        return event

    def _send_later(self, host: _Slot, method: str, item: Any) -> None:
        """Call ``method(session_id, items)`` of `host` with `item` among the items: one call
        (nobody awaits it) for all the items queued for it in one turn of the event loop."""
        if not self._outgoing:
            asyncio.get_running_loop().call_soon(self._send_queued)
        self._outgoing.setdefault((host, method), []).append(item)

    def _send_queued(self) -> None:
        outgoing, self._outgoing = self._outgoing, {}
        for (host, method), items in outgoing.items():
            if host.alive:  # a dead host is owed nothing
                getattr(host.actor, method).remote(self.session_id, items)

    def cell(self, cell_id: str) -> CellProxy:
        """The continuing cell `cell_id` (`MissingCell`, `WrongCellKind`; asks the host)."""
        cell = CellProxy(self, cell_id)
        cell._look_up()
        return cell

    def pausable_cell(self, cell_id: str) -> PausableCellProxy:
        """The pausable cell `cell_id`, e.g. one reopened from the store (`MissingCell`,
        `WrongCellKind`; asks the host)."""
        cell = PausableCellProxy(self, cell_id)
        cell._look_up()
        return cell

    async def terminate(self, cell_id: str) -> Completed | Terminated:
        """Terminate a cell of either kind (or claim its completion, also one an abandoned
        wait claimed on the host)."""
        event, _ = await self._terminate(cell_id)
        return event

    async def _terminate(self, cell_id: str) -> tuple[Completed | Terminated, str]:
        """The cell's end and its state after it."""
        tickets = self._tickets.get(cell_id)
        ticket = None if tickets is None else tickets.issue()
        reply = await self._call("terminate", cell_id, ticket, cell_id=cell_id)
        event = decode_event(reply["value"])
        assert isinstance(event, Completed | Terminated)
        self._ended(cell_id)
        return event, reply.get("state", "closed")  # an owed event: the cell is gone

    def _ended(self, cell_id: str) -> None:
        """The cell's terminal event arrived here."""
        self._placement.continuing.discard(cell_id)
        self._tickets.pop(cell_id, None)

    async def stored_values(self) -> dict[str, JsonValue]:
        """A copy of the session's stored values."""
        values: dict[str, JsonValue] = (await self._call("stored_values"))["value"]
        return values

    # ------------------------------------------------------------------ delegate traffic
    async def _delegate_caught_up(self, sent: int) -> None:
        """Wait until the pump has handed the delegate the host's first `sent` messages: the
        traffic a cell produced before an event reaches the delegate before the event."""
        if self._pump is None or sent <= self._handled:
            return
        async with self._progress:
            await self._progress.wait_for(lambda: self._pump is None or self._pump.done()
                                          or self._handled >= sent)  # fmt: skip

    async def _count(self, handled: int) -> None:
        async with self._progress:
            self._handled = handled
            self._progress.notify_all()

    async def _pump_delegate(self, delegate: Delegate) -> None:
        """Pull the host's messages for `delegate` and run them here until the session closes.
        Calls in flight when the host dies are cancelled (the new host dispatches again)."""
        running: dict[int, asyncio.Task[None]] = {}
        slot = self._placement.slot
        try:
            while True:
                try:
                    batch: list[dict[str, Any]] = (
                        await self._cluster.call(self._placement, "pull", PULL_TIMEOUT)
                    )["value"]
                except Exception:
                    if self._alive:
                        log.warning(
                            "delegate traffic of %s stopped", self.session_id, exc_info=True
                        )
                    return
                if self._placement.slot is not slot:  # failed over: old tokens mean nothing
                    for task in running.values():
                        task.cancel()
                    running.clear()
                    slot = self._placement.slot
                    await self._count(0)
                for message in batch:
                    if message["kind"] == "closed":
                        return
                    self._handle(delegate, message, slot, running)
                await self._count(self._handled + len(batch))
        finally:
            for task in running.values():
                task.cancel()
            await self._count(self._handled)  # wakes waiters: the pump is done

    def _handle(
        self,
        delegate: Delegate,
        message: dict[str, Any],
        host: _Slot,
        running: dict[int, asyncio.Task[None]],
    ) -> None:
        kind = message["kind"]
        if kind == "cell_closed":
            cell_closed = getattr(delegate, "cell_closed", None)
            if cell_closed is not None:
                try:  # as a local session does: a broken callback must not end the pump
                    cell_closed(message["cell_id"])
                except Exception:
                    log.warning(
                        "delegate.cell_closed(%s) failed", message["cell_id"], exc_info=True
                    )
        elif kind == "cancel":
            task = running.pop(message["token"], None)
            if task is not None:
                task.cancel()
        else:
            token: int = message["token"]
            task = asyncio.get_running_loop().create_task(self._run(delegate, message, host))
            running[token] = task
            task.add_done_callback(lambda _t: running.pop(token, None))

    async def _run(self, delegate: Delegate, message: dict[str, Any], host: _Slot) -> None:
        answer: dict[str, Any] = {}
        try:
            if message["kind"] == "notify":
                await delegate.notify(message["call_id"], message["cell_id"], message["text"])
            else:
                answer["value"] = await delegate.invoke_tool(
                    ToolCall.model_validate(message["call"])
                )
        except ToolError as exc:
            answer = {"error": exc.message}
        except Exception as exc:
            log.warning("delegate failed on %s", message["kind"], exc_info=True)
            answer = {"error": str(exc) or type(exc).__name__}
        self._send_later(host, "reply", (message["token"], answer))


class _CellProxy:
    kind: CellKind

    def __init__(self, session: SessionProxy, cell_id: str) -> None:
        self._session = session
        self.id = cell_id
        self._last_state = "closed"
        """The state after this proxy's last event: the state once the host forgot the cell."""

    @property
    def state(self) -> str:
        """The current state of the cell's lifecycle machine, read on the host (a blocking
        call of about a millisecond); ``closed`` for a continuing cell lost with its host."""
        if self.id in self._session._placement.lost:
            return "closed"
        try:
            return self._look_up()
        except MissingCell:  # ended and removed after its terminal event
            return self._last_state

    def _look_up(self) -> str:
        session, pausable = self._session, self.kind is CellKind.PAUSABLE
        reply = session._cluster.call_now(session._placement, "look_up", self.id, pausable)
        state: str = reply["value"]
        return state

    async def _call(self, method: str, *args: Any) -> Any:
        reply = await self._session._call(method, self.id, *args, cell_id=self.id)
        self._last_state = reply.get("state", self._last_state)
        return reply["value"]

    async def _event(self, method: str, *args: Any) -> AnyEvent:
        if method in ("wait", "wait_to_pending"):
            (event,) = await self._session._observe_cells(method, type(self), [self], *args)
            return event
        event = decode_event(await self._call(method, *args))
        if isinstance(event, Completed | Terminated):
            self._session._ended(self.id)
        return event

    async def terminate(self) -> Completed | Terminated:
        """Stop the cell; returns `Terminated`, or the buffered `Completed`."""
        event, self._last_state = await self._session._terminate(self.id)
        return event

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.state}>"


class CellProxy(_CellProxy):
    """A continuing cell on a cluster host. If the host dies while it runs, its next `wait`
    returns `Completed` with the `HOST_LOST` error text."""

    kind = CellKind.CONTINUING

    async def wait(self, yield_after: float | None = None) -> Yielded | Completed | Terminated:
        """`Cell.wait` on the host."""
        event = await self._event("wait", yield_after)
        assert not isinstance(event, Pending)
        return event


class PausableCellProxy(_CellProxy):
    """A pausable cell on a cluster host; durable: it survives its host in the store."""

    kind = CellKind.PAUSABLE

    async def wait_to_pending(self) -> Pending | Completed | Terminated:
        """`PausableCell.wait_to_pending` on the host."""
        event = await self._event("wait_to_pending")
        assert not isinstance(event, Yielded)
        return event

    async def resume(self, generation: int) -> ResumeOutcome:
        """`PausableCell.resume` on the host."""
        return ResumeOutcome(await self._call("resume", generation))

    async def suspend(self) -> None:
        """`PausableCell.suspend` on the host."""
        await self._call("suspend")

    async def answer(
        self, call_id: str, result: JsonValue = None, *, error: str | None = None
    ) -> None:
        """`PausableCell.answer` on the host."""
        await self._call("answer", call_id, result, error)


def _batch(sources: Sequence[str]) -> list[tuple[str, str | None]]:
    if isinstance(sources, str):
        raise TypeError("sources must be a sequence of cell sources, got one str")
    return [(source, None) for source in sources]


def _check_batch(
    session: SessionProxy, kind: type[_CellProxy], cells: Sequence[_CellProxy]
) -> None:
    """`cells` are distinct cell proxies of `kind` from `session`."""
    seen: set[str] = set()
    for cell in cells:
        if not isinstance(cell, kind):
            raise TypeError(f"expected {kind.__name__} objects, got {type(cell).__name__}")
        if cell._session is not session:
            raise ValueError(f"cell {cell.id} belongs to another session")
        if cell.id in seen:
            raise ValueError(f"cell {cell.id} is listed twice")
        seen.add(cell.id)
