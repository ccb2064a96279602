"""What every diagram draws, derived from `definition(kind)`: edges, compartments, kind deltas."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from ..fsm import LifecycleDefinition, State, Trace, TransitionSpec, Trigger, definition
from ..fsm.effective import effective_guards
from ..kinds import CellKind

__all__ = ["Edge", "TraceCounts", "edges", "guard_text", "internal_rows", "kind_only", "other_kind"]


def other_kind(kind: CellKind) -> CellKind:
    """The kind that is not `kind`."""
    return CellKind.PAUSABLE if kind is CellKind.CONTINUING else CellKind.CONTINUING


def kind_only(d: LifecycleDefinition) -> frozenset[TransitionSpec]:
    """The rows of a built-in definition that the other kind does not have (same trigger,
    states, guards, effects and description); none for a definition of your own."""
    if d is not definition(d.kind):
        return frozenset()
    other = set(definition(other_kind(d.kind)).transitions)
    return frozenset(t for t in d.transitions if t not in other)


def guard_text(d: LifecycleDefinition, t: TransitionSpec) -> str:
    """The row's *effective* guards as ``[a, !b]``: its own, and the negated guards of the
    earlier rows for its state and trigger that must fail for it to be taken (empty when it
    is always taken; the row's own guards and ``never`` when no assignment selects it)."""
    values = effective_guards(d, d.transitions.index(t))
    if values is None:
        names = [g.value for g in t.conditions] + [f"!{g.value}" for g in t.unless]
        return f"[{', '.join(names)}; never]"
    names = [g if v else f"!{g}" for g, v in values.items()]
    return f"[{', '.join(names)}]" if names else ""


@dataclass(frozen=True)
class Edge:
    """All state-changing rows from `source` to `dest`, drawn as one edge."""

    source: State
    dest: State
    rows: tuple[TransitionSpec, ...]


def edges(d: LifecycleDefinition) -> tuple[Edge, ...]:
    """The state-changing rows of `d` grouped per (source, dest), in order of first row."""
    grouped: dict[tuple[State, State], list[TransitionSpec]] = {}
    for t in d.transitions:
        if not t.internal:
            grouped.setdefault((t.source, t.dest), []).append(t)
    return tuple(Edge(s, e, tuple(rows)) for (s, e), rows in grouped.items())


def internal_rows(d: LifecycleDefinition, state: State) -> tuple[TransitionSpec, ...]:
    """The internal rows of `state`, in table order."""
    return tuple(t for t in d.transitions if t.internal and t.source == state)


@dataclass(frozen=True)
class TraceCounts:
    """How often a trace entered each state and took each row.

    Steps that name their row (`TraceStep.row`, recorded by live cells) count for exactly that
    row; steps that do not count for every row with the same (source, trigger, dest)."""

    states: Counter[State]
    rows: Counter[int]
    steps: Counter[tuple[State, Trigger, State]]
    index: dict[TransitionSpec, int]

    @classmethod
    def of(cls, d: LifecycleDefinition, trace: Trace) -> TraceCounts:
        """Count `trace` against `d`; `ValueError` if its kind or a step does not fit `d`."""
        if trace.kind != d.kind:
            raise ValueError(f"trace of a {trace.kind!s} cell overlaid on the {d.kind!s} lifecycle")
        allowed = {(t.source, t.trigger, t.dest, t.internal) for t in d.transitions}
        states: Counter[State] = Counter({d.initial: 1})
        rows: Counter[int] = Counter()
        steps: Counter[tuple[State, Trigger, State]] = Counter()
        for i, s in enumerate(trace.steps):
            fits = (s.source, s.trigger, s.dest, s.internal) in allowed
            if s.row is not None:
                row = d.transitions[s.row] if 0 <= s.row < len(d.transitions) else None
                fits = row is not None and (row.source, row.trigger, row.dest) == (
                    s.source,
                    s.trigger,
                    s.dest,
                )
            if not fits:
                raise ValueError(
                    f"trace step {i} ({s.trigger!s}: {s.source!s} -> {s.dest!s}) "
                    f"is not a {d.kind!s} transition"
                )
            if s.row is not None:
                rows[s.row] += 1
            else:
                steps[(s.source, s.trigger, s.dest)] += 1
            if not s.internal:
                states[s.dest] += 1
        return cls(states, rows, steps, {t: i for i, t in enumerate(d.transitions)})

    @classmethod
    def of_rows(cls, d: LifecycleDefinition, rows: Mapping[int, int]) -> TraceCounts:
        """Counts from rows taken (row index -> times), e.g. a coverage of many traces."""
        states: Counter[State] = Counter({d.initial: 1})
        for row, n in rows.items():
            t = d.transitions[row]
            if not t.internal:
                states[t.dest] += n
        return cls(states, Counter(rows), Counter(), {t: i for i, t in enumerate(d.transitions)})

    def taken(self, t: TransitionSpec) -> int:
        """How often row `t` was taken."""
        return self.rows[self.index[t]] + self.steps[(t.source, t.trigger, t.dest)]
