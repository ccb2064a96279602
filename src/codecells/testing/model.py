"""Steps and paths: the unit of model-based testing, derived from a lifecycle definition.

Every transition row becomes a `Step` carrying the guard assignment that selects it: the
row's own `conditions` hold, its `unless` guards fail, and every earlier row for the same
(state, trigger) is falsified, so ``trigger(guards=step.guards)`` on a `GuardOracle` host
takes exactly that row.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ..fsm import LifecycleDefinition, State, Trigger, definition
from ..fsm.effective import effective_guards, guard_assignment
from ..kinds import CellKind
from ._defs import Lifecycle, by_definition

__all__ = ["Path", "Step", "dead_rows", "guard_assignment", "effective_guards", "row_steps"]


class Step(BaseModel):
    """One transition row taken: `trigger` in `source` leads to `dest` through row `row_index`
    of the definition, with `guards` (guard name -> value) selecting that row."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    trigger: Trigger
    source: State
    dest: State
    row_index: int
    guards: dict[str, bool] = {}
    internal: bool = False

    def label(self) -> str:
        """The trigger with its guard assignment, e.g. ``resume[generation_current]``."""
        if not self.guards:
            return self.trigger.value
        parts = [g if v else f"!{g}" for g, v in self.guards.items()]
        return f"{self.trigger.value}[{', '.join(parts)}]"

    def __repr__(self) -> str:
        return f"<Step {self}>"

    def __str__(self) -> str:
        how = "internal, row" if self.internal else "row"
        return f"{self.source.value} --{self.label()}--> {self.dest.value} ({how} {self.row_index})"


class Path(BaseModel):
    """Steps from the initial state of `kind`, in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: CellKind
    steps: tuple[Step, ...] = ()

    @property
    def target(self) -> State:
        """The state the path ends in."""
        return self.steps[-1].dest if self.steps else definition(self.kind).initial

    @property
    def triggers(self) -> tuple[Trigger, ...]:
        """The triggers of the steps, in order."""
        return tuple(s.trigger for s in self.steps)

    def __str__(self) -> str:
        out = [self.steps[0].source.value if self.steps else self.target.value]
        out += [f"--{s.label()}--> {s.dest.value}" for s in self.steps]
        return " ".join(out)


@by_definition
def _analyse(d: LifecycleDefinition) -> tuple[tuple[Step, ...], tuple[int, ...]]:
    steps: list[Step] = []
    dead: list[int] = []
    for i, row in enumerate(d.transitions):
        guards = effective_guards(d, i)
        if guards is None:
            dead.append(i)
            continue
        steps.append(
            Step(
                trigger=row.trigger,
                source=row.source,
                dest=row.dest,
                row_index=i,
                guards=guards,
                internal=row.internal,
            )
        )
    return tuple(steps), tuple(dead)


def row_steps(kind: Lifecycle) -> tuple[Step, ...]:
    """Every row of the lifecycle (a kind or a definition) that some guard assignment
    selects, as a `Step`."""
    return _analyse(kind)[0]


def dead_rows(kind: Lifecycle) -> tuple[int, ...]:
    """Indexes of rows no guard assignment selects (shadowed by earlier rows)."""
    return _analyse(kind)[1]
