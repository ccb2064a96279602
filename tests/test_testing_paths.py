"""Path generation from the lifecycle definitions: guard assignments, covers, determinism."""

from __future__ import annotations

import json
from collections.abc import Hashable
from typing import Any

import pytest

from codecells import CellKind
from codecells.cli import main
from codecells.fsm import Effect, Guard, State, TransitionSpec, Trigger, build_machine, definition
from codecells.testing import (
    Cover,
    Path,
    Step,
    dead_rows,
    guard_assignment,
    path_to_final,
    paths,
    row_steps,
    shortest_paths,
    simple_paths,
    transition_paths,
    uncovered_rows,
)

KINDS = list(CellKind)


class RecordingHost:
    """Guards read the trigger's ``guards``; effects are recorded by name."""

    def __init__(self) -> None:
        self.effects: list[str] = []

    def __getattr__(self, name: str) -> Any:
        if name in {g.value for g in Guard}:
            return lambda *a, guards=None, **kw: bool((guards or {}).get(name, False))
        if name in {e.value for e in Effect}:
            return lambda *a, **kw: self.effects.append(name)
        raise AttributeError(name)


def replay(path: Path) -> tuple[str, list[str]]:
    """Fire the path on a real `transitions` machine; the final state and last step's effects."""
    host = RecordingHost()
    machine = build_machine(path.kind, host=host)
    for step in path.steps:
        host.effects.clear()
        assert machine.trigger(step.trigger.value, guards=step.guards)
    return machine.state, host.effects


@pytest.mark.parametrize("kind", KINDS)
def test_every_row_is_selected_by_its_guard_assignment(kind: CellKind) -> None:
    d = definition(kind)
    assert dead_rows(kind) == ()
    assert [s.row_index for s in row_steps(kind)] == list(range(len(d.transitions)))
    for path in transition_paths(kind):
        for n in range(1, len(path.steps) + 1):
            prefix = Path(kind=kind, steps=path.steps[:n])
            state, effects = replay(prefix)
            row = d.transitions[prefix.steps[-1].row_index]
            assert state == row.dest.value
            assert effects == [e.value for e in row.effects]


@pytest.mark.parametrize("kind", KINDS)
def test_transition_cover_takes_every_row(kind: CellKind) -> None:
    found = transition_paths(kind)
    taken = {s.row_index for p in found for s in p.steps}
    assert taken == set(range(len(definition(kind).transitions)))
    assert uncovered_rows(kind) == {}
    keys = [tuple(s.row_index for s in p.steps) for p in found]
    for key in keys:  # no path is a prefix of another
        assert not any(o != key and o[: len(key)] == key for o in keys)


def test_guarded_branches_carry_the_assignment_that_selects_them() -> None:
    steps = row_steps(CellKind.PAUSABLE)
    in_pending = [s for s in steps if s.trigger == Trigger.RESUME and s.source == State.PENDING]
    *current, consumed, lost = in_pending
    assert lost.guards == {
        "generation_current": True,
        "generation_claimed": False,
        "generation_consumed": False,
    }, "current, but another process won the claim"
    assert current and all(s.guards["generation_current"] for s in current)
    assert all(s.dest == State.RUNNING for s in current)
    # only the guards that matter are named: the earlier rows fail on generation_claimed alone
    assert consumed.guards == {"generation_claimed": False, "generation_consumed": True}
    assert consumed.dest == State.PENDING and consumed.internal
    assert consumed.label() == "resume[generation_consumed, !generation_claimed]"


def _row(*, when: tuple[Guard, ...] = (), unless: tuple[Guard, ...] = ()) -> TransitionSpec:
    return TransitionSpec(
        trigger=Trigger.OBSERVE,
        source=State.RUNNING,
        dest=State.RUNNING,
        conditions=when,
        unless=unless,
        description="x",
    )


def test_guard_assignment_falsifies_earlier_rows_and_detects_shadowing() -> None:
    a = _row(when=(Guard.OBSERVER_FREE, Guard.YIELD_READY))
    b = _row(when=(Guard.OBSERVER_FREE,))
    assert guard_assignment((a,), b) == {"observer_free": True, "yield_ready": False}
    assert guard_assignment((b,), a) is None  # a is shadowed by the broader b
    c = _row(unless=(Guard.OBSERVER_ATTACHED,))
    assert guard_assignment((), c) == {"observer_attached": False}
    assert guard_assignment((c,), _row()) == {"observer_attached": True}


@pytest.mark.parametrize("kind", KINDS)
def test_shortest_paths_reach_every_state_minimally(kind: CellKind) -> None:
    found = {p.target: p for p in shortest_paths(kind)}
    assert set(found) == set(definition(kind).states)
    lengths = {s: len(p.steps) for s, p in found.items()}
    assert lengths == {
        State.RUNNING: 0,
        State.PENDING: 1,
        State.COMPLETED: 1,
        State.TERMINATING: 1,
        State.CLOSED: 2,
        State.TERMINATED: 2,
    } | (
        {State.SUSPENDED: 1, State.DETACHING: 1, State.DETACHED: 2}
        if kind is CellKind.PAUSABLE
        else {}
    )
    assert str(found[State.RUNNING]) == "running"


@pytest.mark.parametrize("kind", KINDS)
def test_simple_paths_never_revisit_a_state(kind: CellKind) -> None:
    found = simple_paths(kind)
    for p in found:
        visited = [p.steps[0].source if p.steps else p.target] + [s.dest for s in p.steps]
        assert len(visited) == len(set(visited))
        assert not any(s.internal for s in p.steps)
    assert len({str(p) for p in found}) == len(found)
    assert all(len(p.steps) <= 1 for p in simple_paths(kind, max_length=1))
    assert len(simple_paths(kind, max_length=1)) == 1 + len(
        [s for s in row_steps(kind) if s.source == State.RUNNING and not s.internal]
    )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("cover", list(Cover))
def test_paths_are_deterministic_and_serialisable(kind: CellKind, cover: Cover) -> None:
    first = paths(kind, cover)
    assert first == paths(kind, cover)
    for p in first:
        assert Path.model_validate_json(p.model_dump_json()) == p


def test_path_to_final_is_shortest() -> None:
    route = path_to_final(CellKind.CONTINUING, State.PENDING)
    assert route is not None
    assert [s.trigger for s in route] == [Trigger.TERMINATE, Trigger.CLEANUP_DONE]
    durable = path_to_final(CellKind.PAUSABLE, State.PENDING)
    assert durable is not None
    assert [(s.trigger, s.dest) for s in durable] == [(Trigger.SHUTDOWN, State.DETACHED)]
    assert path_to_final(CellKind.PAUSABLE, State.CLOSED) == ()


class GenerationContext:
    """A resume can be 'consumed' only after some frontier was resumed."""

    def initial(self) -> Hashable:
        return False

    def allows(self, context: Hashable, step: Step) -> bool:
        return bool(context) or not step.guards.get("generation_consumed", False)

    def after(self, context: Hashable, step: Step) -> Hashable:
        return bool(context) or step.guards.get("generation_current", False)


def test_a_path_context_makes_guarded_rows_wait_for_their_history() -> None:
    kind = CellKind.PAUSABLE
    resumes = {
        s.source: s.row_index
        for s in row_steps(kind)
        if s.trigger == Trigger.RESUME and s.guards.get("generation_consumed")
    }
    row = resumes[State.RUNNING]
    free = [p for p in transition_paths(kind) if p.steps[-1].row_index == row]
    assert [str(p) for p in free] == ["running --resume[generation_consumed]--> running"]
    ctx = GenerationContext()
    found = [p for p in transition_paths(kind, context=ctx) if p.steps[-1].row_index == row]
    assert len(found) == 1
    assert found[0].triggers == (Trigger.QUIESCENT, Trigger.RESUME, Trigger.RESUME)
    assert found[0].steps[1].guards["generation_current"]
    assert uncovered_rows(kind, context=ctx) == {}
    assert set(uncovered_rows(kind, context=ctx, max_depth=2)) == set(resumes.values())


def test_cli_prints_paths(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["paths", "--kind", "pausable", "--cover", "states"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "pausable: 9 state-cover paths, 11 steps"
    assert "\n  2. running --quiescent[!failed]--> pending    [rows " in out
    assert main(["paths", "--kind", "continuing", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [Path.model_validate(p) for p in data] == transition_paths(CellKind.CONTINUING)
