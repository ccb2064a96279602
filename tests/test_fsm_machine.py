"""Machines built from the definitions: guards, effects, errors, the shared lean machine, traces."""

from __future__ import annotations

import functools
import itertools
from typing import Any

import pytest
from pydantic import ValidationError
from transitions import Machine, MachineError

from codecells import CellKind
from codecells.fsm import (
    Effect,
    Guard,
    GuardOracle,
    LeanMachine,
    State,
    Trace,
    TraceStep,
    Trigger,
    build_machine,
    definition,
    shared_machine,
)

C, P = CellKind.CONTINUING, CellKind.PAUSABLE


def test_build_machine_has_no_auto_transitions() -> None:
    m = build_machine(P)
    assert isinstance(m, Machine)
    assert m.state == "running"
    assert not any(name.startswith("to_") for name in m.events)
    assert set(m.events) == {t.value for t in definition(P).triggers}
    assert not hasattr(m, "to_pending")


def test_pausable_follows_guards() -> None:
    m = build_machine(P)
    assert m.trigger("quiescent")
    assert m.state == "pending"
    assert m.trigger("tool_result") and m.state == "pending", "held at the frontier"
    assert not m.trigger("resume"), "no guard holds: refused, state kept"
    assert m.state == "pending"
    assert m.trigger("resume", guards={"generation_consumed": True})
    assert m.state == "pending"
    assert m.trigger("resume", guards={"generation_current": True})
    assert m.state == "pending", "current, but another process claimed it: already running"
    assert m.trigger("resume", guards={"generation_current": True, "generation_claimed": True})
    assert m.state == "running"


def test_continuing_runs_on_by_itself() -> None:
    m = build_machine(C)
    m.trigger("quiescent", guards={"has_queued_input": True})
    assert m.state == "running"
    m.trigger("quiescent")
    assert m.state == "pending"
    m.trigger("timer_fired")
    assert m.state == "running"


def test_trigger_without_a_row_raises() -> None:
    m = build_machine(P)
    with pytest.raises(MachineError):
        m.trigger("cleanup_done")
    m.trigger("finished_ok")
    assert m.state == "completed"
    with pytest.raises(MachineError):
        m.trigger("quiescent")
    with pytest.raises(AttributeError):
        build_machine(C).trigger("resume")  # continuing cells have no resume at all


def test_a_run_ends_in_a_final_state() -> None:
    m = build_machine(P)
    for trigger in ("started", "output", "quiescent", "terminate", "finished_ok", "cleanup_done"):
        m.trigger(trigger)
    assert m.state == "terminated"
    with pytest.raises(MachineError):
        m.trigger("observe", guards={"observer_free": True})


class Host:
    """A host implementing every guard and effect: guards read `flags`, effects are recorded."""

    def __init__(self, **flags: bool) -> None:
        self.flags = flags
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        if name in {g.value for g in Guard}:
            return lambda *_a, **_k: self.flags.get(name, False)
        if name in {e.value for e in Effect}:
            return lambda *_a, **_k: self.calls.append(name)
        raise AttributeError(name)


def test_effects_run_on_the_host_in_order() -> None:
    host = Host(
        observer_free=True, generation_current=True, generation_claimed=True, has_queued_input=True
    )
    m = build_machine(P, host=host)
    m.trigger("quiescent")
    m.trigger("observe")
    m.trigger("resume")
    m.trigger("finished_error")
    m.trigger("observe")
    assert m.state == "closed"
    assert host.calls == [
        "open_frontier",
        "deliver_frontier",
        "consume_frontier",
        "run_step",
        "commit_writes",
        "record_completion",
        "claim_completion",
        "close_cell",
    ]


def test_model_implementing_guards_is_its_own_host() -> None:
    class Model:
        def __getattr__(self, name: str) -> Any:
            if name in {g.value for g in Guard} | {e.value for e in Effect}:
                return lambda *_a, **_k: name == Guard.OBSERVER_FREE.value
            raise AttributeError(name)

    model = Model()
    build_machine(C, model)
    model.trigger("observe")  # attaches (observer_free holds, yield_ready does not)
    assert model.state == "running"
    model.trigger("finished_ok")
    model.trigger("observe")
    assert model.state == "closed"


def test_host_missing_a_method_is_refused() -> None:
    with pytest.raises(TypeError, match="does not implement guards"):
        build_machine(P, host=object())


def _state(model: object) -> Any:
    return vars(model)["state"]


def test_shared_machine_serves_many_models_without_injecting() -> None:
    sm = shared_machine(P)
    assert isinstance(sm, LeanMachine)
    assert shared_machine(P) is sm
    models = [GuardOracle() for _ in range(50)]
    before = set(dir(models[0]))
    for model in models:
        sm.add_model(model)
    assert set(dir(models[0])) - before == {"state"}
    assert all(_state(model) == "running" for model in models)
    for model in models[::2]:
        assert sm.fire(model, "quiescent")
    assert [_state(m) for m in models[:4]] == ["pending", "running", "pending", "running"]
    first = models[0]
    assert sm.fire(first, "resume") is False, "every guard refused"
    assert _state(first) == "pending"
    claimed = {"generation_current": True, "generation_claimed": True}
    assert sm.fire(first, "resume", guards=claimed) is True
    assert _state(first) == "running"
    with pytest.raises(MachineError):
        sm.fire(first, "cleanup_done")
    sm.remove_model(first)
    assert sm.models == []


def test_lean_machine_starts_models_where_asked() -> None:
    sm = shared_machine(C)
    model = GuardOracle()
    sm.add_model(model, initial="pending")
    assert _state(model) == "pending"
    assert sm.fire(model, "tool_result") and _state(model) == "running"


def _outcome(
    fire: Any, trigger: str, machine_model: Any, host: Host
) -> tuple[object, str, list[str]]:
    """What firing `trigger` did: its result (or MachineError), the state after, the effects run."""
    try:
        result: object = fire(trigger)
    except MachineError:
        result = MachineError
    return result, machine_model.state, list(host.calls)


@pytest.mark.parametrize("kind", [C, P])
def test_lean_machine_fires_exactly_as_transitions_does(kind: CellKind) -> None:
    d, lean = definition(kind), shared_machine(kind)
    for state, trigger in itertools.product(d.states, d.triggers):
        rows = d.rows(state, trigger)
        guards = sorted({g.value for row in rows for g in (*row.conditions, *row.unless)})
        for values in itertools.product([False, True], repeat=len(guards)):
            flags = dict(zip(guards, values, strict=True))
            host = Host(**flags)
            reference = build_machine(kind, host=host)
            reference.set_state(state.value)
            expected = _outcome(reference.trigger, trigger.value, reference, host)
            model = Host(**flags)
            lean.add_model(model, initial=state.value)
            got = _outcome(functools.partial(lean.fire, model), trigger.value, model, model)
            assert got == expected, (state, trigger, flags)
            if got[0] is True:
                row = d.transitions[lean.last_row]
                assert (row.source, row.trigger) == (state, trigger)
                assert [e.value for e in row.effects] == got[2]


def test_trace_json_round_trip() -> None:
    trace = Trace(
        kind=P,
        cell_id="cell-1",
        steps=(
            TraceStep(trigger=Trigger.QUIESCENT, source=State.RUNNING, dest=State.PENDING, at=1.5),
            TraceStep(
                trigger=Trigger.TOOL_RESULT,
                source=State.PENDING,
                dest=State.PENDING,
                internal=True,
                at=2.0,
            ),
        ),
    )
    again = Trace.from_json(trace.to_json())
    assert again == trace
    assert again.steps[1].internal and again.steps[0].at == 1.5
    assert Trace.from_json('{"kind": "continuing"}') == Trace(kind=C)
    with pytest.raises(ValidationError):
        Trace.from_json('{"kind": "continuing", "extra": 1}')
    with pytest.raises(ValidationError):
        Trace.from_json(
            '{"kind": "continuing", "steps": [{"trigger": "nope", '
            '"source": "running", "dest": "running"}]}'
        )
