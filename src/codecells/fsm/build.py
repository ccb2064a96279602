"""Build `transitions` machines from lifecycle definitions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, cast

from transitions import Machine, Transition

from ..kinds import CellKind
from .definition import definition
from .spec import Effect, Guard, LifecycleDefinition

__all__ = ["GuardOracle", "LeanMachine", "build_machine", "machine_transitions", "shared_machine"]


class GuardOracle:
    """A host for machines without behaviour: guards read the ``guards`` keyword of a trigger.

    ``machine.model.trigger("resume", guards={"generation_current": True})`` takes the branch
    guarded by ``generation_current``; guards not named are false. Effects do nothing.
    """

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name in {g.value for g in Guard}:

            def guard(*_args: Any, guards: Mapping[str, bool] | None = None, **_kw: Any) -> bool:
                return bool((guards or {}).get(name, False))

            return guard
        if name in {e.value for e in Effect}:
            return lambda *_args, **_kw: None
        raise AttributeError(name)


def _bind(host: object, names: tuple[str, ...], what: str) -> list[Callable[..., Any]]:
    missing = [n for n in names if not callable(getattr(host, n, None))]
    if missing:
        raise TypeError(f"{type(host).__name__} does not implement {what} {', '.join(missing)}")
    return [getattr(host, n) for n in names]


def machine_transitions(d: LifecycleDefinition, host: object | None) -> list[dict[str, Any]]:
    """The definition's rows as `transitions` dicts.

    With a `host`, guards and effects are bound to its methods; without one they stay names,
    resolved on whichever model a trigger is fired for.
    """

    def resolve(names: tuple[str, ...], what: str) -> list[Any]:
        return list(names) if host is None else _bind(host, names, what)

    if host is not None:
        _bind(host, tuple(g.value for g in d.guards), "guards")
        _bind(host, tuple(e.value for e in d.effects), "effects")
    return [
        {
            "trigger": t.trigger.value,
            "source": t.source.value,
            "dest": None if t.internal else t.dest.value,
            "conditions": resolve(tuple(g.value for g in t.conditions), "guards"),
            "unless": resolve(tuple(g.value for g in t.unless), "guards"),
            "after": resolve(tuple(e.value for e in t.effects), "effects"),
        }
        for t in d.transitions
    ]


class _RowTransition(Transition):
    """A transition that knows its row in the definition and reports it when taken."""

    row = -1

    def execute(self, event_data: Any) -> bool:
        if not super().execute(event_data):
            return False
        event_data.machine.last_row = self.row
        return True


class LeanMachine(Machine):
    """A machine shared by many models that injects nothing into them.

    `transitions` normally adds ~50 attributes (trigger methods, ``is_*``, ``may_*``) to each
    model and checks membership in a list, costing ~150 us per model. Here a model only gets
    its state attribute; fire triggers with `fire(model, trigger, **data)`. After a trigger
    was taken, `last_row` is the index of its row in `definition(kind).transitions`.
    """

    transition_cls = _RowTransition
    last_row = -1

    def number_rows(self, d: LifecycleDefinition) -> None:
        """Tell every transition its row index in `d` (rows per (source, trigger) keep order)."""
        seen: dict[tuple[str, str], int] = {}
        for index, spec in enumerate(d.transitions):
            key = (spec.trigger.value, spec.source.value)
            nth = seen.get(key, 0)
            seen[key] = nth + 1
            rows = self.events[spec.trigger.value].transitions[spec.source.value]
            transition = cast(_RowTransition, rows[nth])
            transition.row = index

    def add_model(self, model: Any, initial: Any = None) -> None:
        for mod in model if isinstance(model, list) else [model]:
            self.set_state(self.initial if initial is None else initial, model=mod)  # type: ignore[arg-type]

    def remove_model(self, model: Any) -> None:
        """Nothing to undo: lean models hold no reference to the machine."""

    def fire(self, model: object, trigger: str, **data: Any) -> bool:
        """Fire `trigger` for `model`; False when guards refused every row."""
        return bool(self.events[trigger].trigger(model, **data))


def shared_machine(kind: CellKind | str) -> LeanMachine:
    """The process-wide `LeanMachine` of `kind`; guards and effects resolve on each model."""
    return _shared_machine(CellKind(kind))


@cache
def _shared_machine(kind: CellKind) -> LeanMachine:
    d = definition(kind)
    machine = LeanMachine(
        model=None,
        states=[s.value for s in d.states],
        initial=d.initial.value,
        transitions=machine_transitions(d, None),
        auto_transitions=False,
        ignore_invalid_triggers=False,
        send_event=False,
    )
    machine.number_rows(d)
    return machine


def build_machine(
    kind: CellKind | str, model: object | None = None, *, host: object | None = None
) -> Machine:
    """A `transitions.Machine` over `definition(kind)` for `model` (the machine itself if None).

    Guards and effects are methods named after `Guard`/`Effect` values, looked up on `host`
    (default: `model` when it implements them, else a `GuardOracle`). The machine has no
    auto transitions and raises `transitions.MachineError` on a trigger with no row.
    """
    d = definition(kind)
    if host is None:
        names = [g.value for g in d.guards] + [e.value for e in d.effects]
        host = model if model is not None and all(hasattr(model, n) for n in names) else None
        host = host if host is not None else GuardOracle()
    return Machine(
        model=model if model is not None else "self",
        states=[s.value for s in d.states],
        initial=d.initial.value,
        transitions=machine_transitions(d, host),
        auto_transitions=False,
        ignore_invalid_triggers=False,
        send_event=False,
    )
