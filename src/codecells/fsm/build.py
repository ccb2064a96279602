"""Build `transitions` machines from lifecycle definitions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, NamedTuple

from transitions import Machine, MachineError

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


class _Row(NamedTuple):
    """A transition compiled for `LeanMachine.fire`: what `transitions` would evaluate."""

    checks: tuple[tuple[str, bool], ...]  # (guard, required result): conditions, then unless
    dest: str | None  # None: internal
    effects: tuple[str, ...]
    row: int  # index in `definition(kind).transitions`


def _name(callback: object) -> str:
    if not isinstance(callback, str):
        raise ValueError("a LeanMachine resolves guards and effects by name, on each model")
    return callback


class LeanMachine(Machine):
    """A machine shared by many models that injects nothing into them.

    `transitions` normally adds ~50 attributes (trigger methods, ``is_*``, ``may_*``) to each
    model and checks membership in a list, costing ~150 us per model. Here a model only gets
    its state attribute; fire triggers with `fire(model, trigger, **data)`. After a trigger
    was taken (also when one of its effects raised), `last_row` is the index of its row in
    `definition(kind).transitions`; -1 when no row was taken.
    """

    last_row = -1
    _rows: dict[tuple[str, str], tuple[_Row, ...]]

    def compile_rows(self, d: LifecycleDefinition) -> None:
        """Compile the machine's transitions for `fire`, numbered by their row in `d`.

        Call once, after construction. `fire` then does what `Machine` does for them, without
        its per-trigger event objects and logging (12-20 us -> 2-3 us per trigger): guards in
        order, the state change, the ``after`` callbacks. Other callbacks (prepare, before,
        state enter/exit, machine-wide) are refused: nothing would run them."""
        hooks = [
            self.prepare_event,
            self.before_state_change,
            self.after_state_change,
            self.finalize_event,
            self.on_exception,
            self.on_final,
        ]
        hooks += [
            hook for state in self.states.values() for hook in (state.on_enter, state.on_exit)
        ]
        rows: dict[tuple[str, str], list[_Row]] = {}
        for row, spec in enumerate(d.transitions):
            trigger, source = spec.trigger.value, spec.source.value
            compiled = rows.setdefault((trigger, source), [])
            transition = self.events[trigger].transitions[source][len(compiled)]
            hooks += [transition.prepare, transition.before]
            checks = tuple((_name(c.func), c.target) for c in transition.conditions)
            effects = tuple(_name(effect) for effect in transition.after)
            compiled.append(_Row(checks, transition.dest, effects, row))
        if any(hooks):
            raise ValueError("a LeanMachine runs guards and after-callbacks only")
        self._rows = {key: tuple(found) for key, found in rows.items()}

    def add_model(self, model: Any, initial: Any = None) -> None:
        for mod in model if isinstance(model, list) else [model]:
            self.set_state(self.initial if initial is None else initial, model=mod)  # type: ignore[arg-type]

    def remove_model(self, model: Any) -> None:
        """Nothing to undo: lean models hold no reference to the machine."""

    def fire(self, model: object, trigger: str, **data: Any) -> bool:
        """Fire `trigger` for `model`; False when guards refused every row.

        Raises `MachineError` when the model's state has no row for `trigger` (also for a
        trigger the machine does not know); whatever a guard or effect raises propagates."""
        self.last_row = -1
        state: str = getattr(model, self.model_attribute)
        rows = self._rows.get((trigger, state))
        if rows is None:
            raise MachineError(f"Can't trigger event {trigger} from state {state}!")
        for row in rows:
            for guard, required in row.checks:
                if getattr(model, guard)(**data) != required:
                    break
            else:
                self.last_row = row.row  # taken, even if an effect raises below
                if row.dest is not None:
                    setattr(model, self.model_attribute, row.dest)
                for effect in row.effects:
                    getattr(model, effect)(**data)
                return True
        return False


def shared_machine(kind: CellKind | str) -> LeanMachine:
    """The process-wide `LeanMachine` of `kind`; guards and effects resolve on each model."""
    return _shared_machine(CellKind(kind))


@cache
def _shared_machine(kind: CellKind) -> LeanMachine:
    d = definition(kind)
    machine = LeanMachine(model=None, transitions=machine_transitions(d, None), **_options(d))
    machine.compile_rows(d)
    return machine


def _options(d: LifecycleDefinition) -> dict[str, Any]:
    """What every machine over `d` is built with: its states, no auto transitions, and a
    `MachineError` for a trigger with no row."""
    return {
        "states": [s.value for s in d.states],
        "initial": d.initial.value,
        "auto_transitions": False,
        "ignore_invalid_triggers": False,
        "send_event": False,
    }


def build_machine(
    kind: CellKind | str | LifecycleDefinition,
    model: object | None = None,
    *,
    host: object | None = None,
) -> Machine:
    """A `transitions.Machine` over `definition(kind)` (or the definition given) for `model`
    (the machine itself if None).

    Guards and effects are methods named after `Guard`/`Effect` values, looked up on `host`
    (default: `model` when it implements them, else a `GuardOracle`). The machine has no
    auto transitions and raises `transitions.MachineError` on a trigger with no row.
    """
    d = kind if isinstance(kind, LifecycleDefinition) else definition(kind)
    if host is None:
        names = [g.value for g in d.guards] + [e.value for e in d.effects]
        host = model if model is not None and all(hasattr(model, n) for n in names) else None
        host = host if host is not None else GuardOracle()
    return Machine(
        model=model if model is not None else "self",
        transitions=machine_transitions(d, host),
        **_options(d),
    )
