"""The lifecycle definitions: their shape, the kind delta, JSON round trips and the validator."""

from __future__ import annotations

from typing import Any

import pytest

from codecells import CellKind
from codecells.fsm import (
    CONTROL_TRIGGERS,
    DefinitionError,
    Effect,
    Guard,
    LifecycleDefinition,
    Rejection,
    RejectionSpec,
    State,
    TransitionSpec,
    Trigger,
    definition,
    reachable_states,
    validate_definition,
)

S, T, G, E = State, Trigger, Guard, Effect
KINDS = tuple(CellKind)
C, P = CellKind.CONTINUING, CellKind.PAUSABLE


@pytest.mark.parametrize("kind", KINDS)
def test_shape(kind: CellKind) -> None:
    d = definition(kind)
    assert d.kind is kind
    durable = (S.SUSPENDED, S.DETACHING, S.DETACHED)  # durable pausable cells only
    assert d.states == tuple(s for s in State if kind is P or s not in durable)
    assert d.initial is S.RUNNING
    assert d.final_states == (S.TERMINATED, S.CLOSED) + ((S.DETACHED,) if kind is P else ())
    assert set(d.state_descriptions) == set(d.states)
    assert set(d.guard_descriptions) == set(d.guards)
    for t in d.transitions:
        assert isinstance(t.trigger, Trigger)
        assert t.source in d.states and t.dest in d.states
        assert all(isinstance(g, Guard) for g in (*t.conditions, *t.unless))
        assert isinstance(t.internal, bool)
        assert t.description.strip()
        if t.internal:
            assert t.dest == t.source
    assert definition(kind) is d, "definitions are cached per kind"
    assert definition(kind.value) == d


@pytest.mark.parametrize("kind", KINDS)
def test_triggers_guards_effects_are_those_used(kind: CellKind) -> None:
    d = definition(kind)
    assert set(d.triggers) == {t.trigger for t in d.transitions}
    assert set(d.guards) == {g for t in d.transitions for g in (*t.conditions, *t.unless)}
    assert set(d.effects) == {e for t in d.transitions for e in t.effects}


def test_rows_are_tried_in_table_order() -> None:
    rows = definition(C).rows(S.RUNNING, T.YIELD_REQUESTED)
    assert [r.conditions for r in rows] == [
        (G.OBSERVER_ATTACHED,),
        (G.FIRST_UNOBSERVED_YIELD,),
        (),
    ]
    assert definition(P).rows(S.RUNNING, T.YIELD_REQUESTED)[0].description == (
        "pausable cells never yield"
    )


def test_initial_and_finals_per_state() -> None:
    for kind in KINDS:
        d = definition(kind)
        assert not [t for t in d.transitions if t.source in d.final_states]
        assert {t.dest for t in d.transitions if not t.internal} == {
            S.PENDING,
            S.RUNNING,
            S.COMPLETED,
            S.CLOSED,
            S.TERMINATING,
            S.TERMINATED,
        } | ({S.SUSPENDED, S.DETACHING, S.DETACHED} if kind is P else set())


DIFFERING = {
    (S.RUNNING, T.YIELD_REQUESTED),
    (S.RUNNING, T.QUIESCENT),
    (S.PENDING, T.TOOL_RESULT),
    (S.PENDING, T.TIMER_FIRED),
    (S.RUNNING, T.TOOL_RESULT),
    (S.RUNNING, T.TOOL_ANSWERED),
    (S.RUNNING, T.TIMER_FIRED),
    (S.RUNNING, T.OBSERVE),
    (S.PENDING, T.OBSERVE),
    (S.COMPLETED, T.OBSERVE),
    (S.RUNNING, T.YIELD_DUE),
    (S.PENDING, T.YIELD_DUE),
    (S.RUNNING, T.RESUME),
    (S.PENDING, T.RESUME),
    (S.COMPLETED, T.RESUME),
    # durable pausable cells: suspension, restore, and keeping cells in the store at shutdown
    (S.PENDING, T.SUSPEND),
    (S.RUNNING, T.RESTORED),
    (S.PENDING, T.SHUTDOWN),
    (S.COMPLETED, T.SHUTDOWN),
    *(
        (S.SUSPENDED, t)
        for t in (
            T.SUSPEND,
            T.OBSERVE,
            T.TOOL_RESULT,
            T.TIMER_FIRED,
            T.RESUME,
            T.TERMINATE,
            T.SHUTDOWN,
            T.EFFECT_FAILED,
        )
    ),
    (S.RUNNING, T.SHUTDOWN),
    *(
        (S.DETACHING, t)
        for t in (
            T.STARTED,
            T.OUTPUT,
            T.TOOL_CALL,
            T.NOTIFICATION,
            T.YIELD_REQUESTED,
            T.QUIESCENT,
            T.TIMER_SET,
            T.TIMER_CLEARED,
            T.TOOL_RESULT,
            T.FINISHED_OK,
            T.FINISHED_ERROR,
            T.RUNTIME_LOST,
            T.SHUTDOWN,
            T.EFFECT_FAILED,
            T.CLEANUP_DONE,
        )
    ),
}
"""Every (state, trigger) whose rows differ between the kinds: the policy, nothing else."""


def _keys(rows: tuple[TransitionSpec, ...]) -> set[tuple[State, Trigger]]:
    return {(t.source, t.trigger) for t in rows}


def test_kinds_differ_exactly_where_the_policy_differs() -> None:
    c, p = definition(C), definition(P)
    only_c = tuple(t for t in c.transitions if t not in p.transitions)
    only_p = tuple(t for t in p.transitions if t not in c.transitions)
    assert _keys(only_c) | _keys(only_p) == DIFFERING
    for state in State:
        for trigger in Trigger:
            if (state, trigger) not in DIFFERING:
                assert c.rows(state, trigger) == p.rows(state, trigger), (state, trigger)


def test_the_pending_frontier_is_the_kind_difference() -> None:
    c, p = definition(C), definition(P)
    for trigger in (T.TOOL_RESULT, T.TIMER_FIRED):
        (row_c,) = c.rows(S.PENDING, trigger)
        (row_p,) = p.rows(S.PENDING, trigger)
        assert (row_c.dest, row_c.internal) == (S.RUNNING, False), "continuing runs on by itself"
        assert (row_p.dest, row_p.internal) == (S.PENDING, True), "pausable holds the frontier"
    failed = (S.RUNNING, True, (G.FAILED,))  # both kinds: a failed cell stops at its step end
    assert [(r.dest, r.internal, r.conditions) for r in c.rows(S.RUNNING, T.QUIESCENT)] == [
        failed,
        (S.RUNNING, True, (G.HAS_QUEUED_INPUT,)),
        (S.PENDING, False, ()),
    ]
    assert [(r.dest, r.internal, r.conditions) for r in p.rows(S.RUNNING, T.QUIESCENT)] == [
        failed,
        (S.PENDING, False, ()),
    ]
    assert T.RESUME not in c.triggers and T.YIELD_DUE not in p.triggers
    resume = p.rows(S.PENDING, T.RESUME)
    claimed = (G.GENERATION_CURRENT, G.GENERATION_CLAIMED)
    assert [(r.dest, r.conditions, r.effects[-1]) for r in resume] == [
        (S.RUNNING, (*claimed, G.HAS_QUEUED_INPUT), E.RUN_STEP),
        (S.RUNNING, claimed, E.AWAIT_INPUT),
        (S.PENDING, (G.GENERATION_CONSUMED,), E.REPLY_ALREADY_RUNNING),
        (S.PENDING, (G.GENERATION_CURRENT,), E.REPLY_ALREADY_RUNNING),  # another process won
    ]
    for trigger in (T.TOOL_RESULT, T.TIMER_FIRED):  # a resumed, idle pausable cell runs on input
        awaiting, queued = p.rows(S.RUNNING, trigger)
        assert (awaiting.conditions, awaiting.effects) == (
            (G.AWAITING_INPUT,),
            (E.QUEUE_INPUT, E.RUN_STEP),
        )
        assert (queued.conditions, queued.effects) == ((), (E.QUEUE_INPUT,))


@pytest.mark.parametrize("kind", KINDS)
def test_refused_requests_are_declared(kind: CellKind) -> None:
    """A control request with no unguarded row in a live state has a declared refusal, and
    no refusal shadows an unguarded row (it could never be given)."""
    d = definition(kind)
    requests = {T.OBSERVE, T.TERMINATE, T.SHUTDOWN} | ({T.RESUME} if kind is P else set())
    for state in d.states:
        if state in d.final_states:
            continue
        for trigger in requests:
            rows = d.rows(state, trigger)
            refusal = d.rejection(state, trigger)
            if any(not r.guarded for r in rows):
                assert refusal is None, (state, trigger)
            else:
                assert refusal is not None, (state, trigger)
    assert all(r.trigger in CONTROL_TRIGGERS for r in d.rejections)


@pytest.mark.parametrize("kind", KINDS)
def test_json_round_trip(kind: CellKind) -> None:
    d = definition(kind)
    again = LifecycleDefinition.model_validate_json(d.model_dump_json())
    assert again == d
    assert again.transitions == d.transitions


@pytest.mark.parametrize("kind", KINDS)
def test_definitions_are_valid_and_connected(kind: CellKind) -> None:
    d = definition(kind)
    validate_definition(d)
    assert reachable_states(d, d.initial) == set(d.states)
    for s in d.states:
        assert reachable_states(d, s) & set(d.final_states)


# --- the validator catches broken definitions ---------------------------------------------------


def _broken(**update: Any) -> LifecycleDefinition:
    return definition(P).model_copy(update=update)


def _without(pred: Any) -> tuple[TransitionSpec, ...]:
    return tuple(t for t in definition(P).transitions if not pred(t))


def _row(trigger: Trigger, source: State, dest: State, **kw: Any) -> TransitionSpec:
    return TransitionSpec(trigger=trigger, source=source, dest=dest, description="x", **kw)


def _started() -> TransitionSpec:
    (row,) = definition(P).rows(S.RUNNING, T.STARTED)
    return row


BROKEN: dict[str, tuple[dict[str, Any], str]] = {
    "unreachable state": (
        {"transitions": _without(lambda t: t.dest == S.CLOSED and not t.internal)},
        "state closed is unreachable from running",
    ),
    "cannot reach a final state": (
        {"transitions": _without(lambda t: t.trigger == T.CLEANUP_DONE)},
        "state terminating cannot reach a final state",
    ),
    "two unguarded rows": (
        {"transitions": (*definition(P).transitions, _started())},
        "a second unguarded transition for started in running",
    ),
    "row after an unguarded row": (
        {
            "transitions": (
                *definition(P).transitions,
                _started().model_copy(update={"conditions": (G.OBSERVER_FREE,)}),
            )
        },
        "a row after the unguarded transition for started in running",
    ),
    "undeclared state": (
        {"states": tuple(s for s in State if s != S.PENDING)},
        "quiescent uses undeclared state pending",
    ),
    "undeclared initial": ({"initial": S.PENDING, "states": (S.RUNNING,)}, "initial state"),
    "undeclared final": (
        {"states": tuple(s for s in State if s != S.CLOSED)},
        "final state closed is not declared",
    ),
    "final state with an outgoing transition": (
        {
            "transitions": (
                *definition(P).transitions,
                _row(T.OBSERVE, S.CLOSED, S.CLOSED, internal=True),
            )
        },
        "final state closed has an outgoing transition observe",
    ),
    "internal row that changes state": (
        {
            "transitions": (
                *_without(lambda t: t.source == S.RUNNING and t.trigger == T.STARTED),
                _row(T.STARTED, S.RUNNING, S.PENDING, internal=True),
            )
        },
        "internal started in running changes state to pending",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_validator_catches(case: str) -> None:
    update, message = BROKEN[case]
    with pytest.raises(DefinitionError, match="invalid pausable lifecycle") as caught:
        validate_definition(_broken(**update))
    assert message in str(caught.value)


def test_validator_names_every_problem() -> None:
    broken = _broken(
        transitions=(
            *_without(lambda t: t.trigger == T.CLEANUP_DONE),
            _started(),
        )
    )
    with pytest.raises(DefinitionError) as caught:
        validate_definition(broken)
    text = str(caught.value)
    assert "terminating cannot reach a final state" in text
    assert "terminated is unreachable" in text
    assert "second unguarded transition for started" in text


def test_validator_catches_refusals_that_cannot_apply() -> None:
    d = definition(C)
    shadowed = d.model_copy(
        update={
            "rejections": (
                *d.rejections,
                RejectionSpec(
                    trigger=T.SHUTDOWN,
                    source=S.TERMINATING,
                    error=Rejection.CLOSED_CELL,
                    description="shadowed",
                ),
            )
        }
    )
    with pytest.raises(DefinitionError, match="can never be given"):
        validate_definition(shadowed)
    final = d.model_copy(
        update={
            "rejections": (
                RejectionSpec(
                    trigger=T.OBSERVE,
                    source=S.CLOSED,
                    error=Rejection.CLOSED_CELL,
                    description="final",
                ),
            )
        }
    )
    with pytest.raises(DefinitionError, match="not a live state"):
        validate_definition(final)
