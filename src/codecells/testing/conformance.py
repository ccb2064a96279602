"""Trace conformance: check a recorded run against the lifecycle definition, offline."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from ..fsm import LifecycleDefinition, State, Trace, TraceStep, Trigger
from ..kinds import CellKind
from ._defs import Lifecycle, lifecycle
from .model import row_steps
from .paths import PathContext

__all__ = ["TraceError", "TraceReport", "check_trace"]

TraceLike = Trace | str | Sequence[TraceStep | Trigger | str]
"""A `Trace`, its JSON text, or its steps as `TraceStep`s or trigger names."""


class TraceError(AssertionError):
    """The first illegal step of a trace: at `index` (the step count when the trace ends
    early), in `state`, `trigger` is not allowed; `allowed` lists the triggers that were."""

    def __init__(
        self,
        index: int,
        state: State | None,
        trigger: Trigger | None,
        allowed: tuple[Trigger, ...],
        reason: str,
    ) -> None:
        self.index = index
        self.state = state
        self.trigger = trigger
        self.allowed = allowed
        self.reason = reason
        allowed_text = ", ".join(t.value for t in allowed) or "nothing"
        super().__init__(f"step {index}: {reason} (allowed: {allowed_text})")


@dataclass(frozen=True)
class TraceReport:
    """A trace that conforms: for every step the rows that can explain it, and where it ended."""

    kind: CellKind
    rows: tuple[tuple[int, ...], ...]
    states: frozenset[State]
    final: bool
    error: TraceError | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        """True when no step was illegal."""
        return self.error is None


def _allowed(d: LifecycleDefinition, states: frozenset[State]) -> tuple[Trigger, ...]:
    used = {s.trigger for s in row_steps(d) if s.source in states}
    return tuple(t for t in Trigger if t in used)


def _normalise(d: LifecycleDefinition, trace: TraceLike) -> Sequence[TraceStep | Trigger]:
    if isinstance(trace, str):
        try:
            trace = Trace.from_json(trace)
        except ValueError as exc:
            raise TraceError(0, None, None, (), f"not a trace: {_first_line(exc)}") from None
    if isinstance(trace, Trace):
        if trace.kind != d.kind:
            raise TraceError(
                0, None, None, (), f"a {trace.kind.value} trace, expected {d.kind.value}"
            )
        return trace.steps
    if isinstance(trace, (bytes, bytearray)) or not isinstance(trace, Iterable):
        raise TraceError(0, None, None, (), f"not a trace: {type(trace).__name__}")
    steps: list[TraceStep | Trigger] = []
    for index, step in enumerate(trace):
        if isinstance(step, TraceStep):
            steps.append(step)
            continue
        try:
            steps.append(Trigger(step))
        except (ValueError, TypeError):
            raise TraceError(index, None, None, (), f"not a trigger: {step!r:.60}") from None
    return steps


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split("\n")[:2])


def _state_text(states: frozenset[State]) -> str:
    return " or ".join(sorted(s.value for s in states))


def _refusal(d: LifecycleDefinition, states: frozenset[State], trigger: Trigger) -> str:
    errors = {r.error.value for s in states if (r := d.rejection(s, trigger)) is not None}
    return (
        f" (refused there with {', '.join(sorted(errors))}; refusals are not transitions)"
        if errors
        else ""
    )


Node = tuple[State, Hashable]


def _advance(
    d: LifecycleDefinition,
    index: int,
    nodes: frozenset[Node],
    item: TraceStep | Trigger,
    ctx: PathContext | None,
) -> tuple[frozenset[Node], tuple[int, ...]]:
    states = frozenset(s for s, _ in nodes)
    trigger = item.trigger if isinstance(item, TraceStep) else item
    if isinstance(item, TraceStep) and item.source not in states:
        reason = (
            f"{trigger.value} recorded from {item.source.value}, "
            f"but the cell was in {_state_text(states)}"
        )
        raise TraceError(index, item.source, trigger, _allowed(d, states), reason)
    sources = frozenset({item.source}) if isinstance(item, TraceStep) else states
    rows = [s for s in row_steps(d) if s.source in sources and s.trigger == trigger]
    if not rows:
        reason = f"{trigger.value} is not allowed in {_state_text(sources)}{_refusal(d, sources, trigger)}"
        where = next(iter(sources)) if len(sources) == 1 else None
        raise TraceError(index, where, trigger, _allowed(d, sources), reason)
    if isinstance(item, TraceStep):
        matching = [s for s in rows if s.dest == item.dest and s.internal == item.internal]
        if not matching:
            kinds = ", ".join(
                sorted({f"{s.dest.value}{' (internal)' if s.internal else ''}" for s in rows})
            )
            reason = (
                f"{trigger.value} in {item.source.value} leads to {kinds}, "
                f"not {item.dest.value}{' (internal)' if item.internal else ''}"
            )
            raise TraceError(index, item.source, trigger, _allowed(d, sources), reason)
        if item.row is not None:
            named = [s for s in matching if s.row_index == item.row]
            if not named:
                could = ", ".join(str(s.row_index) for s in matching)
                reason = (
                    f"{trigger.value} in {item.source.value} recorded as row {item.row}, "
                    f"which is not a row for it (rows {could})"
                )
                raise TraceError(index, item.source, trigger, _allowed(d, sources), reason)
            matching = named
        rows = matching
    after = frozenset(
        (s.dest, None if ctx is None else ctx.after(c, s))
        for st, c in nodes
        for s in rows
        if s.source == st and (ctx is None or ctx.allows(c, s))
    )
    if not after:
        reason = f"{trigger.value} in {_state_text(sources)} cannot happen in the path context"
        raise TraceError(index, None, trigger, _allowed(d, sources), reason)
    return after, tuple(sorted({s.row_index for s in rows}))


def check_trace(
    kind: Lifecycle,
    trace: TraceLike,
    *,
    context: PathContext | None = None,
    require_final: bool = False,
    raise_error: bool = True,
) -> TraceReport:
    """Check `trace` step by step against the lifecycle (a kind or a definition), from the
    initial state.

    A step that names its row (`TraceStep.row`) must have taken exactly that row. Steps given
    as trigger names are replayed nondeterministically (any guard assignment), so a guarded
    trigger may leave several possible states. With a `context`, every step must also be one
    the context allows (the guard assignment of its row can hold given the history). Raises
    `TraceError` naming the first illegal step (also when `require_final` and the trace does
    not end in a final state, or when it is not a trace at all), or with `raise_error=False`
    returns a report carrying it.
    """
    d = lifecycle(kind)
    nodes: frozenset[Node] = frozenset(
        {(d.initial, None if context is None else context.initial())}
    )
    rows: list[tuple[int, ...]] = []
    states = frozenset({d.initial})
    try:
        items = _normalise(d, trace)
        for index, item in enumerate(items):
            nodes, taken = _advance(d, index, nodes, item, context)
            states = frozenset(s for s, _ in nodes)
            rows.append(taken)
        final = bool(states & set(d.final_states))
        if require_final and not final:
            raise TraceError(
                len(items),
                None,
                None,
                _allowed(d, states),
                f"the trace ends in {_state_text(states)}, not in a final state",
            )
    except TraceError as error:
        if raise_error:
            raise
        return TraceReport(d.kind, tuple(rows), states, False, error)
    return TraceReport(d.kind, tuple(rows), states, final)
