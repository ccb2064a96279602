"""Effective guards: the guard values that select a row, earlier rows for its (state, trigger)
included (they must fail). Diagrams draw them; model-based tests generate steps from them."""

from __future__ import annotations

from itertools import product

from .spec import Guard, LifecycleDefinition, TransitionSpec

__all__ = ["effective_guards", "guard_assignment"]


def _holds(row: TransitionSpec, values: dict[Guard, bool]) -> bool:
    return all(values[g] for g in row.conditions) and not any(values[g] for g in row.unless)


def _selects(
    earlier: tuple[TransitionSpec, ...], row: TransitionSpec, values: dict[Guard, bool]
) -> bool:
    return _holds(row, values) and not any(_holds(r, values) for r in earlier)


def guard_assignment(
    earlier: tuple[TransitionSpec, ...], row: TransitionSpec
) -> dict[str, bool] | None:
    """The guard values that select `row` after the `earlier` rows for its (state, trigger)
    were tried, or None when no assignment can. Prefers the fewest true guards and names
    only the guards that matter (the row is selected whatever the others are)."""
    used = {g for r in (*earlier, row) for g in (*r.conditions, *r.unless)}
    names = [g for g in Guard if g in used]
    for bits in sorted(product((False, True), repeat=len(names)), key=sum):
        values = dict(zip(names, bits, strict=True))
        if not _selects(earlier, row, values):
            continue
        free: list[Guard] = []
        for g in names:
            trial = [*free, g]
            if all(
                _selects(earlier, row, {**values, **dict(zip(trial, flips, strict=True))})
                for flips in product((False, True), repeat=len(trial))
            ):
                free = trial
        return {g.value: v for g, v in values.items() if g not in free}
    return None


def effective_guards(d: LifecycleDefinition, index: int) -> dict[str, bool] | None:
    """The guard assignment that selects row `index` of `d`: its own guards and the negated
    guards of the earlier rows for the same (state, trigger); None for a dead row."""
    row = d.transitions[index]
    earlier = tuple(
        r for r in d.transitions[:index] if r.source == row.source and r.trigger == row.trigger
    )
    return guard_assignment(earlier, row)
