"""What a user observes along a path, predicted from the lifecycle definition.

Every effect of the table gets one `EffectModel`, declared in `EFFECTS` below: how it changes
the *facts* the guards of a real cell depend on (so only realisable steps are generated), and
what it makes *observable* (events returned to observers and terminate callers, stored values,
tool calls dispatched and cancelled, notifications delivered, ``cell_closed``, resume
outcomes). Every guard gets one fact in `GUARD_FACTS`. A row's prediction is the composition
of its effects' predictions, so a new row needs nothing here; a new effect or guard needs one
entry, and `check_declared` names any that is missing.

`HostContext` is the `PathContext` of a real session driven by `codecells.testing.host`;
`Reference` is the reference model the observed behaviour is compared with at every step.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import NamedTuple

from ..fsm import Effect, Guard, LifecycleDefinition, Trigger
from ..fsm.effective import effective_guards
from ._defs import Lifecycle, lifecycle
from .model import Path, Step
from .paths import bfs, enabled_steps

__all__ = [
    "EFFECTS",
    "GUARD_FACTS",
    "GUARD_SITUATIONS",
    "EffectModel",
    "Facts",
    "HostContext",
    "Observables",
    "Reference",
    "UndeclaredError",
    "check_declared",
    "prediction_paths",
]

T = Trigger

IN_STEP = frozenset(
    {
        T.STARTED,
        T.OUTPUT,
        T.YIELD_REQUESTED,
        T.TOOL_CALL,
        T.NOTIFICATION,
        T.TIMER_SET,
        T.TIMER_CLEARED,
    }
)
"""Engine events produced by the script inside one engine step."""
STEP_ENDS = frozenset({T.QUIESCENT, T.FINISHED_OK, T.FINISHED_ERROR, T.RUNTIME_LOST})
"""Engine events that end a step."""
FINISHES = frozenset({T.FINISHED_OK, T.FINISHED_ERROR, T.RUNTIME_LOST})
HOST_TRIGGERS = (
    IN_STEP
    | STEP_ENDS
    | {T.TOOL_RESULT, T.TIMER_FIRED, T.OBSERVE, T.YIELD_DUE, T.RESUME, T.TERMINATE, T.SHUTDOWN}
    | {T.CLEANUP_DONE}
)
"""The triggers the host suite produces (`HostDriver` has an action for each); rows of other
triggers (e.g. ``effect_failed``, a host bug by definition) are left out of its paths."""
MAX_OPEN_CALLS = 2
"""Outstanding tool calls a generated path may hold (keeps the context finite)."""


class Facts(NamedTuple):
    """The history a real cell's guards depend on (a hashable path context)."""

    begun: bool = False  # the engine started the script
    in_flight: bool = True  # an engine step is in flight (a cell starts with one)
    mid_step: bool = False  # engine events of the step in flight were taken
    attached: bool = False  # an observer is attached
    due: bool = False  # the attached observer was woken; it claims its event after the step
    observed: bool = False  # the cell was ever observed
    initial: bool = False  # an initial yield is buffered
    frontier: bool = False  # a pending frontier is held
    resumed: bool = False  # some frontier was resumed
    awaiting: bool = False  # resumed with nothing queued: no step runs until input arrives
    open_calls: int = 0  # tool calls dispatched and not answered
    queued: int = 0  # inputs queued for the next engine step
    set_timers: int = 0  # timers the script set in the step in flight (it may clear them)
    scheduled: int = 0  # timers scheduled on the host clock in the step in flight
    due_timers: int = 0  # timers that fire now (zero delay), before anything else happens
    noted: bool = False  # the step in flight sent a notification
    buffered: bool = False  # output waits to be delivered
    stopping: bool = False  # termination began
    shut_down: bool = False  # the session was shut down (a second shutdown changes nothing)
    failed: bool = False  # the host failed the cell (never, in the host suite)
    cleanup_next: bool = False  # nothing is in flight while stopping: cleanup follows at once


GUARD_FACTS: dict[Guard, Callable[[Facts], bool | None]] = {
    Guard.OBSERVER_FREE: lambda f: not f.attached,
    Guard.OBSERVER_ATTACHED: lambda f: f.attached,
    # an `observe` step is a new observer: a woken one claims its event before anything else
    Guard.ALREADY_ATTACHED: lambda f: False,
    Guard.YIELD_READY: lambda f: f.initial,
    Guard.FIRST_UNOBSERVED_YIELD: lambda f: not f.observed and not f.initial,
    Guard.GENERATION_CLAIMED: lambda f: True,  # no store: nobody else can claim a generation
    Guard.JOURNALED: lambda f: False,  # the suite's sessions have no store
    Guard.AT_FRONTIER: lambda f: False,  # only a cell restored from a store has it
    Guard.OUTPUT_FITS: lambda f: not f.failed,  # the suite's items are a few bytes
    Guard.FAILED: lambda f: f.failed,
    Guard.HAS_QUEUED_INPUT: lambda f: f.queued > 0,
    Guard.AWAITING_INPUT: lambda f: f.awaiting,
    Guard.GENERATION_CURRENT: lambda f: None if f.frontier else False,
    Guard.GENERATION_CONSUMED: lambda f: None if f.resumed else False,
}
"""For every guard: whether it holds given the facts; None when the request chooses (e.g. which
generation to resume)."""

GUARD_SITUATIONS: dict[Guard, tuple[Callable[[Facts], bool], ...]] = {
    Guard.FIRST_UNOBSERVED_YIELD: (lambda f: f.observed, lambda f: f.initial),
    Guard.OBSERVER_FREE: (lambda f: f.observed,),
    Guard.HAS_QUEUED_INPUT: (lambda f: f.queued > 1,),
}
"""Distinct reasons a guard can have its value: `prediction_paths` takes every row naming the
guard once in each (a guard that fails because the cell was observed is not the same test as
one that fails because an initial yield is buffered)."""


class Observables(NamedTuple):
    """What a user can observe of one cell, cumulatively; compared field by field."""

    events: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    """(who received it: observe | terminate, event type — ``pending N`` with its generation —,
    item texts), in delivery order."""
    stored: tuple[tuple[str, str], ...] = ()
    """The session's stored values (key, JSON text), sorted."""
    dispatched: int = 0
    """Tool calls dispatched to the host."""
    cancelled: int = 0
    """Tool calls the host saw cancelled."""
    notified: tuple[str, ...] = ()
    """Notification texts delivered to the delegate."""
    undrained: int = 0
    """Notifications still running when a natural completion was published."""
    closed: int = 0
    """``cell_closed`` calls."""
    replies: tuple[str, ...] = ()
    """Resume outcomes (``resumed``, ``already_running``), in order."""


@dataclass
class Reference:
    """The reference model: the observables a path predicts, step by step."""

    definition: LifecycleDefinition
    content: list[str] = field(default_factory=list)
    initial: list[str] | None = None
    frontier: list[str] | None = None
    frontier_seen: bool = False
    cut: int | None = None  # a woken observer takes this many items when it runs
    attached: bool = False
    terminator: bool = False  # a terminate call waits for Terminated
    outputs: int = 0
    notes: int = 0
    generations: int = 0  # frontiers opened: generations count 1, 2, ... per cell
    open_calls: int = 0
    seen: Observables = field(default_factory=Observables)

    @classmethod
    def of(cls, kind: Lifecycle) -> Reference:
        """A fresh reference model of a cell of `kind` (checks every effect is declared)."""
        d = lifecycle(kind)
        check_declared(d)
        return cls(d)

    # the data a step carries, named the way the host suite's scripts produce it
    def next_output(self) -> str:
        """The text of the next output item (``o1``, ``o2``, ...)."""
        self.outputs += 1
        return f"o{self.outputs}"

    def next_note(self) -> str:
        """The text of the next notification (``n1``, ...)."""
        self.notes += 1
        return f"n{self.notes}"

    def emit(self, who: str, type_: str, items: list[str]) -> None:
        """Predict that `who` receives an event."""
        self.seen = self.seen._replace(events=(*self.seen.events, (who, type_, tuple(items))))

    def update(self, **changes: object) -> None:
        """Predict changed observables."""
        self.seen = self.seen._replace(**changes)  # type: ignore[arg-type]

    def take_initial_and_content(self) -> list[str]:
        """Remove and return the initial yield followed by the undelivered output."""
        items = (self.initial or []) + self.content
        self.initial, self.content = None, []
        return items

    def settle(self) -> None:
        """A woken observer runs (after the engine step in flight) and takes its `Yielded`."""
        if self.cut is None:
            return
        items = self.initial if self.initial is not None else self.content[: self.cut]
        if self.initial is not None:
            self.initial = None
        else:
            self.content = self.content[self.cut :]
        self.emit("observe", "yielded", items)
        self.cut, self.attached = None, False

    def apply(self, step: Step) -> None:
        """Predict what taking `step` makes observable."""
        row = self.definition.transitions[step.row_index]
        if step.trigger is T.OUTPUT and Effect.APPEND_OUTPUT not in row.effects:
            self.next_output()  # absorbed: the item is produced but never delivered
        if step.trigger is T.NOTIFICATION and Effect.DISPATCH_NOTIFICATION not in row.effects:
            self.next_note()
        if step.trigger is T.TOOL_RESULT:  # the host answered: the call is no longer open
            self.open_calls -= 1
        for effect in row.effects:
            EFFECTS[effect].predict(self, step)
        if step.trigger not in IN_STEP:
            self.settle()


def _observer_event(ref: Reference, step: Step, type_: str, items: list[str]) -> None:
    ref.emit("terminate" if step.trigger is T.TERMINATE else "observe", type_, items)


def _publish_terminated(ref: Reference, step: Step) -> None:
    unseen = ref.frontier if ref.frontier is not None and not ref.frontier_seen else []
    items = unseen + ref.take_initial_and_content()
    if ref.terminator:
        ref.emit("terminate", "terminated", items)
    if ref.attached:
        ref.emit("observe", "terminated", items)
        ref.attached = False


def _deliver_yielded(ref: Reference, step: Step) -> None:
    items = ref.initial if ref.initial is not None else ref.content
    if ref.initial is not None:
        ref.initial = None
    else:
        ref.content = []
    ref.emit("observe", "yielded", items)


def _open_frontier(ref: Reference, step: Step) -> None:
    ref.frontier, ref.frontier_seen = ref.take_initial_and_content(), False
    ref.generations += 1
    if ref.attached:
        ref.emit("observe", f"pending {ref.generations}", ref.frontier)
        ref.frontier_seen, ref.attached = True, False


def _deliver_frontier(ref: Reference, step: Step) -> None:
    ref.frontier_seen = True
    ref.emit("observe", f"pending {ref.generations}", list(ref.frontier or []))


def _dispatch_tool_call(ref: Reference, step: Step) -> None:
    ref.open_calls += 1
    ref.update(dispatched=ref.seen.dispatched + 1)


def _consume_frontier(ref: Reference, step: Step) -> None:
    if not ref.frontier_seen:  # resuming an unobserved frontier loses nothing (CONTRACT §5)
        ref.content = (ref.frontier or []) + ref.content
    ref.frontier = None
    ref.update(replies=(*ref.seen.replies, "resumed"))


def _buffer_initial_yield(ref: Reference, step: Step) -> None:
    ref.initial, ref.content = ref.content, []


def _begin_termination(ref: Reference, step: Step) -> None:
    ref.terminator = step.trigger is T.TERMINATE
    ref.update(cancelled=ref.seen.cancelled + ref.open_calls)
    ref.open_calls = 0


def _record_completion(ref: Reference, step: Step) -> None:
    # natural completion drains notifications and cancels outstanding tool calls first
    ref.update(cancelled=ref.seen.cancelled + ref.open_calls, undrained=0)
    ref.open_calls = 0


def _claim_completion(ref: Reference, step: Step) -> None:
    items = ref.take_initial_and_content()
    if step.trigger is not T.SHUTDOWN:
        _observer_event(ref, step, "completed", items)


def _commit_writes(ref: Reference, step: Step) -> None:
    stored = dict(ref.seen.stored)
    stored.update(host_writes(step.trigger))
    ref.update(stored=tuple(sorted(stored.items())))


def host_writes(trigger: Trigger) -> dict[str, str]:
    """The stored-value writes a host-suite script makes before it ends with `trigger`
    (as JSON texts)."""
    return {"ended": f'"{trigger.value}"'}


def _same(f: Facts) -> Facts:
    return f


def _nothing(ref: Reference, step: Step) -> None:
    return None


@dataclass(frozen=True)
class EffectModel:
    """One effect's model: its change of the guard `facts`, its observable `predict`ion, and
    the situations in which it `matters` (the host suite also runs a path taking each row of
    the effect in each such situation: e.g. a termination with tool calls outstanding)."""

    facts: Callable[[Facts], Facts] = _same
    predict: Callable[[Reference, Step], None] = _nothing
    matters: tuple[Callable[[Facts], bool], ...] = ()


def _delivered(f: Facts) -> Facts:
    return f._replace(buffered=False)


_OPEN_CALLS = (lambda f: f.open_calls > 0,)
_BUFFERED = (lambda f: f.buffered,)


# One entry per effect of the table, beside each other: the facts it changes and what a user
# then observes. Keep them in `Effect` order.
EFFECTS: dict[Effect, EffectModel] = {
    Effect.APPEND_OUTPUT: EffectModel(
        facts=lambda f: f._replace(buffered=True),
        predict=lambda r, s: r.content.append(r.next_output()),
    ),
    Effect.REFUSE_OUTPUT: EffectModel(facts=lambda f: f._replace(failed=True)),
    Effect.DISPATCH_TOOL_CALL: EffectModel(
        facts=lambda f: f._replace(open_calls=f.open_calls + 1), predict=_dispatch_tool_call
    ),
    Effect.DISPATCH_NOTIFICATION: EffectModel(
        facts=lambda f: f._replace(noted=True),
        predict=lambda r, s: r.update(notified=(*r.seen.notified, r.next_note())),
    ),
    Effect.SCHEDULE_TIMER: EffectModel(facts=lambda f: f._replace(scheduled=f.scheduled + 1)),
    Effect.CANCEL_TIMER: EffectModel(facts=lambda f: f._replace(scheduled=f.scheduled - 1)),
    Effect.QUEUE_INPUT: EffectModel(facts=lambda f: f._replace(queued=f.queued + 1)),
    Effect.RUN_STEP: EffectModel(
        facts=lambda f: f._replace(in_flight=True, queued=0, awaiting=False)
    ),
    Effect.STOP_ENGINE: EffectModel(),
    Effect.ENSURE_STEP: EffectModel(facts=lambda f: f._replace(in_flight=True)),
    Effect.AWAIT_INPUT: EffectModel(facts=lambda f: f._replace(awaiting=True)),
    Effect.OPEN_FRONTIER: EffectModel(
        facts=lambda f: f._replace(
            frontier=True, due=f.attached, buffered=f.buffered and not f.attached
        ),
        predict=_open_frontier,
        matters=_BUFFERED,
    ),
    Effect.CONSUME_FRONTIER: EffectModel(
        facts=lambda f: f._replace(resumed=True, frontier=False),
        predict=_consume_frontier,
        matters=_BUFFERED,  # a frontier nobody observed: its items come with the next event
    ),
    Effect.REPLY_ALREADY_RUNNING: EffectModel(
        predict=lambda r, s: r.update(replies=(*r.seen.replies, "already_running"))
    ),
    Effect.ATTACH_OBSERVER: EffectModel(
        facts=lambda f: f._replace(attached=True, observed=True),
        predict=lambda r, s: setattr(r, "attached", True),
    ),
    Effect.WAKE_OBSERVER: EffectModel(
        facts=lambda f: f._replace(due=True, buffered=False),  # the woken observer takes it
        matters=(lambda f: f.buffered, lambda f: f.due and f.buffered),
        predict=lambda r, s: setattr(r, "cut", len(r.content) if r.cut is None else r.cut),
    ),
    Effect.BUFFER_INITIAL_YIELD: EffectModel(
        facts=lambda f: f._replace(initial=True, buffered=False),
        predict=_buffer_initial_yield,
        matters=_BUFFERED,
    ),
    Effect.DELIVER_YIELDED: EffectModel(
        facts=lambda f: _delivered(f._replace(observed=True, initial=False)),
        predict=_deliver_yielded,
    ),
    Effect.DELIVER_FRONTIER: EffectModel(
        facts=lambda f: _delivered(f._replace(observed=True)),
        predict=_deliver_frontier,
        matters=(lambda f: f.resumed,),  # a later frontier: its generation is not 1
    ),
    Effect.COMMIT_WRITES: EffectModel(predict=_commit_writes),
    Effect.RECORD_FAILURE: EffectModel(facts=lambda f: f._replace(failed=True)),
    Effect.RECORD_COMPLETION: EffectModel(
        facts=lambda f: f._replace(open_calls=0),
        predict=_record_completion,
        matters=(lambda f: f.open_calls > 0, lambda f: f.noted),
    ),
    # `handling_failed` only (a failing store), which the host suite never produces
    Effect.ANNOUNCE_COMPLETION: EffectModel(),
    Effect.CLAIM_COMPLETION: EffectModel(
        facts=_delivered, predict=_claim_completion, matters=_BUFFERED
    ),
    Effect.BEGIN_TERMINATION: EffectModel(
        facts=lambda f: f._replace(
            stopping=True,
            open_calls=0,
            scheduled=0,
            due_timers=0,
            attached=f.attached and not f.due,
            cleanup_next=not f.in_flight,
        ),
        predict=_begin_termination,
        matters=_OPEN_CALLS,
    ),
    Effect.PUBLISH_TERMINATED: EffectModel(
        facts=_delivered, predict=_publish_terminated, matters=_BUFFERED
    ),
    Effect.CLOSE_CELL: EffectModel(predict=lambda r, s: r.update(closed=r.seen.closed + 1)),
    # durable cells (a session with a store): declared, not exercised by the host suite, whose
    # sessions have no store (`journaled` and `at_frontier` never hold)
    Effect.RELEASE_ENGINE: EffectModel(),
    Effect.REDISPATCH_CALLS: EffectModel(),
    Effect.HOLD_FRONTIER: EffectModel(facts=lambda f: f._replace(frontier=True)),
    Effect.HOLD_COMPLETION: EffectModel(),
    Effect.DETACH_CELL: EffectModel(),
}


class UndeclaredError(LookupError):
    """A definition uses an effect or guard with no declared prediction or fact."""


def check_declared(d: LifecycleDefinition) -> None:
    """Raise `UndeclaredError` naming every effect of `d` without an `EFFECTS` entry and every
    guard without a `GUARD_FACTS` entry."""
    missing = [f"effect {e.value}" for e in d.effects if e not in EFFECTS]
    missing += [f"guard {g.value}" for g in d.guards if g not in GUARD_FACTS]
    if missing:
        raise UndeclaredError(
            f"no prediction declared for {', '.join(missing)}: add it to "
            "codecells.testing.predict.EFFECTS / GUARD_FACTS (see docs/testing.md)"
        )


def _trigger_allows(f: Facts, step: Step) -> bool:
    """The constraints of a real engine and host on when a trigger can happen."""
    t = step.trigger
    if t not in HOST_TRIGGERS:
        return False
    if f.cleanup_next:
        return t is T.CLEANUP_DONE
    if f.due_timers:
        return t is T.TIMER_FIRED
    if t is T.CLEANUP_DONE or t is T.TIMER_FIRED:
        return False
    if t in IN_STEP or t in STEP_ENDS:
        if not f.in_flight or (t is T.STARTED) == f.begun:
            return False
        if t is T.TOOL_CALL:
            return f.open_calls < MAX_OPEN_CALLS
        if t is T.TIMER_SET:
            return f.set_timers < 1
        if t is T.TIMER_CLEARED:
            return f.set_timers > 0
        if t in FINISHES and f.attached and not f.due and not f.stopping:
            return False  # the woken observer would claim the completion at once
        # an observer woken at the step's end would race the timers firing then
        return not (t is T.QUIESCENT and f.scheduled and (f.due or f.attached))
    if f.mid_step:
        return False  # the events of a step reach the cell together
    if t is T.TOOL_RESULT:
        return f.open_calls > 0
    return not (t is T.SHUTDOWN and f.shut_down)


def _trigger_facts(f: Facts, step: Step) -> Facts:
    t = step.trigger
    if t is T.STARTED:
        f = f._replace(begun=True)
    if t in IN_STEP:
        f = f._replace(mid_step=True)
    if t is T.TIMER_SET:
        f = f._replace(set_timers=f.set_timers + 1)
    elif t is T.TIMER_CLEARED:
        f = f._replace(set_timers=f.set_timers - 1)
    elif t is T.TOOL_RESULT:
        f = f._replace(open_calls=f.open_calls - 1)
    elif t is T.TIMER_FIRED:
        f = f._replace(due_timers=f.due_timers - 1)
    elif t is T.CLEANUP_DONE:
        f = f._replace(cleanup_next=False)
    elif t is T.SHUTDOWN:
        f = f._replace(shut_down=True)
    return f


def _end_step(f: Facts, step: Step) -> Facts:
    """An engine step ended: timers it scheduled fire now if it ended quiescent (a finish
    cancels them); while stopping, cleanup follows."""
    fire = f.scheduled if step.trigger is T.QUIESCENT and not f.stopping else 0
    return f._replace(
        in_flight=False,
        mid_step=False,
        noted=False,
        set_timers=0,
        scheduled=0,
        due_timers=f.due_timers + fire,
        cleanup_next=f.stopping,
    )


class HostContext:
    """The `PathContext` of a real cell driven by the host suite (`codecells.testing.host`).

    Guards are read from `Facts` (`GUARD_FACTS`), effects change them (`EFFECTS`), and the
    engine's own constraints apply: a step's engine events arrive together, after ``started``,
    with nothing else in between; timers fire as soon as the step that set them ends; a woken
    observer claims its event before anything else happens; cleanup follows termination at
    once when no step is in flight."""

    def __init__(self, kind: Lifecycle) -> None:
        self.definition = lifecycle(kind)
        check_declared(self.definition)
        self._effects = {i: t.effects for i, t in enumerate(self.definition.transitions)}

    def initial(self) -> Hashable:
        """A fresh cell: its first step is in flight."""
        return Facts()

    def allows(self, context: Hashable, step: Step) -> bool:
        """Whether a real cell with this history can take `step`."""
        assert isinstance(context, Facts)
        for guard, value in step.guards.items():
            holds = GUARD_FACTS[Guard(guard)](context)
            if holds is not None and holds != value:
                return False
        return _trigger_allows(context, step)

    def after(self, context: Hashable, step: Step) -> Hashable:
        """The facts once `step` was taken."""
        assert isinstance(context, Facts)
        f = _trigger_facts(context, step)
        if step.trigger in STEP_ENDS:
            f = _end_step(f, step)
        for effect in self._effects[step.row_index]:
            f = EFFECTS[effect].facts(f)
        if step.trigger not in IN_STEP:  # a woken observer runs and claims its event
            f = f._replace(attached=f.attached and not f.due, due=False)
        return f


def _to_step_end(
    d: LifecycleDefinition, ctx: HostContext, steps: tuple[Step, ...]
) -> tuple[Step, ...]:
    """`steps`, ended by a quiescent step end when they stop inside an engine step: what the
    step's events did becomes observable there, before any finish reaches the cell."""
    facts = ctx.initial()
    for step in steps:
        facts = ctx.after(facts, step)
    assert isinstance(facts, Facts)
    if not facts.mid_step:
        return steps
    ends = [s for s in enabled_steps(d, steps[-1].dest, facts, ctx) if s.trigger is T.QUIESCENT]
    return (*steps, ends[0]) if ends else steps


def prediction_paths(kind: Lifecycle, *, max_depth: int = 12) -> list[Path]:
    """For every row and every situation in which one of its effects `matters`, a shortest
    path (in `HostContext`) taking that row in that situation: what transition cover alone
    misses (it reaches a termination by the shortest route, with no tool call outstanding)."""
    d = lifecycle(kind)
    ctx = HostContext(d)
    wanted = {
        (i, when)
        for i, t in enumerate(d.transitions)
        for e in t.effects
        for when in EFFECTS[e].matters
    } | {
        (i, when)
        for i in range(len(d.transitions))
        for g in effective_guards(d, i) or {}
        for when in GUARD_SITUATIONS.get(Guard(g), ())
    }
    found: dict[tuple[int, Callable[[Facts], bool]], Path] = {}
    for (state, facts), prefix in bfs(d, (d.initial, ctx.initial()), ctx, max_depth - 1):
        assert isinstance(facts, Facts)
        for step in enabled_steps(d, state, facts, ctx):
            for key in [k for k in wanted if k[0] == step.row_index and k[1](facts)]:
                wanted.discard(key)
                found[key] = Path(kind=d.kind, steps=_to_step_end(d, ctx, (*prefix, step)))
        if not wanted:
            break
    unique = {str(p): p for p in found.values()}
    return list(unique.values())
