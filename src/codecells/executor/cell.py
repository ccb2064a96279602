"""`CellExecutor`: the model of one cell's lifecycle machine.

Data flows one way: engine events and control requests become triggers (`fire`), the machine's
rows (codecells.fsm.table) pick the transition, and the row's effects — the methods below named
after `codecells.fsm.Effect` values — carry it out. Guards are the methods named after
`codecells.fsm.Guard` values. The executor holds no lifecycle flags of its own: whether a cell
may continue, resume, yield or be claimed is decided by the table.

Everything here runs on the event loop thread; only engine steps run on worker threads.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any, Protocol

from transitions import MachineError

from .. import errors
from ..engine.failures import output_limit_text
from ..engine.protocol import (
    AnyEngineCommand,
    AnyEngineEvent,
    Engine,
    Finished,
    FireTimer,
    Interrupted,
    Lost,
    Notify,
    Output,
    Quiescent,
    RejectTool,
    ResolveTool,
    Started,
    TimerCleared,
    TimerSet,
    ToolAnswered,
    ToolCallRequested,
    YieldRequested,
)
from ..engine.runner import StepDone, StepOutcome, close_engine, in_host_call
from ..engine.wire import trusted
from ..events import Completed, Item, Pending, ResumeOutcome, Terminated, Yielded, item_size
from ..fsm import State, Trace, TraceStep, Trigger, definition, shared_machine
from ..fsm.spec import Rejection
from ..json_types import EMPTY_TEXTS, JsonValue
from ..kinds import CellKind
from ..tools import describe
from .callbacks import CANCEL_GRACE, Callbacks
from .delivery import Event, Observer, Outbox
from .journal import NO_JOURNAL, Journal
from .timers import Timers

__all__ = ["RUNTIME_LOST_TEXT", "STOP_GRACE", "CellExecutor", "CellHost", "LifecycleError"]

RUNTIME_LOST_TEXT = "exec runtime ended unexpectedly"
FEED_SLICE = 0.004
"""Seconds of feeding a step's events per event-loop callback: a step that emitted more (an
event storm) is fed over several loop iterations, so no callback stalls the loop."""
_FEED_CHECK = 32  # events fed between two looks at the clock
STOP_GRACE = 0.5
"""Seconds a terminating cell waits for its interrupted step to end. A step still running then
(one native call the interrupt cannot cut short, or an engine that cannot interrupt at all) is
given up on: the cell ends `Terminated` without its last events, and the engine is closed once
the step returns (docs/executor.md). Session shutdown stays within a second."""
log = logging.getLogger("codecells")
_FINAL = frozenset({State.TERMINATED.value, State.CLOSED.value, State.DETACHED.value})


class LifecycleError(RuntimeError):
    """A trigger reached a state whose table has no row and no declared refusal for it (a bug)."""


class CellHost(Protocol):
    """What a cell needs from its session."""

    def invoke_tool(self, cell_id: str, call: ToolCallRequested) -> Awaitable[AnyEngineCommand]:
        """Start the tool call (called when it is dispatched); the awaitable gives the command
        that resolves or rejects the script's promise."""

    async def notify(self, cell_id: str, text: str) -> None:
        """Forward ``notify(text)`` to the delegate."""

    def commit(
        self,
        writes: dict[str, JsonValue],
        *,
        fresh: bool = False,
        json_writes: Mapping[str, str] = EMPTY_TEXTS,
    ) -> None:
        """Apply a completed cell's stored-value writes to the session (`fresh`: made for the
        session alone, see `Finished.fresh_writes`; `json_writes`: writes kept as JSON text,
        see `Finished.stored_json_writes`)."""

    def closed(self, cell_id: str) -> None:
        """The cell published its terminal event: remove it and tell the delegate."""

    def detached(self, cell_id: str) -> None:
        """The process let go of a durable cell the store keeps: remove it, quietly."""


StepRunner = Callable[[Engine, StepDone], object]
"""Starts ``engine.step()`` off the event loop and calls back with its outcome on the loop, like
`codecells.engine.runner.start_step` (the default)."""


class CellExecutor:
    """Owns one cell: its machine state, output, observer, callbacks, timers and engine steps."""

    def __init__(
        self,
        cell_id: str,
        kind: CellKind,
        engine: Engine,
        host: CellHost,
        run_step: StepRunner,
        *,
        output_limit: int | None = None,
        journal: Journal = NO_JOURNAL,
    ) -> None:
        self.cell_id = cell_id
        self.kind = kind
        self.state: str = ""
        self._machine = shared_machine(kind)
        self._definition = definition(kind)
        self._machine.add_model(self)
        self._engine = engine
        self._host = host
        self._run_step = run_step
        self._output_limit = output_limit
        self._journal = journal
        # see `trace`: the trigger's value, not the enum member, so that each entry holds only
        # atomic values and the garbage collector stops tracking it (a storm's transitions
        # would otherwise be traversed by every full collection)
        self._steps: list[tuple[str, str, str, float, int]] = []
        self._outbox = Outbox()
        self._observer: Observer | None = None
        # weakly: a cell let go of is freed at once, not left with its output to the next full
        # garbage collection (docs/benchmarks.md, "Event storms")
        self._callbacks = Callbacks(cell_id, _weakly(self._tool_answered))
        self._timers = Timers(_weakly(self._timer_fired))
        self._step: asyncio.Future[None] | None = None  # done once its events are fed
        self._ending: asyncio.Task[None] | None = None
        self._cleanup_task: asyncio.Task[None] | None = None
        self._awaiting_input = False
        self._undispatched: list[ToolCallRequested] = []
        self._next_generation = 1
        self._last_resumed: int | None = None
        self._error_text: str | None = None
        self._failure: str | None = None  # why the host failed the cell; its Completed error
        self._terminal: Completed | Terminated | None = None
        self._terminate_waiter: asyncio.Future[Completed | Terminated] | None = None
        self._reply: Any = None
        self.closed = asyncio.Event()

    # ------------------------------------------------------------------ public surface
    @property
    def trace(self) -> Trace:
        """Every transition this cell's machine took so far."""
        steps = tuple(
            # constructed without re-validation: every field comes from typed values in `fire`
            trusted(
                TraceStep,
                trigger=Trigger(trigger),
                source=State(source),
                dest=State(dest),
                internal=source == dest,
                at=at,
                row=row,
            )
            for trigger, source, dest, at, row in self._steps
        )
        return Trace(kind=self.kind, cell_id=self.cell_id, steps=steps)

    @property
    def idle_for(self) -> float:
        """Seconds since the cell's machine last took a transition."""
        return time.monotonic() - self._steps[-1][3] if self._steps else 0.0

    def start(self) -> None:
        """Start the script: the first engine step."""
        self.run_step()

    async def observe(self, yield_after: float | None) -> Event:
        """The next event for an observer (`yield_after` seconds for continuing cells)."""
        observer = Observer(yield_after=yield_after)
        while True:
            if self.state in _FINAL:
                if self._terminal is None:  # detached: the store keeps the cell
                    raise errors.ClosedCell(self.cell_id)
                return self._terminal
            woken = observer.arm()
            self.fire(Trigger.OBSERVE, observer=observer)
            if observer.event is not None:
                return observer.event
            try:
                await woken
            except asyncio.CancelledError:
                self._detach(observer)
                raise

    async def prepare_resume(self, generation: int) -> None:
        """Before resuming the held frontier of a suspended durable cell, rebuild its engine by
        replaying the journal (off the event loop). Raises `ReplayDiverged`; nothing changes."""
        if self.generation_current(generation=generation):
            await self._journal.restore()

    def suspend(self) -> None:
        """Release the engine of a durable cell held at a frontier (pausable)."""
        self.fire(Trigger.SUSPEND)

    def restored(
        self,
        frontier: Pending | None,
        completed: Completed | None,
        last_resumed: int | None,
        observed: bool,
    ) -> None:
        """A cell loaded from a store: hold its frontier, or its completion."""
        self.fire(
            Trigger.RESTORED,
            frontier=frontier,
            last_resumed=last_resumed,
            observed=observed,
            completed=completed,
            error_text=completed.error_text if completed else None,
            writes={},
        )

    def answer(self, command: ResolveTool | RejectTool) -> None:
        """The result of an externally answered call: it arrives now (its task ends). A
        durable cell records it first: `StoreError` if it cannot, and nothing changes."""
        fresh = self._journal.answer(command)
        task = self._callbacks.tools.pop(command.call_id, None)
        if task is not None:
            task.cancel()
        self.fire(Trigger.TOOL_RESULT, command=command, fresh=fresh)

    def hold_calls(self, calls: list[ToolCallRequested]) -> None:
        """Calls a restored cell made before and never got answered: `redispatch_calls`
        dispatches those without a task here when the cell is resumed here."""
        self._undispatched = list(calls)

    def resume(self, generation: int) -> ResumeOutcome:
        """Resume the frontier `generation` (pausable)."""
        self._reply = ResumeOutcome.RESUMED  # also if the resume failed: the cell runs to its end
        # claimed once, before the rows are tried (`generation_claimed` reads the answer):
        # `StoreError` if the store fails, and the cell stays at its frontier
        claimed = self.generation_current(generation=generation) and self._journal.claim(generation)
        self.fire(Trigger.RESUME, generation=generation, claimed=claimed)
        outcome: ResumeOutcome = self._reply
        return outcome

    async def terminate(self) -> Completed | Terminated:
        """Stop the cell, or claim its buffered completion."""
        waiter: asyncio.Future[Completed | Terminated] = asyncio.get_running_loop().create_future()
        self.fire(Trigger.TERMINATE, waiter=waiter)
        if self._terminal is not None and self.state == State.CLOSED.value:
            return self._terminal
        return await asyncio.shield(waiter)

    def shutdown(self) -> None:
        """Session shutdown: stop the cell (or drop its unclaimed completion)."""
        if self.state not in _FINAL:
            self.fire(Trigger.SHUTDOWN)

    # ------------------------------------------------------------------ the one entry point
    def fire(self, trigger: Trigger, **data: Any) -> None:
        """Feed `trigger` into the machine; raise the declared error when it is refused."""
        source = self.state
        at = time.monotonic()
        try:
            taken = self._machine.fire(self, trigger.value, **data)
        except MachineError:
            taken = False
        except Exception as exc:  # a guard or effect raised: the cell fails, it never sticks
            if self._machine.last_row >= 0:  # an effect raised: the row's state change stands
                self._steps.append((trigger.value, source, self.state, at, self._machine.last_row))
            self._effect_failed(trigger, source, exc, data)
            return
        if taken:
            self._steps.append((trigger.value, source, self.state, at, self._machine.last_row))
            return
        raise self._refusal(State(source), trigger, data)

    def _effect_failed(
        self, trigger: Trigger, source: str, exc: Exception, data: dict[str, Any]
    ) -> None:
        """A transition raised part-way: fail the cell through the table's `effect_failed`."""
        log.error(
            "%s cell %s: %s in state %s failed",
            self.kind,
            self.cell_id,
            trigger,
            source,
            exc_info=exc,
        )
        if trigger is Trigger.HANDLING_FAILED:
            raise LifecycleError(f"cell {self.cell_id}: handling a failure failed") from exc
        text = f"{RUNTIME_LOST_TEXT}: {trigger} failed: {type(exc).__name__}: {describe(exc)}"
        failure = (
            Trigger.HANDLING_FAILED if trigger is Trigger.EFFECT_FAILED else Trigger.EFFECT_FAILED
        )
        self.fire(failure, error_text=text)
        observer = data.get("observer")
        if isinstance(observer, Observer) and observer is not self._observer:
            # not attached, so nothing would wake it: let it look again, on the next iteration
            # (a guard that keeps raising must not spin here)
            asyncio.get_running_loop().call_soon(observer.wake)

    def _refusal(self, source: State, trigger: Trigger, data: dict[str, Any]) -> Exception:
        rejection = self._definition.rejection(source, trigger)
        cid = self.cell_id
        if rejection is None:
            return LifecycleError(
                f"{self.kind} cell {cid} can't handle trigger {trigger} in state {source}"
            )
        if rejection.error is Rejection.BUSY_OBSERVER:
            return errors.BusyObserver(cid)
        if rejection.error is Rejection.CLOSED_CELL:
            return errors.ClosedCell(cid)
        if rejection.error is Rejection.ALREADY_TERMINATING:
            return errors.AlreadyTerminating(cid)
        if rejection.error is Rejection.NOT_AT_FRONTIER:
            return errors.CannotSuspend(cid, f"it is {source}, not held at a pending frontier")
        if rejection.error is Rejection.NOT_DURABLE:
            return errors.CannotSuspend(cid, "its session has no store")
        latest = self._outbox.frontier.generation if self._outbox.frontier else self._last_resumed
        return errors.InvalidGeneration(cid, int(data.get("generation", 0)), latest)

    # ------------------------------------------------------------------ engine events
    def _feed(self, event: AnyEngineEvent) -> None:
        """Turn one engine event into its trigger."""
        if isinstance(event, Output):
            self.fire(Trigger.OUTPUT, item=event.item, size=item_size(event.item))
        elif isinstance(event, ToolCallRequested):
            trigger = Trigger.INLINE_TOOL_CALL if event.inline else Trigger.TOOL_CALL
            self.fire(trigger, call=event)
        elif isinstance(event, ToolAnswered):
            self.fire(Trigger.TOOL_ANSWERED, command=event.result)
        elif isinstance(event, Quiescent):
            self.fire(Trigger.QUIESCENT, pending_ids=event.pending_tool_call_ids)
        elif isinstance(event, Notify):
            self.fire(Trigger.NOTIFICATION, text=event.text)
        elif isinstance(event, YieldRequested):
            self.fire(Trigger.YIELD_REQUESTED)
        elif isinstance(event, TimerSet):
            self.fire(Trigger.TIMER_SET, timer_id=event.timer_id, delay=event.delay)
        elif isinstance(event, TimerCleared):
            self.fire(Trigger.TIMER_CLEARED, timer_id=event.timer_id)
        elif isinstance(event, Started):
            self.fire(Trigger.STARTED)
        elif isinstance(event, (Finished, Lost, Interrupted)):
            self._timers.cancel_all()
            if self._callbacks.idle:  # nothing to drain or cancel: report at once
                self._report_end(event)
            else:
                self._ending = asyncio.get_running_loop().create_task(self._finish(event))

    async def _finish(self, end: Finished | Lost | Interrupted) -> None:
        """Natural end of the script: drain notifications, cancel tool calls, then report."""
        await self._callbacks.drain_notifications()
        await self._callbacks.cancel_tools()
        self._report_end(end)

    def _report_end(self, end: Finished | Lost | Interrupted) -> None:
        """The cell's end, with the writes its script made (the rows decide their fate)."""
        if isinstance(end, Finished):
            trigger = Trigger.FINISHED_OK if end.error_text is None else Trigger.FINISHED_ERROR
            text = end.error_text
        else:
            trigger = Trigger.RUNTIME_LOST
            text = (
                RUNTIME_LOST_TEXT
                if isinstance(end, Interrupted)
                else (f"{RUNTIME_LOST_TEXT}: {end.message}")
            )
        self.fire(
            trigger,
            writes=end.stored_value_writes,
            fresh=end.fresh_writes,
            json_writes=end.stored_json_writes,
            error_text=text,
        )

    # ------------------------------------------------------------------ guards
    def observer_free(self, *, observer: Observer | None = None, **_: Any) -> bool:
        """No other observer is attached."""
        return self._observer is None or self._observer is observer

    def observer_attached(self, **_: Any) -> bool:
        """An observer is attached."""
        return self._observer is not None

    def already_attached(self, *, observer: Observer | None = None, **_: Any) -> bool:
        """The observer is the one attached: woken, it looks again."""
        return observer is not None and observer is self._observer

    def yield_ready(self, *, observer: Observer | None = None, **_: Any) -> bool:
        """Output is due now: an initial yield is buffered, or this observer's yield is due."""
        return self._outbox.initial_yield is not None or bool(observer and observer.due)

    def first_unobserved_yield(self, **_: Any) -> bool:
        """Never observed and no initial yield buffered yet."""
        return not self._outbox.has_been_observed and self._outbox.initial_yield is None

    def output_fits(self, *, size: int = 0, **_: Any) -> bool:
        """The cell has not failed and an item of `size` bytes fits in its output limit."""
        limit = self._output_limit
        return self._failure is None and (limit is None or self._outbox.held + size <= limit)

    def failed(self, **_: Any) -> bool:
        """The host failed the cell (output over its limit, or a guard or effect raised)."""
        return self._failure is not None

    def has_queued_input(self, **_: Any) -> bool:
        """A tool result or timer firing is already queued for the script."""
        return self._engine.has_queued_input

    def awaiting_input(self, *, fresh: bool = True, **_: Any) -> bool:
        """Resumed with nothing queued: the script waits for its next input, and this one is
        new to it (not one the store held first, already queued or applied)."""
        return self._awaiting_input and fresh

    def generation_current(self, *, generation: int = 0, **_: Any) -> bool:
        """The requested generation is the held frontier's."""
        frontier = self._outbox.frontier
        return frontier is not None and generation == frontier.generation

    def generation_consumed(self, *, generation: int = 0, **_: Any) -> bool:
        """The requested generation was already resumed."""
        return self._last_resumed is not None and 1 <= generation <= self._last_resumed

    def generation_claimed(self, *, claimed: bool = False, **_: Any) -> bool:
        """The store granted this process that generation (always, without a store): claimed
        by `resume` before the rows are tried."""
        return claimed

    def journaled(self, **_: Any) -> bool:
        """The cell is kept in a durable store."""
        return self._journal.durable

    def at_frontier(self, *, frontier: Pending | None = None, **_: Any) -> bool:
        """The cell was loaded at a frontier (not with its completion)."""
        return frontier is not None

    # ------------------------------------------------------------------ effects: engine
    def run_step(self, **_: Any) -> None:
        """Run the script on a worker thread until it is quiescent or over."""
        self._awaiting_input = False
        loop = asyncio.get_running_loop()
        step = self._step = loop.create_future()
        try:
            self._run_step(self._engine, partial(self._stepped, step))
        except Exception as exc:  # reported like a failed step, after this transition
            loop.call_soon(self._stepped, step, exc)

    def _stepped(self, step: asyncio.Future[None], outcome: StepOutcome) -> None:
        """Feed a step's events (on the loop, `FEED_SLICE` per callback); then `step` is done."""
        if isinstance(outcome, BaseException):  # the engine itself broke: the runtime is lost
            outcome = [Lost(message=f"{type(outcome).__name__}: {outcome}")]
        # fed by popping from a reversed copy: an event fed is released at once (a storm's
        # thousands would otherwise live until the last one is fed)
        self._feed_from(step, outcome[::-1])

    def _feed_from(self, step: asyncio.Future[None], events: list[AnyEngineEvent]) -> None:
        """Feed `events` (in reverse order) from the end, until the slice's time is up."""
        deadline = time.perf_counter() + FEED_SLICE
        if self.state in _FINAL:  # a step given up on at termination (`_clean_up`)
            events.clear()
        try:
            while events:
                for _ in range(min(_FEED_CHECK, len(events))):
                    self._feed(events.pop())
                if time.perf_counter() > deadline:
                    break
        except BaseException:
            step.set_result(None)
            raise
        if events:
            asyncio.get_running_loop().call_soon(self._feed_from, step, events)
        else:
            step.set_result(None)

    def stop_engine(self, **_: Any) -> None:
        """Interrupt the script: its running (or next) step ends at once, as `runtime_lost`."""
        self._engine.interrupt()

    def ensure_step(self, **_: Any) -> None:
        """Run a step unless one is under way (running, or its events being fed): either way a
        step end follows."""
        if self._step is None or self._step.done():
            self.run_step()

    def await_input(self, **_: Any) -> None:
        """Resumed with nothing queued: the next tool result or timer firing runs the script."""
        self._awaiting_input = True

    def queue_input(self, *, command: AnyEngineCommand, **_: Any) -> None:
        """Hand a tool result or timer firing to the engine (applied at its next step)."""
        self._engine.post(command)

    def append_output(self, *, item: Item, size: int = 0, **_: Any) -> None:
        """Buffer an output item of `size` bytes."""
        self._outbox.append(item, size)

    def refuse_output(self, **_: Any) -> None:
        """Drop an item that does not fit: the cell fails naming the output limit (unless it
        failed already: the first reason wins)."""
        self.record_failure(error_text=output_limit_text(self._output_limit or 0))

    def dispatch_tool_call(self, *, call: ToolCallRequested, **_: Any) -> None:
        """Send a tool call to the host now; its result comes back as `tool_result`."""
        work = self._host.invoke_tool(self.cell_id, call)  # called now: the host sees the call
        self._callbacks.spawn_tool(call.call_id, work)

    def _tool_answered(self, command: AnyEngineCommand) -> None:
        if self.state not in _FINAL:  # a tool that ignored cancellation answers a closed cell
            self._arrived(Trigger.TOOL_RESULT, command)

    def _arrived(self, trigger: Trigger, command: AnyEngineCommand) -> None:
        """A host-run tool's result or a timer firing: recorded by the journal, then fed (a
        journal that raises fails the cell, as a raising effect does)."""
        try:
            fresh = self._journal.arrive(command)
        except Exception as exc:
            self._effect_failed(trigger, self.state, exc, {})
            return
        self.fire(trigger, command=command, fresh=fresh)

    def dispatch_notification(self, *, text: str, **_: Any) -> None:
        """Send ``notify(text)`` to the host."""
        self._callbacks.spawn_notification(self._host.notify(self.cell_id, text))

    def schedule_timer(self, *, timer_id: int, delay: float, **_: Any) -> None:
        """Schedule a timer; its firing comes back as `timer_fired`."""
        self._timers.schedule(timer_id, delay)

    def cancel_timer(self, *, timer_id: int, **_: Any) -> None:
        """Cancel a scheduled timer."""
        self._timers.cancel(timer_id)

    def _timer_fired(self, timer_id: int) -> None:
        self._arrived(Trigger.TIMER_FIRED, trusted(FireTimer, timer_id=timer_id))

    # ------------------------------------------------------------------ effects: frontiers
    def open_frontier(self, *, pending_ids: list[str], **_: Any) -> None:
        """Hold at a new numbered frontier with the output since the last delivery."""
        self._outbox.frontier = trusted(  # items are validated already: an event storm's
            Pending,  # output would take ~1 us per item to check again, on the loop
            generation=self._next_generation,
            content_items=self._outbox.take_with_initial_yield(),
            pending_tool_call_ids=list(pending_ids),
        )
        self._outbox.frontier_observed = False
        self._next_generation += 1
        if self._observer is not None:
            self._observer.wake()

    def consume_frontier(self, **_: Any) -> None:
        """Resume: an observed frontier's content counts as delivered; an unobserved one's goes
        to the next delivered event."""
        assert self._outbox.frontier is not None
        self._last_resumed = self._outbox.frontier.generation
        self._outbox.consume_frontier()
        self._reply = ResumeOutcome.RESUMED

    def redispatch_calls(self, **_: Any) -> None:
        """Resumed here: dispatch again the restored cell's unanswered calls (at-least-once)."""
        calls, self._undispatched = self._undispatched, []
        for call in calls:
            if call.call_id not in self._callbacks.tools:
                self.dispatch_tool_call(call=call)

    def release_engine(self, **_: Any) -> None:
        """Suspend: release the engine; the journal keeps the cell for any process."""
        self._journal.suspend()

    def hold_frontier(
        self, *, frontier: Pending, last_resumed: int | None, observed: bool, **_: Any
    ) -> None:
        """A restored cell holds the frontier it was loaded at (observed before, or not)."""
        self._outbox.frontier = frontier
        self._outbox.frontier_observed = observed
        self._next_generation = frontier.generation + 1
        self._last_resumed = last_resumed

    def hold_completion(self, *, completed: Completed, **_: Any) -> None:
        """A restored cell holds the completion it was loaded with, until it is claimed."""
        self._outbox.content = list(completed.content_items)

    def reply_already_running(self, **_: Any) -> None:
        """That generation was resumed before."""
        self._reply = ResumeOutcome.ALREADY_RUNNING

    # ------------------------------------------------------------------ effects: observers
    def attach_observer(self, *, observer: Observer, **_: Any) -> None:
        """Attach the observer; a yield_after observer gets its deadline."""
        self._outbox.has_been_observed = True
        if self._observer is observer:
            return
        self._observer = observer
        if observer.yield_after is not None:
            loop = asyncio.get_running_loop()
            observer.deadline = loop.call_later(observer.yield_after, self._yield_due)

    def _yield_due(self) -> None:
        if self._observer is not None:
            self._observer.deadline = None
        self.fire(Trigger.YIELD_DUE)

    def wake_observer(self, **_: Any) -> None:
        """The attached observer's output is due (yield requested or deadline passed)."""
        assert self._observer is not None
        self._observer.mark_due(len(self._outbox.content))

    def buffer_initial_yield(self, **_: Any) -> None:
        """Split off the output so far for the first observation."""
        self._outbox.initial_yield = self._outbox.take()

    def deliver_yielded(self, *, observer: Observer, **_: Any) -> None:
        """Hand the observer `Yielded` with the output that is due."""
        self._outbox.has_been_observed = True
        if self._outbox.initial_yield is not None:
            items, self._outbox.initial_yield = self._outbox.initial_yield, None
        else:
            items = self._outbox.take(observer.cut)
        self._outbox.delivered(items)
        self._serve(observer, trusted(Yielded, content_items=items))

    def deliver_frontier(self, *, observer: Observer, **_: Any) -> None:
        """Hand the observer the held frontier (repeatable until resumed)."""
        frontier = self._outbox.frontier
        assert frontier is not None
        self._outbox.has_been_observed = True
        if not self._outbox.frontier_observed:
            self._outbox.frontier_observed = True
            self._outbox.delivered(frontier.content_items)
            self._journal.observed(frontier.generation)
        self._serve(observer, frontier)

    def _serve(self, observer: Observer, event: Event) -> None:
        observer.event = event
        self._detach(observer)

    def _detach(self, observer: Observer) -> None:
        observer.disarm()
        if self._observer is observer:
            self._observer = None

    # ------------------------------------------------------------------ effects: endings
    def commit_writes(
        self,
        *,
        writes: dict[str, JsonValue],
        fresh: bool = False,
        json_writes: Mapping[str, str] = EMPTY_TEXTS,
        **_: Any,
    ) -> None:
        """Apply the stored-value writes: the completion won."""
        self._host.commit(writes, fresh=fresh, json_writes=json_writes)

    def record_failure(self, *, error_text: str, **_: Any) -> None:
        """Remember why the host failed the cell (the first reason wins): the Completed error."""
        if self._failure is None:
            self._failure = error_text

    def record_completion(
        self, *, error_text: str | None, writes: dict[str, JsonValue] | None = None, **_: Any
    ) -> None:
        """Buffer the completion (with the host's failure, if any, as its error) until it is
        claimed; wake the observer to claim it. A durable cell records it in its store (last:
        a store that fails leaves the completion announced)."""
        self.announce_completion(error_text=error_text)
        self._journal.completed(self._outbox.content, self._error_text, writes or {})

    def announce_completion(self, *, error_text: str | None, **_: Any) -> None:
        """Buffer the completion (the host's failure, if any, as its error) until it is
        claimed, and wake the observer to claim it; nothing is recorded."""
        self._error_text = self._failure or error_text
        if self._observer is not None:
            self._observer.disarm()
            self._observer.wake()

    def claim_completion(self, *, observer: Observer | None = None, **_: Any) -> None:
        """The completion is claimed (observed, terminated or shut down)."""
        event = trusted(
            Completed,
            content_items=self._outbox.take_with_initial_yield(),
            error_text=self._error_text,
        )
        self._terminal = event
        if observer is not None:
            self._serve(observer, event)

    def begin_termination(
        self, *, waiter: asyncio.Future[Completed | Terminated] | None = None, **_: Any
    ) -> None:
        """Stop the script and cancel callbacks; `cleanup_done` follows."""
        self._terminate_waiter = waiter
        self._cleanup_task = asyncio.get_running_loop().create_task(self._clean_up())
        self._timers.cancel_all()
        if self._observer is not None:
            self._observer.disarm()
        self._engine.interrupt()

    async def _clean_up(self) -> None:
        await self._callbacks.cancel_all()
        await self._step_stopped()
        if self._ending is not None:  # read only now: the step's last events may start it
            await asyncio.wait({self._ending})
        self.fire(Trigger.CLEANUP_DONE)

    async def _step_stopped(self) -> None:
        """Wait for the interrupted step's last events. A step inside a plain `def` tool
        stops only when the tool returns: after `CANCEL_GRACE` it is given up on (its events are
        dropped), as a cancelled async tool would be; any other step after `STOP_GRACE`."""
        give_up = time.monotonic() + STOP_GRACE
        while self._step is not None and not self._step.done():
            left = give_up - time.monotonic()
            if left <= 0:
                return
            await asyncio.wait({self._step}, timeout=min(CANCEL_GRACE, left))
            if in_host_call(self._engine):
                return

    def publish_terminated(self, **_: Any) -> None:
        """Publish `Terminated` to the terminate caller and the attached observer."""
        event = trusted(Terminated, content_items=self._outbox.termination_content())
        self._terminal = event
        if self._terminate_waiter is not None and not self._terminate_waiter.done():
            self._terminate_waiter.set_result(event)
        self._release_observer()

    def _release_observer(self) -> None:
        """Wake the attached observer to find the cell final (its event, or `ClosedCell`)."""
        if self._observer is not None:
            observer, self._observer = self._observer, None
            observer.wake()

    def close_cell(self, **_: Any) -> None:
        """Final: release the engine (on a worker), forget the cell in its store, and tell the
        session. Cannot fail (a final state has no row to fail through): a failure to release
        or forget is logged."""
        self._timers.cancel_all()
        try:
            if self._step is None or self._step.done():
                close_engine(self._engine)
            else:
                self._step.add_done_callback(lambda _t: close_engine(self._engine))
            self._journal.closed()
        except Exception:
            log.exception("%s cell %s: closing failed", self.kind, self.cell_id)
        finally:
            self._host.closed(self.cell_id)
            self.closed.set()

    def detach_cell(self, **_: Any) -> None:
        """Final for this process: the store keeps the cell; stop its callbacks here."""
        self._timers.cancel_all()
        self._cleanup_task = asyncio.get_running_loop().create_task(self._callbacks.cancel_all())
        self._release_observer()
        self._host.detached(self.cell_id)
        self.closed.set()


def _weakly(method: Callable[[Any], None]) -> Callable[[Any], None]:
    """`method` of an object, called only while the object lives (holds no reference to it)."""
    weak = weakref.WeakMethod(method)

    def call(argument: Any) -> None:
        bound = weak()
        if bound is not None:
            bound(argument)

    return call
