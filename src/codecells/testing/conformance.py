"""Trace conformance: check a recorded run against the lifecycle definition, offline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..fsm import State, Trace, TraceStep, Trigger, definition
from ..kinds import CellKind
from .model import row_steps

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


def _allowed(kind: CellKind, states: frozenset[State]) -> tuple[Trigger, ...]:
    used = {s.trigger for s in row_steps(kind) if s.source in states}
    return tuple(t for t in Trigger if t in used)


def _normalise(kind: CellKind, trace: TraceLike) -> Sequence[TraceStep | Trigger]:
    if isinstance(trace, str):
        trace = Trace.from_json(trace)
    if isinstance(trace, Trace):
        if trace.kind != kind:
            raise TraceError(
                0, None, None, (), f"a {trace.kind.value} trace, expected {kind.value}"
            )
        return trace.steps
    return [s if isinstance(s, TraceStep) else Trigger(s) for s in trace]


def _state_text(states: frozenset[State]) -> str:
    return " or ".join(sorted(s.value for s in states))


def _refusal(kind: CellKind, states: frozenset[State], trigger: Trigger) -> str:
    d = definition(kind)
    errors = {r.error.value for s in states if (r := d.rejection(s, trigger)) is not None}
    return (
        f" (refused there with {', '.join(sorted(errors))}; refusals are not transitions)"
        if errors
        else ""
    )


def _advance(
    kind: CellKind, index: int, states: frozenset[State], item: TraceStep | Trigger
) -> tuple[frozenset[State], tuple[int, ...]]:
    trigger = item.trigger if isinstance(item, TraceStep) else item
    if isinstance(item, TraceStep) and item.source not in states:
        reason = f"{trigger.value} recorded from {item.source.value}, but the cell was in {_state_text(states)}"
        raise TraceError(index, item.source, trigger, _allowed(kind, states), reason)
    sources = frozenset({item.source}) if isinstance(item, TraceStep) else states
    rows = [s for s in row_steps(kind) if s.source in sources and s.trigger == trigger]
    if not rows:
        reason = f"{trigger.value} is not allowed in {_state_text(sources)}{_refusal(kind, sources, trigger)}"
        where = next(iter(sources)) if len(sources) == 1 else None
        raise TraceError(index, where, trigger, _allowed(kind, sources), reason)
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
            raise TraceError(index, item.source, trigger, _allowed(kind, sources), reason)
        rows = matching
    return frozenset(s.dest for s in rows), tuple(sorted({s.row_index for s in rows}))


def check_trace(
    kind: CellKind | str,
    trace: TraceLike,
    *,
    require_final: bool = False,
    raise_error: bool = True,
) -> TraceReport:
    """Check `trace` step by step against `definition(kind)`, from the initial state.

    Steps given as trigger names are replayed nondeterministically (any guard assignment), so
    a guarded trigger may leave several possible states. Raises `TraceError` naming the first
    illegal step (also when `require_final` and the trace does not end in a final state), or
    with `raise_error=False` returns a report carrying it.
    """
    k = CellKind(kind)
    d = definition(k)
    states = frozenset({d.initial})
    rows: list[tuple[int, ...]] = []
    try:
        items = _normalise(k, trace)
        for index, item in enumerate(items):
            states, taken = _advance(k, index, states, item)
            rows.append(taken)
        final = bool(states & set(d.final_states))
        if require_final and not final:
            raise TraceError(
                len(items),
                None,
                None,
                _allowed(k, states),
                f"the trace ends in {_state_text(states)}, not in a final state",
            )
    except TraceError as error:
        if raise_error:
            raise
        return TraceReport(k, tuple(rows), states, False, error)
    return TraceReport(k, tuple(rows), states, final)
