"""Coverage of a lifecycle by recorded runs: the rows, guard values and effects exercised.

Traces from many runs (one per cell, `codecells.fsm.Trace`, or their JSON files) combine into
one `Coverage` per lifecycle; it prints as text and draws as an overlay on the lifecycle
diagram (`codecells.diagrams.to_dot(kind, coverage=...)`), rows never taken drawn dashed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from ..fsm import Effect, LifecycleDefinition, Trace
from ._defs import Lifecycle, lifecycle
from .conformance import check_trace
from .model import effective_guards, row_steps

__all__ = ["Coverage", "coverage_of"]


@dataclass
class Coverage:
    """How often each row of `definition` was taken by the traces added so far."""

    definition: LifecycleDefinition
    rows: Counter[int] = field(default_factory=Counter)
    traces: int = 0

    def add(self, trace: Trace) -> None:
        """Count a trace's rows (it must conform; steps without a row count for every row that
        could explain them)."""
        report = check_trace(self.definition, trace)
        for candidates in report.rows:
            for row in candidates:
                self.rows[row] += 1
        self.traces += 1

    @property
    def taken(self) -> frozenset[int]:
        """Rows taken at least once."""
        return frozenset(r for r, n in self.rows.items() if n)

    @property
    def untaken(self) -> tuple[int, ...]:
        """Rows never taken, in table order."""
        return tuple(i for i in range(len(self.definition.transitions)) if i not in self.taken)

    @property
    def guards(self) -> dict[tuple[str, bool], int]:
        """How often each guard value (guard name, value) selected a row taken."""
        out: Counter[tuple[str, bool]] = Counter()
        for row, n in self.rows.items():
            for guard, value in (effective_guards(self.definition, row) or {}).items():
                out[(guard, value)] += n
        return dict(out)

    @property
    def effects(self) -> dict[Effect, int]:
        """How often each effect ran."""
        out: Counter[Effect] = Counter()
        for row, n in self.rows.items():
            for effect in self.definition.transitions[row].effects:
                out[effect] += n
        return dict(out)

    def text(self, unreachable: Collection[int] = ()) -> str:
        """A plain-text report: totals, then every row, guard value and effect not exercised
        (rows in `unreachable`, e.g. those no path of the context reaches, are marked so)."""
        d = self.definition
        guard_values = {
            item
            for i in range(len(d.transitions))
            for item in (effective_guards(d, i) or {}).items()
        }
        used_guards = {key for key, n in self.guards.items() if n}
        all_effects = set(d.effects)
        lines = [
            f"{d.kind.value}: {self.traces} traces; rows {len(self.taken)}/{len(d.transitions)}, "
            f"guard values {len(used_guards & guard_values)}/{len(guard_values)}, "
            f"effects {len(set(self.effects) & all_effects)}/{len(all_effects)}"
        ]
        steps = {step.row_index: step for step in row_steps(d)}
        for i in self.untaken:
            t = d.transitions[i]
            what = str(steps[i]) if i in steps else f"{t.source.value} --{t.trigger.value}-->"
            why = " (no generated path can take it)" if i in unreachable else ""
            lines.append(f"  row {i} never taken: {what}{why}")
        for g, v in sorted(guard_values - used_guards):
            lines.append(f"  guard {'' if v else '!'}{g} never selected a row")
        for e in sorted(all_effects - set(self.effects)):
            lines.append(f"  effect {e.value} never ran")
        return "\n".join(lines)


def coverage_of(kind: Lifecycle, traces: Iterable[Trace]) -> Coverage:
    """The coverage of the lifecycle by `traces` (those of other kinds are skipped)."""
    d = lifecycle(kind)
    cov = Coverage(d)
    for trace in traces:
        if trace.kind == d.kind:
            cov.add(trace)
    return cov
