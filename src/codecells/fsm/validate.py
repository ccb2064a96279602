"""Structural checks every lifecycle definition must pass before a machine is built from it."""

from __future__ import annotations

from collections import defaultdict

from .spec import LifecycleDefinition
from .triggers import State, Trigger

__all__ = ["DefinitionError", "reachable_states", "validate_definition"]


class DefinitionError(ValueError):
    """A lifecycle definition is malformed; the message names every problem found."""


def reachable_states(d: LifecycleDefinition, start: State) -> set[State]:
    """States reachable from `start` following any transition (guards ignored)."""
    edges: dict[State, set[State]] = defaultdict(set)
    for t in d.transitions:
        edges[t.source].add(t.dest)
    seen = {start}
    frontier = [start]
    while frontier:
        for nxt in edges[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


def validate_definition(d: LifecycleDefinition) -> None:
    """Raise `DefinitionError` unless `d` is well formed.

    Checks: the initial and final states are declared; every transition names declared states;
    final states have no outgoing transitions; every state is reachable from the initial state;
    every non-final state can reach a final state; no two unguarded rows share (state, trigger),
    and no row follows an unguarded one for the same (state, trigger) (it could never be taken);
    refusals name live states and are not shadowed by an unguarded row.
    """
    problems: list[str] = []
    declared = set(d.states)
    if d.initial not in declared:
        problems.append(f"initial state {d.initial!s} is not declared")
    for f in d.final_states:
        if f not in declared:
            problems.append(f"final state {f!s} is not declared")
    for t in d.transitions:
        for s in (t.source, t.dest):
            if s not in declared:
                problems.append(f"{t.trigger!s} uses undeclared state {s!s}")
        if t.source in d.final_states:
            problems.append(f"final state {t.source!s} has an outgoing transition {t.trigger!s}")
        if t.internal and t.dest != t.source:
            problems.append(f"internal {t.trigger!s} in {t.source!s} changes state to {t.dest!s}")
    reachable = reachable_states(d, d.initial)
    for s in d.states:
        if s not in reachable:
            problems.append(f"state {s!s} is unreachable from {d.initial!s}")
        elif s not in d.final_states and not (reachable_states(d, s) & set(d.final_states)):
            problems.append(f"state {s!s} cannot reach a final state")
    unguarded: dict[tuple[State, Trigger], int] = {}
    for i, t in enumerate(d.transitions):
        key = (t.source, t.trigger)
        if key in unguarded:
            what = "a second unguarded" if not t.guarded else "a row after the unguarded"
            problems.append(
                f"{what} transition for {t.trigger!s} in {t.source!s} (row {i}) can never be taken"
            )
        elif not t.guarded:
            unguarded[key] = i
    for r in d.rejections:
        if r.source not in declared or r.source in d.final_states:
            problems.append(f"refusal of {r.trigger!s} names {r.source!s}, not a live state")
        elif (r.source, r.trigger) in unguarded:
            problems.append(
                f"refusal of {r.trigger!s} in {r.source!s} can never be given (an unguarded row "
                "always matches)"
            )
    if problems:
        raise DefinitionError(f"invalid {d.kind!s} lifecycle: " + "; ".join(problems))
