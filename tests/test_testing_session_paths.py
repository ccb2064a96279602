"""Transition-cover paths of both kinds, replayed against real Sessions and executors.

The engine is a `ScriptedEngine` behind ``Session(engine_factory=...)``: every step of the
script is held in flight until the test decides which events it returns, so each engine
trigger of a path can be produced exactly when the path takes it. Control triggers go through
the public API (`wait`, `wait_to_pending`, `resume`, `terminate`, `shutdown`). A `PathContext`
models the history the guards depend on, so only paths a real cell can take are generated.
Each path passes when every state assertion holds, the recorded `cell.trace` conforms to the
definition, and the path's steps occur in the trace in order (actions may need extra steps,
e.g. a frontier before a resume).
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from typing import Any, NamedTuple

import pytest
from support import durable_rows, until

import codecells as cc
from codecells.engine.protocol import (
    AnyEngineCommand,
    AnyEngineEvent,
    Finished,
    FireTimer,
    Interrupted,
    Lost,
    Notify,
    Output,
    Quiescent,
    RejectTool,
    Started,
    TimerCleared,
    TimerSet,
    ToolAnswered,
    ToolCallRequested,
    YieldRequested,
)
from codecells.fsm import State, Trigger, definition
from codecells.testing import (
    Gate,
    Path,
    ScriptedEngine,
    Step,
    TestModel,
    check_trace,
    transition_paths,
    uncovered_rows,
)

S, T = State, Trigger
OUTPUT_LIMIT = 1000
TOOL = cc.ToolDefinition(name="slow", description="answers when the test says so")
WAIT = 5.0


class Facts(NamedTuple):
    """What the guards of a real cell depend on."""

    attached: bool = False  # an observer is attached
    observed: bool = False  # the cell was ever observed
    initial: bool = False  # an initial yield is buffered
    resumed: bool = False  # some frontier was resumed
    awaiting: bool = False  # resumed with nothing queued: no step runs until input arrives
    failed: bool = False  # output over the limit, or a (planted) effect failure


class CellContext:
    """Guard values a real cell can have, given its history."""

    def __init__(self, kind: str) -> None:
        self.rows = definition(kind).transitions
        self.pausable = kind == "pausable"

    def initial(self) -> Hashable:
        return Facts()

    def allows(self, context: Hashable, step: Step) -> bool:
        f = context
        assert isinstance(f, Facts)
        expected = {
            "observer_free": not f.attached,
            "observer_attached": f.attached,
            "already_attached": False,  # an observe step is a new observer
            "yield_ready": f.initial,
            "first_unobserved_yield": not f.observed and not f.initial,
            "generation_consumed": f.resumed,
            "awaiting_input": f.awaiting,
            "journaled": False,
            "failed": f.failed,
        }
        if step.guards.get("generation_current"):  # no store: no other process claims it
            expected["generation_claimed"] = True
        if any(step.guards[g] != v for g, v in expected.items() if g in step.guards):
            return False
        if step.trigger == T.RESTORED:  # only a session opened on a store loads cells
            return False
        if step.guards.get("output_fits") and f.failed:  # a small item fits unless failed
            return False
        # a finish wakes an attached observer, which claims the completion at once
        ending = step.trigger in (T.FINISHED_OK, T.FINISHED_ERROR, T.RUNTIME_LOST)
        if ending and f.attached:
            return False
        # engine events need a step in flight
        engine = step.trigger in IN_STEP or step.trigger == T.QUIESCENT or ending
        return not (engine and step.source == S.RUNNING and f.awaiting)

    def after(self, context: Hashable, step: Step) -> Hashable:
        f = context
        assert isinstance(f, Facts)
        names = {e.value for e in self.rows[step.row_index].effects}
        if "attach_observer" in names:
            f = f._replace(attached=True, observed=True)
        if names & {"deliver_yielded", "deliver_frontier"}:
            f = f._replace(observed=True, initial=False)
        if "wake_observer" in names or (self.pausable and step.trigger == T.QUIESCENT):
            f = f._replace(attached=False)  # the woken observer claims its event
        if "buffer_initial_yield" in names:
            f = f._replace(initial=True)
        if "consume_frontier" in names:
            f = f._replace(resumed=True)
        if "await_input" in names:
            f = f._replace(awaiting=True)
        if "run_step" in names or "ensure_step" in names:
            f = f._replace(awaiting=False)
        if names & {"record_failure", "refuse_output"}:
            f = f._replace(failed=True)
        return f


class Delegate:
    """Tool calls wait for the test and ignore cancellation (late results reach the cell)."""

    def __init__(self) -> None:
        self.gates: dict[str, asyncio.Event] = {}
        self.closed: list[str] = []

    async def invoke_tool(self, call: cc.ToolCall) -> Any:
        gate = self.gates.setdefault(call.call_id, asyncio.Event())
        while True:
            try:
                await gate.wait()
                return "ok"
            except asyncio.CancelledError:
                continue

    async def notify(self, call_id: str, cell_id: str, text: str) -> None:
        pass

    def cell_closed(self, cell_id: str) -> None:
        self.closed.append(cell_id)


class System:
    """One real session with one cell whose engine steps the test scripts."""

    def __init__(self, kind: str, path: Path) -> None:
        self.kind = kind
        self.path = path
        self.delegate = Delegate()
        self.engine = ScriptedEngine(interruptible=False)
        self.session = cc.Session(
            [TOOL],
            delegate=self.delegate,
            engine_factory=self._engine,
            config=cc.SessionConfig(output_limit=OUTPUT_LIMIT),
        )
        self.buffer: list[AnyEngineEvent] = []
        self.next_events: list[AnyEngineEvent] = []
        self.gate: Gate | None = None
        self.held = False
        self.calls = 0
        self.open_calls: list[str] = []
        self.resumed = 0
        self.taking = -1
        self.tasks: list[asyncio.Task[Any]] = []
        self.cell: Any = None

    def _engine(self, spec: Any) -> ScriptedEngine:
        return self.engine

    def _play(self, commands: list[AnyEngineCommand]) -> list[AnyEngineEvent]:
        return self.next_events

    def _arm(self) -> None:
        self.engine.add(self._play)
        self.gate = self.engine.hold()

    async def start(self) -> System:
        self._arm()
        create = (
            self.session.create_cell
            if self.kind == "continuing"
            else (self.session.create_pausable_cell)
        )
        self.cell = await create("/* scripted */", tool_call_id="call-1")
        await self.step_started()
        return self

    async def step_started(self) -> None:
        assert self.gate is not None
        assert await asyncio.to_thread(self.gate.entered.wait, WAIT)
        self.held = True

    @property
    def state(self) -> str:
        return str(self.cell.state)

    def trace_len(self) -> int:
        return len(self.cell.trace.steps)

    async def took(self, trigger: Trigger, since: int) -> None:
        await until(lambda: any(s.trigger == trigger for s in self.cell.trace.steps[since:]), WAIT)

    def timer_fires_later(self) -> bool:
        """Whether the path fires a timer before its next engine step runs."""
        for step in self.path.steps[self.taking + 1 :]:
            if step.trigger == T.TIMER_FIRED:
                return True
            if step.trigger == T.QUIESCENT or step.guards.get("has_queued_input"):
                return False
        return False

    def tool_call(self) -> ToolCallRequested:
        self.calls += 1
        call_id = f"tool-{self.calls}"
        self.open_calls.append(call_id)
        return ToolCallRequested(call_id=call_id, tool_index=0)

    async def release(self, end: AnyEngineEvent, *, queued: bool = False) -> None:
        """Let the held step return the buffered events and `end`."""
        assert self.held and self.gate is not None
        self.next_events, self.buffer = [*self.buffer, end], []
        gate = self.gate
        self._arm()
        if queued:
            self.engine.post(FireTimer(timer_id=0))  # input already queued: has_queued_input
        n = self.trace_len()
        self.held = False
        gate.release()
        await until(lambda: self.trace_len() >= n + len(self.next_events), WAIT)

    async def flush(self) -> None:
        """Deliver buffered events, ending up running again with a step held."""
        if not self.buffer:
            return
        if self.kind == "continuing":
            await self.release(Quiescent(), queued=True)
            await self.step_started()
        else:
            await self.release(Quiescent())
            await self.resume_current()

    async def resume_current(self, *, queued: bool = True) -> None:
        """Resume the held frontier; with `queued`, input waits so a step runs at once."""
        if queued:
            self.engine.post(FireTimer(timer_id=0))
        n = self.trace_len()
        outcome = await self.cell.resume(self._frontier())
        assert outcome == cc.ResumeOutcome.RESUMED
        self.resumed = self._frontier()
        await self.took(T.RESUME, n)
        if queued:
            await self.step_started()

    def _frontier(self) -> int:
        pendings = [
            s for s in self.cell.trace.steps if s.trigger == T.QUIESCENT and s.dest == S.PENDING
        ]
        return len(pendings)

    async def open_call(self) -> None:
        call_id = self.open_calls.pop(0)
        self.delegate.gates.setdefault(call_id, asyncio.Event()).set()

    async def observe(self, yield_after: float = 3600.0) -> None:
        n = self.trace_len()
        if self.kind == "continuing":
            self.tasks.append(asyncio.ensure_future(self.cell.wait(yield_after=yield_after)))
        else:
            self.tasks.append(asyncio.ensure_future(self.cell.wait_to_pending()))
        await self.took(T.OBSERVE, n)

    async def finish(self) -> None:
        """Teardown: end the cell, release every callback, shut the session down."""
        if self.state == "running":
            await self.flush()
        if self.state in ("running", "pending", "completed"):
            self.tasks.append(asyncio.ensure_future(self.session.terminate(self.cell.id)))
            await until(lambda: self.state in ("terminating", "terminated", "closed"), WAIT)
        if self.held:
            await self.release(Interrupted())
        for call_id in self.open_calls:
            self.delegate.gates.setdefault(call_id, asyncio.Event()).set()
        await until(lambda: self.state in ("terminated", "closed"), WAIT)
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.session.shutdown()


OVER_LIMIT = "x" * (OUTPUT_LIMIT + 1)
IN_STEP: dict[Trigger, Any] = {
    T.STARTED: lambda s: Started(),
    T.OUTPUT: lambda s: Output(item=cc.TextItem(text=f"out-{s.trace_len()}")),
    T.TOOL_CALL: lambda s: s.tool_call(),
    T.INLINE_TOOL_CALL: lambda s: ToolCallRequested(call_id="inline", tool_index=0, inline=True),
    T.TOOL_ANSWERED: lambda s: ToolAnswered(
        result=RejectTool(call_id="inline", message="no"), applied=s.kind == "continuing"
    ),
    T.NOTIFICATION: lambda s: Notify(text="note"),
    T.YIELD_REQUESTED: lambda s: YieldRequested(),
    T.TIMER_SET: lambda s: TimerSet(timer_id=1000 + s.trace_len(), delay=3600.0),
    T.TIMER_CLEARED: lambda s: TimerCleared(timer_id=1),
}


async def act(s: System, step: Step) -> None:
    t, here = step.trigger, step.source
    s.taking += 1
    if t in IN_STEP:
        if not s.held:
            raise AssertionError(f"no step in flight for {t.value} in {here.value}")
        fits = step.guards.get("output_fits", True)
        s.buffer.append(IN_STEP[t](s) if fits else Output(item=cc.TextItem(text=OVER_LIMIT)))
        return
    n = s.trace_len()
    if t == T.QUIESCENT:
        if here == S.RUNNING and not s.open_calls:
            s.buffer.append(s.tool_call())  # a real cell is quiescent while it awaits a tool
        if s.timer_fires_later():  # timing only: fires once pending was asserted
            s.buffer.append(TimerSet(timer_id=1, delay=0.2))
        queued = bool(step.guards.get("has_queued_input"))
        await s.release(Quiescent(pending_tool_call_ids=list(s.open_calls)), queued=queued)
        if queued or step.guards.get("failed"):  # run on, or stopped and run to its end
            await s.step_started()
    elif t in (T.FINISHED_OK, T.FINISHED_ERROR, T.RUNTIME_LOST):
        if here == S.RUNNING:
            s.buffer.append(s.tool_call())  # still outstanding at the finish: cancelled
        end = {
            T.FINISHED_OK: Finished(),
            T.FINISHED_ERROR: Finished(error_text="boom"),
            T.RUNTIME_LOST: Lost(message="gone"),
        }[t]
        await s.release(end)
        await s.took(t, n)
    elif t == T.TOOL_RESULT:
        if not s.open_calls:
            s.buffer.append(s.tool_call())
            await s.flush()
            n = s.trace_len()
        await s.open_call()
        await s.took(t, n)
        if step.guards.get("awaiting_input") or (here == S.PENDING and s.kind == "continuing"):
            await s.step_started()
    elif t == T.TIMER_FIRED:
        if here == S.RUNNING and not step.guards.get("awaiting_input"):
            delay = 0.3 if s.kind == "pausable" else 0.0  # pausable: timing only
            s.buffer.append(TimerSet(timer_id=1, delay=delay))
            await s.flush()
        await s.took(t, n)  # otherwise set by the step that reached the frontier
        if step.guards.get("awaiting_input") or (here == S.PENDING and s.kind == "continuing"):
            await s.step_started()
        if here == S.PENDING and s.kind == "continuing":
            await s.step_started()
    elif t == T.OBSERVE:
        await s.flush()
        await s.observe()
    elif t == T.YIELD_DUE:
        for task in s.tasks:
            task.cancel()
        await s.observe(yield_after=0.0)
        await s.took(t, n)
    elif t == T.RESUME:
        if step.guards.get("generation_current"):
            await s.resume_current(queued=bool(step.guards.get("has_queued_input")))
        else:
            assert await s.cell.resume(s.resumed) == cc.ResumeOutcome.ALREADY_RUNNING
    elif t == T.TERMINATE:
        if here == S.RUNNING and not s.open_calls:
            s.buffer.append(s.tool_call())  # outstanding at termination: may answer late
        await s.flush()
        s.tasks.append(asyncio.ensure_future(s.cell.terminate()))
        await s.took(t, n)
    elif t == T.SHUTDOWN:
        if here == S.RUNNING and not s.open_calls:
            s.buffer.append(s.tool_call())
        await s.flush()
        s.tasks.append(asyncio.ensure_future(s.session.shutdown()))
        await s.took(t, n)
    elif t == T.HANDLING_FAILED:
        # recording a failure failed too (tests/test_durable_session: a failing store)
        s.cell._executor.fire(T.HANDLING_FAILED, error_text="planted failure")
        await s.took(t, n)
    elif t == T.EFFECT_FAILED:
        # a failing guard or effect is a bug: plant its consequence (tests/test_session_failures
        # makes real effects fail through the public API)
        stepless = here == S.PENDING or (here == S.RUNNING and not s.held)
        s.cell._executor.fire(T.EFFECT_FAILED, error_text="planted failure")
        await s.took(t, n)
        if stepless:  # the stopped script runs to its end
            await s.step_started()
    elif t == T.CLEANUP_DONE:
        if s.held:
            await s.release(Interrupted())
        await s.took(t, n)
    else:
        raise AssertionError(f"no action for {t.value}")


def expect(state: State) -> Any:
    def check(s: System) -> None:
        if state == S.TERMINATING:  # cleanup may already be done: the trace is checked later
            assert s.state in ("terminating", "terminated"), s.state
        else:
            assert s.state == state.value, f"cell is {s.state}, expected {state.value}"

    return check


async def finish_and_check(s: System) -> None:
    await s.finish()
    trace = s.cell.trace
    assert check_trace(s.kind, trace, require_final=True).ok
    recorded = iter((x.trigger, x.source, x.dest) for x in trace.steps)
    for step in s.path.steps:  # the path is a subsequence of what the real cell did
        want = (step.trigger, step.source, step.dest)
        assert any(r == want for r in recorded), f"{step} missing from {trace.steps}"
    assert s.delegate.closed == [s.cell.id]


@pytest.mark.parametrize("kind", ["continuing", "pausable"])
async def test_transition_cover_paths_on_real_sessions(kind: str) -> None:
    context = CellContext(kind)
    # a real cell of a session without a store can take every row but the durable ones
    # (tests/test_durable_lifecycle.py takes those, on sessions with a store) and the observer
    # woken as a termination begins, which looks again there (raced for real in
    # tests/test_session_races.py): this harness's observers are new ones
    rows = definition(kind).transitions
    raced = {i for i, t in enumerate(rows) if "already_attached" in t.conditions}
    assert raced and set(uncovered_rows(kind, context=context)) == durable_rows(kind) | raced
    found = transition_paths(kind, context=context)
    assert {s.row_index for p in found for s in p.steps} == (
        set(range(len(rows))) - durable_rows(kind) - raced
    )
    model: TestModel[System] = TestModel(
        kind, {t: act for t in definition(kind).triggers}, {st: expect(st) for st in State}
    )
    for path in found:
        await model.run_path(path, System(kind, path).start, teardown=finish_and_check)
