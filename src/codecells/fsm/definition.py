"""`definition(kind)`: the lifecycle of one kind, built from the shared table."""

from __future__ import annotations

from functools import cache

from ..kinds import CellKind
from .spec import LifecycleDefinition, RejectionSpec, TransitionSpec
from .table import (
    FINAL_STATES,
    GUARD_DESCRIPTIONS,
    INITIAL,
    REJECTIONS,
    ROWS,
    STATE_DESCRIPTIONS,
)
from .triggers import State
from .validate import validate_definition

__all__ = ["definition"]


def definition(kind: CellKind | str) -> LifecycleDefinition:
    """The validated lifecycle definition of `kind` (cached; immutable)."""
    return _definition(CellKind(kind))


@cache
def _definition(kind: CellKind) -> LifecycleDefinition:
    transitions = tuple(
        TransitionSpec(
            trigger=row.trigger,
            source=source,
            dest=source if row.dest is None else row.dest,
            conditions=row.when,
            unless=row.unless,
            internal=row.dest is None,
            effects=row.effects,
            description=row.doc,
        )
        for row in ROWS
        if kind in row.kinds
        for source in row.sources
    )
    rejections = tuple(
        RejectionSpec(trigger=r.trigger, source=source, error=r.error, description=r.doc)
        for r in REJECTIONS
        if kind in r.kinds
        for source in r.sources
    )
    used = {g for t in transitions for g in (*t.conditions, *t.unless)}
    visited = {INITIAL} | {s for t in transitions for s in (t.source, t.dest)}
    result = LifecycleDefinition(
        kind=kind,
        states=tuple(s for s in State if s in visited),
        initial=INITIAL,
        final_states=tuple(s for s in FINAL_STATES if s in visited),
        transitions=transitions,
        rejections=rejections,
        state_descriptions={s: d for s, d in STATE_DESCRIPTIONS.items() if s in visited},
        guard_descriptions={g: d for g, d in GUARD_DESCRIPTIONS.items() if g in used},
    )
    validate_definition(result)
    return result
