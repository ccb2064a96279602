"""The ready suite: generated paths and the Hypothesis machine, run against your own host.

A *host* is what you give a `Session`: your tools, your delegate and your config
(`Host`). For every step of a generated path, `HostDriver` makes a real session with your host
take it — real JavaScript on the real QuickJS engine, one engine step at a time
(`engine_gate.GatedEngine`) — and checks, at every step, what a user observes against what the
definition predicts (`predict.Reference`): the events returned to observers and terminate
callers, stored values, tool calls dispatched and cancelled, notifications drained before a
completion, ``cell_closed`` once, resume outcomes and declared refusals; and that the trace
recorded the step's very row (which is the check that the step's guard assignment held: rows
for one state and trigger differ only in their guards).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from .. import errors
from ..config import SessionConfig
from ..engine.protocol import Engine
from ..events import Completed, Pending, Terminated, Yielded
from ..fsm import Effect, LifecycleDefinition, State, Trace, Trigger
from ..kinds import CellKind
from ..session import Delegate, EngineSpec, Session
from ..tools import ToolCall, ToolDefinition, ToolError
from ._defs import Lifecycle, lifecycle
from .engine_gate import CONTROL_TOOL, PROBE_TOOL, SCRIPT, GatedEngine, Op
from .model import Step
from .paths import path_to_final
from .predict import IN_STEP, STEP_ENDS, Facts, HostContext, Observables, Reference

__all__ = ["STEP_TIMEOUT", "Host", "HostDriver", "PredictionError", "Recorder"]

T = Trigger
STEP_TIMEOUT = 5.0
"""Seconds a step may take to show its effects before it fails."""
_REFUSALS: dict[str, type[Exception]] = {
    "busy_observer": errors.BusyObserver,
    "closed_cell": errors.ClosedCell,
    "already_terminating": errors.AlreadyTerminating,
    "invalid_generation": errors.InvalidGeneration,
    "not_at_frontier": errors.CannotSuspend,
    "not_durable": errors.CannotSuspend,
}
"""The error each declared refusal raises (`codecells.errors`)."""


@dataclass(frozen=True)
class Host:
    """Your host: the tools, delegate and config your sessions are built with."""

    tools: Sequence[ToolDefinition | Callable[..., Any]] = ()
    delegate: Delegate | None = None
    config: SessionConfig | None = None


class PredictionError(AssertionError):
    """What a user observed differs from what the definition predicts."""

    def __init__(self, what: str, predicted: object, observed: object) -> None:
        self.what = what
        self.predicted = predicted
        self.observed = observed
        super().__init__(f"{what}\n    predicted: {predicted!r}\n    observed:  {observed!r}")


class Recorder:
    """The session's delegate: answers the probe tool when the path says so (cancellation goes
    through), forwards everything else to your delegate, and records what it saw."""

    def __init__(self, user: Delegate | None) -> None:
        self.user = user
        self.gates: list[asyncio.Event] = []
        self.dispatched = 0
        self.cancelled = 0
        self.waiting = 0
        self.notified: list[str] = []
        self.notified_at: list[float] = []
        self.running_notes = 0
        self.closed = 0

    async def invoke_tool(self, call: ToolCall) -> Any:
        if call.tool_name != PROBE_TOOL:
            if self.user is None:
                raise ToolError(f"no delegate for tool {call.tool_name}")
            return await self.user.invoke_tool(call)
        self.dispatched += 1
        gate = asyncio.Event()
        self.gates.append(gate)
        self.waiting += 1
        try:
            await gate.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.waiting -= 1
        return "ok"

    def answer(self) -> None:
        """Answer the oldest unanswered probe call."""
        next(g for g in self.gates if not g.is_set()).set()

    async def notify(self, call_id: str, cell_id: str, text: str) -> None:
        self.running_notes += 1
        try:
            await asyncio.sleep(0.005)  # a notification takes a while: completion must wait
            if self.user is not None:
                await self.user.notify(call_id, cell_id, text)
            self.notified.append(text)
            self.notified_at.append(time.monotonic())
        finally:
            self.running_notes -= 1

    def cell_closed(self, cell_id: str) -> None:
        self.closed += 1
        closed = getattr(self.user, "cell_closed", None)
        if closed is not None:
            closed(cell_id)


class HostDriver:
    """Drives one real cell of your host through steps, checking predictions at each.

    A `codecells.testing.Driver` (async): use it with `TestModel` paths or the Hypothesis
    bridge, with `HostContext` as the path context."""

    def __init__(self, kind: Lifecycle, host: Host | None = None, *, timeout: float = STEP_TIMEOUT):
        self.definition: LifecycleDefinition = lifecycle(kind)
        self.kind = self.definition.kind
        self.host = host or Host()
        self.context = HostContext(self.definition)
        self.timeout = timeout
        self.traces: list[Trace] = []
        self.taken: list[Step] = []  # the steps applied since reset, the failing one last
        self._session: Session | None = None

    # --- Driver ----------------------------------------------------------------------------
    async def reset(self) -> None:
        """A fresh session and cell (the previous one is torn down and its trace kept)."""
        await self.close()
        self.recorder = Recorder(self.host.delegate)
        self.engine: GatedEngine | None = None
        probe = ToolDefinition(name=PROBE_TOOL, description="answered by the host suite")
        control = ToolDefinition(name=CONTROL_TOOL, description="the host suite's control")
        self._session = Session(
            [*self.host.tools, probe, control],
            delegate=self.recorder,
            config=self.host.config,
            engine_factory=self._make_engine,
        )
        self.ref = Reference.of(self.definition)
        self.facts: Hashable = self.context.initial()
        self.expected: list[int] = []
        self.matched_state = self.definition.initial
        self.ops: list[Op] = []
        self.released = 0
        self.outputs = 0
        self.notes = 0
        self.frontiers = 0
        self.resumed = 0
        self.observer: asyncio.Task[Any] | None = None
        self.tasks: list[asyncio.Task[Any]] = []
        self.events: list[tuple[str, str, tuple[str, ...]]] = []
        self.delivered: list[Yielded | Pending | Completed | Terminated] = []
        self.replies: list[str] = []
        self.emitted = 0  # outputs of the engine steps released so far
        self.ended_by: Trigger | None = None  # the finish (or loss) before any termination
        self.shut_down = False
        self.resumes = 0  # resume() calls that resumed the current frontier
        self.taken = []
        create = (
            self._session.create_cell
            if self.kind is CellKind.CONTINUING
            else self._session.create_pausable_cell
        )
        self.cell: Any = await create(SCRIPT, tool_call_id="host-suite")

    def _make_engine(self, spec: EngineSpec) -> Engine:
        from ..engine import QuickJSEngine

        real = QuickJSEngine(
            spec.source, tools=spec.tools, stored_values=spec.stored_values, limits=spec.limits
        )
        index = next(i for i, t in enumerate(spec.tools) if t.js_name == CONTROL_TOOL)
        self.engine = GatedEngine(real, index)
        return self.engine

    async def apply(self, step: Step) -> None:
        """Make the cell take `step`, then check the predictions (`PredictionError`)."""
        if not self.context.allows(self.facts, step):
            raise AssertionError(f"{step} cannot be realised on a real cell here ({self.facts})")
        assert isinstance(self.facts, Facts)
        self.taken.append(step)
        if self.facts.in_flight:  # act only once the step in flight reached the gate
            await self._held_step()
        await self._act(step)
        self.ref.apply(step)
        self.facts = self.context.after(self.facts, step)
        self.expected.append(step.row_index)
        if step.trigger not in IN_STEP:  # engine events reach the cell with their step's end
            await self._settle()
            self._check_refusals()
        if (
            step.trigger is T.QUIESCENT
            and self.kind is CellKind.CONTINUING
            and step.guards.get("has_queued_input")
        ):  # CONTRACT §1: a continuing cell continues whenever input unblocks it
            await self._held_step()

    async def finish(self) -> None:
        """Take a shortest path to a final state, checking every step."""
        route = path_to_final(self.definition, self.matched_state, self.facts, ctx=self.context)
        for step in route or ():
            await self.apply(step)

    def state(self) -> State:
        """The state the recorded trace shows after the last step taken."""
        return self.matched_state

    async def close(self) -> None:
        """Drive the cell to a final state, release everything, shut the session down, and
        check ``cell_closed`` was called exactly once."""
        session, self._session = self._session, None
        if session is None:
            return
        try:
            if self.cell.state not in ("terminated", "closed"):
                self.tasks.append(asyncio.ensure_future(session.terminate(self.cell.id)))
            if self.engine is not None and self.engine.arrived > self.released:
                self.engine.release([], "quiescent")
            await self._until(lambda: self.cell.state in ("terminated", "closed"))
            await self._settle_tasks()
            await self._until(lambda: not self.recorder.waiting)
            self._check_contract(final=True)
        finally:
            for gate in self.recorder.gates:
                gate.set()
            await self._settle_tasks()
            if self.engine is not None:  # never leave a worker thread held at the gate
                self.engine.close()
            self.traces.append(self.cell.trace)
            try:
                await asyncio.wait_for(session.shutdown(), self.timeout)
            except TimeoutError:
                raise PredictionError(
                    "session shutdown", f"done within {self.timeout} s", "still waiting"
                ) from None
        await self._until(lambda: self.recorder.closed >= 1)
        if self.recorder.closed != 1:
            raise PredictionError("cell_closed calls", 1, self.recorder.closed)

    async def _settle_tasks(self) -> None:
        pending = [t for t in self.tasks if not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=self.timeout)

    # --- acting ----------------------------------------------------------------------------
    async def _act(self, step: Step) -> None:
        t = step.trigger
        if t in IN_STEP:
            self.ops += self._op(t)
        elif t in STEP_ENDS:
            await self._held_step()
            assert self.engine is not None
            self.released += 1
            ops, self.ops = self.ops, []
            self.emitted += sum(1 for op in ops if op[0] == "t")
            assert isinstance(self.facts, Facts)
            if not self.facts.stopping and t is not T.QUIESCENT:
                self.ended_by = t
            self.engine.release(ops, t.value)  # type: ignore[arg-type]
        elif t is T.TOOL_RESULT:
            self.recorder.answer()
        elif t is T.OBSERVE:
            self._observe(3600.0)
        elif t is T.YIELD_DUE:
            assert self.observer is not None
            self.observer.cancel()
            await asyncio.gather(self.observer, return_exceptions=True)
            self._observe(0.0)
        elif t is T.RESUME:
            current = bool(step.guards.get("generation_current"))
            generation = self.frontiers if current else self.resumed
            if current:
                self.resumed = self.frontiers
            self.resumes += current
            outcome = str((await self.cell.resume(generation)).value)
            self.replies.append(outcome)
            want = "resumed" if current else "already_running"
            if outcome != want:  # CONTRACT §5, whatever the table says
                raise PredictionError(f"resume({generation})", want, outcome)
        elif t is T.TERMINATE:
            self._track("terminate", self.cell.terminate())
        elif t is T.SHUTDOWN:
            assert self._session is not None
            self.shut_down = True
            self.tasks.append(asyncio.ensure_future(self._session.shutdown()))
        # timer_fired and cleanup_done happen by themselves: the settle waits for them
        if Effect.OPEN_FRONTIER in self._effects(step):
            self.frontiers += 1

    def _effects(self, step: Step) -> tuple[Effect, ...]:
        return self.definition.transitions[step.row_index].effects

    def _op(self, trigger: Trigger) -> list[Op]:
        if trigger is T.OUTPUT:
            self.outputs += 1
            return [["t", f"o{self.outputs}"]]
        if trigger is T.NOTIFICATION:
            self.notes += 1
            return [["n", f"n{self.notes}"]]
        return {
            T.YIELD_REQUESTED: [["y"]],
            T.TOOL_CALL: [["c"]],
            T.TIMER_SET: [["ts"]],
            T.TIMER_CLEARED: [["tc"]],
        }.get(trigger, [])

    async def _held_step(self) -> None:
        engine = self.engine
        assert engine is not None
        arrived = await asyncio.to_thread(engine.wait_arrived, self.released + 1, self.timeout)
        if not arrived:
            raise PredictionError("an engine step in flight", "a step at the gate", "none")

    def _observe(self, yield_after: float) -> None:
        if self.kind is CellKind.CONTINUING:
            self.observer = self._track("observe", self.cell.wait(yield_after=yield_after))
        else:
            self.observer = self._track("observe", self.cell.wait_to_pending())

    def _track(self, who: str, work: Any) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.ensure_future(work)

        def record(done: asyncio.Task[Any]) -> None:
            if done.cancelled() or done.exception() is not None:
                return
            event = done.result()
            if isinstance(event, Yielded | Pending | Completed | Terminated):
                texts = tuple(getattr(i, "text", "?") for i in event.content_items)
                kind = f"pending {event.generation}" if isinstance(event, Pending) else event.type
                self.events.append((who, kind, texts))
                self.delivered.append(event)

        task.add_done_callback(record)
        self.tasks.append(task)
        return task

    # --- checking --------------------------------------------------------------------------
    def observed(self) -> Observables:
        """What a user observed of the cell so far."""
        stored = self._session.stored_values if self._session is not None else {}
        return Observables(
            events=by_receiver(self.events),
            stored=tuple(sorted((k, json.dumps(v)) for k, v in stored.items())),
            dispatched=self.recorder.dispatched,
            cancelled=self.recorder.cancelled,
            notified=tuple(self.recorder.notified),
            undrained=self._undrained(),
            closed=self.recorder.closed,
            replies=tuple(self.replies),
        )

    def _undrained(self) -> int:
        finishes = [
            s.at
            for s in self.cell.trace.steps
            if s.trigger in (T.FINISHED_OK, T.FINISHED_ERROR, T.RUNTIME_LOST) and s.dest != s.source
        ]
        if not finishes:
            return 0
        done = sum(1 for at in self.recorder.notified_at if at <= finishes[0])
        return max(0, len(self.ref.seen.notified) - done)

    def _match(self) -> tuple[int, str | None]:
        """How many expected rows the trace shows; an explanation when it contradicts them."""
        rows = self.definition.transitions
        matched = 0
        for recorded in self.cell.trace.steps:
            if matched < len(self.expected) and recorded.row == self.expected[matched]:
                matched += 1
                self.matched_state = recorded.dest
                continue
            row = rows[recorded.row] if recorded.row is not None else None
            incidental = row is not None and row.trigger is T.OBSERVE and row.internal
            if incidental or matched >= len(self.expected):
                continue  # a woken observer claiming its event, or ahead of the path
            want = self.expected[matched]
            return matched, (
                f"row {recorded.row} ({recorded.trigger.value}: {recorded.source.value} -> "
                f"{recorded.dest.value}) where the path takes row {want} ({rows[want].trigger.value}"
                f": {rows[want].source.value} -> {rows[want].dest.value})"
            )
        return matched, None

    async def _settle(self) -> None:
        f = self.facts
        assert isinstance(f, Facts)
        automatic = f.cleanup_next or f.due_timers > 0  # the cell moves on by itself: the
        # next step (cleanup_done, timer_fired) checks what a user observes

        def ready() -> bool:
            matched, wrong = self._match()
            return wrong is not None or (
                matched == len(self.expected)
                and (automatic or self.observed() == self._predicted())
            )

        await self._until(ready)
        matched, wrong = self._match()
        if wrong is not None:
            raise PredictionError("trace row", f"row {self.expected[matched]}", wrong)
        if matched < len(self.expected):
            want = self.expected[matched]
            row = self.definition.transitions[want]
            raise PredictionError(
                "trace row",
                f"row {want} ({row.trigger.value} in {row.source.value})",
                f"not taken within {self.timeout} s; trace ends "
                f"{[s.trigger.value for s in self.cell.trace.steps[-3:]]}",
            )
        if automatic:
            return
        self._check_contract(final=False)
        observed, predicted = self.observed(), self._predicted()
        for name in Observables._fields:
            want, got = getattr(predicted, name), getattr(observed, name)
            if want != got:
                raise PredictionError(name, want, got)

    def _check_contract(self, *, final: bool) -> None:
        """What CONTRACT §4-§5 promise whatever the table says: every item exactly once and in
        order; writes committed only by a completion; terminate() answers `Completed` for a
        completed cell; pausable cells never yield; at the end no tool call is left running."""
        emitted = [f"o{n}" for n in range(1, self.emitted + 1)]
        items: list[str] = []
        seen: set[tuple[str, int]] = set()
        for event in self.delivered:
            key = (event.type, event.generation if isinstance(event, Pending) else 0)
            if isinstance(event, Pending | Terminated) and key in seen:
                continue  # a repeated frontier; Terminated to both terminate and observer
            seen.add(key)
            if isinstance(event, Yielded) and self.kind is CellKind.PAUSABLE:
                raise PredictionError("a pausable cell never yields", "no Yielded", event)
            items += [getattr(i, "text", "?") for i in event.content_items]
        arrived = self.engine.arrived if self.engine is not None else 0
        if self.kind is CellKind.PAUSABLE and arrived > 1 + self.resumes:
            raise PredictionError(
                "a pausable cell runs only when started or resumed", 1 + self.resumes, arrived
            )
        complete = final and not self.shut_down
        if items != (emitted if complete else emitted[: len(items)]):
            raise PredictionError("every item delivered exactly once, in order", emitted, items)
        stored = self._session.stored_values if self._session is not None else None
        if stored is not None:
            ended = self.ended_by
            want = {} if ended is None else {"ended": ended.value}
            if stored != want:
                raise PredictionError("writes committed only by a completion", want, stored)
        answers = [e for who, e, _ in self.events if who == "terminate"]
        want_answer = "terminated" if self.ended_by is None else "completed"
        if any(a != want_answer for a in answers):
            raise PredictionError("what terminate() returns", want_answer, answers)
        if final and self.recorder.waiting:
            raise PredictionError("tool calls left running at the end", 0, self.recorder.waiting)

    def _predicted(self) -> Observables:
        seen = self.ref.seen
        return seen._replace(events=by_receiver(seen.events))

    def _check_refusals(self) -> None:
        """Every declared refusal of the current state that can be requested without side
        effects is refused with its error."""
        f = self.facts
        assert isinstance(f, Facts)
        if f.cleanup_next or f.due_timers or self.matched_state in self.definition.final_states:
            return
        for refusal in self.definition.rejections:
            if refusal.source != self.matched_state:
                continue
            attempt = self._refused_request(refusal.trigger, refusal.error.value, f)
            if attempt is None:
                continue
            error = _REFUSALS[refusal.error.value]
            promised = _contract_refusal(refusal.trigger, f)
            if promised is not None and promised is not error:
                raise PredictionError(
                    f"the refusal the table declares for {refusal.trigger.value} in "
                    f"{refusal.source.value}",
                    f"{promised.__name__} (CONTRACT §5)",
                    error.__name__,
                )
            try:
                attempt()
            except error:
                continue
            except Exception as exc:  # noqa: BLE001 - any other outcome is reported
                raise PredictionError(
                    f"{refusal.trigger.value} refused in {refusal.source.value}",
                    error.__name__,
                    f"{type(exc).__name__}: {exc}",
                ) from exc
            raise PredictionError(
                f"{refusal.trigger.value} refused in {refusal.source.value}",
                error.__name__,
                "accepted",
            )

    def _refused_request(
        self, trigger: Trigger, error: str, f: Facts
    ) -> Callable[[], object] | None:
        if trigger is T.RESUME and self.kind is CellKind.PAUSABLE:
            generation = self.frontiers + 7 if error == "invalid_generation" else 1
            return lambda: _close_after(self.cell.resume(generation))
        if trigger is T.OBSERVE and (f.attached or error != "busy_observer"):
            wait = (
                self.cell.wait(yield_after=0.0)
                if self.kind is CellKind.CONTINUING
                else self.cell.wait_to_pending()
            )
            return lambda: _close_after(wait)
        if trigger is T.TERMINATE and f.stopping:
            return lambda: _close_after(self.cell.terminate())
        return None

    async def _until(self, check: Callable[[], bool]) -> bool:
        deadline = time.monotonic() + self.timeout
        while not check():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.001)
        return True


def _contract_refusal(trigger: Trigger, f: Facts) -> type[Exception] | None:
    """The error CONTRACT §5 names for a refused request, where it names one."""
    if f.stopping:
        return errors.AlreadyTerminating if trigger is T.TERMINATE else errors.ClosedCell
    if trigger is T.OBSERVE and f.attached:
        return errors.BusyObserver
    return errors.InvalidGeneration if trigger is T.RESUME else None


def by_receiver(
    events: Sequence[tuple[str, str, tuple[str, ...]]],
) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """`events` grouped by receiver (observers, then terminate callers), each in order: the
    order between receivers woken together is not observable."""
    return tuple(sorted(events, key=lambda e: e[0] != "observe"))


def _close_after(coro: Any) -> object:
    """Run `coro` up to its first suspension (a refusal raises before it); then drop it."""
    try:
        return coro.send(None)
    except StopIteration as stop:
        return stop.value
    finally:
        coro.close()
